"""Settings shared by every environment. Values come from the environment (12-factor)."""

import os
import warnings
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# An empty variable counts as unset: docker-compose.yml passes every optional setting through as
# `${VAR:-}`, and "" must leave the default in place (an empty SITE_URL, S3 endpoint or access key
# would otherwise win over it, in Django and in boto3 alike).
for _name in [name for name, value in os.environ.items() if value == ""]:
    del os.environ[_name]

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default=None)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "csboard.core",
    "accounts",
    "boards",
    "tickets",
    "customfields",
    "notifications",
    "sla",
    "workspace",
    "mail",
    "ticket_templates",
    "portal",
    "customers",
    "feedback",
    "metrics",
    "reminders",
    "macros",
    "relations",
    "savedviews",
    "automation",
    "search",
    "web",
    "channels",
    # Provider webhooks for inbound mail (mail.webhooks); no email backend of its own is used.
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that reads or writes the body: gzip for a client that asks,
    # except the views marked never_compress (csboard.core.compression, README).
    "csboard.core.compression.CompressionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A view that needs Redis while it is away answers 503, not 500.
    "csboard.core.middleware.ServiceUnavailableMiddleware",
    # A merged ticket's pages redirect to the ticket it was merged into.
    "csboard.core.middleware.MovedToMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csboard.urls"
SOCKET_URLCONF = "csboard.routing"  # the WebSocket routes (csboard.asgi), for {% socket_url %}
WSGI_APPLICATION = "csboard.wsgi.application"
ASGI_APPLICATION = "csboard.asgi.application"

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
                "csboard.core.context_processors.site",
                "notifications.context_processors.unread_notifications",
            ],
            "builtins": ["csboard.core.templatetags.ui"],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------
# The embedded default is SQLite and no Redis, so `make run` works on a bare machine.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'csboard.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    # `make run` writes from the web process and the worker at once. WAL lets readers go on while
    # one connection writes; IMMEDIATE takes the write lock when a transaction begins, so a
    # transaction that read first never fails at once with "database is locked" on its first
    # write (SQLite cannot wait there); and a writer waits up to 20 s for its turn, not 5 s.
    # Options given in DATABASE_URL's query string win.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ------------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # kombu's Redis transport, made to survive the broker going away (see csboard/broker.py).
    CELERY_BROKER_TRANSPORT = "csboard.broker:Transport"
