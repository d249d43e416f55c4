"""One settings module; environments differ only by variables (see README, "Configuration")."""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SERVICEDESK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=False)
REDIS_URL = os.environ.get("REDIS_URL")
SECRET_KEY = os.environ["SECRET_KEY"] if not DEBUG else os.environ.get("SECRET_KEY", "dev-only-not-secret")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "csp",
    "core",
    "tickets",
    "warranty",
    "sla",
    "callbacks",
    "progress",
    "partners",
    "webhooks",
    "attachments",
    "fieldservice",
    "dashboard",
    "refunds",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: 413 by Content-Length, chunked bodies cut, NUL paths 404 (core/middleware.py).
    "core.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A page-cached GET: the session's user read with the page's change token, one query (core/pageuser.py).
    "core.pageuser.PageCacheUserMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Idempotency-Key on every POST under /api/ (partners/idempotency.py).
    "partners.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Pages: Content-Security-Policy (CONTENT_SECURITY_POLICY below), no-store and Permissions-Policy.
    "core.security.CSPMiddleware",  # django-csp's, its common header built once (core/security.py)
    "core.security.SecurityHeadersMiddleware",
    # A view that meets PostgreSQL or Redis away answers 503 + Retry-After, not 500 (core/outage.py).
    "core.outage.OutageMiddleware",
    # Last, as django-axes requires: turns a locked-out log-in into core.auth.lockout_response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"

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
                "core.context_processors.roles",
            ],
        },
    },
]

# Widget HTML rendered once per distinct content (core/formrender.py): the ticket page's forms cost a third less.
FORM_RENDERER = "core.formrender.CachedDjangoTemplates"

if database_url := os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=env_int("CONN_MAX_AGE", default=60))}
else:  # the embedded default: one SQLite file shared by web, worker and beat
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "servicedesk.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
# django-axes first (refuses a locked-out user name or address before any password is checked), then the
# desk's backend, which refuses partner accounts: they use API keys, never a page session.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "core.auth.DeskBackend"]
# Sessions end after 12 h (a working day) unless configured; every page shows customers' data.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=12 * 3600)
# With Redis, a session is read from the cache (no SQL per request) and written through to the database; a
# cache flush or a Redis outage costs a database read, never a failed page (core/sessions.py).
SESSION_ENGINE = "core.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
# Live pages (core/live.py): how often an open list, queue, bell or dashboard asks "anything new?" (a 304
# when not). At most 10 s: a new ticket or notice must show within 10 s (issue 15).
LIVE_POLL_SECONDS = env_int("LIVE_POLL_SECONDS", default=8)
# Whole-page cache of the desk list and the ticket page (core/pagecache.py): on unless PAGE_CACHE=0. Its key holds
# every change that shows (the tickets' token and version, SLA events, the bell, the change stamps of users, groups,
# templates and policies — core/stamps.py — the release and the minute), so a served page is what a render shows.
PAGE_CACHE = env_bool("PAGE_CACHE", default=True)
# The ticket create's few hand-written statements are prepared once per database connection (core.sql.
# prepared_cursor). PREPARED_STATEMENTS=0 sends them unprepared — needed behind a pooler in transaction mode
# (PgBouncer's default), where the next transaction may run on a server connection that never prepared them.
PREPARED_STATEMENTS = env_bool("PREPARED_STATEMENTS", default=True)

