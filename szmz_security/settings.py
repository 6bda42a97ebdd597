"""Settings for szmz-security, read from the environment (django-environ).

With nothing set the portal runs on embedded defaults: SQLite under var/, a Celery transport
on the local file system and a local-memory cache. Production sets DEBUG=False and must then
provide SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CELERY_BROKER_URL and REDIS_URL.
Every variable is listed in README.md and .env.example.
"""

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env(
        "SECRET_KEY", default="dev-only-insecure-key-szmz-security-never-use-in-production-0123456789"
    )
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "未设置 SECRET_KEY：生产环境（DEBUG=False）必须通过环境变量提供 SECRET_KEY。 "
            "SECRET_KEY is not set: with DEBUG=False the portal refuses to start without it "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        ) from None

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "guardian",
    "simple_history",
    "axes",
    # Second factor (TOTP with static backup codes) for privileged roles (issue #13).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_celery_beat",
    "import_export",
    # The shared core (DESIGN.md "Layout"): one mechanism for each cross-cutting concern.
    "szmz_security.core",
    "szmz_security.org",
    "szmz_security.accounts",
    "szmz_security.obligations",
    "szmz_security.auditlog",
    "szmz_security.compliance",
    "szmz_security.jobs",
    # Domain apps, one per regulation area.
    "incidents",
    "assets",
    "media_control",
    "audits",
    "publishing",
    "secrecy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Browser headers on every response, static files included (README "Browser and input").
    "csp.middleware.CSPMiddleware",
    "szmz_security.core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "szmz_security.core.headers.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "szmz_security.urls"
WSGI_APPLICATION = "szmz_security.wsgi.application"

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
                "szmz_security.core.context_processors.portal",
            ],
        },
    },
]

