"""Configuration, read from the environment (names documented in README.md)."""
import os
import secrets
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
#: Installed from a wheel, which carries templates/ and migrations/ inside the package
#: (pyproject.toml maps them there); a checkout has them at the top of the repository.
INSTALLED = (PACKAGE / "templates").is_dir()
TEMPLATES = (PACKAGE if INSTALLED else ROOT) / "templates"
MIGRATIONS = (PACKAGE if INSTALLED else ROOT) / "migrations"
STATIC = PACKAGE / "static"
# An installed package's parent is site-packages, no place for data: there the default is
# instance/ in the working directory (production sets ZHICHENG_INSTANCE).
INSTANCE = Path(os.environ.get("ZHICHENG_INSTANCE", (Path.cwd() if INSTALLED else ROOT) / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept under instance/
    (the embedded default only: create_app refuses PostgreSQL without one from the environment,
    so that several servers never sign with different keys)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'zhicheng.sqlite'}"
    # Heroku-style URLs name the old driver; SQLAlchemy wants the dialect+driver.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


#: Rows of one table of a 申报材料 (学历学位, 工作经历), unless MAX_ROWS_PER_TABLE says otherwise.
DEFAULT_MAX_ROWS_PER_TABLE = 30


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


class Config:
    def __init__(self) -> None:
        INSTANCE.mkdir(parents=True, exist_ok=True)
        self.SECRET_KEY = _secret_key()
        self.SECRET_KEY_FROM_ENV = bool(os.environ.get("SECRET_KEY"))
        # The public address of the site: links in mail are built from it, never from the request's
        # Host header. Required on PostgreSQL (production); the embedded default serves make run's.
        self.BASE_URL = os.environ.get("BASE_URL", "").strip()
        # Host names the site answers to (others get 400); by default BASE_URL's host, plus the
        # loopback names when no BASE_URL is configured.
        self.TRUSTED_HOSTS = _list("TRUSTED_HOSTS") or None
        # A session ends after this long without a request, and in any case this long after login.
        self.SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
        self.SESSION_ABSOLUTE_HOURS = float(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
        self.CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY") or (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        # Recycle connections instead of pinging before every checkout (a round trip per request).
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": 1800}
        self.UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE / "uploads")
        self.MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR") or str(INSTANCE / "outbox")
        # 短信 (zhicheng.persons.sms): "outbox" writes messages to SMS_OUTBOX_DIR; a gateway is named
        # by the dotted path of its provider class.
        self.SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "outbox")
        self.SMS_OUTBOX_DIR = os.environ.get("SMS_OUTBOX_DIR") or str(INSTANCE / "sms")
        self.SMS_CODE_MINUTES = int(os.environ.get("SMS_CODE_MINUTES", "10"))
        self.SMS_CODE_MAX_TRIES = int(os.environ.get("SMS_CODE_MAX_TRIES", "5"))
        self.SMS_RESEND_SECONDS = int(os.environ.get("SMS_RESEND_SECONDS", "60"))
        self.SMS_PHONE_DAILY_LIMIT = int(os.environ.get("SMS_PHONE_DAILY_LIMIT", "10"))
        self.SMS_ADDRESS_LIMIT = os.environ.get("SMS_ADDRESS_LIMIT", "20 per hour")
        self.EXPORT_DIR = os.environ.get("EXPORT_DIR") or str(INSTANCE / "exports")
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_HEADERS_ENABLED = False
        # Where uploads and export files live: "local" (UPLOAD_DIR, EXPORT_DIR) or "s3", any
        # S3-compatible object storage (MinIO, Ceph RGW, a cloud OSS) shared by every app server.
        self.STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local").strip().lower()
        self.S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
        self.S3_BUCKET = os.environ.get("S3_BUCKET", "zhicheng")
        self.S3_REGION = os.environ.get("S3_REGION", "us-east-1")
        self.S3_ACCESS_KEY = os.environ.get("S3_ACCESS_KEY") or None
        self.S3_SECRET_KEY = os.environ.get("S3_SECRET_KEY") or None
        # Downloads from S3: "redirect" to a presigned URL valid this long, or "stream" through the app
        # (when the object storage is not reachable from the users' browsers).
        self.S3_DOWNLOAD = os.environ.get("S3_DOWNLOAD", "redirect").strip().lower()
        self.S3_PRESIGN_SECONDS = int(os.environ.get("S3_PRESIGN_SECONDS", "60"))
        self.CAPTCHA_ENABLED = _env_bool("CAPTCHA_ENABLED", True)
        # 证书查询 (public): the captcha appears after this many answers of "not found" from one
        # address (within LOGIN_FAILURE_MINUTES); every address at most VERIFY_RATE_LIMIT.
        self.VERIFY_CAPTCHA_FAILURES = int(os.environ.get("VERIFY_CAPTCHA_FAILURES", "3"))
        self.VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "60 per minute")
        self.OBJECTION_RATE_LIMIT = os.environ.get("OBJECTION_RATE_LIMIT", "5 per hour")
        # How long the public 公示 page is served from the process's cache (seconds).
        self.PUBLICITY_CACHE_SECONDS = int(os.environ.get("PUBLICITY_CACHE_SECONDS", "30"))
        # Failed logins never lock an account: they make the captcha compulsory and slow one
        # (account, address) pair down; a solved captcha always gets the right password in.
        self.LOGIN_FAILURE_MINUTES = int(os.environ.get("LOGIN_FAILURE_MINUTES", "15"))
        self.LOGIN_CAPTCHA_ACCOUNT_FAILURES = int(os.environ.get("LOGIN_CAPTCHA_ACCOUNT_FAILURES", "3"))
        self.LOGIN_CAPTCHA_ADDRESS_FAILURES = int(os.environ.get("LOGIN_CAPTCHA_ADDRESS_FAILURES", "10"))
        self.LOGIN_DELAY_PAIR_FAILURES = int(os.environ.get("LOGIN_DELAY_PAIR_FAILURES", "5"))
        self.LOGIN_DELAY_MAX_SECONDS = int(os.environ.get("LOGIN_DELAY_MAX_SECONDS", "300"))
        self.CAPTCHA_RATE_LIMIT = os.environ.get("CAPTCHA_RATE_LIMIT", "30 per minute")
        self.SMTP_HOST = os.environ.get("SMTP_HOST", "")
        self.SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
        self.SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", False)
        self.SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
        self.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
        self.MAIL_SENDER = os.environ.get("MAIL_SENDER", "zhicheng@localhost")
        # Number of reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none).
        self.PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
        # Logs: "text" (default) or "json" (one object per line, with the request id); LOG_REQUESTS
        # adds a line per request (status, endpoint, duration) to what gunicorn's access log says.
        self.LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
        self.LOG_REQUESTS = _env_bool("LOG_REQUESTS", False)
        # Addresses that may read /metrics (Prometheus); others get 404.
        self.METRICS_ALLOWED = _list("METRICS_ALLOWED") or ["127.0.0.1", "::1"]
        self.EXPORT_BACKGROUND_THRESHOLD = int(os.environ.get("EXPORT_BACKGROUND_THRESHOLD", "20000"))
        # Background jobs: on RQ over this Redis (an `rq worker` process runs them), or, without it,
        # in the app's own process right after the request that asked for them.
        self.JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL", "").strip()
        self.JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "zhicheng")
        self.JOB_TIMEOUT_SECONDS = int(os.environ.get("JOB_TIMEOUT_SECONDS", "3600"))
        # A running job whose heartbeat is older than this was lost with its worker: marked failed.
        self.JOB_STALE_SECONDS = int(os.environ.get("JOB_STALE_SECONDS", "60"))
        # A job nobody picked up within this long (no worker running) is marked failed too.
        self.JOB_PENDING_MINUTES = int(os.environ.get("JOB_PENDING_MINUTES", "60"))
        self.JOB_RETENTION_DAYS = int(os.environ.get("JOB_RETENTION_DAYS", "7"))
        self.JOBS_PER_USER = int(os.environ.get("JOBS_PER_USER", "2"))
        # An RQ worker lowers its CPU priority by this much (0–19), so that on a host it shares with
        # app servers the pages are served first and the exports take what CPU is left.
        self.JOBS_WORKER_NICE = int(os.environ.get("JOBS_WORKER_NICE", "19"))
        self.MAX_CONTENT_LENGTH = 30 * 1024 * 1024
        # What one 申报材料 may hold: rows of each table (学历学位, 工作经历), attachments, and their
        # bytes in all. Beyond them the material is refused with a message; they also bound its PDF.
        self.MAX_ROWS_PER_TABLE = int(os.environ.get("MAX_ROWS_PER_TABLE", str(DEFAULT_MAX_ROWS_PER_TABLE)))
        self.MAX_ATTACHMENTS_PER_MATERIAL = int(os.environ.get("MAX_ATTACHMENTS_PER_MATERIAL", "20"))
        self.MAX_ATTACHMENT_MB_PER_MATERIAL = int(os.environ.get("MAX_ATTACHMENT_MB_PER_MATERIAL", "40"))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.WTF_CSRF_TIME_LIMIT = None
        self.BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
        self.FLASK_ADMIN_SWATCH = "cerulean"


class TestConfig(Config):
    """Used by the test-suite: fresh database per test, captcha off, mail to a temp dir."""

    __test__ = False  # not a pytest test class

    def __init__(self, tmp: Path, database_url: str | None = None) -> None:
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "test-secret"
        self.SECRET_KEY_FROM_ENV = True
        self.BASE_URL = "http://localhost"
        self.TRUSTED_HOSTS = ["localhost", "127.0.0.1"]
        self.SQLALCHEMY_DATABASE_URI = database_url or f"sqlite:///{tmp / 'test.sqlite'}"
        self.UPLOAD_DIR = str(tmp / "uploads")
        self.MAIL_OUTBOX_DIR = str(tmp / "outbox")
        self.SMS_OUTBOX_DIR = str(tmp / "sms")
        self.EXPORT_DIR = str(tmp / "exports")
        self.CAPTCHA_ENABLED = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        # Chosen passwords hashed cheaply (tests/accounts/test_login.py checks the real parameters).
        self.ARGON2_TEST_COST = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
