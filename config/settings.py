"""Newsline settings: one module, driven by environment variables.

The embedded default (no environment at all but ``DEBUG=1``) runs on a SQLite
file with an in-process cache and eager Celery, so ``make run`` needs nothing
installed. Production sets ``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS``,
``DATABASE_URL`` and ``REDIS_URL`` and refuses to start without the first three.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, redis_url_next_db

# Lets the typed generics the code uses (admin.ModelAdmin[Article], ...) work at runtime.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("NEWSLINE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

_INSECURE_KEY_PREFIX = "django-insecure-"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    SECRET_KEY = _INSECURE_KEY_PREFIX + "embedded-development-only-never-in-production"
elif not DEBUG and (SECRET_KEY.startswith(_INSECURE_KEY_PREFIX) or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters")

# The public address of the site: canonical article URLs, image URLs, deep links, printed logins.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG=0")
    # The embedded mode answers on local names and on whatever address SITE_URL gives (make run HOST=...).
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver", urlsplit(SITE_URL).hostname or "localhost"]
if not DEBUG and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts, not '*', when DEBUG=0")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "backend.apps.StaticFilesConfig",  # django.contrib.staticfiles, collecting only what is served
    "django.contrib.postgres",
    "django.contrib.sitemaps",  # sitemap.xml and the per-edition sitemaps (newsapi/web/sitemaps.py)
    "axes",  # login lockout (see "Auth" below)
    "csp",  # Content-Security-Policy (see "Security" below)
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",  # revisions of articles, images, alerts and sections (backend.history)
    "django_prose_editor",  # the admin's rich-text body editor (ProseMirror), its assets served from here
    "backend",
    "newsapi",
    "notifications",
]
# manage.py seed_demo and the other development tools; never installed in production.
DEVTOOLS = env_bool("DEVTOOLS", DEBUG)
if DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (the admin's, the API docs') from the app itself: hashed names, compressed, cached a year.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Request latencies by route for /metrics: outside the response cache, so its hits are timed too (no I/O).
    "backend.metrics.RequestMetricsMiddleware",
    # Public reads answered from the response cache before anything below runs (no URL resolution, DRF,
    # throttles or database query); what sits inside it and why: backend/api/cache_middleware.py.
    "backend.api.cache_middleware.ResponseCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "backend.api.errors.APIProblemMiddleware",
    "backend.api.errors.RequestSizeLimitMiddleware",
    "backend.api.http_cache.ConditionalGetMiddleware",
    "backend.api.http_cache.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Attributes a version saved during a request to its user (the services name theirs explicitly).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "backend.newsroom_time.NewsroomTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a login it refused into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded mode has a web process and a worker writing one file: take the write lock when a
    # transaction starts (no lock upgrade to fail half-way) and wait for it rather than fail at once.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
# A PostgreSQL read replica (docs/deploy.md): the reads of anonymous GETs of the read API and the web
# pages go there, everything else to DATABASE_URL (backend/db_router.py says exactly what).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    # Tests have one database: the replica alias is the same one (and is never migrated).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["backend.db_router.ReplicaRouter"]
# First of all middleware, so that everything a request reads is routed by what the request is.
MIDDLEWARE.insert(0, "backend.db_router.ReplicaReadMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------
# One Redis server by default, two databases: the Celery broker in the one REDIS_URL names (0 when
# it names none), the cache in the next. Each can be pointed elsewhere (CELERY_BROKER_URL, CACHE_URL):
# a cache may evict keys under memory pressure, a broker must never lose one (README, "Redis").
REDIS_URL = env_str("REDIS_URL")
CACHE_URL = env_str("CACHE_URL") or (redis_url_next_db(REDIS_URL) if REDIS_URL else "")
if CACHE_URL:
    CACHES = {
        "default": {
            # Django's, with one Redis client per process instead of one per call (backend/redis_cache.py).
            "BACKEND": "backend.redis_cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "newsline"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The response caches' content version lives in the cache (backend/content_version.py); this reads the
# database counter behind it when the cache has lost it. Redis is shared, so every commit's new version
# reaches every process; an in-process cache is not, so there each process reads the counter again at
# most this many seconds after it last did (a change committed by the worker under `make run`). 0: never.
CONTENT_VERSION_COUNTER = "newsapi.models:ContentVersion.current"
CONTENT_VERSION_RECHECK_SECONDS = env_int("CONTENT_VERSION_RECHECK_SECONDS", 0 if CACHE_URL else 5)

# Without Redis: `memory://` runs every task in the calling process (eager); `filesystem://` (what
# `make run` uses) is a real broker in files under var/, served by a worker and beat beside runserver,
# so scheduled publishing and quiet-hours deferrals run there as in production.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task not acknowledged within this time is redelivered; it must exceed the hard time limit.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _BROKER_DIR = VAR_DIR / "broker"
    _BROKER_DIR.mkdir(parents=True, exist_ok=True)
    # The exchange tables too (kombu's default is ./control, in whatever folder the process started).
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        data_folder_in=str(_BROKER_DIR), data_folder_out=str(_BROKER_DIR), control_folder=str(_BROKER_DIR / "control")
    )
CELERY_TIMEZONE = "UTC"
# Each kind of work on its own queue (push, site, media, maintenance: backend/queues.py), each with its own
# worker pool in production (docs/deploy.md); `make run`'s one worker consumes them all.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ROUTES = ("backend.queues.route",)
# --- Retention (notifications/retention.py, newsapi/retention.py), run from beat every RETENTION_INTERVAL_SECONDS.
# The ledger grows by devices x alerts (500,000 devices x 10 alerts = 5M rows a day) and the view counts by
# articles x hours; per-alert counters (targeted/sent/opened/failed...) are kept for ever.
# DELIVERY_RETENTION_DAYS: per-device delivery rows are deleted this many days after their alert finished (sent,
# failed, reached no device or cancelled); unfinished alerts and deferred (quiet-hours) rows are never pruned.
# At least 7: an open is counted once per device from its row (alerts_record_opens), so the dashboard's
# alerts of the last 7 days keep counting opens, and a device's inbox keeps at least a week of alerts.
DELIVERY_RETENTION_DAYS = env_int("DELIVERY_RETENTION_DAYS", 14)
# VIEW_COUNTS_HOURLY_DAYS: whole UTC days older than this are rolled from hourly into daily rows (one per
# article and day). More than 7: most read (up to 7 days) and the dashboard read hourly rows only.
VIEW_COUNTS_HOURLY_DAYS = env_int("VIEW_COUNTS_HOURLY_DAYS", 30)
# Rows per batch (one short transaction each: locks held for milliseconds) and batches per run (bounds a run:
# 200 x 5,000 = 1M rows an hour, past the 5M a day the ledger grows by; a backlog drains over several runs).
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 5000)
RETENTION_MAX_BATCHES = env_int("RETENTION_MAX_BATCHES", 200)
RETENTION_INTERVAL_SECONDS = env_int("RETENTION_INTERVAL_SECONDS", 3600)
for _name, _value, _low, _high in (
    ("DELIVERY_RETENTION_DAYS", DELIVERY_RETENTION_DAYS, 7, 3650),
    ("VIEW_COUNTS_HOURLY_DAYS", VIEW_COUNTS_HOURLY_DAYS, 8, 3650),
    ("RETENTION_BATCH_SIZE", RETENTION_BATCH_SIZE, 100, 50_000),
    ("RETENTION_MAX_BATCHES", RETENTION_MAX_BATCHES, 1, 100_000),
    ("RETENTION_INTERVAL_SECONDS", RETENTION_INTERVAL_SECONDS, 60, 7 * 24 * 3600),
):
    if not _low <= _value <= _high:
        raise ImproperlyConfigured(f"{_name} must be between {_low:,} and {_high:,}, got {_value:,}")
CELERY_BEAT_SCHEDULE = {
    "publish-due-articles": {
        "task": "newsapi.tasks.publish_due_articles",
        "schedule": float(env_int("SCHEDULED_PUBLISHING_INTERVAL_SECONDS", 30)),
    },
    # Re-enqueue alert work whose task was lost (a killed worker); claims make repeats harmless.
    "recover-alerts": {
        "task": "notifications.alerts_recover",
        "schedule": float(env_int("PUSH_RECOVERY_INTERVAL_SECONDS", 30)),
    },
    # Scheduled alerts go out within this many seconds of their time (SKIP LOCKED: overlapping runs are harmless).
    "queue-scheduled-alerts": {
        "task": "notifications.alerts_queue_due",
        "schedule": float(env_int("SCHEDULED_ALERTS_INTERVAL_SECONDS", 20)),
    },
    "send-deferred-alerts": {
        "task": "notifications.deliveries_send_deferred",
        "schedule": float(env_int("DEFERRED_ALERTS_INTERVAL_SECONDS", 60)),
    },
    "device-token-hygiene": {"task": "notifications.devices_hygiene", "schedule": 6 * 3600.0},
    # Retention (above): small batches, each its own short transaction; what one run leaves, the next takes.
    "prune-deliveries": {"task": "notifications.deliveries_prune", "schedule": float(RETENTION_INTERVAL_SECONDS)},
    "roll-up-view-counts": {
        "task": "newsapi.tasks.view_counts_roll_up",
        "schedule": float(RETENTION_INTERVAL_SECONDS),
    },
}

# --- Auth -----------------------------------------------------------------------
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins are counted per username and client address together. Per address alone would lock
# out everyone behind one carrier-grade NAT or newsroom proxy, where hundreds of phones and desks share
# an address; per username alone would let anyone lock an editor out from everywhere, on the night of
# big news, by typing their name with wrong passwords. Together, a guesser gets AXES_FAILURE_LIMIT tries
# per address per cool-off, and the editor still logs in from their own address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
# A successful login clears that username's failures from that address.
AXES_RESET_ON_SUCCESS = True
# Tries while locked (even with the right password) are refused unchecked and do not restart the
# cool-off, so the time the lockout page gives stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The same client address the API throttles count by (NUM_PROXIES), not the proxy's.
AXES_CLIENT_IP_CALLABLE = "backend.api.throttles.client_ip"
# The admin-looking page saying when to try again (backend/lockout.py), status 429.
AXES_LOCKOUT_CALLABLE = "backend.lockout.lockout_response"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- I18N -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
# Where the newsroom works: the admin enters and shows times here (and the web pages will);
# the database, the API and the workers stay in UTC.
NEWSROOM_TIME_ZONE = env_str("NEWSROOM_TIME_ZONE", "Asia/Baghdad")
USE_I18N = True
USE_TZ = True
# The web edition's pages are in their edition's language (newsapi/web activates it per page); the
# project's own translations (en, ckb, ar) are in locale/. Django's catalogs cover the rest.
LANGUAGES = [
    ("en", "English"),
    ("ckb", "Central Kurdish (Sorani)"),
    ("ar", "Arabic"),
    ("kmr", "Northern Kurdish (Kurmanji)"),
    ("fa", "Persian"),
    ("tr", "Turkish"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media -------------------------------------------------------------
STATIC_URL = "/static/"
# `manage.py collectstatic` fills it on deploy; WhiteNoise serves it (DEBUG serves from the apps' folders).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks there before the apps' folders
# Only the content-hashed copies are kept (and compressed): nothing links the plain names.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production: content-hashed names (so they can be cached for a year) with gzip and Brotli copies.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

# Requests larger than this are answered 413 (the event batches are the largest legitimate body).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
# Pictures (newsapi/images.py): larger files, or more pixels than this, are refused with a clear error.
# 50 megapixels covers phones and most press cameras (24-45 MP) and decodes in about 150 MB (RGB).
IMAGE_UPLOAD_MAX_BYTES = env_int("IMAGE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
IMAGE_UPLOAD_MAX_PIXELS = env_int("IMAGE_UPLOAD_MAX_PIXELS", 50_000_000)

# --- Security ---------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp) on every response: pages load scripts, styles and images from
# this site only, so an injected <script> or inline handler does not run, and no page can be framed or
# post a form elsewhere. The Django admin needs no inline script. On in every mode, `make run` included,
# so a page that breaks the policy breaks on a developer's screen before production (django-csp leaves
# Django's DEBUG 404 and 500 pages alone). Inline code runs only with the response's nonce or a listed hash.
_MEDIA_ORIGIN = urlsplit(MEDIA_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # NONCE: the inline scripts that carry this response's nonce: the admin's rich-text editor's
        # import map, a JSON block naming its modules (newsapi.admin.ArticleAdmin), and the API docs
        # page's start-up script (backend/templates/drf_spectacular/swagger_ui.html).
        "script-src": [SELF, NONCE],
        # The rich-text editor (tiptap, in django-prose-editor 0.28.0) injects one fixed <style> of
        # its base rules: allowed by its hash, nothing else inline. A new editor version with other
        # rules fails the browser tests' CSP check (tests/browser) until this hash is updated.
        # NONCE: the API docs page's inline <style> (the same template).
        "style-src": [SELF, NONCE, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
        # data: for the admin's and Swagger UI's inline SVG icons; uploads when a CDN serves MEDIA_URL.
        "img-src": [SELF, "data:"]
        + ([f"{_MEDIA_ORIGIN.scheme}://{_MEDIA_ORIGIN.netloc}"] if _MEDIA_ORIGIN.netloc else []),
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- REST framework -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    # Fixed-window counters per client address (one Redis round trip per request). Reads served by the
    # response cache are never counted; the read rate only bounds what reaches the views, high enough for
    # thousands of phones behind one carrier NAT address (docs/api.md, "Caching and limits").
    "DEFAULT_THROTTLE_CLASSES": ["backend.api.throttles.ReadThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "read": env_str("THROTTLE_READ", "6000/min"),
        # Device changes (PATCH, DELETE) and inbox read marks: per device (and address), and per address only as
        # a backstop as high as the read limit, since a carrier's readers share one address.
        "write": env_str("THROTTLE_WRITE", "6000/min"),
        "device_write": env_str("THROTTLE_DEVICE_WRITE", "60/min"),
        # Registrations per address, a budget of their own: a CGNAT address with ~5,000 subscribers whose
        # apps register at start sees ~100 a minute at the morning peak. The daily cap below bounds floods.
        "registration": env_str("THROTTLE_REGISTRATION", "300/min"),
        # Beacon batches (POST /api/v1/events/) per device, else per install id: an app sends one every
        # few seconds at most. Never shared with registrations or device changes.
        "events": env_str("THROTTLE_EVENTS", "120/min"),
        # ... and per address (an IPv6 client's /64), only as a backstop: every reader behind a NAT shares it.
        "events_address": env_str("THROTTLE_EVENTS_PER_ADDRESS", "6000/min"),
    },
    "EXCEPTION_HANDLER": "backend.api.errors.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Newsline mobile API",
    "DESCRIPTION": "The contract the Newsline Android and iOS apps depend on.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ serves Swagger UI's files from this app (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "PlatformEnum": "newsapi.models.AppPlatform",
        "DirEnum": "newsapi.models.TextDirection",
    },
    # 3.1 spells a nullable nested object (an article without image) as oneOf [Image, null];
    # 3.0's allOf + nullable does not allow null to strict validators.
    "OAS_VERSION": "3.1.0",
    # The default enum hook, then ours: what drf-spectacular's parameter objects cannot carry.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backend.api.schema.postprocess_schema",
    ],
}

# --- Newsline ---------------------------------------------------------------------
# HTTP caching for public GETs: fresh for max-age, then served stale while revalidating.
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", 60)
API_CACHE_STALE_WHILE_REVALIDATE = env_int("API_CACHE_STALE_WHILE_REVALIDATE", 300)
# Keep rendered public responses in the cache, keyed by the content version (backend/api/response_cache.py).
API_RESPONSE_CACHE = env_bool("API_RESPONSE_CACHE", True)
# Keep each article's rendered card (and a detail's body) in the cache under the article's version, so a
# page that is rendered asks the database only which articles it shows (backend/fragments.py).
API_FRAGMENT_CACHE = env_bool("API_FRAGMENT_CACHE", True)
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 24 * 3600)
# How long the read API keeps a most-read ranking (which articles, their views) in the cache; 0: summed on
# every request. Whether each is still published is checked on every request (newsapi/selectors.py).
MOST_READ_RANKING_SECONDS = env_int("MOST_READ_RANKING_SECONDS", 30)
if not 0 <= MOST_READ_RANKING_SECONDS <= 3600:
    raise ImproperlyConfigured(
        f"MOST_READ_RANKING_SECONDS must be between 0 and 3,600, got {MOST_READ_RANKING_SECONDS:,}"
    )
# How long a process trusts its last read of the fragments' shared label (a renamed tag is on every card by then).
FRAGMENT_LABEL_MEMO_SECONDS = env_int("FRAGMENT_LABEL_MEMO_MS", 1000) / 1000
# The HTTP cache in front, purged by surrogate key after every change that commits (backend/purge.py):
# "" (nothing in front: the embedded mode), "varnish" (deploy/varnish/), "fastly" or "cloudflare".
CACHE_PURGER = env_str("CACHE_PURGER", "").strip().lower()
# Every Varnish to purge, e.g. http://10.0.0.5:6081/,http://10.0.0.6:6081/ (each keeps its own objects).
VARNISH_PURGE_URLS = env_list("VARNISH_PURGE_URLS")
# Fastly: the service and an API token with purge_select scope.
FASTLY_SERVICE_ID = env_str("FASTLY_SERVICE_ID")
FASTLY_API_TOKEN = env_str("FASTLY_API_TOKEN")
FASTLY_API_URL = env_str("FASTLY_API_URL", "https://api.fastly.com")
# Cloudflare: the zone and an API token with the Cache Purge permission. The origin adds Cache-Tag.
CLOUDFLARE_ZONE_ID = env_str("CLOUDFLARE_ZONE_ID")
CLOUDFLARE_API_TOKEN = env_str("CLOUDFLARE_API_TOKEN")
CLOUDFLARE_API_URL = env_str("CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4")
# Each purge request's timeout: purges run right after a commit, in the process that made it.
CACHE_PURGE_TIMEOUT_SECONDS = env_int("CACHE_PURGE_TIMEOUT_SECONDS", 3)
# A withdrawal is purged again this much later (a response rendered just before it committed).
CACHE_PURGE_REPEAT_SECONDS = env_int("CACHE_PURGE_REPEAT_SECONDS", 10)
# Purge before push: an alert's fan-out purges its article's keys in the worker, retrying a failed purge for
# at most this long, before the first phone is told; after it the alert goes out anyway (the failure logged).
ALERT_PURGE_WAIT_SECONDS = env_int("ALERT_PURGE_WAIT_SECONDS", 5)
_PURGER_NEEDS = {
    "": [],
    "varnish": ["VARNISH_PURGE_URLS"],
    "fastly": ["FASTLY_SERVICE_ID", "FASTLY_API_TOKEN"],
    "cloudflare": ["CLOUDFLARE_ZONE_ID", "CLOUDFLARE_API_TOKEN"],
}
if CACHE_PURGER not in _PURGER_NEEDS:
    raise ImproperlyConfigured(f"CACHE_PURGER must be empty, varnish, fastly or cloudflare, got {CACHE_PURGER!r}")
_missing = [name for name in _PURGER_NEEDS[CACHE_PURGER] if not globals()[name]]
if _missing:
    raise ImproperlyConfigured(f"CACHE_PURGER={CACHE_PURGER} needs {', '.join(_missing)}")
# The sync feed only hands out changes older than this, so a transaction that commits
# late with an earlier timestamp is never skipped by a client's cursor.
SYNC_SETTLE_SECONDS = env_int("SYNC_SETTLE_SECONDS", 5)

# The web edition: the publication's name (page titles, Open Graph, JSON-LD publisher) and the iOS app's
# numeric App Store id for Safari's Smart App Banner (empty: no banner tag).
SITE_NAME = env_str("SITE_NAME", "Newsline")
IOS_APP_STORE_ID = env_str("IOS_APP_STORE_ID", "")
# App links (newsapi/web/wellknown.py): a tap on an article link opens the installed app. Unset, the
# /.well-known/ files claim nothing. Fingerprints: the SHA-256 of each signing certificate (Play app
# signing's and the upload key's), "AB:CD:..."; iOS app ids: "TEAMID.bundle.id".
ANDROID_APP_PACKAGE = env_str("ANDROID_APP_PACKAGE")
ANDROID_APP_SHA256_FINGERPRINTS = env_list("ANDROID_APP_SHA256_FINGERPRINTS")
IOS_APP_IDS = env_list("IOS_APP_IDS")

APP_STORE_URLS = {
    "android": env_str("ANDROID_STORE_URL", "https://play.google.com/store/apps/details?id=news.newsline.app"),
    "ios": env_str("IOS_STORE_URL", "https://apps.apple.com/app/newsline/id0000000000"),
}
APP_LATEST_VERSION = {
    "android": env_str("ANDROID_LATEST_VERSION", "1.0.0"),
    "ios": env_str("IOS_LATEST_VERSION", "1.0.0"),
}
APP_MIN_SUPPORTED_VERSION = {
    "android": env_str("ANDROID_MIN_VERSION", "1.0.0"),
    "ios": env_str("IOS_MIN_VERSION", "1.0.0"),
}

# --- Push (FCM) ----------------------------------------------------------------------
# notifications/gateway.py sends through firebase-admin to FCM_ENDPOINT (Google's, or the
# loopback emulator: `python -m devtools.fcm_emulator --port 9099`, FCM_ENDPOINT=http://127.0.0.1:9099).
FCM_PROJECT_ID = env_str("FCM_PROJECT_ID", "newsline-dev")
# A service-account JSON file; used for Google's endpoint only (an emulator needs no credentials).
FCM_CREDENTIALS = env_str("FCM_CREDENTIALS", env_str("GOOGLE_APPLICATION_CREDENTIALS"))
FCM_ENDPOINT = env_str("FCM_ENDPOINT", "https://fcm.googleapis.com").rstrip("/")
# Connections to FCM, which is also the number of requests one send_each has in flight.
FCM_POOL_SIZE = env_int("FCM_POOL_SIZE", 100)
FCM_TIMEOUT_SECONDS = env_int("FCM_TIMEOUT_SECONDS", 15)
# Breaking news goes stale: Android ttl and apns-expiration.
FCM_ALERT_TTL_SECONDS = env_int("FCM_ALERT_TTL_SECONDS", 3600)

# --- Push alert delivery ------------------------------------------------------------
PUSH_BATCH_SIZE = env_int("PUSH_BATCH_SIZE", 500)  # FCM's send_each limit
PUSH_MAX_ATTEMPTS = env_int("PUSH_MAX_ATTEMPTS", 5)
PUSH_RETRY_BASE_SECONDS = float(env_int("PUSH_RETRY_BASE_SECONDS", 2))
PUSH_RETRY_MAX_SECONDS = float(env_int("PUSH_RETRY_MAX_SECONDS", 600))
PUSH_QUOTA_BACKOFF_SECONDS = float(env_int("PUSH_QUOTA_BACKOFF_SECONDS", 60))
# A worker holds a batch this long; past it the recovery sweep hands the batch to another worker.
PUSH_BATCH_LEASE_SECONDS = env_int("PUSH_BATCH_LEASE_SECONDS", 120)
PUSH_RECOVERY_INTERVAL_SECONDS = float(env_int("PUSH_RECOVERY_INTERVAL_SECONDS", 30))
# Editors are asked to confirm twice past this many alerts to one edition in an hour.
ALERTS_PER_EDITION_HOURLY_WARNING = env_int("ALERTS_PER_EDITION_HOURLY_WARNING", 3)
DEVICE_STALE_AFTER_DAYS = env_int("DEVICE_STALE_AFTER_DAYS", 60)
DEVICE_DELETE_AFTER_DAYS = env_int("DEVICE_DELETE_AFTER_DAYS", 270)
# New devices one client IP may register per day (a flood of random tokens stops here). Carriers put
# their subscribers behind shared addresses (CGNAT): hundreds to a few thousand phones per public IPv4
# address, each of which may register anew in a day (a new install, a reinstall, a new FCM token).
# 5,000 lets every subscriber of a large CGNAT address do that on the same day; a script minting tokens
# from one address still stops at 5,000 rows a day. A known token (a refresh) never counts.
DEVICE_REGISTRATIONS_PER_IP_PER_DAY = env_int("DEVICE_REGISTRATIONS_PER_IP_PER_DAY", 5000)
# Views reported with an install id (X-Install-Id, no device secret) count for at most this many distinct
# install ids per article per hour from one address (an IPv6 client's /64): ids cost nothing to make up,
# so a burst of fresh ids from one address moves an article by at most this much (newsapi/view_counting.py).
# Registered devices are not capped per address; anonymous views never count.
VIEWS_INSTALLS_PER_ADDRESS = env_int("VIEWS_INSTALLS_PER_ADDRESS", 10)
if VIEWS_INSTALLS_PER_ADDRESS < 0:
    raise ImproperlyConfigured("VIEWS_INSTALLS_PER_ADDRESS must not be negative")

# --- Firebase App Check (notifications/app_check.py) ----------------------------------------
# When on, device registration and beacons from installs without a device secret must carry
# X-Firebase-AppCheck: a token the app's App Check SDK got (Play Integrity, App Attest), verified by
# firebase-admin for the Firebase project FCM_PROJECT_ID. APP_CHECK_ENDPOINT is where its public keys are
# fetched ({endpoint}/v1/jwks, cached 6 hours): Google's, or the loopback emulator's, which serves test keys
# and mints test tokens (devtools/fcm_emulator). APP_CHECK_APP_IDS (comma-separated Firebase app ids,
# "1:123:android:abc") limits which of the project's apps are accepted; empty: any of them.
APP_CHECK_REQUIRED = env_bool("APP_CHECK_REQUIRED", False)
APP_CHECK_ENDPOINT = env_str("APP_CHECK_ENDPOINT", "https://firebaseappcheck.googleapis.com").rstrip("/")
APP_CHECK_APP_IDS = env_list("APP_CHECK_APP_IDS")

# --- Metrics (docs/operations.md) ---------------------------------------------------------
# GET /metrics (Prometheus) is off unless one of these is set; with both, both must hold. Anyone else gets a 404.
# METRICS_TOKEN: the scraper sends "Authorization: Bearer <token>" (32+ characters when DEBUG=0).
METRICS_TOKEN = env_str("METRICS_TOKEN")
if METRICS_TOKEN and not DEBUG and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be a random string of at least 32 characters")
# METRICS_ALLOWED_NETWORKS: comma-separated addresses or CIDR networks the scraper's address (NUM_PROXIES honoured)
# must be in, e.g. 10.0.0.0/8,127.0.0.1.
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS")
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_network!r} is not an address or network") from _error
# The fan-out lag gauges cover the alerts that finished within this many seconds.
METRICS_FANOUT_LAG_WINDOW_SECONDS = env_int("METRICS_FANOUT_LAG_WINDOW_SECONDS", 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