# Widgets render with the project's templates, so templates/django/forms/ can override one.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE: a transaction takes the write lock when it starts, so concurrent writers (web,
    # worker) wait for the timeout instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    # A file, not :memory:, so that a real Celery worker process can share the test database;
    # one per test run, so that two runs on one machine do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication and access ----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, the user loaded with its groups and profile (accounts/backends.py).
    "szmz_security.accounts.backends.PortalModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Password policy (issue #13): 12 characters of three classes; not one of the last five.
    {"NAME": "szmz_security.accounts.validators.ComplexityValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "szmz_security.accounts.validators.HistoryValidator", "OPTIONS": {"remember": 5}},
]
# Argon2id first; PBKDF2 verifies (and upgrades at sign-in) the hashes written before it.
PASSWORD_HASHERS = [
    "szmz_security.accounts.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# OWASP's Argon2id profile (m = 47 MiB, t = 1, p = 1): ~50 ms of one core on this machine class.
PASSWORD_ARGON2 = {"time_cost": 1, "memory_cost": 47_104, "parallelism": 1}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-guardian: no anonymous user row; per-object grants live in direct-FK tables.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-axes: lock a username+address after repeated failures (regulation 6 §8, 等保 2.0).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Number of reverse proxies in front of the portal (production: 1, the TLS proxy). Only then is
# X-Forwarded-For trusted for the client address in lockouts and the audit log.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
if PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# --- Sign-in and sessions (issue #13; szmz_security/accounts) -----------------------------------
# After the session and the user are known, and messages can be added: django-otp marks the
# verified device; then the idle timeout, the second-factor gate for privileged roles (and for
# anyone who enrolled), and the password's maximum age, in that order.
_after_messages = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1
MIDDLEWARE[_after_messages:_after_messages] = [
    "django_otp.middleware.OTPMiddleware",
    "szmz_security.accounts.middleware.IdleTimeoutMiddleware",
    "szmz_security.accounts.middleware.SecondFactorMiddleware",
    "szmz_security.accounts.middleware.PasswordAgeMiddleware",
]
# Minutes without a request after which a session ends (on top of SESSION_COOKIE_AGE).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
# Days after which a password must be changed before anything else.
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
# The issuer an authenticator app shows next to the account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="深圳市民政局信息安全管理平台")

# --- Internationalisation ---------------------------------------------------------------------
# The UI is written in Chinese; Django's own messages follow it whatever the browser asks for.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "szmz_security" / "static"]
# Uploaded evidence lives outside the web root and is served only through access-checked views.
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="szmz-security@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    _processed_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    # Fail fast when the broker is down: the request that enqueued still succeeds and the
    # minute sweep catches up (DESIGN.md §3).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat writes each entry's last_run_at after every task it sends (not every 3 minutes), so that
# /healthz/ sees a running beat within a minute of its start.
CELERY_BEAT_SYNC_EVERY = 1
from szmz_security.beat import BEAT_SCHEDULE  # noqa: E402 - the periodic tasks, one entry each

CELERY_BEAT_SCHEDULE = dict(BEAT_SCHEDULE)

# --- Obligations and reminders (DESIGN.md §3) --------------------------------------------------
# Each stage fires once per obligation and recipient. "fraction" is the share of the time between
# creation and the deadline; "offset_minutes" is relative to the deadline (negative = before).
# "audience": owners = assignee, responsible roles and the department head; escalation adds the
# escalation roles (leadership by default).
OBLIGATION_REMINDER_STAGES = [
    {"key": "created", "label": "新增待办", "fraction": 0.0, "audience": "owners"},
    {"key": "halfway", "label": "期限过半", "fraction": 0.5, "audience": "owners"},
    {"key": "due_soon", "label": "即将到期（2小时内）", "offset_minutes": -120, "audience": "owners"},
    {"key": "breach", "label": "已逾期", "offset_minutes": 0, "audience": "owners"},
    {"key": "escalation", "label": "逾期升级", "offset_minutes": 60, "audience": "escalation"},
]
OBLIGATION_DUE_SOON_HOURS = env.int("OBLIGATION_DUE_SOON_HOURS", default=24)
NOTIFICATION_EMAIL_MAX_ATTEMPTS = env.int("NOTIFICATION_EMAIL_MAX_ATTEMPTS", default=8)

# --- Publishing (chapter 10) ------------------------------------------------------------------
# The department that owes the monthly harmful-content report (10 §4), by code.
PUBLISHING_REPORT_DEPARTMENT = env.str("PUBLISHING_REPORT_DEPARTMENT", default="XXZX")
# Each operating public account is reviewed once a year by this day (MM-DD).
PUBLISHING_ACCOUNT_REVIEW_DUE = env.str("PUBLISHING_ACCOUNT_REVIEW_DUE", default="12-31")
# Message-board submissions allowed per client address per minute.
PUBLISHING_BOARD_RATE = env.int("PUBLISHING_BOARD_RATE", default=3)

# --- Assets (chapters 5, 6 §2–3, §6, §11, 7 §1) -------------------------------------------------
# The department that owes each zone's monthly reconciliation (the obligation's owner), by code.
ASSETS_RECONCILIATION_DEPARTMENT = env.str("ASSETS_RECONCILIATION_DEPARTMENT", default="XXZX")
# Anti-virus signatures older than this many days put an in-use computer on the compliance list.
ASSET_ANTIVIRUS_MAX_AGE_DAYS = env.int("ASSET_ANTIVIRUS_MAX_AGE_DAYS", default=30)
# Import limits; files over ASSET_IMPORT_INLINE_ROWS rows run in the Celery task with a progress bar.
ASSET_IMPORT_MAX_ROWS = env.int("ASSET_IMPORT_MAX_ROWS", default=20000)
ASSET_IMPORT_MAX_MB = env.int("ASSET_IMPORT_MAX_MB", default=20)
ASSET_IMPORT_INLINE_ROWS = env.int("ASSET_IMPORT_INLINE_ROWS", default=200)
# Most labels printed on one PDF.
ASSET_LABELS_MAX = env.int("ASSET_LABELS_MAX", default=1000)
# The daily backup record (5 §5) is due at this local time each day.
ASSET_BACKUP_DUE_TIME = env.str("ASSET_BACKUP_DUE_TIME", default="23:59:59")

# --- Removable media (chapter 6 §4–5, §7) -------------------------------------------------------
# Numbering scheme of the media ledger: {type} is U/HD/CD/SD/X, {year} the registration year,
# {seq} the running number per type and year.
MEDIA_NUMBER_FORMAT = env.str("MEDIA_NUMBER_FORMAT", default="SZMZ-{type}-{year}-{seq:04d}")
# The annual inventory (清点) is due on this day of each year (MM-DD, local time, end of day).
MEDIA_INVENTORY_DUE = env.str("MEDIA_INVENTORY_DUE", default="12-31")
# Destruction certificates: size limit (MB) and accepted types.
MEDIA_CERTIFICATE_MAX_MB = env.int("MEDIA_CERTIFICATE_MAX_MB", default=10)
MEDIA_CERTIFICATE_TYPES = {".pdf", ".png", ".jpg", ".jpeg"}

# --- Risk assessment (chapter 4) ---------------------------------------------------------------
# The department that owns the quarterly reviews and the yearly external assessment, by code.
AUDITS_REVIEW_DEPARTMENT = env.str("AUDITS_REVIEW_DEPARTMENT", default="XXZX")
# Risk level cut-offs on likelihood × severity (1–25): a score at or above a cut-off has that
# level (重大 / 较大 / 一般), below "general" it is 低. JSON, e.g. {"major": 15, "significant": 10, "general": 5}.
AUDITS_RISK_CUTOFFS = env.json("AUDITS_RISK_CUTOFFS", default={"major": 15, "significant": 10, "general": 5})
# The yearly external assessment (4 §4, 等级测评) is due on this day of each year (MM-DD, local).
AUDITS_EXTERNAL_DUE = env.str("AUDITS_EXTERNAL_DUE", default="12-31")
# The yearly self-inspection (年度自查, 信息安全管理制度检查内容) is signed off by this day (MM-DD, local).
AUDITS_SELF_INSPECTION_DUE = env.str("AUDITS_SELF_INSPECTION_DUE", default="12-15")
# Days a project has for its risk estimate (立项前) or go-live assessment once the gate opens.
AUDITS_GATE_DAYS = env.int("AUDITS_GATE_DAYS", default=30)
# Assessment reports: PDF only, at most this many MB.
AUDITS_REPORT_MAX_MB = env.int("AUDITS_REPORT_MAX_MB", default=20)
# Governance records: the officer roster the regulation asks for (2 §1: 1 专职 + 3 兼职).
AUDITS_OFFICERS_FULL_TIME = env.int("AUDITS_OFFICERS_FULL_TIME", default=1)
AUDITS_OFFICERS_PART_TIME = env.int("AUDITS_OFFICERS_PART_TIME", default=3)
# A log source not verified for this many days is flagged stale.
AUDITS_LOG_VERIFY_DAYS = env.int("AUDITS_LOG_VERIFY_DAYS", default=90)
# Working days the information centre has to update accounts after a staff change (7 §2).
AUDITS_ACCOUNT_REVIEW_DAYS = env.int("AUDITS_ACCOUNT_REVIEW_DAYS", default=5)
# The yearly account review (7 §2) is due on this day of each year (MM-DD, local).
AUDITS_ACCOUNT_REVIEW_YEARLY_DUE = env.str("AUDITS_ACCOUNT_REVIEW_YEARLY_DUE", default="12-31")
# A department owning an approved emergency plan holds a drill by this day of each year (MM-DD).
AUDITS_DRILL_DUE = env.str("AUDITS_DRILL_DUE", default="12-31")
# The personal-information inventories' yearly review and retention clean-up are due by (MM-DD).
AUDITS_PI_REVIEW_DUE = env.str("AUDITS_PI_REVIEW_DUE", default="12-31")

# --- Secrecy: classified personnel and archive grading (保密管理) ------------------------------
# The department of the 保密办公室 (局保密制度 第五条: 设在局办公室), owner of the yearly 保密教育 duty.
SECRECY_OFFICE_DEPARTMENT = env.str("SECRECY_OFFICE_DEPARTMENT", default="BGS")
# 脱密期 by level, in months (保守国家秘密法 2024 / 涉密人员管理规定: 核心 2–3 年, 重要 1–2 年,
# 一般 6 个月–1 年); the defaults take the upper bound of each range. JSON.
SECRECY_DECLASSIFICATION_MONTHS = env.json(
    "SECRECY_DECLASSIFICATION_MONTHS", default={"core": 36, "important": 24, "general": 12}
)
# Days after the 脱密期 ends within which the secrecy office confirms the release.
SECRECY_RELEASE_CONFIRM_DAYS = env.int("SECRECY_RELEASE_CONFIRM_DAYS", default=10)
# Every 在岗 classified person attends a 保密教育 each year, by this day (MM-DD, local).
SECRECY_EDUCATION_DUE = env.str("SECRECY_EDUCATION_DUE", default="12-31")
# Archive grades are re-evaluated every this many years by default (档案保密制度 第十条 定期评估;
# 保守国家秘密法 每年审核所确定的国家秘密).
SECRECY_ARCHIVE_REVIEW_YEARS = env.int("SECRECY_ARCHIVE_REVIEW_YEARS", default=1)

# --- Compliance (DESIGN.md §6) ----------------------------------------------------------------
# How far back a compliance evaluation looks by default (days).
COMPLIANCE_WINDOW_DAYS = env.int("COMPLIANCE_WINDOW_DAYS", default=365)
# Overdue obligations listed one by one in the inspection PDF (all of them are counted).
COMPLIANCE_REPORT_MAX_ROWS = env.int("COMPLIANCE_REPORT_MAX_ROWS", default=2000)

# --- Long-running jobs (DESIGN.md §9) ------------------------------------------------------------
# A queued or running job whose heartbeat is older than this is re-sent (the worker was killed or
# the message lost), up to JOB_MAX_ATTEMPTS runs; then it fails with a message asking to resubmit.
JOB_STALE_MINUTES = env.int("JOB_STALE_MINUTES", default=5)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
# How often a running job's worker beats the heartbeat; well below JOB_STALE_MINUTES.
JOB_HEARTBEAT_SECONDS = 30

# --- Audit log (DESIGN.md §5) -----------------------------------------------------------------
# 网络安全法 Art. 21(3): network logs kept at least six months, hence 180 days by default; the
# bureau's own floor (chapter 2 §5, 8 §1) is 60 days and no class may be set below it.
AUDIT_RETENTION_FLOOR_DAYS = 60
_retention_default = env.int("AUDIT_RETENTION_DAYS", default=180)
AUDIT_RETENTION_DAYS = {
    log_class: env.int(f"AUDIT_RETENTION_DAYS_{log_class.upper()}", default=_retention_default)
    for log_class in ("auth", "access", "export", "system")
}
AUDIT_PURGE_BATCH = 5000

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first so that an anonymous request answers 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "szmz_security.core.pagination.EstimatedCountPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "深圳市民政局信息安全管理平台 API",
    "DESCRIPTION": "安全事件、资产、介质、风险评估与信息发布；所有接口均经同一访问规则。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets used by several fields or models get one name each (no collision warnings).
    "ENUM_NAME_OVERRIDES": {
        "IncidentGradeEnum": "incidents.categories.Grade",
        "IncidentStateEnum": "incidents.models.Incident.State",
        "ObligationStateEnum": "szmz_security.obligations.models.Obligation.State",
        "ReconciliationStateEnum": "assets.models.Reconciliation.State",
        "AssetTypeEnum": "assets.models.Asset.Type",
        "SecrecyLevelEnum": "media_control.ledger.models.SecrecyLevel",
        "ClassifiedDocumentLevelEnum": "secrecy.documents.models.ClassifiedDocument.Level",
    },
}

