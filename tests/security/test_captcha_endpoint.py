"""Finding 14 (captcha): `/captcha.png` is rate-limited per address and keeps at most one live
challenge per browser session, so fetching images cannot fill the database."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import CaptchaChallenge


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(CaptchaChallenge))


def test_one_session_keeps_one_challenge_and_expired_ones_are_purged(app, client):
    db.session.add(CaptchaChallenge(id="e" * 32, answer="ABCD", created_at=datetime.now() - timedelta(hours=1)))
    db.session.commit()
    for _ in range(8):
        assert client.get("/captcha.png").status_code == 200
    with client.session_transaction() as sess:
        live = sess["captcha_id"]
    assert list(db.session.scalars(select(CaptchaChallenge.id))) == [live]

    app.test_client().get("/captcha.png")  # another browser has its own
    assert rows() == 2


def test_too_many_images_from_one_address_get_a_chinese_429(client):
    for _ in range(30):  # CAPTCHA_RATE_LIMIT's default: more than a person ever asks for in a minute
        assert client.get("/captcha.png").status_code == 200
    r = client.get("/captcha.png")
    assert r.status_code == 429 and "操作过于频繁" in r.get_data(as_text=True)
    assert rows() == 1
    # Only that address is held back.
    assert client.get("/captcha.png", environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 200
