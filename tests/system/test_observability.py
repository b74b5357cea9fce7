"""Request ids, JSON logs and /metrics."""
from __future__ import annotations

import json
import logging

from zhicheng.system.observability import configure_logging


def test_every_response_carries_a_request_id_and_a_sane_one_is_kept(app):
    client = app.test_client()
    generated = client.get("/login").headers["X-Request-ID"]
    assert len(generated) == 16
    assert client.get("/login", headers={"X-Request-ID": "nginx-abc-12345"}).headers["X-Request-ID"] == "nginx-abc-12345"
    odd = client.get("/login", headers={"X-Request-ID": "<script>alert(1)</script>"}).headers["X-Request-ID"]
    assert odd != "<script>alert(1)</script>" and len(odd) == 16, "only ids of letters, digits, . _ - are kept"


def test_json_log_lines_carry_the_request_id(app, capsys):
    app.config.update(LOG_FORMAT="json", LOG_REQUESTS=True)
    configure_logging(app)
    app.test_client().get("/login", headers={"X-Request-ID": "req-0123456789"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    request_line = next(line for line in lines if line["message"] == "request")
    assert request_line["request_id"] == "req-0123456789" and request_line["path"] == "/login"
    assert request_line["status"] == 200 and request_line["level"] == "INFO" and "duration_ms" in request_line
    logging.getLogger("zhicheng").handlers.clear()


def test_metrics_only_for_the_allowed_addresses(app):
    client = app.test_client()
    client.get("/login")
    r = client.get("/metrics")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert 'zhicheng_request_seconds_count{endpoint="auth.login",method="GET",status="200"}' in body
    assert "zhicheng_job_seconds" in body
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 404
