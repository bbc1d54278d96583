"""Settings of the platform, read from the environment (django-environ, optional `.env`).

With no configuration the project runs for development: SQLite, Celery tasks run eagerly in the request,
e-mail to the console, local media, DEBUG on. Production sets the variables listed in docs/operations.md.
This module imports no app: apps are named as strings.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.log import DEFAULT_LOGGING

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEV_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG=false requires DJANGO_SECRET_KEY: the development secret key is refused in production."
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # our apps, top layer first (templates of higher apps override lower ones)
    "cms",
    "certificates",
    "courses",
    "lms.internships",
    "lms.accounts",
    "lms.libraries",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.accounts.wagtail_users_app.UsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "csp",
    # allauth
    "allauth",
    "allauth.account",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before the page cache and WhiteNoise: every response gets the headers, a page served from the cache too.
    "cms.middleware.SiteCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lms.content_cache.GenerationScopeMiddleware",  # the content generation read once per request
    "lms.sessions.SessionPrefetchMiddleware",  # ... in the same round trip as the session (Redis sessions only)
    "cms.page_cache.AnonymousPageCacheMiddleware",  # before sessions: a hit skips everything below
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.RussianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Benchmarks only (LMS_BENCH=1): a bare view at /bench/floor/ and an X-DB-Queries header on every response.
BENCH_ENDPOINTS = env.bool("LMS_BENCH", default=False)
if BENCH_ENDPOINTS:
    MIDDLEWARE.insert(0, "cms.middleware.QueryCountHeaderMiddleware")

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site_shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (also backs rate limits) -----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Several deployments (or the parallel workers of the test suite) on one Redis database: each its own prefix, and
# clearing a cache removes only its keys (lms/redis_cache.py).
CACHE_KEY_PREFIX = env.str("DJANGO_CACHE_KEY_PREFIX", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "lms.redis_cache.ReusedClientRedisCache", "LOCATION": REDIS_URL,
                    "KEY_PREFIX": CACHE_KEY_PREFIX},
        # Wagtail looks image renditions up here before asking the database (one lookup per image shown).
        "renditions": {"BACKEND": "lms.redis_cache.ReusedClientRedisCache", "LOCATION": REDIS_URL,
                       "KEY_PREFIX": ":".join(filter(None, [CACHE_KEY_PREFIX, "renditions"])),
                       "TIMEOUT": 60 * 60 * 24},
    }
    # Sessions are read from Redis on every request and written through to the database, so a flushed cache
    # logs nobody out.
    SESSION_ENGINE = "lms.sessions"  # Django's cached_db, read with the content generation (lms/sessions.py)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lms"}}
# Published content shared by everyone (syllabus, lesson bodies, menu) is kept this long at most
# (lms/content_cache.py); any publish starts afresh.
CONTENT_CACHE_SECONDS = env.int("DJANGO_CONTENT_CACHE_SECONDS", default=3600)
CONTENT_CACHE_ENABLED = CONTENT_CACHE_SECONDS > 0
# Each process also keeps copies of what it read, for at most this long (0: none), checked against the generation.
CONTENT_CACHE_LOCAL_SECONDS = env.int("DJANGO_CONTENT_CACHE_LOCAL_SECONDS", default=30)

# Public pages for visitors who are not logged in are kept whole for this long (see cms/page_cache.py); any
# publish starts afresh. 0 keeps nothing.
PAGE_CACHE_SECONDS = env.int("DJANGO_PAGE_CACHE_SECONDS", default=300)
PAGE_CACHE_ENABLED = PAGE_CACHE_SECONDS > 0

# --- Celery ---------------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker, tasks run eagerly inside the request (development, demo, unit tests).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
if CELERY_TASK_ALWAYS_EAGER and not CELERY_BROKER_URL:
    # An eager task still takes a producer from Celery's pool (to serialise its arguments as a worker would get
    # them), and without a broker URL that pool's connection is kombu's amqp:// default with no host: kombu warns
    # «No hostname was supplied» on the console. The in-memory transport is named instead: nothing is ever sent.
    CELERY_BROKER_WRITE_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Novokuznetsk"
CELERY_BEAT_SCHEDULE = {
    "enrolment-reminders": {
        "task": "courses.tasks.send_enrolment_reminders_task",
        "schedule": crontab(hour=9, minute=0),  # every morning, Kemerovo time
    },
    "close-overdue-attempts": {
        "task": "courses.tasks.close_overdue_attempts_task",
        "schedule": 60.0,
    },
    "essays-waiting": {
        "task": "courses.tasks.send_essays_waiting_reminders_task",
        "schedule": crontab(hour=9, minute=10),
    },
    "head-weekly-digest": {
        "task": "courses.tasks.send_head_digests_task",
        "schedule": crontab(hour=9, minute=0, day_of_week="mon"),  # Monday 09:00 in CELERY_TIMEZONE (Kemerovo)
    },
    "recertification": {  # reopen courses whose validity ends soon; remind 60, 30, 7 days before expiry
        "task": "courses.tasks.recertification_daily_task",
        "schedule": crontab(hour=8, minute=30),
    },
    "internship-reminders": {
        "task": "lms.internships.tasks.send_internship_reminders_task",
        "schedule": crontab(hour=9, minute=5),
    },
    "expire-seat-offers": {
        "task": "lms.internships.tasks.expire_seat_offers_task",
        "schedule": 300.0,
    },
    "release-kept-seats": {
        "task": "lms.internships.tasks.release_kept_seats_task",
        "schedule": 300.0,
    },
}

# --- E-mail -------------------------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
globals().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Обучение ОНБ <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Обучение ОНБ] "

# --- Accounts -------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # first: a person's permissions in one query, kept where the two below look for them (it logs nobody in)
    "lms.accounts.backends.PermissionsBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "lms.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "lms.accounts.forms.SignupProfileForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_EMAIL_SUBJECT_PREFIX = EMAIL_SUBJECT_PREFIX
# Rate limits live in the cache (Redis in production). Failed log-ins: 10 a minute per address and
# 5 per 5 minutes per account, for allauth's form and for the Wagtail admin (which logs in through allauth).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
PASSWORD_HASHERS = [
    "lms.accounts.hashers.Argon2idHasher",
    # older hashes still verify, and are replaced with Argon2id at the person's next log-in
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Behind nginx every request comes from the proxy: rate limits must key on the address the proxies report.
# The number of proxies we run in front of gunicorn (X-Forwarded-For is read from the right); 0 trusts none.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Behind our proxies the port a visitor used is the proxy's (X-Forwarded-Port), not the gunicorn instance's: Wagtail
# matches sites by it, and the cached routes are keyed by it, so every instance must see the same one.
USE_X_FORWARDED_PORT = TRUSTED_PROXY_COUNT > 0
# Personal data (152-ФЗ): the text version of the consent people give at sign-up or when accepting an invitation.
PERSONAL_DATA_CONSENT_VERSION = "2026-11"
PERSONAL_DATA_POLICY_URL = "/personal-data/"
INVITATION_VALID_DAYS = 14

# --- Internationalisation -----------------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Novokuznetsk"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# The players' files come from npm packages (lms/static_vendor.py), served under static/vendor/.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "lms.static_vendor.NpmVendorFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Media on S3-compatible storage for several web hosts (needs the `s3` extra: django-storages).
AWS_STORAGE_BUCKET_NAME = env.str("S3_BUCKET", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default=None)
    AWS_ACCESS_KEY_ID = env.str("S3_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env.str("S3_SECRET_ACCESS_KEY", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# SCORM packages (courses/packages/): a zip beyond these limits is refused before anything is stored.
SCORM_MAX_MEMBERS = env.int("SCORM_MAX_MEMBERS", default=5_000)
SCORM_MAX_UNCOMPRESSED_BYTES = env.int("SCORM_MAX_UNCOMPRESSED_BYTES", default=1024 * 1024 * 1024)
SCORM_MAX_COMPRESSION_RATIO = env.int("SCORM_MAX_COMPRESSION_RATIO", default=100)
SCORM_MAX_UPLOAD_BYTES = env.int("SCORM_MAX_UPLOAD_BYTES", default=500 * 1024 * 1024)

# --- Wagtail ---------------------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Обучение библиотекарей Кузбасса"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"  # cms.urls.AdminLoginRedirect: allauth for visitors, 403 for others
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "russian"  # stemming: «курсы» finds «курс»
WAGTAILDOCS_SERVE_METHOD = "serve_view"  # every download passes the access checks (courses.wagtail_hooks)
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip", "mp4", "webm", "mp3"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party requests with people's e-mail hashes (152-ФЗ)
# One door in: every password is checked by allauth's forms, with its rate limits and e-mail verification rule.
# Wagtail's front-end login (`/_util/login/`, where visitors to a login-restricted page were sent) redirects to
# allauth's (cms/urls.py); its own password management (the admin's «change password» panel, password reset) is
# off: people change passwords at /accounts/password/change/, which allauth rate-limits per person.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False  # reset goes through allauth (rate-limited, no enumeration)
# Shared passwords on pages and document collections would be a second door without an account behind it (and
# without rate limits): restrictions are by login or by group only; their password forms' addresses answer 404.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILUSERS_PASSWORD_ENABLED = True

# --- Security -------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views relax this to SAMEORIGIN themselves
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp; cms.middleware.SiteCSPMiddleware picks the policy by address).
# The learner site runs no inline script or style: only the site's own files, and video players of the hosting
# services a lesson may embed (DJANGO_EMBED_ORIGINS). A nonce is added to script-src only on a page that asks for
# one ({{ request.csp_nonce }}); no page of the site does today.
EMBED_ORIGINS = env.list("DJANGO_EMBED_ORIGINS", default=[
    "https://rutube.ru", "https://vk.com", "https://vkvideo.ru", "https://www.youtube.com",
    "https://www.youtube-nocookie.com", "https://player.vimeo.com",
])
# With media on S3, pictures and videos come from the storage's address (by default the endpoint's origin).
_s3_endpoint = urlsplit(env.str("S3_ENDPOINT_URL", default=""))
_MEDIA_ORIGINS = [origin for origin in [env.str(
    "S3_PUBLIC_ORIGIN", default=f"{_s3_endpoint.scheme}://{_s3_endpoint.netloc}" if _s3_endpoint.netloc else "")]
    if origin and AWS_STORAGE_BUCKET_NAME]
SITE_CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF],
    "img-src": [SELF, "data:", *_MEDIA_ORIGINS],
    "media-src": [SELF, *_MEDIA_ORIGINS],
    "font-src": [SELF],
    "connect-src": [SELF],
    "frame-src": EMBED_ORIGINS,
    "frame-ancestors": [NONE],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": SITE_CSP_DIRECTIVES}
# The Wagtail admin (/admin/, its previews included) needs more, and gets it only there:
# - script-src 'unsafe-inline': Wagtail 8 writes inline <script> elements for its date, time and date-time
#   pickers (wagtailadmin/widgets/*_input.html) and for inline panels;
# - style-src 'unsafe-inline': style attributes in Wagtail's templates and in the markup its editors build;
# - img-src blob:, media-src blob: (image previews before upload), frame-src 'self' (previews), frame-ancestors
#   'self' (the preview panel frames the page being edited).
# The site's strict script and style rules are sent to the admin as Content-Security-Policy-Report-Only, so the
# browser's console shows what in Wagtail still needs the relaxation.
ADMIN_CSP_DIRECTIVES = {
    **SITE_CSP_DIRECTIVES,
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:", *_MEDIA_ORIGINS],
    "media-src": [SELF, "blob:", *_MEDIA_ORIGINS],
    "frame-src": [SELF, *EMBED_ORIGINS],
    "frame-ancestors": [SELF],
}
ADMIN_CSP_REPORT_ONLY_DIRECTIVES = {**ADMIN_CSP_DIRECTIVES, "script-src": [SELF], "style-src": [SELF]}
ADMIN_PATH_PREFIX = "/admin/"
# Permissions-Policy (django-permissions-policy): no page asks for the camera, microphone, location, payment or
# other devices; embedded video players may go full screen and picture-in-picture.
PERMISSIONS_POLICY = {
    **{feature: [] for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera",
        "display-capture", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone",
        "midi", "payment", "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )},
    "fullscreen": ["self", *EMBED_ORIGINS],
    "picture-in-picture": ["self", *EMBED_ORIGINS],
    "encrypted-media": ["self", *EMBED_ORIGINS],
}

# --- Logging --------------------------------------------------------------------------------------------------
# Django applies its DEFAULT_LOGGING first, which gives the `django` logger a console handler of its own for DEBUG;
# its records also reach the root's, so in development every line of Django's was printed twice. Here `django`
# has no handler: its records are printed once, by the root's (in production too, where Django's console handler
# printed nothing; its mail_admins handler had nobody to write to, ADMINS being unset). Naming `django` resets its
# children, so runserver's request lines (`django.server`) get Django's own handler and format back.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"django.server": {**DEFAULT_LOGGING["formatters"]["django.server"]}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {**DEFAULT_LOGGING["handlers"]["django.server"]},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {**DEFAULT_LOGGING["loggers"]["django.server"]},
        "django.db.backends": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        # Tasks run inside the request when eager: a line per task would drown the development console.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}