else:
    # Without Redis the worker and beat talk through a spool directory (kombu's filesystem transport).
    _spool = VAR_DIR / "celery"
    (_spool / "queue").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"  # a host, or kombu warns that it assumes one
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_spool / "queue"),
        "data_folder_out": str(_spool / "queue"),
        "control_folder": str(_spool / "control"),
        "store_processed": False,
    }
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# SQLite serves one writer at a time: one worker process, whose tasks take turns rather than wait
# on each other's lock. Elsewhere Celery's default, a process per core.
CELERY_WORKER_CONCURRENCY = 1 if SQLITE else None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# What a task prints (the console email backend of `make run`) is output, not a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The SLA sweep finds reminders that fell due; every minute unless set otherwise.
SLA_SWEEP_SECONDS = env.int("SLA_SWEEP_SECONDS", default=60)
# Support addresses with an IMAP mailbox are polled this often (mail.imap).
MAIL_POLL_SECONDS = env.int("MAIL_POLL_SECONDS", default=60)
# The one beat schedule of the project; later features add their periodic tasks here.
CELERY_BEAT_SCHEDULE: dict = {
    # A poll nobody picked up before the next one is due is superseded by it.
    "mailboxes-poll": {
        "task": "mail.tasks.mailboxes_poll_task",
        "schedule": MAIL_POLL_SECONDS,
        "options": {"expires": MAIL_POLL_SECONDS},
    },
    "sla-sweep": {
        "task": "reminders.tasks.sla_sweep_task",
        "schedule": SLA_SWEEP_SECONDS,
        # A sweep nobody picked up before the next one is due is superseded by it.
        "options": {"expires": SLA_SWEEP_SECONDS},
    },
    # Idempotency keys answer retries for 24 hours; older ones are forgotten.
    "idempotency-keys-purge": {
        "task": "csboard.core.tasks.idempotency_keys_purge_task",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    # Expired API tokens are refused when presented; this deletes them.
    "api-tokens-purge": {
        "task": "accounts.tasks.api_tokens_purge_task",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    # Replies whose send task was lost (a broker away at commit) are enqueued again.
    "mail-outbox-resend": {
        "task": "mail.tasks.email_resend_queued_task",
        "schedule": 300,
        "options": {"expires": 300},
    },
    # Hourly, so that every board's Monday morning comes round in its own time zone.
    "weekly-digest": {
        "task": "metrics.tasks.weekly_digest_task",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
}

# --- Auth --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my:work"  # My work; the boards list stays in the top bar
LOGOUT_REDIRECT_URL = "login"
SIGNUP_ENABLED = env.bool("SIGNUP_ENABLED", default=True)
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-ins from a locked-out username and address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# How many reverse proxies of our own stand before the app and append to X-Forwarded-For (the
# compose stack's nginx: 1). The client's address is the one the outermost of them saw; with 0,
# REMOTE_ADDR (a client-sent X-Forwarded-For is never believed). accounts.services.client_ip,
# DRF's throttles and django-axes all read it so.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.services.client_ip"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out_page"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions live in the database behind the cache: any web process can serve any request, and a
# Redis outage leaves them readable from the database.
SESSION_ENGINE = "csboard.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers --------------------------------------------------------------------------
# No inline scripts anywhere: every script is a static file. Style attributes are allowed (tag
# colours), style elements and everything else come from this origin only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Email -------------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CS Board <csboard@localhost>")
# Where links in emails point: the address people use to reach this server. By default the one
# `make run` serves (HOST and PORT), localhost for a server listening on every address.
_served_host = env("HOST", default="localhost")
if _served_host in {"0.0.0.0", "::"}:
    _served_host = "localhost"
elif ":" in _served_host:
    _served_host = f"[{_served_host}]"
_served_url = f"http://{_served_host}:{env.int('PORT', default=8000)}"
SITE_URL = env("SITE_URL", default=_served_url).rstrip("/")

# --- Mail in (mail/, README "Mail in") ---------------------------------------------------------
# The keys that encrypt IMAP passwords at rest (mail.secrets): MAIL_SECRET_KEY, then older keys
# in MAIL_SECRET_KEYS; with neither, a key derived from SECRET_KEY.
MAIL_SECRET_KEY = env("MAIL_SECRET_KEY", default="")
MAIL_SECRET_KEYS = env.list("MAIL_SECRET_KEYS", default=[])
# Certificates IMAP servers are verified against, besides the system's (a self-signed server).
MAIL_IMAP_CAFILE = env("MAIL_IMAP_CAFILE", default="")
MAIL_IMAP_TIMEOUT = env.int("MAIL_IMAP_TIMEOUT", default=30)  # seconds, each network operation
# At most this many messages a mailbox a poll, and for at most this long: the rest wait for the
# next poll (the beat's task has a time limit, and other mailboxes wait their turn).
MAIL_POLL_BATCH = env.int("MAIL_POLL_BATCH", default=200)
MAIL_POLL_MAX_SECONDS = env.int("MAIL_POLL_MAX_SECONDS", default=120)
# A bigger message is not fetched: it stays unread in the mailbox, and the address's last_error
# says so, for someone to deal with by hand.
MAIL_MAX_BYTES = env.int("MAIL_MAX_BYTES", default=25 * 1024 * 1024)
# Inbound webhooks of mail providers (django-anymail), at /anymail/<provider>/inbound/. They are
# served only with ANYMAIL_WEBHOOK_SECRET ("user:password", the basic auth the provider is told
# to send) set: without it, anyone could post mail into a board.
ANYMAIL = {
    key: value
    for key, value in {
        "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET", default=""),
        "MAILGUN_API_KEY": env("MAILGUN_API_KEY", default=""),
        "MAILGUN_WEBHOOK_SIGNING_KEY": env("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
        "POSTMARK_SERVER_TOKEN": env("POSTMARK_SERVER_TOKEN", default=""),
        "SENDGRID_API_KEY": env("SENDGRID_API_KEY", default=""),
        "MAILJET_API_KEY": env("MAILJET_API_KEY", default=""),
        "MAILJET_SECRET_KEY": env("MAILJET_SECRET_KEY", default=""),
        "SPARKPOST_API_KEY": env("SPARKPOST_API_KEY", default=""),
        "MANDRILL_API_KEY": env("MANDRILL_API_KEY", default=""),
        "MANDRILL_WEBHOOK_KEY": env("MANDRILL_WEBHOOK_KEY", default=""),
        "MANDRILL_WEBHOOK_URL": env("MANDRILL_WEBHOOK_URL", default=""),
    }.items()
    if value
}

# --- I18N --------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# One date format everywhere ("7 Oct 2026"), defined once: csboard/core/formats/.
FORMAT_MODULE_PATH = ["csboard.core.formats"]

# --- Static and media --------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Browser libraries come from npm (package.json, installed by `make`), never committed copies.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Attachments and board files: larger uploads are refused with 413 (25 MB by default).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
# Up to 20 files per upload (Django's own cap on form fields would refuse more as a 400).
ATTACHMENT_MAX_FILES = 20

# --- Request form (portal/, README "Request form") ---------------------------------------------
# Submissions a board's public form accepts in an hour from one email address, and from one IP
# address; more answer 429 and store nothing.
PORTAL_FORM_ADDRESS_HOURLY = env.int("PORTAL_FORM_ADDRESS_HOURLY", default=5)
PORTAL_FORM_IP_HOURLY = env.int("PORTAL_FORM_IP_HOURLY", default=20)
# A submission's whole body: its files together within one attachment's limit, and room for the
# text (larger: 413, before the body is read).
PORTAL_FORM_MAX_BYTES = env.int("PORTAL_FORM_MAX_BYTES", default=ATTACHMENT_MAX_BYTES + 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded files on S3-compatible storage is a setting, not a code change (django-storages).
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "NUM_PROXIES": TRUSTED_PROXIES or None,
    # Token first: its WWW-Authenticate header is what turns "not signed in" into a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API reads JSON (file uploads and the CSV import take multipart, on their own views).
    # A form-encoded body would read an empty field as "not sent": PATCH priority= would answer
    # 200 and change nothing, where JSON's "priority": "" is a 400.
    "DEFAULT_PARSER_CLASSES": ["csboard.core.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "csboard.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "csboard.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "csboard.core.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_USER_RATE", default="1200/minute"),
        "anon": env("API_ANON_RATE", default="60/minute"),
        # Issuing tokens checks a password: throttled hard, besides the django-axes lockout.
        "token": env("API_TOKEN_RATE", default="10/minute"),
        # Feedback intake (survey tools, webhooks), per sending address.
        "feedback": env("API_FEEDBACK_RATE", default="600/minute"),
    },
}
# API tokens (django-rest-knox): stored only as digests, several per user, each revocable.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=90)),
    "TOKEN_PREFIX": "csb_",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CS Board API",
    "DESCRIPTION": "Customer-success ticket boards: boards, columns, members, tags and tickets.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed sidecar package: the docs work offline, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "boards.api.ROLE_SLUGS",
        "FeedbackKindEnum": "feedback.models.FeedbackResponse.Kind",
        "StatusEnum": "tickets.models.Status",
        "MacroKindEnum": "macros.models.Macro.Kind",
        "LinkKindEnum": "relations.models.TicketLink.Kind",
        "PriorityEnum": "sla.priorities.Priority",
        "SourceEnum": "tickets.models.Source",
        "IsOpEnum": "automation.kinds.IS_OPS",
        "HasOpEnum": "automation.kinds.HAS_OPS",
        "ContainsOpEnum": "automation.kinds.CONTAINS_OPS",
        "DomainOpEnum": "automation.kinds.DOMAIN_OPS",
        "FieldTypeEnum": "customfields.models.FieldType",
    },
}

# --- Logs and error reporting ------------------------------------------------------------------
LOG_FORMAT = env("LOG_FORMAT", default="plain")  # "json" for structured logs
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"client_errors": {"()": "csboard.core.log.ClientErrors"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Without its own handler (Django's prints every request warning a second time, in
        # debug): its records reach the root's, once.
        "django": {"handlers": [], "level": "INFO"},
        # django-axes logs every sign-in in four lines; lockouts and refusals are warnings.
        "axes": {"level": "WARNING"},
    },
}

# Under ASGI, Django warns on the first file or CSV export it streams from a synchronous iterator
# (whitenoise's static files, the exports): a note for Django's developers, nothing to act on.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators", category=Warning
)

SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )


# --- Live updates (Django Channels) ------------------------------------------------------------
# Redis carries board events between web processes; the embedded default (one process) keeps them
# in memory.
if REDIS_URL:
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # A connection the pool kept from before a Redis restart is dead: a command that
                # fails on it with a connection error is tried once more on a new connection, so
                # the first handshake after Redis returns works (without, it answered 500).
                "hosts": [{"address": REDIS_URL, "retry": Retry(NoBackoff(), 1)}],
                "prefix": "csboard:ws",
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
ASGI_APPLICATION = "csboard.asgi.application"
