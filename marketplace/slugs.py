"""Slugs for Chinese names: pinyin instead of Django's ``u666eu6d31`` escapes."""

from django.utils.text import slugify
from pypinyin import lazy_pinyin


def pinyin_slugify(value: str, allow_unicode: bool = False) -> str:
    """普洱茶 → ``pu-er-cha``; Latin text is slugified as usual (Oscar's OSCAR_SLUG_FUNCTION)."""
    return slugify("-".join(lazy_pinyin(str(value))), allow_unicode=allow_unicode) or "item"
