"""Settings shared by every environment.  See dev.py, test.py and prod.py."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/socialinvest
VAR_DIR = Path(os.environ.get("SOCIALINVEST_VAR_DIR", Path.cwd() / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = os.environ.get("DEBUG", "").lower() in ("1", "true", "yes")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "js_lib_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    # Queued work (mail): Django's tasks framework with its database backend, so the queue
    # needs no server of its own and survives restarts; a worker runs `db_worker`.
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "axes",
    # The second factor (TOTP and single-use recovery codes): django-otp's devices.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Sign-in through the municipality's identity provider (OpenID Connect).
    "mozilla_django_oidc",
    "socialinvest.core",
    "socialinvest.organisations",
    "socialinvest.notifications",
    "socialinvest.funds",
    "socialinvest.applications",
    "socialinvest.ledger",
    "socialinvest.followup",
    "socialinvest.needs",
    "socialinvest.api",
    "socialinvest.registry",
    "socialinvest.archive",
    "socialinvest.portfolio",
    "socialinvest.public",
    "socialinvest.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but security: every error under /api/ in the API's JSON shape (405, 404, 500 too).
    "socialinvest.api.middleware.JsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified when the session carries a confirmed second factor.
    "django_otp.middleware.OTPMiddleware",
    "socialinvest.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a password-only session whose user became an administrator (second factor next time).
    "socialinvest.organisations.second_factor_views.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "socialinvest.core.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None or value == "" else value.lower() in ("1", "true", "yes", "on")


# Password log-in (username and password, with a second factor for administrators).  An
# installation whose staff all sign in through the identity provider switches it off with
# PASSWORD_LOGIN=0: the log-in page then offers only the provider, password reset is closed
# and no backend checks passwords (the Django admin included).
PASSWORD_LOGIN_ENABLED = _env_flag("PASSWORD_LOGIN", True)

AUTHENTICATION_BACKENDS = [
    # First: refuses every backend's log-in while the username and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
]
if PASSWORD_LOGIN_ENABLED:
    AUTHENTICATION_BACKENDS.append("django.contrib.auth.backends.ModelBackend")

# The second factor: organisation and fund administrators (and superusers) who log in with a
# password must give a one-time code from an authenticator app (TOTP) or a single-use recovery
# code.  On by default; REQUIRE_SECOND_FACTOR=0 turns it off (the demo does, see dev.py).
# Someone signed in by the identity provider is never asked: the provider has its own.
REQUIRE_SECOND_FACTOR = _env_flag("REQUIRE_SECOND_FACTOR", True)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Socialinvest")
# Wrong codes are counted per account in the shared cache (organisations.second_factor_views),
# and the verification is rolled back with its refusal, so django-otp's own per-device
# counters would never be kept: they are off.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# OpenID Connect (mozilla-django-oidc): on when OIDC_ISSUER is set.  The provider's endpoints
# are those of its discovery document unless given one by one; the e-mail comes from the claim
# OIDC_EMAIL_CLAIM (Entra ID: "email", or "preferred_username"/"upn" where e-mail is not
# released).  A signed-in person is matched to an invited account by that e-mail and never
# gets an account or a role from the provider.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_ENABLED = bool(OIDC_ISSUER)
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_EMAIL_CLAIM = os.environ.get("OIDC_EMAIL_CLAIM", "email")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_JWKS_ENDPOINT", "")
OIDC_CREATE_USER = False
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?oidc=failed"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("socialinvest.organisations.oidc.MunicipalOIDCBackend")

ROOT_URLCONF = "socialinvest.config.urls"
WSGI_APPLICATION = "socialinvest.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'socialinvest.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite (the demo and trials) under parallel requests: write-ahead logging so readers never
    # block the writer, a busy timeout so a writer waits its turn, and transactions that take the
    # write lock when they begin (IMMEDIATE) — a deferred transaction that reads, then writes,
    # fails at once with "database is locked" when another writer came first, whatever the timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # whitenoise's compressed storage, compressing only what changed since the last collectstatic.
    "staticfiles": {"BACKEND": "socialinvest.core.staticfiles.CompressedStaticFilesStorage"},
}
# Source maps are fetched only by a browser's developer tools; compressing the API docs pages'
# (5 MB of them) took half of collectstatic's 16 s.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Security: CSRF, clickjacking and cookies.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Log-in throttling (django-axes): failed attempts are counted per username *and* client
# address together, so one user's failures never lock another user out, also when every
# request arrives through the same proxy.  The counters live in the shared cache below, so
# the limit holds across all gunicorn workers.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "socialinvest.core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "socialinvest.web.views.locked_out"
AXES_VERBOSE = False
# The client address is REMOTE_ADDR unless the request comes from one of these proxies
# (addresses or networks, comma-separated); only then is X-Forwarded-For read.  Empty by
# default: a header is never trusted unless a proxy is configured.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]

# One cache shared by every worker: Redis where REDIS_URL is set, else a database table
# (created by the core app's migration), never per-process memory.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "socialinvest_cache",
        }
    }

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "socialinvest@localhost")
EMAIL_TIMEOUT = 30
# Links in mail point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# The task queue: the database backend by default (no extra server); another backend, e.g.
# a Redis one, only where TASKS_BACKEND names it.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The calculation editor posts ~20-46 fields per outcome; no-JS saves of large scenarios must fit.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024

# Everything goes to the root's one console handler, once: Django's own "django" logger
# would print its records a second time under DEBUG.  A 403/404 is one line, no traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "socialinvest.core.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

# API: requests per token (anonymous: per address) in a window of seconds; 0 turns it off.
API_RATE_LIMIT = (int(os.environ.get("API_RATE_LIMIT", "600")), 60)

# Evidence registry: this instance is a registry (funds publish to it) when SOCIALINVEST_REGISTRY is set;
# every instance can publish to and read from the registry at REGISTRY_URL with REGISTRY_TOKEN.
SOCIALINVEST_REGISTRY = os.environ.get("SOCIALINVEST_REGISTRY", "").lower() in ("1", "true", "yes")
REGISTRY_URL = os.environ.get("REGISTRY_URL", "")
REGISTRY_TOKEN = os.environ.get("REGISTRY_TOKEN", "")
# The perspective the registry's per-participant figures lead with (municipality, public_sector or
# society; issue 11's headline perspective); society is always shown beside it.
REGISTRY_HEADLINE_PERSPECTIVE = os.environ.get("REGISTRY_HEADLINE_PERSPECTIVE", "municipality")
