"""The worker's shared app (tests/conftest.py) hands each test a fresh database and fresh per-app
state: what one test leaves in it (rows, the configuration, app.extensions caches, the views'
caches, the rate limiter's counts, `g`, files in its directories) is gone for the next. The two
tests go through the same reset the `app` fixture uses, one after the other."""
from __future__ import annotations

import os
from pathlib import Path

from flask import g
from sqlalchemy import func, select

from zhicheng import jobs, storage
from zhicheng.extensions import db, limiter
from zhicheng.models import Project, User

from .. import factories
from ..conftest import Auth, csrf_token, in_shared_app

CACHES = ("zhicheng.storage", "zhicheng.jobs.queue", "zhicheng.project_options", "zhicheng.menus",
          "zhicheng.static_urls")


def _views(app):
    return app.extensions["admin"][0]._views


def test_what_a_test_leaves_in_the_shared_app_does_not_reach_the_next(shared_app, tmp_path, request):
    url = os.environ.get("TEST_DATABASE_URL")
    template = None if url else request.getfixturevalue("sqlite_template")
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    pristine_threshold = shared_app.app.config["EXPORT_BACKGROUND_THRESHOLD"]

    with in_shared_app(shared_app, first, url, template) as app:
        factories.build_org()
        c = Auth(app).client("unita")
        assert c.get("/admin/").status_code == 200
        assert c.get("/admin/materials/").status_code == 200  # fills the list's caches
        anonymous = Auth(app).client()
        for _ in range(3):  # failed logins counted by the rate limiter
            anonymous.post("/login", data={"username": "unita", "password": "wrong",
                                           "csrf_token": csrf_token(anonymous, "/login")})
        app.config["EXPORT_BACKGROUND_THRESHOLD"] = 0
        app.config["TRUSTED_HOSTS"].append("evil.example")
        app.config["JOBS_REDIS_URL"] = "redis://127.0.0.1:1/0"
        jobs.queue(app)
        storage.backend()
        app.extensions.setdefault("zhicheng.project_options", {})[("x",)] = (0.0, [("1", "旧项目")])
        g.left_over = "first"
        Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
        (Path(app.config["UPLOAD_DIR"]) / "scan.pdf").write_bytes(b"%PDF")
        assert all(key in app.extensions for key in CACHES)
        assert any("_load_options_cache" in v.__dict__ for v in _views(app))
        assert db.session.scalar(select(func.count()).select_from(User)) > 0
        counts = limiter.storage
        assert counts.storage or counts.events  # the memory store holds the failed logins' counts

    with in_shared_app(shared_app, second, url, template) as app:
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(Project)) == 0
        assert "left_over" not in g
        assert app.config["EXPORT_BACKGROUND_THRESHOLD"] == pristine_threshold
        assert "evil.example" not in app.config["TRUSTED_HOSTS"]
        assert app.config["JOBS_REDIS_URL"] == shared_app.config["JOBS_REDIS_URL"]
        assert Path(app.config["UPLOAD_DIR"]).is_relative_to(second)
        assert not Path(app.config["UPLOAD_DIR"]).exists() or not any(Path(app.config["UPLOAD_DIR"]).iterdir())
        assert not any(key in app.extensions for key in CACHES)
        assert not any("_zc_list_values" in v.__dict__ or "_load_options_cache" in v.__dict__ for v in _views(app))
        assert not (limiter.storage.storage or limiter.storage.events)
        # The same account again, with the limiter's counts from before gone: it logs in.
        factories.build_org()
        c = Auth(app).client("unita")
        assert c.get("/admin/").status_code == 200
        assert "zhicheng.jobs.queue" not in app.extensions
