"""Django settings for Otklik, all read from the environment (see otklik/config.py and README)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from otklik.config import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_prefixed,
    env_str,
    persistent_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OTKLIK_VAR_DIR") or BASE_DIR / "var")

# "embedded" (SQLite under var/, generated key) or "production" (everything explicit, hardened).
PROFILE = (env_str("OTKLIK_PROFILE", "embedded") or "embedded").strip().lower()
if PROFILE not in {"embedded", "production"}:
    raise ConfigurationError(f"OTKLIK_PROFILE={PROFILE!r}: expected 'embedded' or 'production'")
PRODUCTION = PROFILE == "production"

DEBUG = env_bool("OTKLIK_DEBUG", default=False)

SECRET_KEY = env_str("OTKLIK_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ConfigurationError("OTKLIK_SECRET_KEY (or OTKLIK_SECRET_KEY_FILE) must be set")
    SECRET_KEY = persistent_secret_key(VAR_DIR)

ALLOWED_HOSTS = env_list(
    "OTKLIK_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("OTKLIK_CSRF_TRUSTED_ORIGINS", [])

# --- applications -------------------------------------------------------------------------------
INSTALLED_APPS = [
    "otklik.site.apps.OtklikAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "axes",
    # Otklik's own apps, each of the same shape (see docs/architecture.md)
    "otklik.core",
    "otklik.audit",
    "otklik.directory",
    "otklik.accounts",
    "otklik.intake",
    "otklik.sla",
    "otklik.approvals",
    "otklik.cases",
    "otklik.nlp",
    "otklik.channels",
    "otklik.channels.email",
    "otklik.channels.imports",
    "otklik.channels.webform",
    "otklik.channels.desk",
    "otklik.analytics",
    "otklik.problems",
    "otklik.documents",
    "otklik.office",
    "otklik.correspondence",
    "otklik.channels.telegram",
    "otklik.channels.vk",
    "otklik.channels.ok",
    "otklik.channels.open311",
    "otklik.demo",
    "otklik.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "otklik.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "otklik.urls"
WSGI_APPLICATION = "otklik.wsgi.application"
ASGI_APPLICATION = "otklik.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "otklik" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "otklik.site.context_processors.navigation",
                "otklik.site.context_processors.demo_history",
            ],
        },
    }
]

# --- database -----------------------------------------------------------------------------------
DATABASE_URL = env_str("OTKLIK_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'otklik.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server, the workers and the scheduler share the file.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "OTKLIK_PG_JIT", False
):
    # PostgreSQL's JIT compiles a statement whose estimate is large before running it: for
    # the platform's statements (a day's rollups: dozens of filtered counts; reads of
    # thousands of rollup rows) compiling costs more than it saves — a day's rollups at
    # 10 M messages took 3.2 s with it, 1.7 s without (bench/README.md). Off per session.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and background work -------------------------------------------------------------------
REDIS_URL = env_str("OTKLIK_REDIS_URL") or ""
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    INSTALLED_APPS.append("django_rq")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "otklik_cache",
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- authentication -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must stay first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout: after OTKLIK_LOGIN_FAILURE_LIMIT failures the username+address pair is locked for
# OTKLIK_LOGIN_LOCKOUT_MINUTES; an administrator can lift it earlier (`otklik axes_reset_username`).
AXES_FAILURE_LIMIT = env_int("OTKLIK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("OTKLIK_LOGIN_LOCKOUT_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = env_str("OTKLIK_OTP_ISSUER", "Отклик")

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "otklik.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Otklik API",
    "DESCRIPTION": "API of Otklik, the platform of the Regional Management Center (ЦУР).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package's static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "otklik.cases.choices.CaseStatus",
        "CasePriorityEnum": "otklik.cases.choices.Priority",
        "AnswerStatusEnum": "otklik.cases.choices.AnswerStatus",
        "IngestStatusEnum": ["created", "duplicate", "rejected"],
        "VerbEnum": "otklik.cases.selectors.CASE_VERBS",  # the case verbs (not the route's)
        "RoleEnum": "otklik.core.roles.Role",
        "ApprovalStateEnum": "otklik.approvals.choices.ApprovalState",
        "RouteVerbEnum": "otklik.approvals.choices.Verb",
        "ProjectStateEnum": "otklik.office.choices.ProjectState",
        "IndicatorStateEnum": "otklik.office.choices.IndicatorState",
        "PlanStatusEnum": "otklik.office.choices.PlanStatus",
        "RiskStatusEnum": "otklik.office.choices.RiskStatus",
        "GroupKindEnum": "otklik.office.choices.GroupKind",
        "MemberRoleEnum": "otklik.office.choices.MemberRole",
        "RoadmapStatusEnum": "otklik.office.choices.RoadmapStatus",
        "ProgrammeKindEnum": "otklik.office.choices.ProgrammeKind",
        "ItemStateEnum": "otklik.correspondence.choices.ItemState",
        "ItemEventKindEnum": "otklik.correspondence.choices.EventKind",
        "AssignmentKindEnum": "otklik.correspondence.choices.AssignmentKind",
        "IncomingStateEnum": "otklik.correspondence.choices.IncomingState",
        "IncomingSourceEnum": "otklik.correspondence.choices.IncomingSource",
        "IndicatorDirectionEnum": "otklik.office.choices.Direction",
        "DocumentDirectionEnum": "otklik.documents.choices.Direction",
        "SignatureKindEnum": "otklik.documents.choices.SignatureKind",
    },
}

# --- language, time -----------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = "Europe/Volgograd"
USE_I18N = True
USE_TZ = True
# Working hours for deadlines in working hours (cases/sla); configurable per installation.
OTKLIK_WORKING_HOURS = env_str("OTKLIK_WORKING_HOURS", "09:00-18:00") or "09:00-18:00"
# The project office's reporting period (month, quarter or year): the reports sweep opens the
# progress reports of the period just ended, projects' and blocks'.
OTKLIK_OFFICE_REPORT_PERIOD = env_str("OTKLIK_OFFICE_REPORT_PERIOD", "month") or "month"
# Qualified electronic signatures (УКЭП) of registered documents are accepted only from the
# certification centres whose certificates (PEM or DER: *.pem, *.crt, *.cer) lie in this
# directory; empty: none is accepted (``core.cms.trusted_certificates``).
OTKLIK_TRUSTED_CA_DIR = env_str("OTKLIK_TRUSTED_CA_DIR", "") or ""

# --- static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "otklik" / "static"]
STATIC_ROOT = Path(env_str("OTKLIK_STATIC_ROOT") or VAR_DIR / "static")
MEDIA_URL = "media/"  # never served as is: files go out through views that check the scope
# Files sent inside ingestion items (base64 ``content`` of an attachment): the limit of one file
# and of all the files of one message, in MiB. What exceeds them is refused into the quarantine.
OTKLIK_ATTACHMENT_MAX_BYTES = env_int("OTKLIK_ATTACHMENT_MAX_MB", 10) * 1024 * 1024
OTKLIK_MESSAGE_ATTACHMENTS_MAX_BYTES = (
    env_int("OTKLIK_MESSAGE_ATTACHMENTS_MAX_MB", 25) * 1024 * 1024
)
MEDIA_ROOT = Path(env_str("OTKLIK_MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when empty

# --- mail ---------------------------------------------------------------------------------------
EMAIL_HOST = env_str("OTKLIK_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("OTKLIK_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("OTKLIK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("OTKLIK_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("OTKLIK_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("OTKLIK_EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env_str("OTKLIK_EMAIL_FROM", "otklik@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if not env_str("OTKLIK_EMAIL_HOST"):
    # No mail server configured: mail is written to var/mail/ instead of being lost or crashing.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- language pipeline --------------------------------------------------------------------------
# Every new message is understood (sector, topic, place, signals, near-duplicates) by the task
# that opens its case; off, messages keep what their channel said.
OTKLIK_NLP_ON_INTAKE = env_bool("OTKLIK_NLP", default=True)

# --- public web form (otklik.channels.webform) ---------------------------------------------------
# The map of the form: a schematic of the oblast drawn from the municipalities' centres (works
# in a closed network); with a tile server URL ({z}/{x}/{y}), a tile map of that server instead.
OTKLIK_MAP_TILE_URL = env_str("OTKLIK_MAP_TILE_URL", "")
OTKLIK_MAP_TILE_ATTRIBUTION = env_str("OTKLIK_MAP_TILE_ATTRIBUTION", "")
# Anti-abuse: reports per address an hour, per contact (phone or e-mail) a day; hint requests
# (topic suggestion, similar reports) per address an hour. 0 turns a limit off.
OTKLIK_WEBFORM_LIMIT_PER_IP_HOUR = env_int("OTKLIK_WEBFORM_LIMIT_PER_IP_HOUR", 20)
OTKLIK_WEBFORM_LIMIT_PER_CONTACT_DAY = env_int("OTKLIK_WEBFORM_LIMIT_PER_CONTACT_DAY", 10)
OTKLIK_WEBFORM_HINTS_PER_IP_HOUR = env_int("OTKLIK_WEBFORM_HINTS_PER_IP_HOUR", 600)
# Behind a reverse proxy: the header carrying the client's address (e.g. X-Real-IP).
OTKLIK_WEBFORM_CLIENT_IP_HEADER = env_str("OTKLIK_WEBFORM_CLIENT_IP_HEADER", "")
OTKLIK_WEBFORM_MAX_PHOTOS = env_int("OTKLIK_WEBFORM_MAX_PHOTOS", 5)
OTKLIK_WEBFORM_MAX_PHOTO_MB = env_int("OTKLIK_WEBFORM_MAX_PHOTO_MB", 10)

# --- channels (otklik.channels) ------------------------------------------------------------------
# Read here once; the adapters read django.conf.settings (credentials through
# ``otklik.channels.secrets.channel_secret``, which names the variable when one is missing).
# Telegram: the bot's token and webhook secret; ``off`` / ``polling`` / ``webhook``; how long a
# message of a chat that has not answered the consent question waits; the Bot API server.
OTKLIK_TELEGRAM_TOKEN = env_str("OTKLIK_TELEGRAM_TOKEN", "") or ""
OTKLIK_TELEGRAM_WEBHOOK_SECRET = env_str("OTKLIK_TELEGRAM_WEBHOOK_SECRET", "") or ""
OTKLIK_TELEGRAM_MODE = (env_str("OTKLIK_TELEGRAM_MODE") or "off").strip().lower()
OTKLIK_TELEGRAM_CONSENT_WAIT_MINUTES = env_int("OTKLIK_TELEGRAM_CONSENT_WAIT_MINUTES", 60)
OTKLIK_TELEGRAM_API_URL = env_str("OTKLIK_TELEGRAM_API_URL") or "https://api.telegram.org"
# VK: the community, the Callback API's confirmation string and secret key, the community key
# (messages), an admin's key (monitoring, comments); the API; the monitoring's searches.
OTKLIK_VK_GROUP_ID = env_str("OTKLIK_VK_GROUP_ID", "") or ""
OTKLIK_VK_CONFIRMATION = env_str("OTKLIK_VK_CONFIRMATION", "") or ""
OTKLIK_VK_SECRET = env_str("OTKLIK_VK_SECRET", "") or ""
OTKLIK_VK_TOKEN = env_str("OTKLIK_VK_TOKEN", "") or ""
OTKLIK_VK_USER_TOKEN = env_str("OTKLIK_VK_USER_TOKEN", "") or ""
OTKLIK_VK_API_URL = env_str("OTKLIK_VK_API_URL") or "https://api.vk.com/method"
OTKLIK_VK_API_VERSION = env_str("OTKLIK_VK_API_VERSION") or "5.199"
OTKLIK_VK_MONITOR_FILE = env_str("OTKLIK_VK_MONITOR_FILE", "") or ""  # empty: the shipped one
# Одноклассники: the group's Bot API key and the webhook's secret; the REST application's keys,
# an administrator's access token and the group (the group page's poll); the two APIs.
OTKLIK_OK_TOKEN = env_str("OTKLIK_OK_TOKEN", "") or ""
OTKLIK_OK_WEBHOOK_SECRET = env_str("OTKLIK_OK_WEBHOOK_SECRET", "") or ""
OTKLIK_OK_APPLICATION_KEY = env_str("OTKLIK_OK_APPLICATION_KEY", "") or ""
OTKLIK_OK_SECRET_KEY = env_str("OTKLIK_OK_SECRET_KEY", "") or ""
OTKLIK_OK_ACCESS_TOKEN = env_str("OTKLIK_OK_ACCESS_TOKEN", "") or ""
OTKLIK_OK_GROUP_ID = env_str("OTKLIK_OK_GROUP_ID", "") or ""
OTKLIK_OK_API_URL = env_str("OTKLIK_OK_API_URL") or "https://api.ok.ru/graph"
OTKLIK_OK_REST_URL = env_str("OTKLIK_OK_REST_URL") or "https://api.ok.ru/fb.do"
# E-mail in: the ЦУР mailbox polled over IMAP (no host: the channel is off). Port 0: 993 with
# ``ssl``, else 143.
OTKLIK_EMAIL_IMAP_HOST = env_str("OTKLIK_EMAIL_IMAP_HOST", "") or ""
OTKLIK_EMAIL_IMAP_PORT = env_int("OTKLIK_EMAIL_IMAP_PORT", 0)
OTKLIK_EMAIL_IMAP_USER = env_str("OTKLIK_EMAIL_IMAP_USER", "") or ""
OTKLIK_EMAIL_IMAP_PASSWORD = env_str("OTKLIK_EMAIL_IMAP_PASSWORD", "") or ""
OTKLIK_EMAIL_IMAP_SECURITY = (env_str("OTKLIK_EMAIL_IMAP_SECURITY") or "ssl").strip().lower()
OTKLIK_EMAIL_IMAP_CA_FILE = env_str("OTKLIK_EMAIL_IMAP_CA_FILE", "") or ""
OTKLIK_EMAIL_IMAP_FOLDER = env_str("OTKLIK_EMAIL_IMAP_FOLDER") or "INBOX"
OTKLIK_EMAIL_IMAP_PROCESSED_FOLDER = env_str("OTKLIK_EMAIL_IMAP_PROCESSED_FOLDER", "") or ""
OTKLIK_EMAIL_ATTACHMENT_MAX_BYTES = env_int("OTKLIK_EMAIL_ATTACHMENT_MAX_MB", 10) * 1024 * 1024
OTKLIK_EMAIL_POLL_BATCH = env_int("OTKLIK_EMAIL_POLL_BATCH", 200)
# Otklik's public address (the survey link sent to VK/OK authors); empty: no link is sent.
OTKLIK_PUBLIC_URL = env_str("OTKLIK_PUBLIC_URL", "") or ""
# Signed webhooks of external systems (intake.api.signatures): every OTKLIK_WEBHOOK_SECRET_<SYSTEM>
# (or its _FILE form) set at start-up, by <SYSTEM>; the accepted distance of a signed timestamp.
OTKLIK_WEBHOOK_SECRETS = env_prefixed("OTKLIK_WEBHOOK_SECRET_")
OTKLIK_WEBHOOK_TOLERANCE_SECONDS = env_int("OTKLIK_WEBHOOK_TOLERANCE_SECONDS", 300)

# --- security -----------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("OTKLIK_SESSION_HOURS", 12) * 3600
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("OTKLIK_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("OTKLIK_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("OTKLIK_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # one INFO line per login otherwise
    },
}
