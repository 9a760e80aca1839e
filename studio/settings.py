"""Django settings for AI Factory Studio. Everything that varies comes from the environment
(see ``studio/config.py`` and the README's Configuration section)."""

import os
import sys
from pathlib import Path

import dj_database_url

from studio.config import ConfigError, load
from studio.domain.limits import DesignSize

BASE_DIR = Path(__file__).resolve().parent.parent

try:
    CONFIG = load(os.environ, BASE_DIR)
except ConfigError as exc:  # fail at start, naming the variable
    sys.stderr.write(f"Configuration error: {exc}\n")
    raise SystemExit(2) from exc

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = CONFIG.allowed_hosts
VAR_DIR = CONFIG.var_dir
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "template_partials",
    "studio",
    "catalog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "studio.middleware.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files answer here, compressed ahead of time
    # pages and fragments: a 2,000-rack floor plan is ~1.3 MB of SVG, ~10× less gzipped (Django pads the
    # gzip header with random bytes against BREACH, and its CSRF tokens are masked per response)
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# --- Sign-in rate limiting (django-axes) -----------------------------------------------------
# After AXES_FAILURE_LIMIT wrong passwords for one user name from one address, that pair is locked
# out for AXES_COOLOFF_TIME (hours); other users and addresses are unaffected. A locked-out sign-in
# answers 429 with the page templates/registration/locked_out.html.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = CONFIG.login_failure_limit
AXES_COOLOFF_TIME = CONFIG.login_cooloff_minutes / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

ROOT_URLCONF = "studio.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
            ],
        },
    },
]

WSGI_APPLICATION = "studio.wsgi.application"

if CONFIG.database_url:
    DATABASES = {"default": dj_database_url.parse(CONFIG.database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "studio.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = CONFIG.celery_broker_url
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
# Job state and results live on the Job row (studio.models.Job); Celery's own results are not needed.
CELERY_RESULT_BACKEND = CONFIG.celery_result_backend
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_DEFAULT_QUEUE = CONFIG.celery_queue  # the worker consumes it; beat and the web send to it
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing a task waits at most this long for the broker before the job is failed (studio/jobs.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_MAX_RETRIES = 1
# The worker runs with --beat (Procfile, scripts/run.sh): the job sweep, and the worker's sign of life.
STUDIO_JOB_SWEEP_EVERY_S = 30
CELERY_BEAT_SCHEDULE = {"sweep-jobs": {"task": "studio.sweep_jobs", "schedule": float(STUDIO_JOB_SWEEP_EVERY_S)}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# A job whose worker has said nothing for this long is marked failed (see studio/jobs.py).
STUDIO_JOB_STALE_AFTER_S = int(os.environ.get("STUDIO_JOB_STALE_AFTER_S", "120"))
# A job still queued after this long was never taken by a worker: the sweep fails it.
STUDIO_JOB_QUEUE_TIMEOUT_S = int(os.environ.get("STUDIO_JOB_QUEUE_TIMEOUT_S", "900"))
STUDIO_REQUIRE_SERVICES = CONFIG.require_services

# How large a design may grow (racks, devices per rack) and the largest design file accepted: a 100k-GPU
# factory fits in the defaults; one user cannot stall the others with a 70,000-rack import.
STUDIO_DESIGN_SIZE = DesignSize(max_racks=CONFIG.max_racks, max_devices_per_rack=CONFIG.max_devices_per_rack)
STUDIO_MAX_UPLOAD_BYTES = CONFIG.max_upload_mb * 1024 * 1024
STUDIO_CATALOG_RECHECK_S = CONFIG.catalog_recheck_ms / 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"studio": {"level": "INFO"}, "catalog": {"level": "INFO"}},
}

# --- Transport security (studio/config.py; README "Production") -----------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if CONFIG.behind_tls_proxy:
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients' requests.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = not CONFIG.insecure_http
    CSRF_COOKIE_SECURE = not CONFIG.insecure_http
    SECURE_SSL_REDIRECT = CONFIG.ssl_redirect
    SECURE_HSTS_SECONDS = CONFIG.hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = CONFIG.hsts_include_subdomains
    SECURE_HSTS_PRELOAD = CONFIG.hsts_preload
    if CONFIG.insecure_http:
        # The explicit plain-HTTP trial: the deploy check's HTTPS warnings are the point of the setting.
        SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]
CSRF_TRUSTED_ORIGINS = list(CONFIG.csrf_trusted_origins)
SESSION_COOKIE_HTTPONLY = True
