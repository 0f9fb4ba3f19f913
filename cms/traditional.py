"""A Traditional Chinese copy starts converted: text of a page copied for translation from
Simplified (zh-hans) to Traditional (zh-hant) goes through OpenCC's Hong Kong conversion.

Editors of Hong Kong and Macau pages then correct wording rather than retype every page.
Only free text is converted: the title, search fields, text and rich-text fields, stream
fields and the text of inline children (progress updates, gallery captions). Fields with
choices (a city picked from a list), slugs and links are left as they are; aliases mirror
their source and are not touched.
"""

import functools
import json

from django.db import models
from modelcluster.models import get_all_child_relations
from wagtail.fields import StreamField

SOURCE_LANGUAGE = "zh-hans"
TARGET_LANGUAGE = "zh-hant"
SKIPPED_FIELDS = {"slug", "url_path", "path", "translation_key", "draft_title"}


@functools.cache
def _converter():
    from opencc import OpenCC

    return OpenCC("s2hk")


def to_traditional(text: str) -> str:
    """Simplified Chinese text in Hong Kong Traditional characters and phrasing."""
    return _converter().convert(text) if text else text


def _convert_stream_data(value):
    if isinstance(value, str):
        return to_traditional(value)
    if isinstance(value, list):
        return [_convert_stream_data(item) for item in value]
    if isinstance(value, dict):
        # "type" and "id" name blocks; everything else is content.
        return {key: item if key in ("type", "id") else _convert_stream_data(item) for key, item in value.items()}
    return value


def _text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | StreamField)
        and not field.choices
        and not field.primary_key
        and field.name not in SKIPPED_FIELDS
        and not isinstance(field, models.SlugField | models.URLField | models.EmailField)
    ]


def convert_instance(obj) -> list[str]:
    """Convert ``obj``'s free-text fields in place; the names of those changed."""
    changed = []
    for field in _text_fields(type(obj)):
        value = getattr(obj, field.attname)
        if isinstance(field, StreamField):
            data = field.get_prep_value(value)  # the stream as JSON data: blocks' types, ids and values
            if isinstance(data, str):
                data = json.loads(data)
            if data:
                setattr(obj, field.attname, _convert_stream_data(data))
                changed.append(field.name)
        elif isinstance(value, str) and value:
            new = to_traditional(value)
            if new != value:
                setattr(obj, field.attname, new)
                changed.append(field.name)
    return changed


def convert_translated_copy(sender, source_obj, target_obj, **kwargs):
    """``copy_for_translation_done`` receiver: convert a new zh-hant copy of a zh-hans page."""
    from wagtail.models import Page

    if not isinstance(target_obj, Page) or target_obj.alias_of_id:
        return
    if source_obj.locale.language_code != SOURCE_LANGUAGE or target_obj.locale.language_code != TARGET_LANGUAGE:
        return
    page = target_obj.specific
    convert_instance(page)
    page.draft_title = page.title
    page.save()
    for relation in get_all_child_relations(page):
        for child in getattr(page, relation.get_accessor_name()).all():
            if convert_instance(child):
                child.save()
    page.save_revision(log_action=False)
