"""Settings for Factcheck, read from the environment (and a local .env file if present).

SQLite is the zero-setup default; DATABASE_URL selects PostgreSQL for production and CI.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
# Variables already in the environment win over the file.
load_dotenv(BASE_DIR / ".env", override=False)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example)")
    # Only a DEBUG instance on a developer's machine may run with a throwaway key.
    SECRET_KEY = "debug-only-" + os.urandom(16).hex()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "simple_history",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the request: a NUL in it is a 400 on every database.
    "factcheck.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"
ASGI_APPLICATION = "factcheck.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Partials registered explicitly, so Django 6's built-in partials
            # replace the package by removing it.
            "builtins": ["template_partials.templatetags.partials"],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
        },
    }
]

VAR_DIR = BASE_DIR / "var"
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}
    }
# Also for a sqlite:/// DATABASE_URL (another file, e.g. a restored backup).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers continue while one writer writes; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue instead of failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if os.environ.get("DATABASE_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out username+address before any password is checked,
# on /login/ and /admin/login/ alike. It needs the request, so `client.login()` in tests
# fails loudly; tests use force_login (or post to the login page, as users do).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is refused for AXES_COOLOFF_MINUTES. Another address, or
# another username from the same address, still gets its own tries. Unlock early with
# `manage.py axes_reset_username <name>` (or axes_reset_ip, axes_reset_ip_username, axes_reset).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a proxy every request comes from the proxy's address, which would make the lockout
# per username only; TRUSTED_PROXY_COUNT (the number of proxies in front of the app) makes
# the client's address come from X-Forwarded-For instead. 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "factcheck.client_ip.client_ip"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "article_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic gathers the hashed files the servers read (make setup fills it).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Serve straight from the source folders too, so a change shows without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Files browsers ask for at the site's root (/favicon.ico), served as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

SESSION_COOKIE_HTTPONLY = True
# HTTPS-only settings: off by default so `make run` works on http://127.0.0.1:8000; the
# production block of .env.example turns them all on (`check --deploy` then warns nothing).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# The TLS-terminating proxy tells the app a request came over https, as "HEADER,value"
# (e.g. HTTP_X_FORWARDED_PROTO,https). Only set it when that proxy always sets or strips
# the header, or a client could claim https itself.
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER", "")
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be HEADER,value, e.g. HTTP_X_FORWARDED_PROTO,https"
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)
# A proxy that rewrites Host sends the original in X-Forwarded-Host; trust it only then
# (it is checked against ALLOWED_HOSTS like Host itself).
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST")
# A load balancer's health check often talks plain http to the app itself: /healthz answers
# it there instead of redirecting to https.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Scripts only from this origin or with the per-request nonce; no inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Blind review: a reviewer sees others' verdicts on a span only after giving their own.
BLIND_REVIEW = env_bool("BLIND_REVIEW", default=True)

# History is read, never reverted: verdicts are their reviewers' (the admin refuses too).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Mail (set-password links for reviewer accounts). The console backend prints messages on
# the server's output, so a local instance never claims to have sent what went nowhere;
# production names its backend and sender here.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "factcheck@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")

# Import limits: a single article file larger than this is refused.
ARTICLE_MAX_BYTES = 1_000_000

# Importing web pages (annotations/intake/). A page is read up to 5 MB, whether fetched or
# uploaded; fetching allows only public addresses. INTAKE_ALLOW_LOOPBACK lets a test
# server on 127.0.0.1 be fetched: for tests only, never in production.
INTAKE_PAGE_MAX_BYTES = env_int("INTAKE_PAGE_MAX_BYTES", 5 * 1024 * 1024)
INTAKE_ALLOW_LOOPBACK = env_bool("INTAKE_ALLOW_LOOPBACK")
INTAKE_CONNECT_TIMEOUT = env_int("INTAKE_CONNECT_TIMEOUT", 5)
INTAKE_READ_TIMEOUT = env_int("INTAKE_READ_TIMEOUT", 15)
INTAKE_MAX_REDIRECTS = 5
# The import page: at most this many URLs or files in one submission.
INTAKE_BATCH_MAX_ITEMS = env_int("INTAKE_BATCH_MAX_ITEMS", 50)
# The scheduled re-check (`manage.py refetch_articles`, run from cron): an imported page is
# fetched again once its last check (or import) is this many hours old, to catch silent
# edits; 0 turns it off. A day: most corrections land within hours of publication, and
# one request per article a day is polite to the publisher.
INTAKE_REFETCH_HOURS = env_int("INTAKE_REFETCH_HOURS", 24)
# At most this many pages queued by one run (the rest wait for the next run).
INTAKE_REFETCH_LIMIT = env_int("INTAKE_REFETCH_LIMIT", 200)

# Background tasks (imports): django-tasks, the backport of Django 6's Tasks, with its
# database backend; `manage.py db_worker` runs them (make run starts one, see Procfile).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Who publishes the rulings: the author of every exported ClaimReview.
FACTCHECK_ORGANISATION = os.environ.get("FACTCHECK_ORGANISATION", "Factcheck")
FACTCHECK_ORGANISATION_URL = os.environ.get("FACTCHECK_ORGANISATION_URL", "")
