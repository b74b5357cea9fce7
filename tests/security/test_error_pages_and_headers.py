"""Finding 14: error pages in Chinese inside the site's frame, a Content-Security-Policy on every
response, and no SECRET_KEY generated per server on PostgreSQL (see test_reset_link_host)."""
from __future__ import annotations

import pytest
from flask import abort

ENGLISH = ("Bad Request", "Method Not Allowed", "Request Entity Too Large", "Internal Server Error",
           "The browser (or proxy)", "The method is not allowed", "Not Found")


def _chinese_page(r, code):
    body = r.get_data(as_text=True)
    assert r.status_code == code
    assert "职称申报评审系统" in body  # the site's frame
    for words in ENGLISH:
        assert words not in body, words
    return body


def test_405_in_chinese(org, client):
    body = _chinese_page(client.get("/logout"), 405)
    assert "不支持该操作方式" in body


def test_413_in_chinese(app, org, auth, csrf):
    c = auth.client("unita")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    r = c.post("/admin/basic_info/", data={"csrf_token": "x", "blob": "x" * 4096})
    body = _chinese_page(r, 413)
    assert "过大" in body


def test_400_in_chinese(org, client):
    body = _chinese_page(client.post("/login", data={"username": "a"}), 400)
    assert "CSRF" in body or "请求无效" in body


@pytest.mark.own_app  # adds a route
def test_500_in_chinese(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("secret internal detail")

    r = client.get("/boom-for-test")
    body = _chinese_page(r, 500)
    assert "secret internal detail" not in body and "系统内部错误" in body


@pytest.mark.own_app  # adds a route
def test_bad_request_abort_in_chinese(app, client):
    @app.route("/bad-for-test")
    def bad():
        abort(400)

    assert "请求无效" in _chinese_page(client.get("/bad-for-test"), 400)


@pytest.mark.parametrize("url", ["/login", "/admin/", "/register", "/nowhere"])
def test_every_response_has_a_content_security_policy(client, url):
    csp = client.get(url).headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'self'",
                      "form-action 'self'"):
        assert directive in csp
    assert "http:" not in csp and "*" not in csp
