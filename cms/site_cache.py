"""Cached pieces of the site chrome shown on every page (menu, locale map).

Every entry carries a version number; publishing, unpublishing, moving or deleting
a page, or changing a locale, bumps it (see ``cms.apps``), so nothing stale stays.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)
VERSION_KEY = "site-chrome:version"
TIMEOUT = 60 * 60


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def invalidate(*args, **kwargs) -> None:
    """Signal receiver: forget every cached piece of chrome.

    While the cache is down pages build their chrome uncached; a change made then cannot
    reach the cache, so chrome cached before the outage may show for up to ``TIMEOUT`` after it.
    """
    try:
        if cache.incr(VERSION_KEY) is None:
            logger.warning("site chrome: the cache is down; the change shows once its entries expire")
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def cached(name: str, load, *, language: str | None = None):
    """``load()``, kept until pages or locales change, per language (lists differ by language).

    With the cache down every read misses and every write is dropped: ``load()`` each time.
    """
    from django.utils import translation

    key = f"site-chrome:{_version()}:{language or translation.get_language()}:{name}"
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, TIMEOUT)
    return value


def locale_state(language: str) -> tuple[dict[int, str], bool]:
    """Locale ids to language codes, and whether ``language`` has pages of its own."""
    from wagtail.models import Locale, Page

    def load():
        codes = dict(Locale.objects.values_list("id", "language_code"))
        active_ids = [pk for pk, code in codes.items() if code == language]
        has_pages = bool(active_ids) and Page.objects.filter(locale_id__in=active_ids, depth__gt=1).exists()
        return codes, has_pages

    return cached("locales", load, language=language)


def menu_items(request, language: str) -> list[tuple[str, str, int]]:
    """(title, URL, page id) of the home page's menu pages, each in the visitor's language if translated."""
    from wagtail.models import Page, Site

    from cms.i18n import locale_ids
    from cms.templatetags.site_tags import url_in_language

    site = Site.find_for_request(request)
    if site is None:
        return []

    def load():
        active, default = locale_ids()
        pages = list(site.root_page.get_children().live().in_menu())
        if active != default:  # each entry's live translation in the visitor's language, if any
            translations = Page.objects.filter(
                locale_id=active, live=True, translation_key__in=[page.translation_key for page in pages]
            )
            by_key = {page.translation_key: page for page in translations}
            pages = [by_key.get(page.translation_key, page) for page in pages]
        return [(page.title, url_in_language(page, request, language), page.pk) for page in pages]

    return cached(f"menu:{site.pk}", load, language=language)
