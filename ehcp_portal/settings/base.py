"""Settings shared by every environment.

Settings come from the environment (12-factor). Development defaults are safe: SQLite and a
broker that needs no server, so `make run` works on a machine with only Python. Production
(`ehcp_portal.settings.production`) has no defaults for secrets and refuses to start without them.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("EHCP_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
CSRF_FAILURE_VIEW = "ehcp_portal.views.csrf_failure"

SERVICE_NAME = env.str("SERVICE_NAME", default="Apply for and track an EHC plan")
COUNCIL_NAME = env.str("COUNCIL_NAME", default="Demo City Council")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's MFA pages need it (stack-notes)
    "rest_framework",
    "drf_spectacular",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",  # the persistent schedule, edited in the admin (ehcp_portal/beat.py)
    "ehcp_portal.accounts",
    "ehcp_portal",
    "ehcp_portal.audit",
    "notifications",
    "cases",
    "cases.events",  # before the apps that act on a new case, so case.opened comes first
    "cases.advice",
    "cases.assignment",
    "cases.plans",
    "cases.correspondence",
    "cases.casework",
    "families",
    "panels",
    "cases.members",
    "cases.schools",
    "cases.quality",
    "cases.sen2",
    "cases.reporting",
    "ehcp_portal.governance",
    "cases.integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their long cache lifetimes.
    "ehcp_portal.security.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ehcp_portal.security.HostileInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "ehcp_portal.middleware.SessionTimeoutMiddleware",
    "ehcp_portal.middleware.StaffMfaMiddleware",
    # Last, so it sees a view's exception first: an object store outage is a 503, not a 500.
    "ehcp_portal.storage.StorageUnavailableMiddleware",
]

# --- Security headers (ehcp_portal/security.py, django-csp) ---------------------------------
# Content-Security-Policy: scripts, styles, fonts and images only from the portal itself; no
# inline script or style anywhere (base.html loads its one start-up snippet from a file). The
# only other source is `data:` images (the TOTP set-up page's QR code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features the portal never uses, switched off for it and anything it might embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

ROOT_URLCONF = "ehcp_portal.urls"
WSGI_APPLICATION = "ehcp_portal.wsgi.application"

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
                "ehcp_portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ehcp.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default is shared by web, worker and beat processes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    # A covering index's extra columns (the phase transfer cohort's, `cases 0009`) serve
    # PostgreSQL's index-only scans; SQLite keeps the index without them, as intended, so its
    # warning on every command of `make run` says nothing to act on.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login; sign-up verifies the address.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_SIGNUP_FORM_CLASS = "ehcp_portal.accounts.forms.SignupDetailsForm"
ACCOUNT_ADAPTER = "ehcp_portal.accounts.adapter.PortalAccountAdapter"
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SERVICE_NAME
# Staff and elected members see other people's children's records, so they must use MFA outside
# DEBUG. Overridable for demos.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=not DEBUG)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    # Uploaded evidence is personal data: it lives outside the static root and is only ever
    # served through a permission-checked view (never MEDIA_URL).
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))))
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# More than one web node (issue 21): with S3_BUCKET set, every private file (uploads, letters,
# plans, minutes, subject access bundles, SEN2 returns, the council's logo) is kept in an
# S3-compatible object store that every web node and worker reaches, instead of one machine's
# disk. It stays private: the portal never hands out a bucket URL; every download is streamed
# through the access policy (cases/documents.py `document_response`). Without S3_BUCKET the
# file system above stays the default (the embedded `make run`, or a single node).
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    from ehcp_portal.storage import object_storage

    STORAGES["default"] = object_storage(
        bucket=S3_BUCKET,
        endpoint_url=env.str("S3_ENDPOINT_URL", default=""),
        region=env.str("S3_REGION", default=""),
        access_key_id=env.str("S3_ACCESS_KEY_ID", default=""),
        secret_access_key=env.str("S3_SECRET_ACCESS_KEY", default=""),
        prefix=env.str("S3_PREFIX", default=""),
        addressing_style=env.str("S3_ADDRESSING_STYLE", default=""),
        server_side_encryption=env.str("S3_SERVER_SIDE_ENCRYPTION", default=""),
        max_memory_size=FILE_UPLOAD_MAX_MEMORY_SIZE,
    )
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")

# Celery: JSON only, time limits, late acks so a killed worker's task runs again.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery-queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        # kombu's default is "control" in the working directory, which left files in the repo root.
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
    _queue.mkdir(parents=True, exist_ok=True)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
# Beat keeps its schedule in the database (django-celery-beat), not in a file: a deploy or a
# restart neither resets a countdown nor forgets when a task last ran, and the council sees and
# changes every schedule in the admin. CELERY_BEAT_SCHEDULE below only seeds entries that are
# missing (ehcp_portal/beat.py): an edit made in the admin survives every restart and deploy.
CELERY_BEAT_SCHEDULER = "ehcp_portal.beat:PortalScheduler"
# Record each dispatch at once, so a beat killed straight after sending a task does not send it
# again when it returns.
CELERY_BEAT_SYNC_EVERY = 1
# How often beat drains the outbox. The statutory sweep runs once a day at a fixed local time
# (reminders and alerts arrive at the start of the working day, whatever time beat started);
# STATUTORY_SWEEP_TIME only seeds the schedule: afterwards the admin's crontab is what counts.
OUTBOX_DRAIN_SECONDS = env.int("OUTBOX_DRAIN_SECONDS", default=30)
STATUTORY_SWEEP_TIME = env.str("STATUTORY_SWEEP_TIME", default="06:00")
_sweep_hour, _, _sweep_minute = STATUTORY_SWEEP_TIME.partition(":")
CELERY_BEAT_SCHEDULE = {
    "drain-outbox": {"task": "notifications.tasks.outbox_drain", "schedule": OUTBOX_DRAIN_SECONDS},
    "statutory-sweep": {
        "task": "cases.casework.tasks.statutory_sweep",
        "schedule": crontab(hour=int(_sweep_hour), minute=int(_sweep_minute or 0)),
    },
}
# Priorities move with the calendar (days to deadlines), so they are recomputed daily; open
# cases that never had an assignment decision are picked up within a minute.
CELERY_BEAT_SCHEDULE["priorities-recompute"] = {
    "task": "cases.assignment.tasks.priorities_recompute",
    "schedule": env.int("PRIORITIES_RECOMPUTE_SECONDS", default=24 * 60 * 60),
}
# The performance dashboard's figures, computed every night for the periods people look at
# (cases.reporting); a snapshot older than this many hours is recomputed on its next view.
CELERY_BEAT_SCHEDULE["idempotency-records-prune"] = {
    "task": "cases.integrations.tasks.idempotency_records_prune",
    "schedule": crontab(hour=3, minute=30),
}
# Schools (cases.schools): reviews due and late, provision confirmations due, provision gaps;
# idempotent (each alert once), so it may run more often than daily.
CELERY_BEAT_SCHEDULE["schools-daily"] = {
    "task": "cases.schools.tasks.schools_daily_run",
    "schedule": crontab(hour=env.int("SCHOOLS_DAILY_HOUR", default=6), minute=15),
}
CELERY_BEAT_SCHEDULE["reporting-figures-refresh"] = {
    "task": "cases.reporting.tasks.figures_refresh",
    "schedule": crontab(hour=env.int("REPORTING_REFRESH_HOUR", default=2), minute=0),
}
REPORTING_SNAPSHOT_MAX_AGE_HOURS = env.int("REPORTING_SNAPSHOT_MAX_AGE_HOURS", default=26)
# Webhooks (cases/events): the drain delivers what is due (new events, retries, expired leases);
# a failed attempt is retried after 1, 2, 4, ... minutes, up to WEBHOOK_MAX_ATTEMPTS attempts.
WEBHOOK_DRAIN_SECONDS = env.int("WEBHOOK_DRAIN_SECONDS", default=30)
WEBHOOK_CLAIM_LEASE_SECONDS = env.int("WEBHOOK_CLAIM_LEASE_SECONDS", default=120)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=60)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
# One drain stops taking deliveries after this long (the task limit is CELERY_TASK_SOFT_TIME_LIMIT).
WEBHOOK_DRAIN_BUDGET_SECONDS = env.int("WEBHOOK_DRAIN_BUDGET_SECONDS", default=120)
CELERY_BEAT_SCHEDULE["webhooks-drain"] = {
    "task": "cases.events.tasks.webhooks_drain",
    "schedule": WEBHOOK_DRAIN_SECONDS,
}
# Letters and bulk sends still waiting (the broker or a worker was down) are asked for again.
CELERY_BEAT_SCHEDULE["letters-drain"] = {
    "task": "cases.correspondence.tasks.letter_jobs_drain_task",
    "schedule": env.int("LETTERS_DRAIN_SECONDS", default=60),
}
CELERY_BEAT_SCHEDULE["panel-minutes-drain"] = {
    "task": "panels.tasks.minutes_drain_task",
    "schedule": env.int("MINUTES_DRAIN_SECONDS", default=60),
}
CELERY_BEAT_SCHEDULE["bulk-letters-drain"] = {
    "task": "cases.correspondence.tasks.bulk_sends_drain_task",
    "schedule": env.int("BULK_LETTERS_DRAIN_SECONDS", default=5 * 60),
}
CELERY_BEAT_SCHEDULE["assignment-unassigned-sweep"] = {
    "task": "cases.assignment.tasks.unassigned_sweep",
    "schedule": env.int("ASSIGNMENT_SWEEP_SECONDS", default=60),
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="EHCP portal <send@ehcp.example.gov.uk>")
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")

REST_FRAMEWORK = {
    # Council systems by their API client's bearer token; people by their browser session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cases.integrations.auth.ApiClientAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["cases.integrations.auth.ApiClientThrottle"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every 4xx as RFC 9457 problem details (cases/integrations/problems.py).
    "EXCEPTION_HANDLER": "cases.integrations.problems.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "EHCP portal integration API",
    "DESCRIPTION": (
        "For the council's other systems: read cases, children, documents, advice, panel "
        "decisions and plans; submit requests, record advice, placements and UPNs. A system "
        "signs in with its API client's token (`Authorization: Bearer ehcp_...`); a person "
        "with their browser session. Every 4xx is `application/problem+json` (RFC 9457). "
        "See docs/api.md for a worked example."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cases.integrations.schema.problems_documented",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # pypdf logs each repair it makes while reading a damaged upload; the refusal says enough.
    "loggers": {"pypdf": {"level": "ERROR"}},
}

# Elected members' queries: reply target in working days from receipt (England and
# Wales bank holidays excluded), a reminder this many working days before it, and a flood limit.
MEMBER_ENQUIRY_SLA_WORKING_DAYS = env.int("MEMBER_ENQUIRY_SLA_WORKING_DAYS", default=10)
MEMBER_ENQUIRY_REMINDER_WORKING_DAYS = env.int("MEMBER_ENQUIRY_REMINDER_WORKING_DAYS", default=2)
MEMBER_ENQUIRY_MAX_PER_HOUR = env.int("MEMBER_ENQUIRY_MAX_PER_HOUR", default=20)
MEMBER_ENQUIRY_MAX_PER_DAY = env.int("MEMBER_ENQUIRY_MAX_PER_DAY", default=100)
MEMBER_ENQUIRY_SWEEP_SECONDS = env.int("MEMBER_ENQUIRY_SWEEP_SECONDS", default=60 * 60)
CELERY_BEAT_SCHEDULE["notify-status-poll"] = {
    "task": "notifications.tasks.delivery_statuses_poll",
    "schedule": env.int("NOTIFY_STATUS_POLL_SECONDS", default=15 * 60),
}
# Quality (issue 18): sample last month's plans, remind complaint handlers, tell families of
# deadlines passed (each step idempotent).
CELERY_BEAT_SCHEDULE["quality-daily"] = {
    "task": "cases.quality.tasks.quality_daily",
    "schedule": crontab(hour=env.int("QUALITY_DAILY_HOUR", default=7), minute=15),
}
CELERY_BEAT_SCHEDULE["member-enquiries-sweep"] = {
    "task": "cases.members.tasks.member_enquiries_sweep",
    "schedule": MEMBER_ENQUIRY_SWEEP_SECONDS,
}
# Notifications and reminders.
# GOV.UK Notify: used instead of SMTP when NOTIFY_API_KEY is set. One generic email template in
# Notify with ((subject)) and ((body)) placeholders carries every message.
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_EMAIL_TEMPLATE_ID = env.str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_TIMEOUT_SECONDS = env.int("NOTIFY_TIMEOUT_SECONDS", default=20)
# Text messages: one generic template in Notify with a ((body)) placeholder. Posted letters are
# precompiled PDFs and need no template. Without a key, texts are written to var/sms/ and
# letters to var/letters/ (the embedded default shows everything that would be sent).
NOTIFY_SMS_TEMPLATE_ID = env.str("NOTIFY_SMS_TEMPLATE_ID", default="")
NOTIFY_LETTER_POSTAGE = env.str("NOTIFY_LETTER_POSTAGE", default="second")
# Notify's delivery receipts: the bearer token set on the service's callback in Notify. Without
# one the callback endpoint refuses everything (and the beat polls Notify for statuses).
NOTIFY_CALLBACK_TOKEN = env.str("NOTIFY_CALLBACK_TOKEN", default="")
SMS_DIR = VAR_DIR / "sms"
LETTERS_DIR = VAR_DIR / "letters"
# A worker that claimed a message and died leaves it "sending"; after the lease it is retried.
NOTIFICATION_CLAIM_LEASE_SECONDS = env.int("NOTIFICATION_CLAIM_LEASE_SECONDS", default=300)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
# The Celery queue delivery tasks go to (None: the default queue).
NOTIFICATION_QUEUE = env.str("NOTIFICATION_QUEUE", default="") or None
# Days before a statutory deadline the caseworker is alerted (within the 10-day horizon).
DEADLINE_ALERT_OFFSETS_DAYS = tuple(
    env.list("DEADLINE_ALERT_OFFSETS_DAYS", cast=int, default=[7, 2])
)
DEADLINE_ALERT_HORIZON_DAYS = 10
# Advice reminders: days before the due date (and on the day); weekly once overdue.
ADVICE_REMINDER_OFFSETS_DAYS = tuple(
    env.list("ADVICE_REMINDER_OFFSETS_DAYS", cast=int, default=[14, 7, 2, 0])
)
# Family reminders: draft comment window closing, annual review coming up.
DRAFT_COMMENTS_REMINDER_DAYS = tuple(
    env.list("DRAFT_COMMENTS_REMINDER_DAYS", cast=int, default=[5, 1])
)
ANNUAL_REVIEW_REMINDER_DAYS = tuple(env.list("ANNUAL_REVIEW_REMINDER_DAYS", cast=int, default=[28]))
# Managers' weekly digest of breached deadlines goes out on the first sweep from this weekday.
BREACH_DIGEST_WEEKDAY = env.int("BREACH_DIGEST_WEEKDAY", default=0)  # Monday
SIGN_IN_LINK_MINUTES = env.int("SIGN_IN_LINK_MINUTES", default=30)
# acks_late: Redis hands an unacknowledged task (its worker died) to another worker after the
# visibility timeout. It must exceed the longest task and the notification claim lease, so the
# redelivered task finds the lease expired and sends the message; the outbox drain is the
# backstop. The restore options say how often a worker looks for such tasks (kombu defaults).
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    }

# --- Sign-in, sessions and the shared cache (issue 14: MFA that holds) ------------------------
# allauth keeps its sign-in limits (ACCOUNT_RATE_LIMITS) and its used-TOTP-code markers in the
# default cache, so the cache must be shared by every web process or each gunicorn worker counts
# failures on its own. Redis when it is configured (production always has it); the embedded
# default (`make run`: web, worker and beat on SQLite, no server) uses files under VAR_DIR, which
# every process on the machine shares with no set-up step. A database cache would need
# `createcachetable` before the first run and a write to SQLite on every failed sign-in.
CACHE_REDIS_URL = env.str("CACHE_REDIS_URL", default=REDIS_URL)
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="ehcp")
if CACHE_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
# The Django admin signs in through allauth (ehcp_portal/urls.py), so these limits cover it too.
# "Trust this browser" would let a session skip the second factor: it stays off.
MFA_TRUST_ENABLED = False
MFA_ADAPTER = "ehcp_portal.accounts.adapter.PortalMFAAdapter"
# Behind a reverse proxy every request comes from the proxy's address; the per-address sign-in
# limit must count the client's (the proxy's X-Forwarded-For entry), or one attacker locks out
# everyone. Set to the number of proxies in front of the portal.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Staff (every role that must use MFA) are signed out after this long without a request, and
# warned two minutes before (templates/includes/session_timeout_dialog.html).
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_TIMEOUT_WARNING_SECONDS = 120
# A staff session ends after a working day however active it is (a shift, with margin; a
# stolen session cookie stops working overnight). Families read only their own children's
# records and come back over days, so their "remember me" session lasts a week (was 14 days).
STAFF_SESSION_MAX_HOURS = env.int("STAFF_SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = env.int("FAMILY_SESSION_DAYS", default=7) * 24 * 60 * 60
# The retention schedule (ehcp_portal/governance/retention.py) runs nightly at a quiet hour;
# it is idempotent, so a missed night is caught up by the next.
CELERY_BEAT_SCHEDULE["retention-run"] = {
    "task": "ehcp_portal.governance.tasks.retention_run_daily",
    "schedule": crontab(
        hour=env.int("RETENTION_RUN_HOUR", default=2),
        minute=env.int("RETENTION_RUN_MINUTE", default=30),
    ),
}
# Sent messages keep their text this many days, then only their subject, status and times
# (notifications/retention.py): the sweep's messages are ~125 MB a day at 1,000,000 cases.
# Trimmed nightly in the retention schedule's hour, after it.
NOTIFICATION_BODY_RETENTION_DAYS = env.int("NOTIFICATION_BODY_RETENTION_DAYS", default=90)
CELERY_BEAT_SCHEDULE["notification-bodies-trim"] = {
    "task": "notifications.tasks.notification_bodies_trim",
    "schedule": crontab(hour=env.int("RETENTION_RUN_HOUR", default=2), minute=50),
}
# The access log (ehcp_portal/audit): every read of a child's record is recorded. Turned off
# only to measure what recording costs (bench/caseload.py), so deliberately not read from the
# environment: a deployment cannot switch it off.
ACCESS_LOG_ENABLED = True
# Web, worker and beat refuse to start while a migration of their code is unapplied
# (ehcp_portal/schema.py), after waiting this long for the deploy's migrate step.
SCHEMA_CHECK_AT_START = env.bool("SCHEMA_CHECK_AT_START", default=True)
SCHEMA_WAIT_SECONDS = env.int("SCHEMA_WAIT_SECONDS", default=0)
# The load balancer's probes: plain HTTP from inside the network, never redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^readyz$", r"^healthz$"]
