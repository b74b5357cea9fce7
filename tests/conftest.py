"""Fixtures: a fresh database per test (a copy of an SQLite file with the schema, or
TEST_DATABASE_URL's PostgreSQL database emptied), a small organisation built by
tests/factories.py, and a client that logs in as anyone.

The suite runs in pytest-xdist workers (pyproject.toml's addopts): each worker has its own
temporary directory, hence its own SQLite files, and on PostgreSQL its own database, created
here next to TEST_DATABASE_URL's and dropped at the end."""
from __future__ import annotations

import contextvars
import os
import re
import shutil
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from zhicheng import create_app
from zhicheng.config import TestConfig
from zhicheng.extensions import db, limiter

from . import factories

_WORKER_DATABASE = pytest.StashKey[tuple]()


def pytest_configure(config):
    """In an xdist worker, TEST_DATABASE_URL is pointed at a database of the worker's own
    (zhicheng_ci_gw0 beside zhicheng_ci), created empty, so that workers never empty or drop
    each other's tables; tests that read the variable themselves get the worker's database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if not (worker and url):
        return
    server = make_url(url)
    own = server.set(database=f"{server.database}_{worker}")
    _recreate_database(server, own.database)
    os.environ["TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)
    config.stash[_WORKER_DATABASE] = (server, own.database)


def pytest_unconfigure(config):
    if _WORKER_DATABASE in config.stash:
        server, name = config.stash[_WORKER_DATABASE]
        _recreate_database(server, name, create=False)


def _recreate_database(server, name: str, create: bool = True) -> None:
    """Drop (and create) `name`, connected to the database TEST_DATABASE_URL names, which CI
    creates and which is otherwise left alone."""
    engine = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    quoted = engine.dialect.identifier_preparer.quote(name)
    try:
        with engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            if create:
                conn.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An SQLite file with the empty schema, built once: a test's database is a copy of it."""
    config = TestConfig(tmp_path_factory.mktemp("template"))
    app = create_app(config)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return Path(make_url(config.SQLALCHEMY_DATABASE_URI).database)


@pytest.fixture
def app(tmp_path, request):
    url = os.environ.get("TEST_DATABASE_URL")
    config = TestConfig(tmp_path, url)
    if not url:
        shutil.copyfile(request.getfixturevalue("sqlite_template"),
                        make_url(config.SQLALCHEMY_DATABASE_URI).database)
    app = create_app(config)
    app.test_client_class = RequestClient
    with app.app_context():
        if url:
            _empty_postgres()
        limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


class RequestClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as it does in the
    server: its own `g` (Flask-Login's user, the CSRF token, request-local caches) and its own
    database session. Flask would otherwise reuse the app context the test holds open for its
    own database work."""

    def open(self, *args, **kwargs):
        if _cv_app.get(None) is None:
            return super().open(*args, **kwargs)
        # What the test did itself before this request (services called directly, as earlier
        # requests or commands would have) is committed first, as theirs would have been.
        db.session.commit()
        response = contextvars.copy_context().run(self._open_without_app_context, args, kwargs)
        # The test's session reads again what the request changed.
        db.session.expire_all()
        return response

    def _open_without_app_context(self, args, kwargs):
        _cv_app.set(None)
        return super().open(*args, **kwargs)


# Whether this process has built the schema on PostgreSQL since anything last dropped it.
_postgres_schema = {"built": False}


def _empty_postgres():
    """Every table emptied and its ids restarted, which takes a fraction of building the
    schema; it is built once per run (and again after a test dropped it)."""
    if not _postgres_schema["built"]:
        _reset_postgres()
        db.create_all()
        _postgres_schema["built"] = True
        return
    db.session.remove()
    tables = ", ".join(db.engine.dialect.identifier_preparer.quote(t.name) for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def _reset_postgres():
    _postgres_schema["built"] = False
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