# --- Tables and history -----------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
# Every list's table; a table names its own attrs only where it differs.
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-hover align-middle"}
DJANGO_TABLES2_PAGE_RANGE = 8
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# PDF reports embed a TrueType CJK font; default: Debian's fonts-wqy-microhei.
PDF_CJK_FONT = env("PDF_CJK_FONT", default="")

# --- Incidents ----------------------------------------------------------------------------------
# Evidence attachments: size limit and accepted types (stored under MEDIA_ROOT, outside the web root).
INCIDENT_ATTACHMENT_MAX_MB = env.int("INCIDENT_ATTACHMENT_MAX_MB", default=20)
INCIDENT_ATTACHMENT_TYPES = {
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".txt",
    ".log",
    ".csv",
    ".json",
    ".xml",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".eml",
    ".msg",
    ".zip",
    ".7z",
    ".pcap",
    ".pcapng",
}

# Demo data may only be loaded into a development portal.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=DEBUG)

# --- Production hardening (manage.py check --deploy is clean with DEBUG=False) ------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Browser and input (issue #13, #21) -------------------------------------------------------
# The same headers in development and production, so that a page breaking under them breaks on the
# developer's machine first. No inline script, no eval, no inline style: page behaviour lives in
# static files (szmz_security/static/portal/), htmx is told not to inject its indicator <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws its checkboxes, selects and toggler icon with data: SVGs from its CSS.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), browsing-topics=()"
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# /api/filter/check/: hits listed in one answer (the total is always given) and checks per user
# and minute (publishing's own screens are not limited).
FILTER_MAX_HITS = env.int("FILTER_MAX_HITS", default=1000)
FILTER_CHECK_RATE = env.int("FILTER_CHECK_RATE", default=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Audit chain and faults (issue #13) --------------------------------------------------------
# The audit log's hash chain is verified daily; a broken chain notifies the security officers.
CELERY_BEAT_SCHEDULE["auditlog-verify-chain"] = {"task": "auditlog.verify_chain", "schedule": 24 * 3600.0}
# /healthz/ fails when beat last sent the minute sweep longer ago than this many seconds
# (django-celery-beat writes last_run_at back at most every 3 minutes).
HEALTHZ_BEAT_MAX_AGE = env.int("HEALTHZ_BEAT_MAX_AGE", default=600)
# A connection reused across requests is checked before use, so that the first request after a
# PostgreSQL restart does not fail (issue #13, "Faults").
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# ProtectedError / IntegrityError answer 409 naming the dependent records, for every API view.
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "szmz_security.core.errors.api_exception_handler"
# ... and a message in the UI instead of a 500, for every page (before axes, which stays last).
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "szmz_security.core.errors.ConflictMiddleware"
)
