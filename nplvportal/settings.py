"""Settings for the NPLV Portal, read from environment variables.

With no environment at all the portal runs on its embedded defaults: SQLite, Celery tasks in-process
(eager) and an in-memory cache. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and
Redis; Redis then also serves as the shared cache that login rate limits need. Every variable is
listed in the README.
"""

import datetime
import os
import tempfile
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
_secret_key_file = env("SECRET_KEY_FILE", default="")
if not SECRET_KEY and _secret_key_file and Path(_secret_key_file).is_file():
    SECRET_KEY = Path(_secret_key_file).read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (DEBUG is off, so there is no default)."
        )
    SECRET_KEY = "insecure-development-only-key-set-SECRET_KEY-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Where the portal is reachable, used in links in e-mails. Unset, a link made during a request uses that
# request's address (with its port), and background jobs and commands use the default (accounts.sites).
SITE_URL = (env("SITE_URL", default="") or "http://127.0.0.1:8000").rstrip("/")
SITE_URL_CONFIGURED = bool(env("SITE_URL", default=""))

# DEMO shows a banner on every page and lets seed_demo print its passwords; never set it in production.
DEMO = env.bool("DEMO", default=False)
ENVIRONMENT_NAME = env("ENVIRONMENT_NAME", default="ontwikkeling" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "post_office",
    "csp",
    "accounts",
    "applications",
    "allocations",
]
OIDC_ENABLED = bool(env("OIDC_CLIENT_ID", default=""))
if OIDC_ENABLED:
    INSTALLED_APPS += ["allauth.socialaccount", "allauth.socialaccount.providers.openid_connect"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.RefuseNulCharactersMiddleware",
    "accounts.sites.RequestOriginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMinistryTwoFactorMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "nplvportal.urls"
CSRF_FAILURE_VIEW = "nplvportal.errors.csrf_failure"
FORM_RENDERER = "nplvportal.forms.PortalFormRenderer"
WSGI_APPLICATION = "nplvportal.wsgi.application"
ASGI_APPLICATION = "nplvportal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.portal",
            ],
            "builtins": ["accounts.templatetags.portal"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes concurrent writers wait for the lock instead of failing half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    # Tests use a file too (not shared-cache memory), so concurrent transactions wait like in production;
    # one per test process, so parallel runs never share it.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(Path(tempfile.gettempdir()) / f"nplv-test-{os.getpid()}.sqlite3")
    )
else:
    # Keep a connection open between requests: opening one (and PostgreSQL starting a backend for it)
    # costs more than most pages. The health check replaces a connection the server has closed.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in-process: the embedded default for one person trying the portal.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="nplv")
