"""Production settings, served over plain HTTP on loopback for the benchmark.

Everything comes from ``marketplace.settings.production`` (so DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL must be set, as in production); only what a
local HTTP run needs differs. ``python -m bench`` sets these variables for its
subprocesses:

* ``DATABASE_URL``: the prepared benchmark database.
* ``BENCH_STATIC_ROOT``: where ``collectstatic`` put the hashed files (WhiteNoise serves them).
* ``BENCH_MEDIA_ROOT``: the media belonging to that database (demo pictures, thumbnails).
* ``BENCH_SITE_CACHE=1``: Django's per-site cache middleware in front of every page.
"""

import os

from marketplace.settings.production import *  # noqa: F401,F403
from marketplace.settings.production import BASE_DIR, MIDDLEWARE

DEBUG = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
OSCAR_BASKET_COOKIE_SECURE = False
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"

STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or str(BASE_DIR / "bench" / "results" / "static")
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT") or str(BASE_DIR / "bench" / "results" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One local-memory cache per process (each gunicorn worker has its own), so sessions live in
# the database alone, as the base settings choose for any non-shared cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# No broker: anything a page would queue runs in-process (nothing should).
CELERY_BROKER_URL = ""
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# A loopback benchmark with in-process services on purpose: not a deployment to refuse.
REQUIRE_PRODUCTION_SERVICES = False

if os.environ.get("BENCH_SITE_CACHE") == "1":
    MIDDLEWARE = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    CACHE_MIDDLEWARE_ALIAS = "default"
    CACHE_MIDDLEWARE_SECONDS = 600
    CACHE_MIDDLEWARE_KEY_PREFIX = "bench-site"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
