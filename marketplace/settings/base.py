"""Settings shared by every environment.

Values come from the environment (django-environ). With no environment at all the
site runs embedded: SQLite, eager Celery, local-memory cache, console e-mail and
local media. `production.py` removes those defaults for secrets.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F401,F403  (Oscar's settings, overridden below)

from core.access import cooperative_or_staff

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-embedded-development-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --------------------------------------------------------------------------- apps
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    "csp",
    "axes",
]

WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

OSCAR_APPS = [
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "marketplace.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "marketplace.shipping.apps.ShippingConfig",
    "products.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "partners.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "marketplace.checkout.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "marketplace.fulfilment.order_dashboard.DashboardConfig",
    "marketplace.fulfilment.order_dashboard.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "marketplace.fulfilment.order_dashboard.OrdersDashboardConfig",
    "products.dashboard.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
]

LOCAL_APPS = [
    "core",
    "brands",
    "marketplace.accounts",
    "marketplace.fulfilment",
    "marketplace.procurement",
    "marketplace.payments",
    "cms",
    "labor",
    "marketplace.demo",
]

# Listed last so its catalogue only fills gaps (Oscar's Traditional Chinese).
LOCALE_ONLY_APPS = ["marketplace.oscar_hant"]

INSTALLED_APPS = LOCAL_APPS + WAGTAIL_APPS + DJANGO_APPS + OSCAR_APPS + LOCALE_ONLY_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.csp.PathAwareCSPMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a login refused by django-axes into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "core.access.access_context",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
            ],
        },
    },
]

# --------------------------------------------------------------------------- data
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo's web process read while a task writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"


def cache_config(url: str) -> dict:
    """The cache at ``url``; Redis with short socket timeouts and its errors ignored.

    When Redis is down or unreachable every read is a miss and every write is dropped (and
    logged), so pages are served uncached instead of failing; the timeouts and the rest after
    a failure (core.cache) keep a Redis that stops answering from holding a worker.
    """
    from core.cache import connection_class_for

    config = environ.Env.cache_url_config(url)
    if "redis" in config["BACKEND"].lower():
        options = config.setdefault("OPTIONS", {})
        options.update(
            {
                "SOCKET_CONNECT_TIMEOUT": env.float("CACHE_SOCKET_CONNECT_TIMEOUT", default=0.5),
                "SOCKET_TIMEOUT": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
                "IGNORE_EXCEPTIONS": True,
            }
        )
        # After a failure the process leaves Redis alone for a few seconds (core.cache), so a
        # page waits one timeout, not one per cache call.
        connection_class = connection_class_for(url)
        if connection_class:
            options["CONNECTION_POOL_KWARGS"] = {"connection_class": connection_class}
    return config


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CACHES = {"default": cache_config(env("CACHE_URL", default="locmemcache://marketplace"))}
# Sessions read from a shared cache (Redis) and survive its loss through the database. A
# local-memory cache is per process: with several workers a request could read another
# worker's stale copy of the session (the basket, the checkout steps), so then the database alone.
_SHARED_CACHE = "locmem" not in CACHES["default"]["BACKEND"].lower()
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if _SHARED_CACHE else "db")

# --------------------------------------------------------------------------- accounts, logins, client addresses
AUTH_USER_MODEL = "accounts.User"
# django-axes first: a locked-out login is refused before any password is checked. Then Oscar's
# e-mail login, doing the same work whether or not the address has an account.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "marketplace.accounts.backends.EmailBackend",
]
# Every password form (registration, change, reset, a new cooperative's first password) runs these.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "marketplace.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "customer:login"
LOGIN_REDIRECT_URL = "customer:summary"
# Registration creates the account when the link e-mailed to the address is followed, within this many days.
ACCOUNT_CONFIRMATION_DAYS = env.int("ACCOUNT_CONFIRMATION_DAYS", default=3)
# "Forgotten password" in Wagtail's admin e-mails through the outbox, as the shop's does.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "marketplace.accounts.forms.AdminPasswordResetForm"

# The client's address (core.http.client_ip). Unset, REMOTE_ADDR is the client. Behind our own
# reverse proxies: the header they write (request.META name) and how many of them stand in front
# of the application; the address that many entries from the right of the header is the client's.
# One nginx with `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`:
# TRUSTED_PROXY_HEADER=HTTP_X_FORWARDED_FOR, TRUSTED_PROXY_COUNT=1.
TRUSTED_PROXY_HEADER = env("TRUSTED_PROXY_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if TRUSTED_PROXY_HEADER else 0)

# Login throttling (django-axes) on every login: shop, checkout, Oscar dashboard, Wagtail, Django admin.
# After LOGIN_FAILURE_LIMIT failures for one account, or LOGIN_FAILURE_LIMIT_PER_ADDRESS from one
# address (higher: a mobile carrier's CGNAT address is shared by many people), logins are refused
# until LOGIN_COOLOFF_MINUTES after the last failure. Staff unlock in /django-admin/ (access attempts);
# a password reset unlocks the account.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_HANDLER = "marketplace.accounts.throttling.LoginThrottleHandler"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "marketplace.accounts.throttling.login_username"
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip_for_limits"
AXES_LOCKOUT_CALLABLE = "marketplace.accounts.views.locked_out"
# A successful login clears that account's failures from that address (see LoginThrottleHandler).
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not prolong it, so the time the lockout page gives holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Never store what was typed as a password (the shop's form field is login-password).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "login-password", "csrfmiddlewaretoken"]

# --------------------------------------------------------------------------- i18n
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --------------------------------------------------------------------------- files
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Licences and certificate scans: never under MEDIA_ROOT, never served by URL.
PRIVATE_MEDIA_ROOT = Path(env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
UPLOAD_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
UPLOAD_MAX_IMAGE_BYTES = 8 * 1024 * 1024
UPLOAD_MAX_IMAGE_PIXELS = 40_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --------------------------------------------------------------------------- e-mail
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="粤桂协作消费帮扶平台 <noreply@yuegui.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that stops answering must not hold a worker (or, embedded, a request) for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# E-mail tasks retry on SMTP and network errors: 1, 2, 4 … minutes, at most 10 minutes apart
# (under the Redis visibility timeout), 12 times: about an hour and a half of mail outage.
MAIL_RETRY_BACKOFF_SECONDS = env.int("MAIL_RETRY_BACKOFF_SECONDS", default=60)
MAIL_RETRY_BACKOFF_MAX_SECONDS = 600
MAIL_MAX_RETRIES = env.int("MAIL_MAX_RETRIES", default=12)
# Public address of the site for links in e-mails (https://yuegui.example.cn); required in
# production. Empty in development: links then use the Sites framework's domain (127.0.0.1:8000).
SITE_URL = env("DJANGO_SITE_URL", default="").rstrip("/")

# --------------------------------------------------------------------------- security
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Wagtail marks its own preview views SAMEORIGIN; everything else refuses framing.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A strict policy: every script is a file served by us, and the one inline script Oscar's
# pages need (its `onbodyload` block, oscar/base.html) carries the per-response nonce.
# Inline event handlers (`onclick=`) are refused; marketplace/static/marketplace/csp-shim.js
# takes over the few that Oscar's templates still carry. Styles may be inline: Wagtail's admin
# sets style attributes. Images may come from our media and data URIs (QR codes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Wagtail's admin writes inline scripts in widgets and panels (date pickers, inline panels):
# there, and only there, scripts may be inline (core/csp.py).
CSP_INLINE_SCRIPT_PATHS = ["admin/"]

# --------------------------------------------------------------------------- Celery
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
# Without a broker every task runs in the caller's process (embedded mode).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Tasks are idempotent: acknowledge after they run and hand them back if a worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A late-acked task is redelivered after the visibility timeout: it must exceed the
# longest task's time limit, and broker and result backend must agree on it.
CELERY_REDIS_VISIBILITY_TIMEOUT = 2 * CELERY_TASK_TIME_LIMIT
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_REDIS_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_REDIS_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An unreachable broker or result store must cost a request seconds, not minutes: short
# connect and socket timeouts (a broker that stops answering), and few publish retries.
# The outbox (core.outbox) publishes with no retries at all and waits for its sweep instead.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS.update(socket_connect_timeout=CELERY_BROKER_CONNECTION_TIMEOUT, socket_timeout=10)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = 10
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# The outbox: a message whose publication failed is tried again after 1, 2, 4 … minutes (at
# most an hour apart) and given up after OUTBOX_MAX_ATTEMPTS (about a day); sent ones are
# kept OUTBOX_KEEP_DAYS for the admin.
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=30)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)
# After a failed publication a process leaves the broker alone this long: the other jobs of
# the same request wait for the sweep rather than each for the connect timeout.
OUTBOX_BROKER_REST_SECONDS = 5
CELERY_BEAT_SCHEDULE = {
    # Outbox messages whose publication failed (broker or mail outage), when they are due again.
    "outbox-sweep": {
        "task": "core.tasks.sweep_outbox_task",
        "schedule": 60,
    },
    # Certificates: expiry alerts at 90/30/7 days, and listings follow lapses and renewals.
    "certification-expiry-alerts": {
        "task": "partners.certification_tasks.send_certification_alerts_task",
        "schedule": crontab(hour=8, minute=0),
    },
    "certification-listings-sync": {
        "task": "products.tasks.sync_certified_listings_task",
        "schedule": crontab(hour=0, minute=5),
    },
    # Wagtail publishes scheduled pages and unpublishes expired ones (labor posts).
    "publish-scheduled-pages": {
        "task": "cms.tasks.publish_scheduled_pages_task",
        "schedule": 5 * 60,
    },
    # Delivered fulfilments the buyer has not accepted within FULFILMENT_AUTO_ACCEPT_DAYS.
    "fulfilment-auto-accept": {
        "task": "marketplace.fulfilment.tasks.auto_accept_fulfilments_task",
        "schedule": crontab(minute=20),
    },
    # Last month's settlement statements for every cooperative that sold, on the 1st.
    "settlement-statements": {
        "task": "marketplace.fulfilment.tasks.generate_monthly_statements_task",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
    # Budget units' orders left waiting for approval past PROCUREMENT_APPROVAL_HOURS are cancelled.
    "procurement-expire-unapproved-orders": {
        "task": "marketplace.procurement.tasks_orders.expire_unapproved_orders_task",
        "schedule": 15 * 60,
    },
    # Budget units' parts still to ship after their ship-by date: the cooperative, the unit and staff told once.
    "procurement-late-parts": {
        "task": "marketplace.procurement.tasks_orders.notify_late_parts_task",
        "schedule": crontab(hour=9, minute=0),
    },
    # Orders paid online and left unpaid past STRIPE_UNPAID_TIMEOUT_MINUTES: cancelled, stock released.
    "payments-expire-unpaid-orders": {
        "task": "marketplace.payments.tasks.expire_unpaid_orders_task",
        "schedule": 5 * 60,
    },
    # Job seekers' names and numbers, LABOR_APPLICATION_RETENTION_DAYS after their post closed.
    "labor-purge-expired-applications": {
        "task": "labor.tasks.purge_expired_applications_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # Reserved-share filings: reminders PROCUREMENT_FILING_REMINDER_DAYS before the deadline, and to late units.
    "procurement-filing-reminders": {
        "task": "marketplace.procurement.tasks_filings.send_filing_reminders_task",
        "schedule": crontab(hour=8, minute=30),
    },
}

# Wagtail's own background work (search index, reference index) through django-tasks.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --------------------------------------------------------------------------- Wagtail
WAGTAIL_SITE_NAME = "粤桂协作消费帮扶平台"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default=SITE_URL or "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "txt", "csv"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Documents always go through Wagtail's view (type, disposition, nosniff), also with object storage.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = UPLOAD_MAX_IMAGE_PIXELS
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILEMBEDS_FINDERS = []
# No avatars from gravatar.com: the admin loads nothing from another origin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --------------------------------------------------------------------------- Oscar
OSCAR_SHOP_NAME = _("Guangdong-Guangxi Cooperation Marketplace")
OSCAR_SHOP_TAGLINE = _("Certified produce from assisted Guangxi counties")
OSCAR_HOMEPAGE = "/"
OSCAR_DEFAULT_CURRENCY = "CNY"
OSCAR_CURRENCY_FORMAT = {"CNY": {"format": "¥#,##0.00"}}
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_SLUG_FUNCTION = "core.slugs.pinyin_slugify"
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_PRODUCTS_PER_PAGE = 24
OSCAR_EAGER_ALERTS = False
# A listed product whose price moves more than this (percent) goes back to review. 0: every change
# is re-reviewed (调价复审), as the onboarding rules say; a change equal to the threshold keeps it listed.
PRODUCT_PRICE_REVIEW_PERCENT = env.int("PRODUCT_PRICE_REVIEW_PERCENT", default=0)
# Products of these categories (or their subcategories), by name, are listed only for cooperatives whose
# approved application has a food production licence (食品生产许可证).
FOOD_LICENCE_CATEGORIES = ["加工食品"]
# Orders: a delivered fulfilment the buyer has not accepted is accepted after this many days (验收期).
FULFILMENT_AUTO_ACCEPT_DAYS = env.int("FULFILMENT_AUTO_ACCEPT_DAYS", default=7)
# Hours an order above its budget unit's approval threshold waits for an approver; then it is
# cancelled and its stock released.
PROCUREMENT_APPROVAL_HOURS = env.int("PROCUREMENT_APPROVAL_HOURS", default=72)
# Managers of a unit that has not submitted its reserved-share filing are reminded this many days
# before the deadline (and once after it, if still late).
PROCUREMENT_FILING_REMINDER_DAYS = env.int("PROCUREMENT_FILING_REMINDER_DAYS", default=14)
# --------------------------------------------------------------------------- online payment (Stripe)
# Greater Bay Area buyers and guests pay online when all three are set (test-mode keys for a trial);
# without them they pay by invoice after acceptance and the checkout tells staff why.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Currency of the PaymentIntents (cny; hkd possible) and the methods the Payment Element offers.
STRIPE_CURRENCY = env("STRIPE_CURRENCY", default="cny").lower()
STRIPE_PAYMENT_METHODS = env.list("STRIPE_PAYMENT_METHODS", default=["card", "alipay", "wechat_pay"])
# An order not paid this many minutes after it was placed is cancelled and its stock released.
STRIPE_UNPAID_TIMEOUT_MINUTES = env.int("STRIPE_UNPAID_TIMEOUT_MINUTES", default=30)
# A buyer (account, guest e-mail or browser session) may have this many orders waiting for payment at once.
STRIPE_MAX_UNPAID_ORDERS = env.int("STRIPE_MAX_UNPAID_ORDERS", default=3)
# Webhook signatures older than this many seconds are refused (replays).
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)
# Seconds the platform waits for Stripe's API before giving up on one call: in background tasks, and
# while the payment page loads (kept well under the web server's own request timeout).
STRIPE_TIMEOUT_SECONDS = env.int("STRIPE_TIMEOUT_SECONDS", default=20)
STRIPE_PAGE_TIMEOUT_SECONDS = env.int("STRIPE_PAGE_TIMEOUT_SECONDS", default=8)
OSCAR_INITIAL_ORDER_STATUS = "placed"
# An order's status follows its fulfilments (fulfilment.services.order_status_sync); no manual
# changes in Oscar's dashboard, which would bypass stock release and the cooperatives' e-mails.
OSCAR_ORDER_STATUS_PIPELINE = {"placed": (), "in_progress": (), "completed": (), "cancelled": ()}
# Buyers evaluate each delivered fulfilment instead of writing Oscar product reviews.
OSCAR_HIDDEN_FEATURES = ["reviews"]
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
# Pictures and their thumbnails are deleted after commit by core.files (products/receivers.py);
# Oscar's own receiver deleted them at once, before a rollback could keep the row.
OSCAR_DELETE_IMAGE_FILES = False
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "line1", "line4", "state", "country", "phone_number")
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,  # noqa: F405
    {
        "label": _("Cooperative"),
        "icon": "fas fa-seedling",
        "access_fn": cooperative_or_staff,
        "children": [
            {"label": _("Certificates"), "url_name": "cooperatives:certificates", "access_fn": cooperative_or_staff},
            {
                "label": _("Products and listing"),
                "url_name": "cooperatives:listings",
                "access_fn": cooperative_or_staff,
            },
            {"label": _("Bulk import"), "url_name": "cooperatives:imports", "access_fn": cooperative_or_staff},
            {"label": _("Fulfilments"), "url_name": "fulfilment:list", "access_fn": cooperative_or_staff},
            {
                "label": _("Settlement statements"),
                "url_name": "fulfilment:statements",
                "access_fn": cooperative_or_staff,
            },
        ],
    },
]
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
THUMBNAIL_PRESERVE_FORMAT = True
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"

# Phone numbers default to mainland China.
PHONENUMBER_DEFAULT_REGION = "CN"

# --------------------------------------------------------------------------- logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # While Redis rests after a failure (core.cache) each skipped cache call is not logged again.
    "filters": {"skip_redis_resting": {"()": "core.cache.SkipResting"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["skip_redis_resting"]}
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO", "propagate": True},
        "django_tasks": {"level": "WARNING", "propagate": True},
    },
}

# --------------------------------------------------------------------------- labor cooperation
# Job seekers' applications (劳务协作, 求职报名). The consent version names the text of the consent on the
# application form: change it whenever that text changes.
LABOR_CONSENT_VERSION = env("LABOR_CONSENT_VERSION", default="2026-12")
# Names and mobile numbers are erased this many days after the post closed (counts and outcomes stay).
LABOR_APPLICATION_RETENTION_DAYS = env.int("LABOR_APPLICATION_RETENTION_DAYS", default=90)
# Cache-based limits: applications per address and per mobile number, lookups per address.
LABOR_APPLY_LIMIT_PER_IP = env.int("LABOR_APPLY_LIMIT_PER_IP", default=20)
LABOR_APPLY_LIMIT_PER_MOBILE = env.int("LABOR_APPLY_LIMIT_PER_MOBILE", default=5)
LABOR_APPLY_WINDOW_SECONDS = env.int("LABOR_APPLY_WINDOW_SECONDS", default=3600)
LABOR_LOOKUP_LIMIT_PER_IP = env.int("LABOR_LOOKUP_LIMIT_PER_IP", default=10)
LABOR_LOOKUP_WINDOW_SECONDS = env.int("LABOR_LOOKUP_WINDOW_SECONDS", default=600)

# --------------------------------------------------------------------------- platform
HEALTHZ_TIMEOUT_SECONDS = 2
# seed_demo creates accounts with a published password: never in production.
DEMO_DATA_ALLOWED = True
# Production sets it: system checks (core.checks) then refuse console e-mail, a per-process
# cache, in-process tasks and a site address that is not public.
REQUIRE_PRODUCTION_SERVICES = False
