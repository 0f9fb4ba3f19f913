"""System checks of a production deployment: every outside service is real and shared.

Active when ``REQUIRE_PRODUCTION_SERVICES`` is set (``marketplace.settings.production``).
Each error names the environment variable to set, so ``manage.py check --deploy`` (and
``migrate``, and the WSGI/ASGI entry points, see ``refuse_unsafe_start``) say what is missing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "production"
UNSAFE_EMAIL_BACKENDS = ("console", "locmem", "dummy", "filebased")
PER_PROCESS_CACHES = ("locmem", "dummy", "filebased")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "0.0.0.0", "::1", "testserver"}  # noqa: S104 (names, not a bind)


def _email() -> list[checks.Error]:
    backend = settings.EMAIL_BACKEND.lower()
    if any(kind in backend for kind in UNSAFE_EMAIL_BACKENDS):
        return [
            checks.Error(
                f"EMAIL_URL: e-mail would not leave the machine ({settings.EMAIL_BACKEND}); "
                "password links and order e-mails would be lost or written to logs.",
                hint="Set EMAIL_URL to the mail server, e.g. smtp+tls://user:password@smtp.example.cn:587.",
                id="core.E001",
            )
        ]
    return []


def _cache() -> list[checks.Error]:
    backend = settings.CACHES["default"]["BACKEND"].lower()
    if any(kind in backend for kind in PER_PROCESS_CACHES):
        return [
            checks.Error(
                f"CACHE_URL: the cache is per process ({settings.CACHES['default']['BACKEND']}); rate limits, "
                "sessions and the site chrome must be shared by every web and worker process.",
                hint="Set CACHE_URL to Redis, e.g. redis://redis.internal:6379/1.",
                id="core.E002",
            )
        ]
    return []


def _broker() -> list[checks.Error]:
    if not settings.CELERY_BROKER_URL:
        return [
            checks.Error(
                "CELERY_BROKER_URL: no broker, so background work would run inside web requests.",
                hint="Set CELERY_BROKER_URL, e.g. redis://redis.internal:6379/0, and run a worker and beat.",
                id="core.E003",
            )
        ]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return [
            checks.Error(
                "CELERY_TASK_ALWAYS_EAGER: tasks would run inside web requests although a broker is set.",
                hint="Unset CELERY_TASK_ALWAYS_EAGER (or set it to false).",
                id="core.E004",
            )
        ]
    return []


def _site_url() -> list[checks.Error]:
    url = settings.SITE_URL
    parts = urlsplit(url)
    if not url or parts.scheme != "https" or not parts.hostname or parts.hostname in LOCAL_HOSTS:
        return [
            checks.Error(
                f"DJANGO_SITE_URL: links in e-mails need the public address of the site (now {url!r}).",
                hint="Set DJANGO_SITE_URL to the public https address, e.g. https://yuegui.example.cn.",
                id="core.E005",
            )
        ]
    return []


@checks.register(TAG, checks.Tags.security)
def production_services_check(app_configs=None, **kwargs) -> list[checks.Error]:
    if not getattr(settings, "REQUIRE_PRODUCTION_SERVICES", False):
        return []
    return _email() + _cache() + _broker() + _site_url()


def refuse_unsafe_start() -> None:
    """Stop a production process whose settings fail ``production_services_check``.

    Management commands run the system checks themselves; the WSGI and ASGI entry points
    call this, as gunicorn runs no checks.
    """
    errors = production_services_check()
    if errors:
        raise ImproperlyConfigured(
            "Production settings are unsafe:\n" + "\n".join(f"{error.msg} {error.hint}" for error in errors)
        )
