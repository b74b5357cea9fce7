"""Request-level protections that every page inherits: trusted hosts and the public base URL,
the proxy headers that are believed, redirect targets, ids within the database's range, and
the security headers (CSP among them)."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Flask, current_app, redirect, request
from werkzeug.routing import IntegerConverter

#: The largest value of the BIGINT / SQLite INTEGER columns that ids are stored in.
MAX_DB_INT = 2**63 - 1
LOOPBACK_HOSTS = ["localhost", "127.0.0.1"]
#: Query parameters that name where to go next (Flask-Admin's `url`, the login page's `next`).
REDIRECT_PARAMS = ("url", "next")


class ConfigurationError(RuntimeError):
    """A setting that production cannot run without; the message says which and why."""


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` in every route: a number beyond the database's integer range is no page (404)
    rather than an overflow deep in the driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DB_INT)
        super().__init__(map, *args, **kwargs)


def parse_id(value) -> int | None:
    """An id from a query string or form: a plain ASCII number within the database's range, else None."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_DB_INT else None


def is_local_url(target: str | None) -> bool:
    """A path on this site only: no scheme, no host, no '//' or '\\' that a browser would
    read as another host, no control characters."""
    if not target:
        return False
    target = target.strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


def _same_site(location: str) -> bool:
    if is_local_url(location):
        return True
    parts = urlsplit(location)
    own = {request.host}
    if current_app.config.get("BASE_URL"):
        own.add(urlsplit(current_app.config["BASE_URL"]).netloc)
    if current_app.config.get("STORAGE_BACKEND") == "s3" and current_app.config.get("S3_ENDPOINT_URL"):
        # Downloads redirect to a presigned URL of the site's own object storage.
        endpoint = urlsplit(current_app.config["S3_ENDPOINT_URL"])
        if parts.scheme == endpoint.scheme and parts.netloc == endpoint.netloc:
            return True
    return (parts.scheme in ("http", "https") and parts.netloc in own and "\\" not in location
            and is_local_url(parts.path or "/"))


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for mail and other messages read outside the site, built from BASE_URL
    (never from the Host header a request claims)."""
    base = current_app.config.get("BASE_URL") or request.host_url
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/",
                                       url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def _check_production_settings(app: Flask) -> None:
    if not str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        return
    if not app.config.get("SECRET_KEY_FROM_ENV"):
        raise ConfigurationError("在 PostgreSQL 上运行时必须设置环境变量 SECRET_KEY（各服务器相同），"
                                 "否则各服务器各自生成密钥，会话和链接互不承认")
    if not app.config.get("BASE_URL"):
        raise ConfigurationError("在 PostgreSQL 上运行时必须设置环境变量 BASE_URL（系统的公开网址，"
                                 "如 https://zhicheng.example.gov.cn），邮件中的链接由它生成")


def init_app(app: Flask) -> None:
    _check_production_settings(app)
    base = app.config.get("BASE_URL")
    if base:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(f"BASE_URL 格式不正确：{base}（应为 https://主机名[:端口]）")
    if not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [urlsplit(base).hostname] if base else list(LOOPBACK_HOSTS)

    if app.config.get("PROXY_COUNT"):
        # Behind nginx the client address (used by the failed-login limit) and the scheme come from
        # the proxy. The host does not: a forged X-Forwarded-Host must never reach a link or a check.
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=0, x_port=0, x_prefix=0)

    app.url_map.converters["int"] = DatabaseIdConverter

    @app.before_request
    def drop_foreign_redirect_targets():
        # One check for every view: Flask-Admin's `url=` (its Cancel links and the redirect after
        # a save) and `next=`. A GET that names another site is sent to the same page without it.
        if request.method not in ("GET", "HEAD"):
            return None
        bad = [name for name in REDIRECT_PARAMS if name in request.args and not is_local_url(request.args[name])]
        if not bad:
            return None
        kept = [(k, v) for k, v in request.args.items(multi=True) if k not in bad]
        return redirect(request.path + ("?" + urlencode(kept) if kept else ""))

    @app.after_request
    def security_headers(response):
        location = response.headers.get("Location")
        if location is not None and not _same_site(location):
            # A POST's redirect target comes from the same parameters: never off the site.
            response.headers["Location"] = app.url_for("index")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("CONTENT_SECURITY_POLICY"):
            response.headers.setdefault("Content-Security-Policy", app.config["CONTENT_SECURITY_POLICY"])
        return response
