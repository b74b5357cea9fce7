"""Finding 1: the password-reset mail links to BASE_URL, whatever Host or X-Forwarded-Host the
request claims; unknown hosts are refused."""
from __future__ import annotations

import email
import os
from email import policy

import pytest

from zhicheng import create_app
from zhicheng.config import TestConfig
from zhicheng.extensions import db
from zhicheng.security import ConfigurationError

from .. import factories
from ..accounts.test_login import ask_reset, outbox


def _mail_text(app) -> str:
    mails = outbox(app)
    assert len(mails) == 1
    msg = email.message_from_bytes(mails[0].read_bytes(), policy=policy.default)
    return msg.get_body(("plain",)).get_content()


def test_forged_host_header_is_refused_and_mails_nothing(app, org, client, csrf):
    token = csrf(client, "/forgot")
    r = client.post("/forgot", data={"username": "unita", "email": "unita@example.com", "csrf_token": token},
                    headers={"Host": "evil.example"})
    assert r.status_code == 400
    assert "主机名不受信任" in r.get_data(as_text=True)
    assert outbox(app) == []


def test_reset_link_is_built_from_base_url(app, org, client, csrf):
    app.config["BASE_URL"] = "https://zc.example.gov.cn"
    ask_reset(client, csrf, "unita", "unita@example.com")
    text = _mail_text(app)
    assert "https://zc.example.gov.cn/reset/" in text
    assert "localhost" not in text


def test_behind_a_proxy_the_forwarded_host_is_not_believed(tmp_path, monkeypatch):
    url = os.environ.get("TEST_DATABASE_URL")
    config = TestConfig(tmp_path, url)
    config.PROXY_COUNT = 1
    config.BASE_URL = "https://zc.example.gov.cn"
    config.TRUSTED_HOSTS = ["zc.example.gov.cn", "localhost"]
    app = create_app(config)
    from ..conftest import _reset_postgres, csrf_token
    with app.app_context():
        if url:
            _reset_postgres()
        db.create_all()
        factories.build_org()
        db.session.commit()
        client = app.test_client()
        # nginx passes the Host it was asked for; a client may add X-Forwarded-* headers of its own.
        headers = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3",
                   "Referer": "https://localhost/forgot"}
        token = csrf_token(client, "/forgot")
        r = client.post("/forgot", data={"username": "unita", "email": "unita@example.com", "csrf_token": token},
                        headers=headers)
        assert r.status_code == 302
        text = _mail_text(app)
        assert "evil.example" not in text
        assert "https://zc.example.gov.cn/reset/" in text
        db.session.remove()
        if url:
            _reset_postgres()
        db.engine.dispose()


def test_postgresql_needs_base_url_and_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("ZHICHENG_INSTANCE", str(tmp_path))
    from zhicheng.config import Config
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(Config())
    monkeypatch.setenv("SECRET_KEY", "a-shared-secret-of-the-servers")
    with pytest.raises(ConfigurationError, match="BASE_URL"):
        create_app(Config())
    monkeypatch.setenv("BASE_URL", "https://zc.example.gov.cn")
    app = create_app(Config())
    assert app.config["TRUSTED_HOSTS"] == ["zc.example.gov.cn"]
