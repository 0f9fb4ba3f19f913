"""The public address of the site (``DJANGO_SITE_URL``) and the Sites framework's row that follows it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def site_domain_sync(*, url: str, using: str = "default") -> bool:
    """Make the current ``Site`` row carry ``url``'s host (and port), as Oscar's password e-mails read it.

    A migration creates the row with the demo's ``127.0.0.1:8000``; production runs this after
    every ``migrate``. Returns whether the row changed. Side effect: the ``Site`` row.
    """
    from django.contrib.sites.models import Site

    parts = urlsplit(url)
    if not parts.hostname:
        return False
    domain = parts.netloc.rsplit("@", 1)[-1]
    site, created = Site.objects.using(using).get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.WAGTAIL_SITE_NAME}
    )
    if created or site.domain == domain:
        return created
    site.domain = domain
    site.full_clean()
    site.save(using=using, update_fields=["domain"])
    Site.objects.clear_cache()
    return True


def site_follows_url(sender, using: str = "default", **kwargs) -> None:
    """post_migrate receiver: the ``Site`` row follows ``DJANGO_SITE_URL`` when it is set."""
    if settings.SITE_URL:
        site_domain_sync(url=settings.SITE_URL, using=using)
