"""Settings for gongkai: one file, every deployment value read from the environment.

GONGKAI_ENV selects the mode: ``development`` (the default, for `make run`), ``test`` or
``production``. Production refuses to start with DEBUG on or with the built-in secret key, so a
county cannot go live with the demo's settings by accident. Every variable is listed in
.env.example.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "gongkai-insecure-development-key-do-not-use-in-production"  # noqa: S105


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


GONGKAI_ENV = os.environ.get("GONGKAI_ENV", "development").strip().lower()
if GONGKAI_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"GONGKAI_ENV must be development, test or production, not {GONGKAI_ENV!r}"
    )

DEBUG = _env_bool("DEBUG", GONGKAI_ENV == "development")
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or DEFAULT_SECRET_KEY
# Old keys, newest first, still accepted for signatures made before a rotation (applicants' query
# codes, sessions): rotate by moving the old SECRET_KEY here (docs/deploy/README.md).
SECRET_KEY_FALLBACKS = _env_list("SECRET_KEY_FALLBACKS", "")


def _weak_key(key: str) -> bool:
    # Django's own deployment check (security.W009): 50+ characters, 5+ different ones.
    return key == DEFAULT_SECRET_KEY or len(key) < 50 or len(set(key)) < 5


ALLOWED_HOSTS = _env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if GONGKAI_ENV != "production" else ""
)

# Production refuses to start without its own key and host names, each with one line saying
# which variable to set (English for the log, Chinese for the county's administrator).
if GONGKAI_ENV == "production":
    if DEBUG:
        raise ImproperlyConfigured(
            "Refusing to start: DEBUG must be off in production (set DEBUG=0) / "
            "生产环境不能打开调试模式，请设置 DEBUG=0"
        )
    if _weak_key(SECRET_KEY):
        raise ImproperlyConfigured(
            "Refusing to start: set SECRET_KEY to a private random value of 50+ characters, "
            'e.g. python3 -c "import secrets; print(secrets.token_urlsafe(48))" / '
            "请把环境变量 SECRET_KEY 设为至少 50 个字符的随机串"
        )
    if any(_weak_key(key) for key in SECRET_KEY_FALLBACKS):
        raise ImproperlyConfigured(
            "Refusing to start: every key in SECRET_KEY_FALLBACKS must be a former SECRET_KEY "
            "of 50+ random characters / SECRET_KEY_FALLBACKS 里只能放以前用过的 SECRET_KEY"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Refusing to start: set ALLOWED_HOSTS to the site's host names, comma-separated "
            "(e.g. ALLOWED_HOSTS=gongkai.example.gov.cn) / "
            "请把环境变量 ALLOWED_HOSTS 设为网站的域名，多个用英文逗号分隔"
        )

CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

VAR_DIR = Path(os.environ.get("GONGKAI_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Optional 6-digit codes for office accounts (gongkai.orgs.two_factor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "gongkai.core",
    "gongkai.orgs",
    "gongkai.catalog",
    "gongkai.workdays",
    "gongkai.publications",
    "gongkai.applications",
    "gongkai.reports",
    "gongkai.monitoring",
    "gongkai.ledger",
    "gongkai.assessment",
    "gongkai.participation",
    "gongkai.push",
    # K: messages (领导信箱, 咨询, 我为政府网站找错; issue 13).
    "gongkai.interaction",
    # A: service guides (办事服务公开; issue 14).
    "gongkai.serviceguides",
    # D: topic pages (专题专栏; issue 14).
    "gongkai.topics",
    # E: 政务公开专区 and 查阅点, kiosk mode (issue 14).
    "gongkai.accesspoints",
    "gongkai.portal",
    "gongkai.api",
    "gongkai.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the office reset a password, only the password change page works (issue 12).
    "gongkai.orgs.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (issue 12).
    "gongkai.core.csp.ContentSecurityPolicyMiddleware",
    # A list's page past its end: 没有这一页, with a link to the last page (issue 11).
    "gongkai.portal.middleware.PageOutOfRangeMiddleware",
]

if GONGKAI_ENV == "production":
    # WhiteNoise serves collected static files, so production needs no separate web server;
    # in development the staticfiles app serves them from the source tree.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongkai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.orgs.context_processors.staff",
                "gongkai.portal.context_processors.accessibility",
                "gongkai.accesspoints.kiosk.kiosk",  # E: kiosk mode (issue 14)
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the public read while an editor writes; IMMEDIATE transactions and a busy
        # timeout make concurrent writers wait instead of failing with "database is locked".
        # 16 KB pages (set before WAL, so a new file gets them; an existing one keeps its own):
        # a notice's row of 2-3 KB left most of a 4 KB page empty, 1.7× its text (issue 10).
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA page_size=16384;PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # Tests run against a real SQLite file, not Django's default in-memory database.
        config["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    # Kept between requests on SQLite too: opening one (the file, the PRAGMAs, the schema) took
    # ~1 ms of a detail page's ~3 ms under `gongkai serve` (bench/serve.py, issue 10).
    config["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if GONGKAI_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The project-wide stylesheet lives in gongkai/static/, which is not an app's static directory.
STATICFILES_DIRS = [BASE_DIR / "gongkai" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if GONGKAI_ENV == "production"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Uploads: an Excel catalog of a few thousand rows is a few MB; refuse anything far larger.
GONGKAI_MAX_UPLOAD_BYTES = int(os.environ.get("GONGKAI_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# What an uploaded Office file or an old site's .zip may unpack to, and the cells a workbook may
# hold: checked from the zip's directory before anything is inflated (gongkai.core.zipguard,
# docs/adr/0016; our export of the 3,199-item demo unpacks to 9.3 MB).
GONGKAI_MAX_UNPACKED_BYTES = int(
    os.environ.get("GONGKAI_MAX_UNPACKED_BYTES", str(64 * 1024 * 1024))
)
GONGKAI_MAX_ARCHIVE_UNPACKED_BYTES = int(
    os.environ.get("GONGKAI_MAX_ARCHIVE_UNPACKED_BYTES", str(512 * 1024 * 1024))
)
GONGKAI_MAX_WORKBOOK_CELLS = int(os.environ.get("GONGKAI_MAX_WORKBOOK_CELLS", "1000000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

GONGKAI_COUNTY_NAME = os.environ.get("GONGKAI_COUNTY_NAME", "石城县")
# The remedies every reply letter names (行政复议 within 60 days, 行政诉讼 within 6 months): the
# reviewing government and the court for the county's departments and townships.
GONGKAI_REVIEW_AUTHORITY = (
    os.environ.get("GONGKAI_REVIEW_AUTHORITY", "").strip() or f"{GONGKAI_COUNTY_NAME}人民政府"
)
GONGKAI_COURT = os.environ.get("GONGKAI_COURT", "").strip() or f"{GONGKAI_COUNTY_NAME}人民法院"
# 索引号 pattern. Fields: {unit} unit code, {org_code} the unit's credit/organisation code,
# {classification} the 主题分类 code, {year} the year of publication, {sequence} the running number
# (format spec allowed, e.g. {sequence:05d}). The national directory guideline's form is
# "{org_code}/{year}-{sequence:05d}".
GONGKAI_INDEX_PATTERN = os.environ.get(
    "GONGKAI_INDEX_PATTERN", "{unit}-{classification}-{year}-{sequence:05d}"
)
# Attachments: the largest accepted file, and how often non-public items are reviewed.
GONGKAI_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("GONGKAI_MAX_ATTACHMENT_BYTES", str(50 * 1024 * 1024))
)
GONGKAI_NON_PUBLIC_REVIEW_MONTHS = int(os.environ.get("GONGKAI_NON_PUBLIC_REVIEW_MONTHS", "12"))
# Applications: remind handlers this many working days before a due date (答复期限 and others).
GONGKAI_REMINDER_WORKDAYS = int(os.environ.get("GONGKAI_REMINDER_WORKDAYS", "5"))
# Policy interpretation (同步发布): the window is the office's setting on its site settings page
# (SiteSettings.interpretation_workdays, default 3), not an environment variable (issue 13).

# The production server (`gongkai serve`, gunicorn): address, worker processes (default two per
# core plus one) and the seconds a request may take before its worker is restarted.
GONGKAI_BIND = os.environ.get("GONGKAI_BIND", "127.0.0.1:8000").strip()
GONGKAI_WORKERS = int(os.environ.get("GONGKAI_WORKERS", "0") or 0) or 2 * (os.cpu_count() or 1) + 1
GONGKAI_TIMEOUT = int(os.environ.get("GONGKAI_TIMEOUT", "120"))
# Where the office's background imports run: "thread" (a thread of the web process that took the
# upload; nothing else to schedule) or "tick" (the next `gongkai tick`, for several web
# processes or machines). docs/adr/0010.
GONGKAI_IMPORTS_IN = os.environ.get("GONGKAI_IMPORTS_IN", "thread").strip().lower()
if GONGKAI_IMPORTS_IN not in {"thread", "tick"}:
    raise ImproperlyConfigured(
        f"GONGKAI_IMPORTS_IN must be thread or tick, not {GONGKAI_IMPORTS_IN!r}"
    )
# The public site's address: `gongkai tick` probes it every half hour for the site monitoring.
GONGKAI_SITE_URL = os.environ.get("GONGKAI_SITE_URL", "").strip()

# E-mail: the daily reminders to staff (`gongkai tick`, gongkai/reports/digests.py). Without a
# mail server mail is written to files under GONGKAI_VAR_DIR/mail, so nothing is lost.
GONGKAI_EMAIL_HOST = os.environ.get("GONGKAI_EMAIL_HOST", "").strip()
GONGKAI_EMAIL_SECURITY = os.environ.get("GONGKAI_EMAIL_SECURITY", "ssl").strip().lower()
if GONGKAI_EMAIL_SECURITY not in {"ssl", "starttls", "none"}:
    raise ImproperlyConfigured(
        f"GONGKAI_EMAIL_SECURITY must be ssl, starttls or none, not {GONGKAI_EMAIL_SECURITY!r}"
    )
if GONGKAI_EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = GONGKAI_EMAIL_HOST
    EMAIL_PORT = int(
        os.environ.get("GONGKAI_EMAIL_PORT", "")
        or {"ssl": 465, "starttls": 587, "none": 25}[GONGKAI_EMAIL_SECURITY]
    )
    EMAIL_HOST_USER = os.environ.get("GONGKAI_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("GONGKAI_EMAIL_PASSWORD", "")
    EMAIL_USE_SSL = GONGKAI_EMAIL_SECURITY == "ssl"
    EMAIL_USE_TLS = GONGKAI_EMAIL_SECURITY == "starttls"
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("GONGKAI_EMAIL_FROM", "gongkai@localhost").strip()

# --- L: precise push (政策找人, gongkai.push) ---
# Subscribers' mail goes through the e-mail settings above (SMTP, or files under
# GONGKAI_VAR_DIR/mail). A confirmation link lapses after this many days; daily digests go out
# from this local hour (`gongkai send-digests`, also a task of `gongkai tick`).
GONGKAI_PUSH_CONFIRM_DAYS = int(os.environ.get("GONGKAI_PUSH_CONFIRM_DAYS", "3"))
GONGKAI_PUSH_DIGEST_HOUR = int(os.environ.get("GONGKAI_PUSH_DIGEST_HOUR", "8"))
# --- end of L ---

# --- E: offline access points and kiosk mode (gongkai.accesspoints, issue 14) ---
# A touch screen in kiosk mode (/kiosk/start/) returns to its home and clears the forms after
# this many seconds without a touch (gongkai/static/gongkai/kiosk.js).
GONGKAI_KIOSK_IDLE_SECONDS = max(15, int(os.environ.get("GONGKAI_KIOSK_IDLE_SECONDS", "120")))
# The kiosk chrome comes from the context processor gongkai.accesspoints.kiosk.kiosk (TEMPLATES
# above); no signing in or staff pages while a kiosk cookie is set (its middleware, appended so
# it runs after the authentication middleware).
MIDDLEWARE.append("gongkai.accesspoints.kiosk.KioskMiddleware")
# --- end of E ---

# Sessions live in the database (Django's default engine, named here so nobody has to look it
# up): any web process behind the proxy can serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts and access (issue 12): sessions, authenticator codes, throttles, proxies ---
# A staff session lasts a working day at most and ends when the browser closes, so a shared
# office computer left on is not left signed in; the public's session (the application receipt,
# shown once right after submitting) works the same way.
SESSION_COOKIE_AGE = 9 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The name an authenticator app shows for the account (gongkai.orgs.two_factor).
OTP_TOTP_ISSUER = f"{GONGKAI_COUNTY_NAME}政务公开"
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated): the client
# address the throttles count (gongkai.orgs.throttle.client_address). Any other sender's header
# is ignored, since a client could write anything there. The default is nginx on this machine.
GONGKAI_TRUSTED_PROXIES = _env_list("GONGKAI_TRUSTED_PROXIES", "127.0.0.1,::1")
# Per-scope limits replacing the rules' own numbers (scope: limit), e.g. {"track.address": 100}.
# The rules and why they have their numbers: gongkai.orgs.logins, gongkai.applications.views.
# public. Tests that post many times raise a limit here rather than weakening the rule.
GONGKAI_THROTTLE_LIMITS: dict[str, int] = {}
# --- end of accounts and access ---
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if GONGKAI_ENV == "production":
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    # The proxy terminates HTTPS and says so in X-Forwarded-Proto (docs/deploy/nginx.conf); it
    # must overwrite a value the client sent, or anyone could claim https.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Plain-http requests are redirected to https, except /healthz: the proxy's and the
    # monitor's health checks may come over http on the local network.
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # HSTS: browsers that saw the site over https refuse http to it for a year (the default;
    # start lower, e.g. 3600, while trying https out). Preloading is a commitment the county
    # makes by submitting the domain, so it is off unless asked for.
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000") or 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
    # Deliberate choices, not oversights, so `gongkai check --deploy` stays quiet about them.
    SILENCED_SYSTEM_CHECKS = [
        *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
        *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
    ]

# Content-Security-Policy (gongkai.core.csp): scripts and styles from the site itself only, no
# inline script, no framing; in every mode, so the browser tests see what production sends.
# Report-only sends the policy without enforcing it, to try a change out on a live site.
GONGKAI_CSP_REPORT_ONLY = _env_bool("GONGKAI_CSP_REPORT_ONLY", False)

# Logs go to stderr (the service manager keeps them: journalctl -u gongkai) and, with
# GONGKAI_LOG_FILE, to that file as well (reopened when logrotate moves it). A request that ends
# in a server error is logged by django.request with its traceback; 404s are not logged.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
GONGKAI_LOG_FILE = os.environ.get("GONGKAI_LOG_FILE", "").strip()
_LOG_HANDLERS = ["console", *(["file"] if GONGKAI_LOG_FILE else [])]
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(process)d %(name)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        },
        **(
            {
                "file": {
                    "class": "logging.handlers.WatchedFileHandler",
                    "formatter": "plain",
                    "filename": GONGKAI_LOG_FILE,
                    "encoding": "utf-8",
                }
            }
            if GONGKAI_LOG_FILE
            else {}
        ),
    },
    "loggers": {
        "gongkai": {"handlers": _LOG_HANDLERS, "level": LOG_LEVEL},
        # Server errors (with traceback) and refused requests: DisallowedHost, CSRF failures.
        "django.request": {"handlers": _LOG_HANDLERS, "level": "ERROR", "propagate": False},
        "django.security": {"handlers": _LOG_HANDLERS, "level": "WARNING", "propagate": False},
    },
}