# Log-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user name, or from one
# address, both are refused — the right password too — for AXES_COOLOFF_MINUTES. Admin → Axes lists
# lockouts (delete one to unlock) and keeps the access log: every successful and failed log-in.
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=40)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"
# Failures during a lockout do not extend it: the cool-off runs from the lockout, as the message says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The same client address as the progress page's rate limit (TRUSTED_PROXY_HOPS decides whom to believe).
AXES_CLIENT_IP_CALLABLE = "core.auth.login_client_ip"
LOGIN_REDIRECT_URL = "tickets:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# scripts/build.sh collects here; the production smoke points it at a temporary directory.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "core.staticfiles.ManifestGzipStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Redis when configured; otherwise Celery and the cache need no server at all.
CELERY_BROKER_URL = REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacked task after this long (late acks); the SQLAlchemy transport has no such option.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600} if REDIS_URL else {}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat writes its schedule file after every message it sends (sla-sweep: every 10 s), so the file's age is
# its liveness: scripts/healthcheck.py beat (docker-compose.yml) reads it.
CELERY_BEAT_SYNC_EVERY = 1
# /readyz answers 503 when one of these is down (core/health.py); the others are reported, with 200.
READYZ_REQUIRED = env_list("READYZ_REQUIRED", default=["database", "migrations", "cache", "broker"])

if REDIS_URL:
    # Django's RedisCache with one Redis client per connection pool, not one per call (core/cache.py).
    CACHES = {"default": {"BACKEND": "core.cache.ReusedClientRedisCache", "LOCATION": REDIS_URL}}
else:  # shared by every process on the machine, so rate limits hold across web workers
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so a missing or bad credential is a 401 with WWW-Authenticate (not a 403).
        "partners.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "partners.authentication.DeskTokenAuthentication",  # DRF tokens, never for a partner account
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "core.scopes.ScopeRequired"],
    # Per-key requests per minute (PartnerApiKey.rate_limit_per_minute) → 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["partners.throttling.ApiKeyRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "core.openapi.ServiceDeskAutoSchema",
    "EXCEPTION_HANDLER": "core.api.problem_handler",
    # JSON only, nesting bounded (JSON_MAX_DEPTH, core/parsers.py): the schema then lists only
    # application/json, so generated clients send JSON (a form body cannot carry the nested customer).
    # The upload endpoint names its own multipart parser; anything else is a 415.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.BoundedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",  # APIClient.post(url, {...}) sends what the API accepts
    "DEFAULT_PAGINATION_CLASS": "core.api.TicketCursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_FILTER_BACKENDS": [],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "售后服务台 Service Desk API",
    "DESCRIPTION": "REST API of the after-sales service desk. Versioned under /api/v1/. "
    "Errors are application/problem+json with field errors under `errors`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own static files: the app must work on a closed network.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.choices.Status",
        "TicketKindEnum": "tickets.choices.Kind",
        "TicketChannelEnum": "tickets.choices.Channel",
        "TicketPriorityEnum": "tickets.choices.Priority",
        "ProductCategoryEnum": "tickets.choices.ProductCategory",
        "SolutionKindEnum": "tickets.choices.SolutionKind",
        "WaitReasonEnum": "tickets.choices.WaitReason",
        "ReplyToEnum": "tickets.choices.ReplyTo",
        "WorkOrderStatusEnum": "fieldservice.choices.WorkOrderStatus",
        "WebhookEventEnum": "webhooks.choices.WebhookEvent",
        "WebhookDeliveryStateEnum": "webhooks.choices.DeliveryState",
        "AttachmentKindEnum": "attachments.choices.AttachmentKind",
        "CallbackKindEnum": "callbacks.choices.CallbackKind",
        "CallbackStateEnum": "callbacks.choices.CallbackState",
        "CallbackOutcomeEnum": "callbacks.choices.CallbackOutcome",
        "CallbackRecordedOutcomeEnum": "callbacks.choices.REACHED_OUTCOME_CHOICES",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "servicedesk@localhost")
# Where the file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes; links in
# SLA e-mails start with SITE_URL.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
SITE_URL = os.environ.get("SITE_URL", "")

