"""Logs and metrics for operating the system.

- Every request has an id: nginx's `X-Request-ID` when it sends a sane one, else a new one; it is
  returned in the response's `X-Request-ID` and stamped on every log line of the request.
- `LOG_FORMAT=json` writes one JSON object per log line (python-json-logger): time, level, logger,
  message, request id, method, path, status and duration for the request line.
- `/metrics` serves Prometheus metrics (prometheus_client): request latency by endpoint, method and
  status; background jobs' durations by task and outcome; the job queue's depth. Under gunicorn
  with `PROMETHEUS_MULTIPROC_DIR` set (gunicorn.conf.py) every worker's numbers are summed. Only
  the addresses in `METRICS_ALLOWED` (default: this machine) may read it.
"""
from __future__ import annotations

import logging
import os
import re
import secrets
import time

from flask import Flask, Response, abort, current_app, g, request

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

try:  # the metrics are optional at run time: a server without prometheus_client still serves
    from prometheus_client import (
        CONTENT_TYPE_LATEST,
        CollectorRegistry,
        Gauge,
        Histogram,
        generate_latest,
        multiprocess,
    )
except ImportError:  # pragma: no cover
    Histogram = None

if Histogram is not None:
    REQUEST_SECONDS = Histogram("zhicheng_request_seconds", "Time to answer a request", ["endpoint", "method", "status"],
                                buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
    JOB_SECONDS = Histogram("zhicheng_job_seconds", "Time a background job ran", ["task", "outcome"],
                            buckets=(0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 900, 3600))
    QUEUE_DEPTH = Gauge("zhicheng_job_queue_depth", "Jobs waiting in the queue", multiprocess_mode="max")


def request_id() -> str:
    return g.get("request_id", "-")


class _RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from flask import has_request_context
        if has_request_context():
            record.request_id = request_id()
            record.method, record.path = request.method, request.path
        else:
            record.request_id = getattr(record, "request_id", "-")
        return True


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    if app.config.get("LOG_FORMAT") == "json":
        from pythonjsonlogger.json import JsonFormatter
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}, json_ensure_ascii=False))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(_RequestContextFilter())
    app.logger.handlers[:] = [handler]
    # Alembic's logging set-up (flask db upgrade, in the same process) disables loggers it does not name.
    app.logger.disabled = False
    app.logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    app.logger.propagate = False


def _begin() -> None:
    offered = request.headers.get("X-Request-ID", "")
    g.request_id = offered if _REQUEST_ID.fullmatch(offered) else secrets.token_hex(8)
    g.request_started = time.perf_counter()


def _finish(response):
    response.headers["X-Request-ID"] = request_id()
    started = g.get("request_started")
    if started is not None:
        seconds = time.perf_counter() - started
        endpoint = request.endpoint or "unmatched"
        if Histogram is not None:
            REQUEST_SECONDS.labels(endpoint, request.method, str(response.status_code)).observe(seconds)
        if current_app.config.get("LOG_REQUESTS"):
            current_app.logger.info("request", extra={"status": response.status_code, "endpoint": endpoint,
                                                      "duration_ms": round(seconds * 1000, 1)})
    return response


def observe_job(task: str, outcome: str, seconds: float) -> None:
    if Histogram is not None:
        JOB_SECONDS.labels(task.rpartition(".")[2], outcome).observe(seconds)


def _metrics():
    allowed = current_app.config["METRICS_ALLOWED"]
    if request.remote_addr not in allowed:
        abort(404)
    if Histogram is None:
        abort(404)
    if current_app.config.get("JOBS_REDIS_URL"):
        try:
            from zhicheng.jobs import queue
            QUEUE_DEPTH.set(queue(current_app._get_current_object()).count)
        except Exception:  # the scrape still answers; /healthz reports Redis
            current_app.logger.warning("metrics: the job queue could not be read")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    configure_logging(app)
    app.before_request(_begin)
    app.after_request(_finish)
    app.add_url_rule("/metrics", "metrics", _metrics)
