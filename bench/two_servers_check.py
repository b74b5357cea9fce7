"""The end-to-end checks of bench/two_servers.sh: nginx in front of two app servers (A and B)
sharing PostgreSQL, Redis and an S3 bucket, one RQ worker. One line per check; exit status 1 at
the first failure.

Requests go through nginx as a browser's would, or straight to server A or B with the Host
header the app trusts (nginx's host:port, as nginx passes it) and the X-Forwarded-For nginx
would add, so each step can be pinned to one server. Only the standard library speaks HTTP
here; openpyxl (a dependency of the app) reads the exported workbook back.

Environment (set by bench/two_servers.sh): TWO_NGINX, TWO_SERVER_A, TWO_SERVER_B (host:port),
TWO_SPARE_PORT, TWO_TMP, TWO_NGINX_CONF, TWO_WORKER_LOG, and the app's own settings
(DATABASE_URL, SECRET_KEY, BASE_URL, S3_*, JOBS_*).
"""
from __future__ import annotations

import http.client
import io
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from html import unescape
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
NGINX = os.environ["TWO_NGINX"]
SERVERS = {"nginx": NGINX, "A": os.environ["TWO_SERVER_A"], "B": os.environ["TWO_SERVER_B"]}
TMP = Path(os.environ["TWO_TMP"])
#: What nginx passes on (Host $host): the public host; a direct request to A or B sends the same.
PUBLIC_HOST = NGINX
#: The client address nginx would add for a browser; sent on direct requests to A and B.
CLIENT_ADDRESS = "198.51.100.23"
DEMO_PASSWORD = "Demo2026pass"  # zhicheng/demodata/demo.py
UNIT = "xhsz"                   # a demo unit account (西湖区), with 填写材料 and 导出汇总表

started = time.monotonic()


def passed(text: str) -> None:
    print(f"ok   {text}  [{time.monotonic() - started:5.1f} s]", flush=True)


class CheckFailed(Exception):
    pass


def check(condition, text: str, detail: str = "") -> None:
    if not condition:
        raise CheckFailed(f"{text}{': ' + detail if detail else ''}")


# --- a small HTTP client: one cookie jar, any of the three addresses, no automatic redirects ---------