# Attachments (attachments/): JPEG/PNG/PDF by content, ≤ 10 MB each, ≤ 20 per ticket. A bigger request
# body is refused with 413 before it is read; other form fields stay small (→ 400 past 2.5 MB), and
# files above 2.5 MB spool to a temporary file instead of memory.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_PER_TICKET = 20
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Every other request body: a bigger Content-Length is a 413 before a byte is read (core/middleware.py);
# a JSON body nests at most JSON_MAX_DEPTH levels (→ 400).
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE)
JSON_MAX_DEPTH = env_int("JSON_MAX_DEPTH", default=32)

# Webhook URLs on loopback/private networks (and host names resolving there) are refused unless this
# is on: a partner must not make our workers call into our own network. On for local development.
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", default=DEBUG)
# After a signing secret is rotated the old one stays valid this long: both signatures are sent, so a
# receiver can switch its secret at any time within it.
WEBHOOKS_SECRET_OVERLAP_HOURS = env_int("WEBHOOKS_SECRET_OVERLAP_HOURS", default=24)

# Completion notices (progress/): SMS goes through this backend; a real gateway is a class with
# send(phone, text) (progress/sms.py). The default only logs the message.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "progress.sms.LoggingSmsBackend")
# Alibaba Cloud SMS (SMS_BACKEND=progress.aliyun.AliyunSmsBackend; README "Messages to the customer").
ALIYUN_SMS_ACCESS_KEY_ID = os.environ.get("ALIYUN_SMS_ACCESS_KEY_ID", "")
ALIYUN_SMS_ACCESS_KEY_SECRET = os.environ.get("ALIYUN_SMS_ACCESS_KEY_SECRET", "")
ALIYUN_SMS_SIGN_NAME = os.environ.get("ALIYUN_SMS_SIGN_NAME", "")
ALIYUN_SMS_TEMPLATE_CODE = os.environ.get("ALIYUN_SMS_TEMPLATE_CODE", "")  # one variable carrying the whole text
ALIYUN_SMS_TEMPLATE_PARAM = os.environ.get("ALIYUN_SMS_TEMPLATE_PARAM", "content")
ALIYUN_SMS_ENDPOINT = os.environ.get("ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
ALIYUN_SMS_REGION = os.environ.get("ALIYUN_SMS_REGION", "cn-hangzhou")
ALIYUN_SMS_TIMEOUT = env_int("ALIYUN_SMS_TIMEOUT", default=10)
# A message to the customer is tried this many times (backoff 30 s, 60 s, 120 s … ≤ 30 min) before it is failed.
CUSTOMER_MESSAGE_MAX_ATTEMPTS = env_int("CUSTOMER_MESSAGE_MAX_ATTEMPTS", default=5)
# The number the customer may call, on the progress page and in messages ({hotline}).
SERVICE_HOTLINE = os.environ.get("SERVICE_HOTLINE", "400-820-0000")
# The public progress lookup: at most this many look-ups per client IP per window (seconds) → 429.
# Proxies of ours in front of gunicorn (docker-compose with nginx: 1); 0 when clients reach gunicorn directly.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", default=0)
PROGRESS_RATE_LIMIT = (env_int("PROGRESS_RATE_LIMIT", default=10), env_int("PROGRESS_RATE_WINDOW", default=600))

# Size limits on user input: a description longer than this is refused with a field error.
FAULT_DESCRIPTION_MAX = 2000
NOTE_MAX = 2000

# Pages load scripts and styles from our own static files only: no inline <script>, no on* handlers, no
# eval (htmx's "js:" values and its injected indicator style are off, see base.html). `data:` images are
# Bootstrap's inline SVG icons. Style *attributes* stay allowed (style-src-attr): they cannot run code,
# and a few widths are computed per row. The API docs page relaxes style-src (servicedesk/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
PERMISSIONS_POLICY = os.environ.get(
    "PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), magnetometer=(), gyroscope=(), accelerometer=()",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Off only for plain http on localhost (the production smoke, tests/smoke/); never behind a real host.
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    # Orchestrator probes call plain http inside the container network (core/health.py).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_CONTENT_TYPE_NOSNIFF = True
