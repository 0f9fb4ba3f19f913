"""Production: real services, no insecure default, `check --deploy` clean.

Every secret and every outside service comes from the environment. A missing variable
stops start-up with a message naming it (all missing ones at once); the system checks in
``core.checks`` then refuse values that are not fit for production (console e-mail, a
per-process cache, in-process tasks, a site address that is not public), naming the
variable too.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env

REQUIRED = {
    "DJANGO_SECRET_KEY": "a long random key",
    "DJANGO_ALLOWED_HOSTS": "the host names served, comma-separated",
    "DATABASE_URL": "PostgreSQL, e.g. postgres://user:password@db:5432/marketplace",
    "EMAIL_URL": "the mail server, e.g. smtp+tls://user:password@smtp.example.cn:587",
    "CACHE_URL": "a shared cache, e.g. redis://redis:6379/1",
    "CELERY_BROKER_URL": "the task broker, e.g. redis://redis:6379/0",
    "DJANGO_SITE_URL": "the public address for links in e-mails, e.g. https://yuegui.example.cn",
}
_missing = [name for name in REQUIRED if not env(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "\n".join(
            f"Set the {name} environment variable (required in production): {REQUIRED[name]}." for name in _missing
        )
    )

DEBUG = False
DEMO_DATA_ALLOWED = False
REQUIRE_PRODUCTION_SERVICES = True
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in env("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()]
DATABASES = {"default": env.db_url_config(env("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# EMAIL_URL, CACHE_URL, CELERY_BROKER_URL and DJANGO_SITE_URL are read by base.py (which has
# embedded defaults for development); core.checks refuses what is unfit for production.

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
OSCAR_BASKET_COOKIE_SECURE = True
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": env("DJANGO_DEFAULT_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGGING["root"]["level"] = env("DJANGO_LOG_LEVEL", default="WARNING")  # noqa: F405
