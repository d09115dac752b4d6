"""Settings shared by every environment. Everything that differs comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab

from lendportal.env import (
    cache_url_for_broker,
    env_bool,
    env_decimal,
    env_int,
    env_list,
    env_str,
)

# Lets ModelAdmin[Model], QuerySet[Model] and friends be subscripted at run time (typing).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# The development values of the secrets, by environment variable: published here for `make run`
# and the tests, so production settings refuse every one of them (issue #16).
PUBLISHED_DEVELOPMENT_SECRETS = {
    "DJANGO_SECRET_KEY": "insecure-development-key-never-use-in-production",
    "FIELD_ENCRYPTION_KEYS": "Yr6NvJ7o1vQDtVYk2p3L0Ws6M3sWJm0R6l4fQxYtH6A=",
    "LOOKUP_HASH_KEY": "development-lookup-key-not-secret",
}

SECRET_KEY = env_str("DJANGO_SECRET_KEY", PUBLISHED_DEVELOPMENT_SECRETS["DJANGO_SECRET_KEY"])
DEBUG = env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

INSTALLED_APPS = [
    # django.contrib.admin with the back office's site: own sign-in, work home (issue #23).
    "loans.backoffice.admin_config.BackOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "oauth2_provider",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    # The lending apps, lowest layer first (README "Architecture in a page"). "loans" itself
    # keeps the migration history from before the split (issue #8) and the seeding commands.
    "loans",
    "loans.calendar",
    "loans.ledger",
    "loans.events",
    "loans.servicing",
    "loans.origination",
    "loans.revolving",
    "loans.reporting",
    "loans.approvals",
    "loans.payments",
    "loans.cob",
    "loans.documents",
    "loans.portal",
    "loans.api",
    "loans.backoffice",
]

MIDDLEWARE = [
    "lendportal.request_id.RequestIdMiddleware",  # first: every log line names its request
    "lendportal.metrics.MetricsMiddleware",  # time, status and queries of every request (#21)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware: the partner API speaks English unless Accept-Language asks.
    "loans.api.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffTotpRequiredMiddleware",
    "lendportal.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "lendportal.urls"
WSGI_APPLICATION = "lendportal.wsgi.application"
ASGI_APPLICATION = "lendportal.asgi.application"

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
            ],
            "builtins": ["loans.portal.templatetags.portal"],
        },
    },
]

# Forms render with the project's templates (templates/portal/form_fields.html and its filters).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# PostgreSQL is the only engine LendPortal supports (constraints, triggers, set-based SQL).
# The primary, its pool or PgBouncer, and the read replica: lendportal/settings/database.py (#20).
from lendportal.settings.database import *  # noqa: E402, F403

# Two roles (issue #16, docs/database.md): DATABASE_URL is the application's, which owns no
# table; DATABASE_OWNER_URL (same database) is the owner's, used only by `manage.py migrate`
# (accounts/management/commands/migrate.py) and the test harness. Give it to the release step,
# not to the web and worker processes. Unset: DATABASE_URL's user owns the tables (one role).
_owner_url = os.environ.get("DATABASE_OWNER_URL", "")
LENDPORTAL_DATABASE_OWNER: dict[str, Any] | None = (
    dict(dj_database_url.parse(_owner_url)) if _owner_url else None
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Signing in (allauth, phone and SMS codes, rate limits, TOTP): lendportal/settings/accounts.py.
from lendportal.settings.accounts import *  # noqa: E402, F403

LENDPORTAL_SITE_NAME = env_str("LENDPORTAL_SITE_NAME", "LendPortal")
LENDPORTAL_SITE_DOMAIN = os.environ.get("LENDPORTAL_SITE_DOMAIN", "")  # unset: the request's host

# The version of the privacy notice the portal shows (templates/portal/privacy.html); a consent
# is stored with this version and its time (PIPL art. 14).
LENDPORTAL_PRIVACY_NOTICE_VERSION = "2026-11"
# The version of the loan contract text (templates/portal/contract_text.html).
LENDPORTAL_CONTRACT_VERSION = "LP-LOAN-2026-11"
# The TrueType CJK font embedded (as a subset) in the borrower's PDFs (loans/documents, #19):
# Debian's fonts-wqy-zenhei by default (.ci/run installs it). A changed font changes the bytes.
LENDPORTAL_DOCUMENT_FONT = env_str(
    "LENDPORTAL_DOCUMENT_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
)
# Payment backend of the portal's repay flow (loans.payments.services).
LENDPORTAL_PAYMENT_BACKEND = env_str(
    "LENDPORTAL_PAYMENT_BACKEND", "loans.payments.services.FakePaymentGateway"
)
# The gateway of auto-debit charges, card agreements and payouts (loans.payments.gateway,
# docs/rails.md): a dotted class path. Callbacks are trusted only when signed (HMAC-SHA256 of
# the body) with the secret; without one, every callback is refused.
LENDPORTAL_GATEWAY_BACKEND = env_str(
    "LENDPORTAL_GATEWAY_BACKEND", "loans.payments.fake_gateway.FakeGateway"
)
LENDPORTAL_GATEWAY_CALLBACK_SECRET = os.environ.get("LENDPORTAL_GATEWAY_CALLBACK_SECRET", "")
LENDPORTAL_FAKE_GATEWAY_SEED = env_int("LENDPORTAL_FAKE_GATEWAY_SEED", 0)
# The version of the auto-debit agreement text (templates/portal/auto_debit.html).
LENDPORTAL_AUTO_DEBIT_AGREEMENT_VERSION = "LP-AUTODEBIT-2026-12"

# The business plan's disbursement target for year one (PRODUCT §1), shown on the dashboard.
LENDPORTAL_PLAN_YEAR_ONE_DISBURSED = "2000000000.00"

# Content-Security-Policy (lendportal.security): no inline or third-party script; styles from
# our own files (inline style attributes stay allowed for the Django admin's widgets).
LENDPORTAL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Business timezone (PRODUCT §2): datetimes are stored in UTC and shown in Beijing time.
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Redis: the Celery broker, and the cache (rate limits need a cache shared by every process).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL", cache_url_for_broker(CELERY_BROKER_URL)),
        "KEY_PREFIX": "lendportal",
    },
    # Per web process: the partner API's memory of bearer tokens (loans/api/auth_cache.py).
    "api-auth": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "api-auth",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}

# Celery (see lendportal/celery.py and STYLE.md "Celery"). Tasks are safe to run twice: their
# work is keyed in PostgreSQL, so a re-delivery after a lost worker changes nothing.
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = "default"
# Close of business has its own queue, so a deployment can give it dedicated workers.
CELERY_TASK_ROUTES = {
    "loans.cob.tasks.business_day_close": {"queue": "cob"},
    "loans.cob.tasks.cob_chunk_process": {"queue": "cob"},
    "loans.cob.tasks.cob_chunks_resend": {"queue": "cob"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# Redis re-delivers an unacknowledged task after the visibility timeout: it must exceed the
# longest task, or a slow task would run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_IMPORTS = ("lendportal.health",)  # beat's heartbeat task, read by /healthz?full=1
# Close of business starts after midnight Beijing time and re-checks every 15 minutes until the
# morning, resuming a run whose chunks were lost; `expires` keeps a missed tick from doubling.
# Beat may run on two machines (issue #21): RedBeat keeps the schedule in Redis under a lock
# that one beat holds and renews each loop; another waits and takes over once a dead one's lock
# expires (LENDPORTAL_BEAT_LOCK_SECONDS).
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_REDBEAT_REDIS_URL = cache_url_for_broker(CELERY_BROKER_URL)
CELERY_REDBEAT_KEY_PREFIX = "lendportal:redbeat:"
CELERY_REDBEAT_LOCK_TIMEOUT = env_int("LENDPORTAL_BEAT_LOCK_SECONDS", 60)
CELERY_BEAT_MAX_LOOP_INTERVAL = 5  # seconds: the lock is renewed at least this often
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Checkout orders not confirmed in their minutes expire (PRODUCT §10).
    "orders-expire": {"task": "loans.revolving.tasks.orders_expire", "schedule": 60},
    "beat-tick": {
        "task": "lendportal.beat_tick",
        "schedule": env_int("LENDPORTAL_BEAT_TICK_SECONDS", 60),
        "options": {"expires": 50},
    },
    "close-business-day": {
        "task": "loans.cob.tasks.business_day_close",
        "schedule": crontab(minute="*/15", hour="0-6"),
        "options": {"expires": 14 * 60},
    },
    # A chunk task lost with a worker killed whole is sent again (docs/cob.md, issue #16). On
    # the cob queue: behind a backlog of chunks a tick expires instead of piling up copies.
    "cob-chunks-resend": {
        "task": "loans.cob.tasks.cob_chunks_resend",
        "schedule": 60,
        "options": {"expires": 50},
    },
    "webhooks-send": {
        "task": "loans.events.tasks.webhook_deliveries_send",
        "schedule": 5,
        "options": {"expires": 30},
    },
    # The journal's partitions of this month and the next three (docs/ledger.md "Partitions").
    "journal-partitions-ensure": {
        "task": "loans.ledger.tasks.journal_partitions_ensure",
        "schedule": crontab(minute=7, hour=3),
    },
    # The dashboard's stock changes, folded into one row per bucket (docs/backoffice.md).
    "loan-stock-compact": {
        "task": "loans.reporting.tasks.loan_stock_compact",
        "schedule": 10 * 60,
        "options": {"expires": 9 * 60},
    },
    "idempotency-purge": {
        "task": "loans.api.tasks.idempotency_records_purge",
        "schedule": crontab(minute=17),
        "options": {"expires": 50 * 60},
    },
    "send-reminders": {
        "task": "loans.servicing.tasks.reminders_send_due",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    "send-bill-reminders": {
        "task": "loans.revolving.tasks.bill_reminders_send_due",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    # Payouts without an answer are asked about, never sent again (PRODUCT §11, docs/rails.md).
    "payouts-query-unknown": {
        "task": "loans.origination.tasks.payouts_query_unknown",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
}

# Personal data at rest (PRODUCT §6): identity and card numbers are encrypted with the first of
# these Fernet keys (the others still decrypt, for rotation) and found by an HMAC with the lookup
# key. The defaults are for development only: production settings require both variables and
# refuse these published values (PUBLISHED_DEVELOPMENT_SECRETS).
LENDPORTAL_FIELD_ENCRYPTION_KEYS = env_list(
    "FIELD_ENCRYPTION_KEYS", PUBLISHED_DEVELOPMENT_SECRETS["FIELD_ENCRYPTION_KEYS"]
)
LENDPORTAL_LOOKUP_HASH_KEY = env_str(
    "LOOKUP_HASH_KEY", PUBLISHED_DEVELOPMENT_SECRETS["LOOKUP_HASH_KEY"]
)

# Lending policy (PRODUCT §2.2, §6).
# Loans per close-of-business chunk: one task, one transaction (PRODUCT §4).
LENDPORTAL_COB_CHUNK_SIZE = env_int("LENDPORTAL_COB_CHUNK_SIZE", 10_000)
# A pending chunk sent this long ago that no process runs is sent again (docs/cob.md).
LENDPORTAL_COB_RESEND_AFTER_SECONDS = env_int("LENDPORTAL_COB_RESEND_AFTER_SECONDS", 5 * 60)
LENDPORTAL_RATE_CAP = env_decimal("LENDPORTAL_RATE_CAP", "0.24")
# Draws up to this amount are disbursed at once; above it a second officer approves (§6).
LENDPORTAL_AUTO_DISBURSE_LIMIT = env_decimal("LENDPORTAL_AUTO_DISBURSE_LIMIT", "20000.00")
LENDPORTAL_PAYOUT_BACKEND = env_str(
    "LENDPORTAL_PAYOUT_BACKEND", "loans.origination.services.payouts.FakePayoutBackend"
)
# A payout still SENT this long after it was sent (or last asked about) is asked about (§11).
LENDPORTAL_PAYOUT_QUERY_AFTER_MINUTES = env_int("LENDPORTAL_PAYOUT_QUERY_AFTER_MINUTES", 15)

# Partner API (PRODUCT §7, docs/api.md). OAuth2 client credentials; each partner's client may
# ask only for the scopes recorded on its Partner row (loans.api.scopes.PartnerScopes).
API_SCOPES = {
    "quotes": "Price loans",
    "borrowers": "Register borrowers",
    "credit": "Apply for credit lines and read decisions",
    "loans:read": "Read loans, schedules, transactions and payoff quotes",
    "loans:write": "Draw loans",
    "repayments": "Post repayments",
    "webhooks": "Manage webhook subscriptions and read deliveries",
    "events": "Read the event feed",
    "orders:read": "Read checkout orders and revolving accounts",
    "orders:write": "Open revolving accounts and create checkout orders",
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES": API_SCOPES,
    "DEFAULT_SCOPES": list(API_SCOPES),
    "SCOPES_BACKEND_CLASS": "loans.api.scopes.PartnerScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("LENDPORTAL_API_TOKEN_SECONDS", 3600),
    # Remembers a token's row a few seconds per process (loans/api/auth_cache.py).
    "OAUTH2_VALIDATOR_CLASS": "loans.api.auth_cache.CachedOAuth2Validator",
    # RFC 9700 (OAuth 2.0 Security BCP): every compliant behaviour on; partners use only the
    # client credentials grant, tokens are stored hashed and accepted only in the header.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "PKCE_REQUIRED": True,
}
REST_FRAMEWORK = {
    # DOT's token checks without its per-request oauthlib machinery (loans/api/authentication.py).
    "DEFAULT_AUTHENTICATION_CLASSES": ["loans.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["loans.api.permissions.PartnerHasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["loans.api.throttling.PartnerRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "loans.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser, with deep nesting refused as a 400 (loans/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["loans.api.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "loans.api.schema.PartnerAutoSchema",
    "EXCEPTION_HANDLER": "loans.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
# Requests per partner (the OAuth2 client) and scope; see loans.api.throttling.
LENDPORTAL_API_THROTTLE_RATES = {
    "read": env_str("LENDPORTAL_API_RATE_READ", "6000/min"),
    "write": env_str("LENDPORTAL_API_RATE_WRITE", "1200/min"),
}
# Idempotency keys are kept at least this long (PRODUCT §7: 24 hours at least).
LENDPORTAL_IDEMPOTENCY_RETENTION_HOURS = env_int("LENDPORTAL_IDEMPOTENCY_RETENTION_HOURS", 48)
# Webhooks: retried with exponential backoff (base * 2**(attempt-1), at most the cap) for the
# retry window; each POST waits at most the timeout.
# How long a web process remembers a bearer token's row and its partner (0: not at all). A
# revoked token or deactivated partner keeps working at most this long (loans/api/auth_cache.py).
LENDPORTAL_API_AUTH_CACHE_SECONDS = env_int("LENDPORTAL_API_AUTH_CACHE_SECONDS", 10)
# Requests to /o/token/ per client address (guessing secrets is slowed; partners need few).
LENDPORTAL_API_TOKEN_RATE = env_str("LENDPORTAL_API_TOKEN_RATE", "60/min")
# Reverse proxies in front of the web processes that append to X-Forwarded-For (0: none, the
# header is ignored); the client address is the one the outermost proxy saw
# (loans.api.throttling.client_address).
LENDPORTAL_TRUSTED_PROXY_COUNT = env_int("LENDPORTAL_TRUSTED_PROXY_COUNT", 0)
# allauth's rate limits (sign-in, sign-up) read the client address the same way.
ALLAUTH_TRUSTED_PROXY_COUNT = LENDPORTAL_TRUSTED_PROXY_COUNT
LENDPORTAL_WEBHOOK_RETRY_HOURS = env_int("LENDPORTAL_WEBHOOK_RETRY_HOURS", 24)
LENDPORTAL_WEBHOOK_BACKOFF_SECONDS = env_int("LENDPORTAL_WEBHOOK_BACKOFF_SECONDS", 30)
LENDPORTAL_WEBHOOK_BACKOFF_CAP_SECONDS = env_int("LENDPORTAL_WEBHOOK_BACKOFF_CAP_SECONDS", 3600)
LENDPORTAL_WEBHOOK_TIMEOUT_SECONDS = env_int("LENDPORTAL_WEBHOOK_TIMEOUT_SECONDS", 10)
# Webhook URLs on loopback, private or reserved networks are refused (SSRF) unless this is on.
LENDPORTAL_WEBHOOK_ALLOW_PRIVATE = env_bool("LENDPORTAL_WEBHOOK_ALLOW_PRIVATE", default=False)
# Webhook URLs must be https://; plain http:// only with this on (development and tests only).
LENDPORTAL_WEBHOOK_ALLOW_HTTP = env_bool("LENDPORTAL_WEBHOOK_ALLOW_HTTP", default=False)
# Queue the sender as soon as an event commits (beat also runs it every few seconds).
LENDPORTAL_WEBHOOK_SEND_ON_COMMIT = env_bool("LENDPORTAL_WEBHOOK_SEND_ON_COMMIT", default=True)
# The contract texts a partner's borrower may accept, by version (hashed into the loan).
LENDPORTAL_CONTRACT_TEXTS = {
    "v1": "LendPortal consumer loan contract, version 1",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LendPortal partner API",
    # The schema's info.description, shown atop /api/docs/ and /api/redoc/ (Markdown).
    "DESCRIPTION": (
        "Register borrowers, apply for credit, draw loans, post repayments, and follow what "
        "happens through webhooks or the event feed.\n\n"
        "**Start here:** the [partner guide](/api/guide/) walks from credentials to a first "
        "repayment and explains errors, idempotency, webhooks and rate limits.\n\n"
        "**Authentication:** OAuth 2.0 client credentials. `POST /o/token/` with your client id "
        "and secret (HTTP Basic) and `grant_type=client_credentials`; send the access token as "
        "`Authorization: Bearer <token>`. Each operation lists the scopes it needs; in this page, "
        "*Authorize* gets a token the same way.\n\n"
        "**Conventions:** JSON in and out; amounts are strings of yuan with at most two decimals "
        '(`"916.80"`); dates `YYYY-MM-DD`, times ISO 8601. Every refusal is a 4xx with the body '
        '`{"error": {"code", "message", "fields"}}`. Messages are in English unless '
        "`Accept-Language` asks for Chinese (`zh-hans`). `POST /loans` and "
        "`POST /loans/{loan_id}/repayments` need an `Idempotency-Key` header."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the installment terms (3, 6, 9, 12), at checkout and for a bill alike.
    "ENUM_NAME_OVERRIDES": {"PlanTermEnum": [(term, term) for term in (3, 6, 9, 12)]},
    # The events partners receive, under x-webhooks (OpenAPI 3.0 has no webhooks object).
    "WEBHOOKS": "loans.api.webhooks_schema.WEBHOOKS",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "loans.api.webhooks_schema.webhooks_as_extension",
        # No back-office field labels as titles (loans.api.schema.field_titles_drop).
        "loans.api.schema.field_titles_drop",
    ],
}

from lendportal.settings.logs import LOG_LEVEL, LOGGING  # noqa: E402, F401 (LOG_FORMAT, #21)
from lendportal.settings.observability import *  # noqa: E402, F403 (metrics, Sentry, OTel, #21)

# Reminders (PRODUCT §5, docs/reminders.md). Email goes through Django's mail API; SMS through
# LENDPORTAL_SMS_BACKEND (loans.servicing.notifications). Both default to the console:
# production sets a
# real EMAIL_BACKEND and an SMS provider adapter.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
LENDPORTAL_REMINDER_FROM_EMAIL = env_str(
    "LENDPORTAL_REMINDER_FROM_EMAIL", "LendPortal <noreply@lendportal.example>"
)
LENDPORTAL_SMS_BACKEND = env_str(
    "LENDPORTAL_SMS_BACKEND", "loans.servicing.notifications.ConsoleSmsBackend"
)
# Where FileSmsBackend appends its JSON lines.
LENDPORTAL_SMS_FILE_PATH = env_str("LENDPORTAL_SMS_FILE_PATH", str(BASE_DIR / "var" / "sms.jsonl"))
# Credit-bureau export files (issue #19, docs/reporting.md): created once, never rewritten.
LENDPORTAL_BUREAU_DIR = env_str("LENDPORTAL_BUREAU_DIR", str(BASE_DIR / "var" / "bureau"))
# Prefixed to every SMS: mainland carriers require a registered signature in 【】.
LENDPORTAL_SMS_SIGNATURE = env_str("LENDPORTAL_SMS_SIGNATURE", "【LendPortal】")
# A reminder whose backend raised is retried after this many seconds (times the attempt number),
# and marked FAILED after LENDPORTAL_REMINDER_MAX_ATTEMPTS.
LENDPORTAL_REMINDER_RETRY_SECONDS = env_int("LENDPORTAL_REMINDER_RETRY_SECONDS", 300)
LENDPORTAL_REMINDER_MAX_ATTEMPTS = 3
# The money rails' settings (issue #17): the auto-debit collection run (settings/rails.py).
from lendportal.settings.rails import *  # noqa: E402, F403

CELERY_BEAT_SCHEDULE |= RAILS_BEAT_SCHEDULE  # noqa: F405
