"""Fixtures: a fresh database per test (SQLite file, or TEST_DATABASE_URL for PostgreSQL),
a small organisation built by tests/factories.py, and a client that logs in as anyone."""
from __future__ import annotations

import os
import re

import pytest
from flask import g
from sqlalchemy import text

from zhicheng import create_app
from zhicheng.config import TestConfig
from zhicheng.extensions import db, limiter

from . import factories


@pytest.fixture
def app(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    app = create_app(TestConfig(tmp_path, url))

    @app.before_request
    def _forget_previous_request():
        # Requests share the test's app context (and its `g`); Flask-Login caches the user and
        # Flask-WTF the CSRF token in g, so without this a second client would act as (and with
        # the token of) whoever made the previous request.
        g.pop("_login_user", None)
        g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)

    with app.app_context():
        if url:
            _reset_postgres()
        db.create_all()
        limiter.reset()
        yield app
        db.session.remove()
        if url:
            _reset_postgres()
        db.engine.dispose()


def _reset_postgres():
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture
def org(app):
    return factories.build_org()


@pytest.fixture
def client(app):
    return app.test_client()


class Auth:
    def __init__(self, app):
        self.app = app

    def client(self, username: str | None = None, password: str = factories.PASSWORD):
        """A new test client, logged in as `username` (anonymous when None)."""
        c = self.app.test_client()
        if username:
            r = c.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(c, "/login")})
            assert r.status_code == 302, f"login as {username} failed: {r.status_code}"
        return c


@pytest.fixture
def auth(app):
    return Auth(app)


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    """The CSRF token a browser would read from the page at `url`."""
    page = client.get(url).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, f"no csrf_token on {url}"
    return match.group(1)


@pytest.fixture
def csrf():
    return csrf_token


@pytest.fixture
def live_server(app):
    """The test app served on a free loopback port in a thread (for the browser tests)."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def page(live_server, tmp_path):
    """A Playwright page in Debian's Chromium (Playwright's own browser download is not used)."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser`")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        context = browser.new_context(accept_downloads=True, locale="zh-CN", base_url=live_server)
        context.set_default_timeout(15000)
        pg = context.new_page()
        try:
            yield pg
        finally:
            context.close()
            browser.close()
