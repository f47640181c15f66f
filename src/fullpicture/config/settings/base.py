"""Settings shared by every environment.

Configuration comes from the environment (django-environ); all data lives in
one folder, ``FULLPICTURE_HOME``. The embedded default database is SQLite in
that folder; ``DATABASE_URL`` switches to PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from csp.constants import NONCE, NONE, SELF

from fullpicture.config.home import data_home

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parents[2]
HOME = data_home()

DEBUG = False
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "govuk_frontend_django",
    "csp",
    "ninja",  # serves the API docs' Swagger UI from the hub's own static files, not a CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # Full Picture's apps, floor by floor (docs/decisions/0001-apps-and-floors.md)
    "fullpicture.audit",
    "fullpicture.partnerships",
    "fullpicture.vocabulary",
    "fullpicture.people",
    "fullpicture.linkage",
    "fullpicture.sharing",
    "fullpicture.meetings",
    "fullpicture.frontdoor",
    "fullpicture.api",
    "fullpicture.alerts",
    "fullpicture.training",
    "fullpicture.governance",
    "fullpicture.web",
    "fullpicture.demo",
]

MIDDLEWARE = [
    "fullpicture.web.observability.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fullpicture.api.limits.BoundedQueryMiddleware",  # 422 for an over-long API query
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy with a nonce per response
    "fullpicture.web.middleware.NoStoreMiddleware",  # no cache keeps a page or a file
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fullpicture.audit.middleware.LedgerMiddleware",  # refused reads, admin pages, who acts
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fullpicture.web.sessions.SessionGuardMiddleware",  # one session each; 2FA enforced
    "fullpicture.web.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "fullpicture.config.urls"
WSGI_APPLICATION = "fullpicture.config.wsgi.application"
AUTH_USER_MODEL = "partnerships.Practitioner"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "fullpicture.web.menu.menu",
            ],
        },
    },
]


def database_config(url: str | None, home: Path) -> dict[str, Any]:
    """The default database: PostgreSQL from ``DATABASE_URL``, else SQLite in the data folder."""
    if url:
        config: dict[str, Any] = environ.Env.db_url_config(url)
        config.setdefault("CONN_MAX_AGE", 60)
        config["ATOMIC_REQUESTS"] = True
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(home / "fullpicture.sqlite3"),
        "ATOMIC_REQUESTS": True,
        # Take the write lock at BEGIN so the ledger's hash chain never forks and
        # concurrent writers wait instead of failing with "database is locked".
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": database_config(env.str("DATABASE_URL", default="") or None, HOME)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
# GOV.UK Frontend's built files ship inside the package (web/static/govuk-frontend, copied
# from npm by scripts/vendor_govuk_frontend.py), so no folder outside it is needed.
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(HOME / "media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_AGE = env.int("FULLPICTURE_IDLE_TIMEOUT_SECONDS", default=15 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the timeout is idle time, not time since sign-in
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# A strict Content-Security-Policy (django-csp): scripts and styles only from the hub's
# own static files, or inline with this response's nonce (base.html's one-line
# "js-enabled" script); no inline handlers or style attributes; nothing framed; forms
# post only to the hub. docs/decisions/0085-csp-no-store-state-on-post.md
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "base-uri": [NONE],
        "connect-src": [SELF],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "img-src": [SELF, "data:"],  # data: for the two-factor QR code (an SVG data URI)
        "manifest-src": [SELF],
        "object-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
    },
}

# Repeated failed sign-ins are throttled (django-axes): lock out after 5 for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

# Local accounts use TOTP two-factor (django-otp); required unless switched off
# (local and test settings switch it off for the demo). docs/decisions/0005-sign-in.md
FULLPICTURE_REQUIRE_2FA = env.bool("FULLPICTURE_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Full Picture"

# Single sign-on with the council's identity provider (OpenID Connect), only when
# configured; a practitioner is matched by email, never created. Sign-in pages see
# OIDC_ENABLED. docs/decisions/0005-sign-in.md
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_ENABLED = all(
    env.str(name, default="")
    for name in (
        "OIDC_RP_CLIENT_ID",
        "OIDC_RP_CLIENT_SECRET",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
    )
)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT")
    AUTHENTICATION_BACKENDS.append("fullpicture.web.oidc.PractitionerOIDCBackend")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # an administrator creates practitioners and their roles
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "web:oidc_callback"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = HOME / "outbox"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="fullpicture@localhost")

# Background tasks (django-tasks): a queue in the database, worked by
# `fullpicture db_worker`. docs/decisions/0043-alert-rules-as-data-and-tasks.md
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Full Picture's own settings
FULLPICTURE_HOME = HOME
# The audit ledger's HMAC key, kept outside the database (docs/decisions/0080): the
# environment's FULLPICTURE_LEDGER_KEY, else the file FULLPICTURE_LEDGER_KEY_FILE
# (default FULLPICTURE_HOME/ledger_key). local.py generates the file once; production.py
# refuses to start without one it can read.
FULLPICTURE_LEDGER_KEY_FILE = Path(
    env.str("FULLPICTURE_LEDGER_KEY_FILE", default=str(HOME / "ledger_key"))
).expanduser()
FULLPICTURE_LEDGER_KEY = env.str("FULLPICTURE_LEDGER_KEY", default="")
FULLPICTURE_MODEL_DIR = HOME / "linkage"
# How long break-glass access lasts (docs/decisions/0004).
FULLPICTURE_BREAK_GLASS_HOURS = env.int("FULLPICTURE_BREAK_GLASS_HOURS", default=24)
FULLPICTURE_API_AUTHENTICATORS = ["fullpicture.api.api.TokenAuth"]  # tokens at the point of care
# A person search's statements stop after this many seconds (page and API): no search holds
# the database for long. docs/api.md "Bounds".
FULLPICTURE_SEARCH_SECONDS = env.float("FULLPICTURE_SEARCH_SECONDS", default=2.0)

# Personal data never goes to logs: loggers carry ids and event kinds only.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "fullpicture.core.logs.JsonLinesFormatter"},
    },
    # FULLPICTURE_LOG_FORMAT=json: one JSON object per line (production's default).
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("FULLPICTURE_LOG_FORMAT", default="plain"),
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "fullpicture": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# /metrics: a bearer token, or (when empty) loopback callers only.
FULLPICTURE_METRICS_TOKEN = env.str("FULLPICTURE_METRICS_TOKEN", default="")
