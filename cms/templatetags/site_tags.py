"""Template helpers for the site chrome: language links and locale-aware page URLs."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

register = template.Library()


def _with_language_prefix(url: str, language: str) -> str:
    """Put ``url`` (a path of the default language) under ``language``'s prefix."""
    if language == settings.LANGUAGE_CODE or not url.startswith("/") or url.startswith(f"/{language}/"):
        return url
    return f"/{language}{url}"


def _strip_language_prefix(path: str) -> str:
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path


def url_in_language(page, request, language: str) -> str:
    """The path of ``page`` under ``language``'s prefix (whatever the page's own language)."""
    return _with_language_prefix(_strip_language_prefix(page.get_url(request=request) or ""), language)


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in every language: a list of (code, name, url, is_current)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = translation.get_language()
    neutral = _strip_language_prefix(path)
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url == path and code != current:
            url = _with_language_prefix(neutral, code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.simple_tag(takes_context=True)
def page_link(context, page):
    """URL of ``page`` under the visitor's language prefix, at no query.

    The path is the page's own; routing serves the page's translation in the visitor's
    language at that path if there is a live one, else the page itself (``cms.i18n``).
    """
    if page is None:
        return ""
    return url_in_language(page, context.get("request"), translation.get_language())


@register.simple_tag(takes_context=True)
def main_menu(context):
    """(title, url) of the home page's live children marked "show in menus", cached per site and language."""
    from cms.site_cache import menu_items

    request = context.get("request")
    return menu_items(request, translation.get_language()) if request is not None else []


@register.filter
def json_ld(value) -> str:
    """Serialise ``value`` for a ``<script type="application/ld+json">`` block.

    ``<``, ``>`` and ``&`` are escaped as in Django's ``json_script`` so that no
    field can close the script element.
    """
    import json

    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils.html import _json_script_escapes
    from django.utils.safestring import mark_safe

    return mark_safe(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_json_script_escapes))