class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Browser:
    def __init__(self, name: str) -> None:
        self.name = name
        self.cookies: dict[str, str] = {}

    def request(self, via: str, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        host, port = SERVERS[via].rsplit(":", 1)
        sent = {"Host": PUBLIC_HOST, "User-Agent": "two-servers-check", "Accept-Language": "zh-CN"}
        if via != "nginx":
            sent["X-Forwarded-For"] = CLIENT_ADDRESS
            sent["X-Forwarded-Proto"] = "http"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        return response

    def get(self, via: str, path: str, **kw) -> Response:
        return self.request(via, "GET", path, **kw)

    def post_form(self, via: str, path: str, fields: dict | list) -> Response:
        return self.request(via, "POST", path, body=urlencode(fields).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, via: str, path: str, fields: list[tuple[str, str]],
                       files: list[tuple[str, str, bytes, str]]) -> Response:
        boundary = "----two-servers-" + secrets.token_hex(12)
        out = io.BytesIO()
        for name, value in fields:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            out.write(value.encode() + b"\r\n")
        for name, filename, data, mime in files:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                      f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'.encode())
            out.write(data + b"\r\n")
        out.write(f"--{boundary}--\r\n".encode())
        return self.request(via, "POST", path, body=out.getvalue(),
                            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


class FormParser(HTMLParser):
    """Inputs (name → value) and selects (name → option values) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.selects: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "textarea") and a.get("name"):
            self.inputs.setdefault(a["name"], a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self.selects[self._select].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def parse_form(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def csrf_of(html: str) -> str:
    token = parse_form(html).inputs.get("csrf_token")
    check(token, "the page has a CSRF token")
    return token


def login(browser: Browser, via: str, username: str, password: str) -> Response:
    page = browser.get(via, "/login")
    check(page.status == 200, f"GET /login via {via}", f"status {page.status}")
    return browser.post_form(via, "/login", {"csrf_token": csrf_of(page.text), "username": username,
                                             "password": password, "captcha": ""})


def make_pdf(note: str) -> bytes:
    """A small valid one-page PDF (with a correct cross-reference table)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"]
    stream = f"BT /F1 12 Tf 72 770 Td ({note}) Tj ET".encode()
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def id_card(birth: date, seq: int, area: str = "330106") -> str:
    """A valid 18-digit resident ID (GB 11643 check digit)."""
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def s3_client():
    import boto3
    return boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT_URL"], region_name="us-east-1",
                        aws_access_key_id=os.environ["S3_ACCESS_KEY"],
                        aws_secret_access_key=os.environ["S3_SECRET_KEY"])


def local_files() -> list[str]:
    """Files the servers or the worker have kept on their own disks (there should be none)."""
    found = []
    for instance in TMP.glob("instance-*"):
        for area in ("uploads", "exports"):
            folder = instance / area
            if folder.is_dir():
                found += [str(p.relative_to(TMP)) for p in folder.iterdir() if p.is_file()]
    return found


# --- the checks ----------------------------------------------------------------------------------------

def check_health_and_static() -> None:
    r = Browser("monitor").get("nginx", "/healthz")
    body = json.loads(r.body) if r.status in (200, 503) else {}
    check(r.status == 200 and body.get("checks") == {"database": "ok", "redis": "ok", "storage": "ok"},
          "/healthz through nginx", f"{r.status} {r.text[:200]}")
    passed(f"/healthz through nginx: 200 {json.dumps(body['checks'])}")

    from zhicheng.config import STATIC
    r = Browser("anonymous").get("nginx", "/static/zhicheng.css")
    check(r.status == 200 and r.body == (STATIC / "zhicheng.css").read_bytes(), "static file through nginx",
          f"status {r.status}")
    check(r.headers.get("Server", "").startswith("nginx") and r.headers.get("Content-Type", "").startswith("text/css"),
          "static file served by nginx itself", f"Server {r.headers.get('Server')!r}")
    passed("/static/zhicheng.css served by nginx from the package's static folder (text/css, same bytes)")

    import flask_admin
    admin_static = Path(flask_admin.__file__).parent / "static"
    r = Browser("anonymous").get("nginx", "/admin/static/vendor/jquery.min.js?v=3.5.1")
    check(r.status == 200 and r.body == (admin_static / "vendor/jquery.min.js").read_bytes()
          and r.headers.get("Server", "").startswith("nginx") and "X-Request-ID" not in r.headers,
          "Flask-Admin's static file served by nginx itself", f"status {r.status}, headers {dict(r.headers)}")
    passed("/admin/static/vendor/jquery.min.js served by nginx from Flask-Admin's folder (same bytes, no app server)")

    agent = f"two-servers-balance-{secrets.token_hex(4)}"
    for _ in range(8):
        r = Browser("monitor").get("nginx", "/healthz", headers={"User-Agent": agent})
        check(r.status == 200, "/healthz through nginx", f"status {r.status}")
    deadline = time.monotonic() + 5
    while True:  # gunicorn writes its access line just after the response
        seen = {side: (TMP / f"server-{side}.log").read_text(errors="replace").count(agent) for side in ("a", "b")}
        if sum(seen.values()) >= 8 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    check(all(seen.values()) and sum(seen.values()) == 8, "nginx sends requests to both servers", str(seen))
    passed(f"nginx spreads requests over both servers (8 requests: A {seen['a']}, B {seen['b']})")

    r = Browser("stranger").get("nginx", "/login", headers={"Host": "evil.example"})
    check(r.status == 400, "a host outside TRUSTED_HOSTS through nginx", f"status {r.status}")
    passed("Host: evil.example through nginx: 400 from the app (nginx passes the host, the app checks it)")


def check_body_limit() -> None:
    from zhicheng.config import Config
    limit = Config().MAX_CONTENT_LENGTH
    conf = Path(os.environ["TWO_NGINX_CONF"]).read_text()
    size = re.search(r"client_max_body_size\s+(\d+)([kKmM]?);", conf)
    check(size, "client_max_body_size in deploy/nginx.conf")
    nginx_limit = int(size.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[size.group(2).lower()]
    check(nginx_limit == limit, "client_max_body_size matches MAX_CONTENT_LENGTH", f"{nginx_limit} != {limit}")

    def status_for(length: int, send: bool) -> tuple[int, str]:
        host, port = NGINX.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=30) as s:
            s.sendall((f"POST /login HTTP/1.1\r\nHost: {PUBLIC_HOST}\r\nContent-Type: application/octet-stream\r\n"
                       f"Content-Length: {length}\r\nConnection: close\r\n\r\n").encode())
            if send:
                chunk = b"\0" * (1024 * 1024)
                left = length
                while left:
                    n = min(left, len(chunk))
                    s.sendall(chunk[:n])
                    left -= n
            answer = b""
            while b"\r\n\r\n" not in answer:
                data = s.recv(65536)
                if not data:
                    break
                answer += data
        head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        server = re.search(r"(?im)^Server:\s*(.+)$", head)
        return int(head.split()[1]), (server.group(1).strip() if server else "")

    over, server = status_for(limit + 1, send=False)
    check(over == 413 and server.startswith("nginx"), "a body over the limit is refused by nginx",
          f"{over} from {server!r}")
    at, server = status_for(limit, send=True)
    check(at != 413, "a body of exactly the limit passes nginx", f"{at} from {server!r}")
    passed(f"client_max_body_size = MAX_CONTENT_LENGTH = {limit} bytes: {limit + 1} refused by nginx (413), "
           f"{limit} passed on to the app ({at})")


def check_sent_to_login(browser: Browser, vias, what: str) -> None:
    """/admin/ through each server of `vias` sends the browser to the login page (`what` names the
    check, with {via})."""
    for via in vias:
        r = browser.get(via, "/admin/")
        check(r.status == 302 and "/login" in r.location, what.format(via=via), f"{r.status} → {r.location!r}")


def check_login_and_session() -> Browser:
    browser = Browser(UNIT)
    r = login(browser, "nginx", UNIT, DEMO_PASSWORD)
    check(r.status == 302 and urlsplit(r.location).path.startswith("/admin"), "log in through nginx",
          f"{r.status} → {r.location!r}")
    check("session" in browser.cookies, "the login sets the session cookie", str(list(browser.cookies)))
    passed(f"logged in through nginx as {UNIT} (302 → {urlsplit(r.location).path})")

    for via in ("A", "B", "nginx"):
        r = browser.get(via, "/admin/")
        check(r.status == 200 and 'action="/logout"' in r.text, f"the session on server {via}",
              f"status {r.status} → {r.location!r}")
    check_sent_to_login(Browser("anonymous"), ("A", "B"), "no session on server {via} without the cookie")
    passed("the session cookie from the nginx login is valid on server A and on server B (same SECRET_KEY, "
           "sessions in PostgreSQL); without it both send to /login")
    return browser


def check_upload_and_download(browser: Browser) -> dict:
    projects = browser.get("A", "/admin/projects/")
    check(projects.status == 200, "填写材料 list on A", f"status {projects.status}")
    ids = re.findall(r"/admin/materials/fill/\?project=(\d+)", projects.text)
    check(ids, "a project open for 填写材料")
    project = ids[-1]  # the list is newest first: the oldest, an 初定 project (评审 ones ask for the 真实性承诺 first)
    fill_path = f"/admin/materials/fill/?project={project}"
    page = browser.get("A", fill_path)
    check(page.status == 200, "the 填写材料 form on A", f"status {page.status}")
    form = parse_form(page.text)

    def choose(name: str, wanted: str) -> str:
        options = [o for o in form.selects.get(name, []) if o]
        return wanted if not options or wanted in options else options[0]

    birth = date(1988, 3, 9)
    name = "两台服务器" + secrets.token_hex(2).upper()
    fields = [
        ("csrf_token", form.inputs["csrf_token"]), ("name", name), ("gender", "女"),
        ("birth_date", birth.isoformat()), ("id_card", id_card(birth, 222)), ("phone", "13912345678"),
        ("work_start_date", "2010-07-01"), ("current_major", "建筑工程"),
        ("series", choose("series", "工程")), ("major", choose("major", "建筑工程")),
        ("qualification", choose("qualification", "助理工程师")), ("education", choose("education", "本科")),
        ("current_title", "技术员"),
        ("educations-0-start_date", "2006-09-01"), ("educations-0-end_date", "2010-06-30"),
        ("educations-0-school", "浙江大学"), ("educations-0-major", "土木工程"),
        ("educations-0-education", "本科"), ("educations-0-degree", "学士"),
        ("work_histories-0-start_date", "2010-07-01"), ("work_histories-0-employer", "杭州某科技有限公司"),
        ("work_histories-0-post", "技术员"), ("work_histories-0-duty", "施工管理"),
        ("achievements", "参与某大桥施工管理。"),
    ]
    scan = make_pdf(f"two servers {secrets.token_hex(8)}")
    r = browser.post_multipart("A", fill_path, fields, [("scans", "学历证书.pdf", scan, "application/pdf")])
    check(r.status == 302 and "/admin/materials/modify/" in r.location, "save the material with a scan on A",
          f"{r.status} {r.location!r} {re.findall(r'invalid-feedback[^>]*>([^<]+)', r.text)[:5]}")
    modify = urlsplit(r.location)
    modify_path = modify.path + ("?" + modify.query if modify.query else "")
    passed(f"material saved with a scanned PDF ({len(scan)} bytes) through server A")

    page = browser.get("B", modify_path)
    check(page.status == 200, "the material on B", f"status {page.status}")
    number = re.search(r"修改申报材料 · ([^（<]+)（", page.text)
    attachments = re.findall(r'href="(/admin/materials/attachment/\d+)"', page.text)
    check(number and attachments, "the material page on B lists the attachment")
    r = browser.get("B", attachments[0])
    endpoint = os.environ["S3_ENDPOINT_URL"]
    check(r.status == 302 and r.location.startswith(endpoint + "/"), "the download on B redirects to the bucket",
          f"{r.status} → {r.location[:80]!r}")
    check("X-Amz-Signature=" in r.location and "X-Amz-Expires=" in r.location, "a presigned URL")
    with urllib.request.urlopen(r.location, timeout=30) as got:
        data, mime = got.read(), got.headers.get("Content-Type")
    check(data == scan, "the bytes downloaded via B are the bytes uploaded via A", f"{len(data)} vs {len(scan)} bytes")
    check(mime == "application/pdf", "served as application/pdf", str(mime))
    stranger = Browser("anonymous").get("B", attachments[0])
    check(not stranger.location.startswith(endpoint), "no presigned URL without a login",
          f"{stranger.status} → {stranger.location[:80]!r}")
    passed(f"attachment downloaded through server B: 302 to a presigned S3 URL, {len(data)} bytes identical")
    keys = [o["Key"] for o in s3_client().list_objects_v2(Bucket=os.environ["S3_BUCKET"]).get("Contents", [])]
    check(any(k.startswith("uploads/") for k in keys), "the scan is in the bucket", str(keys))
    check(not local_files(), "no upload on any server's own disk", str(local_files()))
    passed("the scan is in the shared bucket (uploads/…), on neither server's own disk")
    return {"project": project, "number": number.group(1).strip(), "name": name}


def check_background_export(browser: Browser, material: dict) -> None:
    r = browser.get("A", f"/admin/export/download?project={material['project']}")
    check(r.status == 302 and re.search(r"/admin/export/job/\d+$", urlsplit(r.location).path),
          "the export on A becomes a background job", f"{r.status} → {r.location!r}")
    job_path = urlsplit(r.location).path
    passed(f"export started through server A: 302 → {job_path} (EXPORT_BACKGROUND_THRESHOLD=0)")

    deadline, status = time.monotonic() + 60, ""
    while time.monotonic() < deadline:
        page = browser.get("B", job_path)
        check(page.status == 200, "the job page on B", f"status {page.status}")
        found = re.search(r'id="job-status"[^>]*>(.*?)</', page.text, re.S)
        status = unescape(found.group(1)).strip() if found else ""
        if "导出完成" in status or "失败" in status or "expired" in status:
            break
        time.sleep(0.3)
    check("导出完成" in status, "the worker finished the export", status or "still pending after 60 s")
    worker_log = Path(os.environ["TWO_WORKER_LOG"]).read_text(errors="replace")
    check("zhicheng.jobs.worker.run_task" in worker_log and "Job OK" in worker_log,
          "the RQ worker ran the job", worker_log[-500:])
    passed(f"the RQ worker ran the job; job page polled through server B: “{status}”")

    r = browser.get("B", job_path + "/file")
    endpoint = os.environ["S3_ENDPOINT_URL"]
    check(r.status == 302 and r.location.startswith(endpoint + "/"), "the export file via B redirects to the bucket",
          f"{r.status} → {r.location[:80]!r}")
    with urllib.request.urlopen(r.location, timeout=30) as got:
        data = got.read()
    check(data[:2] == b"PK", "the export is an xlsx (a zip)")
    from openpyxl import load_workbook
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    check(rows and rows[0][:2] == ("编号", "姓名"), "the header row", repr(rows[:1]))
    # The unit's materials of the project: the one filled via A among them (the demo data holds others
    # of the same unit: a 个人申报 at 单位审核 and an 已评定 one), and no other unit's.
    check(any(row[0] == material["number"] and row[1] == material["name"] for row in rows[1:])
          and len({row[7] for row in rows[1:]}) == 1,
          "the exported rows", repr(rows[1:]))
    passed(f"export file downloaded through server B from the bucket: xlsx, {len(rows) - 1} rows of the unit, "
           f"among them {material['number']} {material['name']}")
    check(not local_files(), "no export file on any server's own disk", str(local_files()))


def check_shared_login_limit() -> None:
    account = f"{UNIT}001"  # a sub-account of the unit: failures never lock it, only ask for the captcha
    from zhicheng.config import Config
    limit = Config().LOGIN_CAPTCHA_ACCOUNT_FAILURES

    control = Browser("control")
    r = login(control, "B", account, DEMO_PASSWORD)
    check(r.status == 302, "before any failure, the right password without captcha logs in on B",
          f"{r.status}")
    for i in range(limit):
        r = login(Browser(f"guesser{i}"), "A", account, "wrong-password")
        check(r.status == 200 and "用户名或密码错误" in r.text, f"failed login {i + 1} on A", f"status {r.status}")
    passed(f"{limit} failed logins of {account} on server A (LOGIN_CAPTCHA_ACCOUNT_FAILURES={limit})")

    for via in ("B", "nginx"):
        owner = Browser("owner")
        r = login(owner, via, account, DEMO_PASSWORD)
        check(r.status == 200 and 'id="captcha-reason"' in r.text, f"on {via} the captcha is now compulsory",
              f"status {r.status} → {r.location!r}")
        check(owner.get(via, "/admin/").status == 302, f"no login on {via} without the captcha")
    passed("on server B (and through nginx) the right password without the captcha is refused: "
           "the failure counts live in Redis, shared by both servers")


def check_refuses_without_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["ZHICHENG_INSTANCE"] = str(TMP / "instance-nokey")
    port = os.environ["TWO_SPARE_PORT"]
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    env["GUNICORN_WORKERS"] = "1"
    venv = ROOT / ".venv" / "bin"
    try:
        run = subprocess.run([str(venv / "gunicorn"), "-c", "gunicorn.conf.py", "--control-socket",
                              str(TMP / "nokey.ctl"), "app:app"], cwd=ROOT,
                             env=dict(env, PROMETHEUS_MULTIPROC_DIR=str(TMP / "metrics-nokey")),
                             capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise CheckFailed("gunicorn without SECRET_KEY on PostgreSQL kept running") from None
    output = run.stdout + run.stderr
    check(run.returncode != 0 and "SECRET_KEY" in output, "gunicorn without SECRET_KEY refuses to start",
          f"exit {run.returncode}: {output[-300:]}")
    with socket.socket() as s:
        check(s.connect_ex(("127.0.0.1", int(port))) != 0, "nothing listens on its port")
    message = next((line.strip() for line in output.splitlines() if "SECRET_KEY" in line), "")
    passed(f"gunicorn on PostgreSQL without SECRET_KEY refuses to start (exit {run.returncode}): {message[:90]}")

    run = subprocess.run([str(venv / "flask"), "--app", "app", "routes"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    check(run.returncode != 0 and "SECRET_KEY" in run.stdout + run.stderr, "flask routes without SECRET_KEY",
          f"exit {run.returncode}")
    passed(f"`flask --app app routes` without SECRET_KEY refuses too (exit {run.returncode})")


def check_logout_everywhere(browser: Browser) -> None:
    page = browser.get("A", "/admin/")
    other_tab = Browser("the same login, kept elsewhere")
    other_tab.cookies = dict(browser.cookies)
    r = browser.post_form("B", "/logout", {"csrf_token": csrf_of(page.text)})
    check(r.status == 302 and "/login" in r.location, "logout on B", f"{r.status} → {r.location!r}")
    check_sent_to_login(other_tab, ("A", "nginx"), "the old session cookie is dead on {via}")
    passed("退出 on server B ends that login on server A and through nginx, even with the old cookie kept "
           "(login sessions in PostgreSQL)")


def main() -> int:
    print(f"checks: nginx {NGINX}, server A {SERVERS['A']}, server B {SERVERS['B']}", flush=True)
    try:
        check_health_and_static()
        check_body_limit()
        browser = check_login_and_session()
        material = check_upload_and_download(browser)
        check_background_export(browser, material)
        check_shared_login_limit()
        check_logout_everywhere(browser)
        check_refuses_without_secret_key()
    except CheckFailed as e:
        print(f"FAIL {e}", flush=True)
        return 1
    print(f"all checks passed in {time.monotonic() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
