"""Cached pieces of the site chrome shown on every page (menu, locale map).

Every entry carries a version number; publishing, unpublishing, moving or deleting
a page, or changing a locale, bumps it (see ``cms.apps``), so nothing stale stays.
"""

from django.core.cache import cache

VERSION_KEY = "site-chrome:version"
TIMEOUT = 60 * 60


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def invalidate(*args, **kwargs) -> None:
    """Signal receiver: forget every cached piece of chrome."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def cached(name: str, load):
    """``load()``, kept until pages or locales change (per language: lists differ by language)."""
    from django.utils import translation

    key = f"site-chrome:{_version()}:{translation.get_language()}:{name}"
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, TIMEOUT)
    return value


def locale_state(language: str) -> tuple[dict[int, str], bool]:
    from wagtail.models import Locale, Page

    key = f"site-chrome:{_version()}:locales:{language}"
    state = cache.get(key)
    if state is None:
        codes = dict(Locale.objects.values_list("id", "language_code"))
        active_ids = [pk for pk, code in codes.items() if code == language]
        has_pages = bool(active_ids) and Page.objects.filter(locale_id__in=active_ids, depth__gt=1).exists()
        state = (codes, has_pages)
        cache.set(key, state, TIMEOUT)
    return state


def menu_items(request, language: str) -> list[tuple[str, str, int]]:
    from wagtail.models import Page, Site

    from cms.templatetags.site_tags import url_in_language

    site = Site.find_for_request(request)
    if site is None:
        return []
    key = f"site-chrome:{_version()}:menu:{site.pk}:{language}"
    items = cache.get(key)
    if items is None:
        from cms.i18n import locale_ids

        active, default = locale_ids()
        pages = list(site.root_page.get_children().live().in_menu())
        if active != default:  # each entry's live translation in the visitor's language, if any
            translations = Page.objects.filter(
                locale_id=active, live=True, translation_key__in=[page.translation_key for page in pages]
            )
            by_key = {page.translation_key: page for page in translations}
            pages = [by_key.get(page.translation_key, page) for page in pages]
        items = [(page.title, url_in_language(page, request, language), page.pk) for page in pages]
        cache.set(key, items, TIMEOUT)
    return items
