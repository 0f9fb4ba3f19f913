"""Test settings: fast hashing, in-memory mail, eager tasks unless a broker is given."""

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, cache_config, env

DEBUG = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so that `pytest --reuse-db` can keep it between runs.
    suffix = env("TEST_DB_SUFFIX", default="")
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test_db{suffix}.sqlite3")}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if env("TEST_EMAIL_URL", default=""):
    # The Celery worker of the outage tests sends to an SMTP server the test starts and stops.
    vars().update(env.email_url_config(env("TEST_EMAIL_URL")))
    EMAIL_TIMEOUT = 5
# E-mail tasks retry after 1, 2, 4 s (not minutes) so the worker's outage tests stay short.
MAIL_RETRY_BACKOFF_SECONDS = 1
MAIL_RETRY_BACKOFF_MAX_SECONDS = 4
CACHES = {"default": cache_config(env("CACHE_URL", default="locmemcache://tests"))}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
