"""``{{ address|address_label }}`` (HTML) and ``{{ address|address_label_text }}`` (e-mails):
every address on the site is shown as a courier label reads it (``core.addresses.address_label``)."""

from django import template
from django.utils.html import format_html, format_html_join

from core.addresses import address_label as _label

register = template.Library()


@register.filter
def address_label(address):
    """An ``<address>`` with the label's lines; nothing for no address."""
    label = _label(address)
    if label is None:
        return ""
    return format_html(
        '<address class="address-label">{}</address>',
        format_html_join(
            "",
            '<span class="address-label-line">{}</span>',
            ((line,) for line in label.lines),
        ),
    )


@register.filter
def address_label_text(address) -> str:
    """The label's lines, one per line (plain text)."""
    label = _label(address)
    return str(label) if label else ""
