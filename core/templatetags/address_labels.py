"""``{{ address|address_label }}`` (HTML) and ``{{ address|address_label_text }}`` (e-mails):
every address on the site is shown as a courier label reads it (``core.addresses.address_label``)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.addresses import address_label as _label

register = template.Library()


@register.filter
def address_label(address, element: str = "address"):
    """The label's lines in an ``<address>`` (or, with ``"span"``, a span to sit inside a label)."""
    label = _label(address)
    if label is None:
        return ""
    lines = format_html_join(
        mark_safe("<br>"), '<span class="address-label-line">{}</span>', ((line,) for line in label.lines)
    )
    tag = "span" if element == "span" else "address"
    return format_html('<{} class="address-label">{}</{}>', mark_safe(tag), lines, mark_safe(tag))  # noqa: S308


@register.filter
def address_label_text(address) -> str:
    """The label's lines, one per line (plain text)."""
    label = _label(address)
    return str(label) if label else ""
