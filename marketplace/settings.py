"""Twinport settings: one module, every value from the environment (see .env.example).

With no DATABASE_URL / REDIS_URL the portal runs on SQLite and a filesystem broker (no server to
install); with them set, the same code runs on PostgreSQL and Redis. Nothing here branches on
"is this production" — only the values differ.
"""

from pathlib import Path

import environ
import xstatic.pkg.bootstrap
import xstatic.pkg.leaflet
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# An insecure key is only accepted while DEBUG is on; production must set DJANGO_SECRET_KEY.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for local development).")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "accounts",
    "catalog",
    "catalog.quality",
    "catalog.previews",
    "twins",
    "marketplace",
    "marketplace.demand",
    "marketplace.metrics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "marketplace.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "marketplace.metrics.middleware.ApiMeteringMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.memberships",
                "catalog.context_processors.maps",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# SQLite in WAL mode with IMMEDIATE transactions lets the Celery worker write beside the web server.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'twinport.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker, Celery ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # The cache gets its own Redis database (the broker's + 1 unless REDIS_CACHE_URL says otherwise):
    # a cache.clear() flushes its database and must never take the task queues with it.
    from urllib.parse import urlsplit, urlunsplit

    _broker = urlsplit(REDIS_URL)
    _db = int(_broker.path.strip("/") or 0)
    REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default=urlunsplit(_broker._replace(path=f"/{_db + 1}")))
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CACHE_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # kombu's filesystem transport: a broker that is just a folder, shared by web and worker.
    BROKER_DIR = Path(env.str("BROKER_DIR", default=str(VAR_DIR / "broker")))
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Broadcast (worker control) messages; kombu's default is a folder in the working directory.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.25,
    }
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Progress and results live in run records in the database, never in a result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Auth (django-allauth, e-mail login) ----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# allauth's default rate limits (login failures, signup, password reset) stay on.
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Twinport] "
# Two-factor authentication: authenticator apps (TOTP) with recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("PORTAL_NAME", default="Twinport")
LOGIN_REDIRECT_URL = "catalog:workspace"
LOGIN_URL = "account_login"

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
vars().update(environ.Env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Twinport <noreply@twinport.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fi", _("Finnish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    BASE_DIR / "static",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploads above this size are refused before they reach the disk (see catalog.uploads).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "catalog.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # `format` is a dataset filter (file format); responses are chosen by the Accept header.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "marketplace.throttling.TokenPlanRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        # Per API token; a plan's own API rate replaces it for tokens of its subscribers.
        "token": env.str("API_THROTTLE_TOKEN", default="600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Twinport API",
    "DESCRIPTION": "Catalogue of datasets and digital-twin models published by European cities.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `kind`: name the exchange's enums after their choices.
    "ENUM_NAME_OVERRIDES": {
        "AccessPolicyKindEnum": "marketplace.choices.PolicyKind",
        "NotificationKindEnum": "marketplace.choices.NotificationKind",
        "AccessRequestStatusEnum": "marketplace.choices.RequestStatus",
        # Datasets, twins and models share the publication states; harvests, quality and validation
        # runs the run states; twin models and live services have their own kinds.
        "PublicationStatusEnum": "catalog.choices.DatasetStatus",
        "JobStatusEnum": "catalog.harvesting.choices.JobStatus",
        "TwinModelKindEnum": "twins.choices.ModelKind",
        "TwinServiceKindEnum": "twins.choices.ServiceKind",
        # Data requests and showcases (marketplace.demand).
        "DataRequestStatusEnum": "marketplace.demand.choices.RequestStatus",
        "DataRequestAnswerEnum": "marketplace.demand.choices.AnswerStatus",
        "ShowcaseKindEnum": "marketplace.demand.choices.ShowcaseKind",
        "ShowcaseStatusEnum": "marketplace.demand.choices.ShowcaseStatus",
    },
}

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=SITE_URL.startswith("https://"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", False) else None
)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Networks that server-side fetches may reach in spite of the SSRF rules (tests: loopback).
OUTBOUND_FETCH_ALLOWED_NETWORKS = env.list("OUTBOUND_FETCH_ALLOWED_NETWORKS", default=[])

# --- Logging: structured (JSON lines) unless LOG_FORMAT=text --------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "marketplace.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "marketplace.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="text" if DEBUG else "json"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
    },
}

