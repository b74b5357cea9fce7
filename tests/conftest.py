"""Fixtures: a fresh database per test (a copy of an SQLite file with the schema, or
TEST_DATABASE_URL's PostgreSQL database emptied), a small organisation built by
tests/factories.py, and a client that logs in as anyone.

The suite runs in pytest-xdist workers (pyproject.toml's addopts): each worker has its own
temporary directory, hence its own SQLite files, and on PostgreSQL its own database, created
here next to TEST_DATABASE_URL's and dropped at the end."""
from __future__ import annotations

import contextlib
import contextvars
import copy
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


class SharedApp:
    """One app per worker process, handed to test after test: building one (about 60 admin views)
    costs more than most tests. Each test gets a fresh database (a copy of the schema-only SQLite
    file, or PostgreSQL's tables emptied) and fresh per-app state: the configuration as built, with
    the test's own directories for uploads, exports and outboxes; app.extensions without the
    caches filled since (storage backend, jobs queue, project options, menus…); the views without
    the caches they add to themselves; the rate limiter emptied. What no test may change in a shared app is checked after each test (the routes and
    request hooks, the views' attributes, the Jinja globals): a test that adds a route or patches
    a view without monkeypatch fails and asks for its own app with `@pytest.mark.own_app`."""

    def __init__(self, app):
        self.app = app
        self.config = copy.deepcopy(dict(app.config))
        self.extensions = dict(app.extensions)
        self.views = {id(v): (v, dict(v.__dict__)) for v in app.extensions["admin"][0]._views}
        self.structure = self._structure()
        self.database = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database

    def _structure(self):
        app = self.app
        def filled(d):  # Flask's defaultdicts gain empty entries as they are looked up
            out = {k: filled(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v
                   for k, v in d.items()}
            return {k: v for k, v in out.items() if v}

        hooks = (filled(app.before_request_funcs), filled(app.after_request_funcs),
                 filled(app.teardown_request_funcs), list(app.teardown_appcontext_funcs),
                 filled(app.error_handler_spec), filled(app.url_default_functions),
                 filled(app.url_value_preprocessors), filled(app.template_context_processors))
        return (sorted(str(r) + repr(sorted(r.methods or ())) for r in app.url_map.iter_rules()),
                dict(app.view_functions), repr(hooks), dict(app.jinja_env.globals),
                dict(app.jinja_env.filters), list(app.blueprints))

    def reset(self, tmp_path, url):
        """The app as it was built, with the test's own directories."""
        app = self.app
        app.config.clear()
        app.config.update(copy.deepcopy(self.config))
        own = TestConfig(tmp_path, url)
        for key in ("UPLOAD_DIR", "MAIL_OUTBOX_DIR", "SMS_OUTBOX_DIR", "EXPORT_DIR"):
            app.config[key] = getattr(own, key)
        for key in list(app.extensions):
            if key not in self.extensions:
                del app.extensions[key]
        app.extensions.update(self.extensions)

    def changes(self) -> list[str]:
        """What a test changed in the app's make-up, which no test may change in a shared app;
        the views' own caches (attributes they add as they serve pages) are dropped here."""
        found = []
        names = ("routes", "view functions", "request hooks", "Jinja globals", "Jinja filters", "blueprints")
        for name, was, now in zip(names, self.structure, self._structure()):
            if now != was:
                extra = sorted(set(now) - set(was)) if isinstance(now, dict) else ""
                if os.environ.get("ZC_DEBUG_SHARED"):
                    extra = f"{was!r} -> {now!r}"
                found.append(f"{name} {extra}".strip())
        for view, attrs in self.views.values():
            now = view.__dict__
            found += [f"{type(view).__name__}.{key}" for key in attrs if now.get(key, _GONE) is not attrs[key]]
            now.clear()
            now.update(attrs)
        return found


_GONE = object()


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory) -> SharedApp:
    url = os.environ.get("TEST_DATABASE_URL")
    app = create_app(TestConfig(tmp_path_factory.mktemp("app"), url))
    app.test_client_class = RequestClient
    return SharedApp(app)


@pytest.fixture(scope="session")
def sqlite_template(shared_app, tmp_path_factory) -> Path:
    """An SQLite file with the empty schema, built once: a test's database is a copy of it."""
    template = tmp_path_factory.mktemp("template") / "template.sqlite"
    with shared_app.app.app_context():
        db.create_all()
        db.engine.dispose()
    shutil.copyfile(shared_app.database, template)
    return template


def _fresh_sqlite(template: Path, path: str) -> None:
    for suffix in ("-journal", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, path)


@pytest.fixture
def app(tmp_path, request):
    url = os.environ.get("TEST_DATABASE_URL")
    if request.node.get_closest_marker("own_app"):
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
        return
    shared = request.getfixturevalue("shared_app")
    template = None if url else request.getfixturevalue("sqlite_template")
    with in_shared_app(shared, tmp_path, url, template) as app:
        yield app


@contextlib.contextmanager
def in_shared_app(shared: SharedApp, tmp_path, url, template):
    """The worker's app, reset for one test (see SharedApp), with the test's app context."""
    app = shared.app
    shared.reset(tmp_path, url)
    with app.app_context():
        db.engine.dispose()
        if url:
            _empty_postgres()
        else:
            _fresh_sqlite(template, shared.database)
        limiter.reset()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()
    changed = shared.changes()
    if changed:  # the views are put back for the next test; this one needs an app of its own
        pytest.fail(f"the test changed the shared app ({', '.join(changed)}): mark it own_app", pytrace=False)


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
