"""Slugs for Chinese names: pinyin instead of Django's ``u666eu6d31`` escapes or nothing at all.

The shop's ``OSCAR_SLUG_FUNCTION`` (products, categories), cooperatives' partner codes and
Wagtail pages (``cms.admin_forms.PageForm``) all slugify through here, so 普洱茶 is
``pu-er-cha`` wherever it appears in a URL.
"""

from django.utils.text import slugify
from pypinyin import lazy_pinyin


def pinyin_slugify(
    value: str, allow_unicode: bool = False, *, max_length: int | None = None, fallback: str = "item"
) -> str:
    """普洱茶 → ``pu-er-cha``; Latin text is slugified as usual; never empty.

    Simplified and Traditional characters both become pinyin; punctuation and emoji are dropped,
    and a value with nothing left gives ``fallback``. ``max_length`` cuts at a hyphen where it can,
    so a long title keeps whole syllables.
    """
    slug = slugify("-".join(lazy_pinyin(str(value))), allow_unicode=allow_unicode)
    if max_length is not None and len(slug) > max_length:
        cut = slug[:max_length]
        if slug[max_length] != "-" and "-" in cut:
            cut = cut.rsplit("-", 1)[0]
        slug = cut.strip("-")
    return slug or fallback