# --- Portal ---------------------------------------------------------------------------------------
PORTAL_NAME = env.str("PORTAL_NAME", default="Twinport")
INVITATION_DAYS = env.int("INVITATION_DAYS", default=14)
# A harvest job whose worker has not reported for this long is re-queued (once) or failed by the sweeper.
HARVEST_STALE_MINUTES = env.int("HARVEST_STALE_MINUTES", default=10)
# A tile server for the maps ({z}/{x}/{y} template), e.g. the city's own; empty = plain background.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")

# --- Quality checks (catalog.quality) -------------------------------------------------------------
# The DCAT-AP 3.0.1 SHACL shapes the compliance indicator validates against; empty = the project's
# ../shared/data/dcat-ap-3.0.1. Without them compliance is reported as "not checked".
DCAT_AP_SHAPES_DIR = env.str("DCAT_AP_SHAPES_DIR", default="")
# Files are validated up to this many decompressed bytes; larger ones are reported as too large.
QUALITY_CONTENT = {"max_bytes": env.int("QUALITY_CONTENT_MAX_BYTES", default=20 * 1024 * 1024)}
# Link checks: concurrent requests in all and per host (polite to small municipal servers).
QUALITY_LINKS = {
    "workers": env.int("QUALITY_LINK_WORKERS", default=16),
    "per_host": env.int("QUALITY_LINKS_PER_HOST", default=4),
}
# A link failing with 5xx or a timeout this many checks in a row counts as broken (not "not sure").
QUALITY_LINK_BROKEN_AFTER = env.int("QUALITY_LINK_BROKEN_AFTER", default=3)
# A running quality run silent for this long is re-queued (once) or failed by the sweeper.
QUALITY_STALE_MINUTES = env.int("QUALITY_STALE_MINUTES", default=15)
# Search counts, facets and pages from each web process's in-memory facet index (catalog.search.index),
# built in the background on the first search; false = every search in SQL.
SEARCH_FACET_INDEX = env.bool("SEARCH_FACET_INDEX", default=True)

# --- Marketplace (access requests, downloads, webhooks) -------------------------------------------
# Access requests nobody answered expire after this many days (hourly beat task).
ACCESS_REQUEST_EXPIRY_DAYS = env.int("ACCESS_REQUEST_EXPIRY_DAYS", default=30)
# Signed download links work for this many seconds.
DOWNLOAD_URL_MAX_AGE = env.int("DOWNLOAD_URL_MAX_AGE", default=300)
# A webhook delivery is tried this often (backoff 1, 2, 4 … minutes) before it is marked failed.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
# The CKAN Action API's rate limits (the DRF throttles cover /api/v1/ only): anonymous per address,
# signed-in or token callers per user.
CKAN_THROTTLE_ANON = env.str("CKAN_THROTTLE_ANON", default="300/min")
CKAN_THROTTLE_USER = env.str("CKAN_THROTTLE_USER", default="1200/min")

# --- Usage metrics (marketplace.metrics) ------------------------------------------------------------
# Record usage events at all (views, downloads, API calls, searches, requests …).
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=True)
# Events are buffered in each process and written in batches by a background thread (a request never
# waits for them); false = written at once (the tests).
METRICS_BUFFERED = env.bool("METRICS_BUFFERED", default=True)
METRICS_FLUSH_SECONDS = env.float("METRICS_FLUSH_SECONDS", default=2.0)
METRICS_BATCH_SIZE = env.int("METRICS_BATCH_SIZE", default=1000)
# While the database cannot take events, each process keeps at most this many (the oldest are dropped).
METRICS_BUFFER_MAX = env.int("METRICS_BUFFER_MAX", default=100_000)
# The same visitor viewing or downloading the same thing again within this many seconds counts once.
METRICS_DEDUPE_SECONDS = env.int("METRICS_DEDUPE_SECONDS", default=30)
# Raw events are deleted after this many days (daily task); the daily rollups are kept.
METRICS_RETENTION_DAYS = env.int("METRICS_RETENTION_DAYS", default=400)
