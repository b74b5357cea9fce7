#!/usr/bin/env bash
# The public pages under load through gunicorn: 证书查询 among the city's certificates (200,000
# or more) and the 公示 pages, from many addresses (bench/locust_verify.py).
# Budget (issue 评后管理): ≥ 200 req/s with p99 ≤ 100 ms; the 公示 pages served from the cache.
#
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/zhicheng_city bash bench/load_verify.sh
#   (the city data: flask --app app demo-data --scale city, which includes 200,000 historical certificates)
#
# Before the run the script makes sure there are CERTIFICATES (default 200,000) historical
# certificates and one 公示 in its period of 300 people (published by the root office today from
# the city's 审核通过 results), and picks 5,000 certificates to ask for. USERS visitors (default
# 400), each waiting LOAD_WAIT_MIN..LOAD_WAIT_MAX s (default 1–2.5 s), start at RATE per second;
# then the statistics run DURATION seconds. gunicorn: GUNICORN_WORKERS (2) × GUNICORN_THREADS (4),
# the rate limiter on Redis (LOAD_REDIS_URL, default redis://127.0.0.1:6379/13, emptied first).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/_common.sh
load_knobs 400 40 60 8124 bench/out/verify
CERTIFICATES=${CERTIFICATES:-200000}
.venv/bin/locust --version >/dev/null 2>&1 || .venv/bin/pip install -q -e '.[bench]' >/dev/null
LOAD_REDIS_URL=${LOAD_REDIS_URL:-redis://127.0.0.1:6379/13}
.venv/bin/python -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$LOAD_REDIS_URL"
export RATELIMIT_STORAGE_URI=$LOAD_REDIS_URL PROXY_COUNT=1
export_app_keys
export LOAD_CERTS=$OUT/certs.json
export LOAD_BATCHES=$(CERTIFICATES=$CERTIFICATES .venv/bin/python - <<'PY'
import json, os, random
from datetime import date
from sqlalchemy import func, select, text
from zhicheng import create_app, transaction
from zhicheng.certificates import publicity
from zhicheng.certificates.models import Certificate, PublicityBatch
from zhicheng.demodata.city import _load_certificates
from zhicheng.extensions import db
from zhicheng.models import User
app = create_app()
with app.app_context():
    want = int(os.environ["CERTIFICATES"])
    have = db.session.scalar(select(func.count()).select_from(Certificate))
    if have < want:
        _load_certificates(random.Random(have), want - have, 2022 - have % 7)
    batches = [b.id for b in publicity.public_batches() if len(publicity.listed_entries(b.id)) >= 300]
    if not batches:
        root = db.session.scalar(select(User).where(User.username == "rsj_admin"))
        ids = list(db.session.scalars(publicity.candidates(root).with_only_columns(
            publicity.Material.id).limit(300)))
        start = date.today()
        batches = [publicity.create_batch(root, f"{start.year}年度专业技术资格评审结果公示（压力测试）", start,
                                          publicity.earliest_end(start), ids).id]
    transaction.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) certificate"))
    rows = db.session.execute(select(Certificate.number, Certificate.name, Certificate.query_code)
                              .where(Certificate.state == "valid").order_by(func.random()).limit(5000)).all()
    json.dump([list(r) for r in rows], open(os.environ["LOAD_CERTS"], "w", encoding="utf-8"), ensure_ascii=False)
    total = db.session.scalar(select(func.count()).select_from(Certificate))
    import sys
    print(f"{total} certificates; 公示 batches in their period: {batches}", file=sys.stderr)
    print(",".join(map(str, batches)))
PY
)
start_gunicorn /verify
start_locust bench/locust_verify.py "http://127.0.0.1:$PORT" "$OUT/load" "$OUT/locust.txt"
cpu_window
tail -25 "$OUT/locust.txt"
cpu_report