CELERY_BEAT_SCHEDULE = {
    # The database is the source of truth for mail: anything queued but not yet sent is picked up again.
    "send-queued-emails": {"task": "accounts.tasks.send_queued_emails", "schedule": 60.0},
    # Allocation runs whose message was lost or whose worker died are queued again.
    "sweep-allocation-runs": {"task": "allocations.runs.tasks.sweep_runs", "schedule": 60.0},
    # Letter jobs left pending, or claimed by a worker that died (lease expired), are queued again.
    "sweep-letter-jobs": {"task": "allocations.letters.tasks.sweep_letter_jobs", "schedule": 60.0},
    # Objection letters left pending, or claimed by a worker that died (lease expired), are queued again.
    "sweep-objection-letters": {"task": "allocations.objections.tasks.sweep_objection_letters", "schedule": 60.0},
    # Submitted applications without a PDF copy of their last submission (lost message, failed rendering).
    "sweep-submission-copies": {"task": "applications.tasks.sweep_submission_copies", "schedule": 300.0},
    # Export jobs whose message was lost or whose worker died are built again.
    "resume-export-jobs": {"task": "allocations.exports.tasks.resume_export_jobs", "schedule": 60.0},
    # Settlement jobs of a batch whose message was lost or whose worker died are queued again.
    "sweep-settlement-jobs": {"task": "allocations.settlements.tasks.sweep_settlement_jobs", "schedule": 60.0},
    # The staff of an objection are e-mailed a week before its decision term ends (Awb 7:10), once per term end.
    "objection-term-reminders": {"task": "allocations.objections.tasks.send_term_reminders", "schedule": 6 * 3600.0},
    # Municipalities are reminded of accountability due within 30 days and of what is overdue, once each.
    "accountability-reminders": {
        "task": "allocations.accountability.tasks.send_accountability_reminders",
        "schedule": 6 * 3600.0,
    },
}
# --- Leased jobs (allocations/jobs.py): allocation runs, letter, export and settlement jobs -----------
# The database row is the queue. A worker claims a job with a lease and renews it while it works; a job
# whose lease ran out (its worker died) is claimed again by the next message or the beat sweeper, and a
# job still waiting after JOB_REQUEUE_SECONDS (its message got lost) is sent again. A claim is an
# attempt: after JOB_MAX_ATTEMPTS the job fails with that reason, visibly, and a person may try again.
# With acks_late, Redis redelivers a message still unacknowledged after its visibility timeout (an hour,
# above) while the first worker may still be at work: the redelivered message finds the lease held and
# does nothing, and every write of an attempt is fenced by its lease token, so that is harmless.
# One policy for every kind of job. Each kind's lease can be shortened on its own (the environment
# variables below) only so that a test can make a killed worker's job come free in seconds.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=300)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
JOB_REQUEUE_SECONDS = env.int("JOB_REQUEUE_SECONDS", default=60)
JOBS = {
    kind: {"lease_seconds": env.int(variable, default=JOB_LEASE_SECONDS), "max_attempts": JOB_MAX_ATTEMPTS}
    for kind, variable in (
        ("run", "ALLOCATION_RUN_LEASE_SECONDS"),
        ("letter", "LETTER_LEASE_SECONDS"),
        ("export", "EXPORT_LEASE_SECONDS"),
        ("settlement", "SETTLEMENT_LEASE_SECONDS"),
        ("objection_letter", "OBJECTION_LETTER_LEASE_SECONDS"),
    )
}
# A settlement batch marks this share of its decisions (rounded up) for an in-depth check, by a seeded
# selection it stores (allocations/settlements/rules.py ``sample``); the assessor may set another rate per batch.
SETTLEMENT_SAMPLE_PERCENT = env.int("SETTLEMENT_SAMPLE_PERCENT", default=10)
# ALLOCATION_RUN_PAUSE slows a run down between phases: only for the crash tests, 0 otherwise.
ALLOCATION_RUN_PAUSE = env.float("ALLOCATION_RUN_PAUSE", default=0.0)

# --- Cache (shared between processes when Redis is configured) -------------------------------------
CACHE_URL = env(
    "CACHE_URL", default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="nplv"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "accounts.adapter.PortalAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[NPLV-portaal] "
# Failed logins: at most 5 per account per 5 minutes and 10 per minute per IP address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_RATE_LIMIT", default="10/m/ip,5/300s/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="NPLV-portaal")
MFA_RECOVERY_CODE_COUNT = 10
# Accept the code of the previous and next 30-second step too: phones' clocks drift (RFC 6238 §5.2).
MFA_TOTP_TOLERANCE = 1
# Personal API tokens stop working this many days after they were made (a leaked token does not live on).
API_TOKEN_MAX_AGE_DAYS = env.int("API_TOKEN_MAX_AGE_DAYS", default=90)
if API_TOKEN_MAX_AGE_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_MAX_AGE_DAYS must be at least 1.")
# Invitations are valid for 7 days (the same token signs password resets).
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600

if OIDC_ENABLED:
    SOCIALACCOUNT_ADAPTER = "accounts.adapter.PortalSocialAccountAdapter"
    SOCIALACCOUNT_ONLY = False
    SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": env("OIDC_PROVIDER_ID", default="sso"),
                    "name": env("OIDC_PROVIDER_NAME", default="Inloggen met eHerkenning"),
                    "client_id": env("OIDC_CLIENT_ID"),
                    "secret": env("OIDC_CLIENT_SECRET", default=""),
                    "settings": {"server_url": env("OIDC_SERVER_URL")},
                }
            ],
        }
    }

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["nplvportal.formats"]

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded files are private: never below STATIC/MEDIA URLs, only served by permission-checked views.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media"))},
    },
    # Hashed, compressed files need ``collectstatic`` (done in the Docker image); off for DEBUG and tests.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATICFILES_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail: queued in the database and sent by Celery, so no message is lost ---------------------
