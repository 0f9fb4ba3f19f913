"""Pages in the visitor's language, falling back to the default language page by page.

Editors translate pages with Wagtail's i18n (``simple_translation``), one page or one
section at a time. Until a page has a live translation, visitors of that language get the
default-language (Simplified Chinese) page, under their language prefix:

* routing (``HomePage.route``) tries the visitor's tree first, then the default one;
* lists (``in_visitor_locale``, ``children_in_visitor_locale``) show each page once: its
  translation where one is live, else the default page — never both, never neither;
* page links keep the visitor's prefix and the page's path, which routing resolves.

Locale ids come from ``site_cache.locale_state`` (cached), so none of this costs a query
for visitors of the default language, and one small subquery otherwise.
"""

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import translation

from cms import site_cache


def locale_ids() -> tuple[int | None, int | None]:
    """(the visitor's locale id, the default locale id); the visitor's is the default one
    while their language has no pages of its own."""
    codes, has_pages = site_cache.locale_state(translation.get_language())
    by_code = {code: pk for pk, code in codes.items()}
    default = by_code.get(settings.LANGUAGE_CODE)
    active = by_code.get(translation.get_language()) if has_pages else default
    return active or default, default


def in_visitor_locale(pages: QuerySet) -> QuerySet:
    """``pages`` in the visitor's language: each page's live translation, else the default page."""
    active, default = locale_ids()
    if active == default:
        return pages.filter(locale_id=default)
    translated = pages.model.objects.filter(locale_id=active, live=True).values("translation_key")
    return pages.filter(Q(locale_id=active) | (Q(locale_id=default) & ~Q(translation_key__in=translated)))


def children_in_visitor_locale(index, pages: QuerySet) -> QuerySet:
    """``pages`` that are children of ``index`` or of one of its translations, in the visitor's language."""
    active, default = locale_ids()
    if active == default and index.locale_id == default:
        return pages.child_of(index)
    from wagtail.models import Page

    paths = Page.objects.filter(translation_key=index.translation_key).values_list("path", flat=True)
    under = Q(pk__in=[])
    for path in paths:
        under |= Q(path__startswith=path)
    return in_visitor_locale(pages.filter(under, depth=index.depth + 1))


def default_language_page(page):
    """The default-language page ``page`` translates (``page`` itself if it is one)."""
    _active, default = locale_ids()
    if page.locale_id == default or default is None:
        return page
    return type(page).objects.filter(translation_key=page.translation_key, locale_id=default).first() or page