EMAIL_BACKEND = "post_office.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="NPLV-portaal <noreply@nplv-portaal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_url = env("EMAIL_URL", default="")
if _email_url:
    _email = env.email_url("EMAIL_URL")
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
POST_OFFICE = {
    "BACKENDS": {
        "default": env(
            "EMAIL_DELIVERY_BACKEND",
            default="django.core.mail.backends.smtp.EmailBackend"
            if _email_url
            else "django.core.mail.backends.console.EmailBackend",
        )
    },
    # Delivery is triggered by accounts.tasks (after commit, with a shared lock), not by post-office itself.
    "CELERY_ENABLED": False,
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": 5,
    "RETRY_INTERVAL": datetime.timedelta(minutes=5),
    "MESSAGE_ID_ENABLED": True,
    "MESSAGE_ID_FQDN": env("MESSAGE_ID_FQDN", default="nplv-portaal.example"),
}

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request gets 401 with ``WWW-Authenticate: Token``.
        "accounts.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api_permissions.PortalAccess"],
    "DEFAULT_PARSER_CLASSES": [
        "accounts.api_parsers.PortalJSONParser",
        "accounts.api_parsers.PortalFormParser",
        "accounts.api_parsers.PortalMultiPartParser",
    ],
    "DEFAULT_METADATA_CLASS": "accounts.api_metadata.PortalMetadata",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "EXCEPTION_HANDLER": "accounts.api_errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"user": "1000/hour", "public": env.str("PUBLIC_API_RATE", default="600/hour")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NPLV-portaal API",
    "DESCRIPTION": "API van het NPLV-portaal: regelingen, aanvraagrondes, aanvragen, beoordelingen en "
    "verdelingen. Authenticatie met sessie of met `Authorization: Token <token>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AllocationRunStatusEnum": "allocations.runs.models.RunStatus",
        "ApplicationStatusEnum": "applications.visibility.STATUS_CHOICES",
        "ObjectionWaiverGroundEnum": "allocations.objections.models.WaiverGround",
        "RescoreStatusEnum": "allocations.objections.rescoring_models.RescoreStatus",
    },
    # Every operation documents the error answers it can give (nplvportal/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nplvportal.api_schema.document_errors",
    ],
}

# --- Security -------------------------------------------------------------------------------------
# Production-safe unless switched off explicitly (e.g. a local docker compose over plain http).
SECURE_DEFAULTS = not DEBUG
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=SECURE_DEFAULTS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms carry the token, Swagger UI gets it from its template.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_DEFAULTS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "pikepdf": {"level": "WARNING"},
        "post_office": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    },
}

# --- Portal ---------------------------------------------------------------------------------------
MINISTRY_NAME = env("MINISTRY_NAME", default="Ministerie van Volkshuisvesting en Ruimtelijke Ordening")
# The emblem at the top of award letters, relative to the static files. The default is a neutral
# placeholder: the real Rijkslogo has its own licence.
LETTER_EMBLEM = env("LETTER_EMBLEM", default="letters/emblem.svg")
REFERENCE_DATA_DIR = BASE_DIR / "nplvportal" / "data"
