"""The portal's navigation: the areas that exist, for one unit."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

register = template.Library()

#: (URL name taking the unit's pk, label): the areas of a unit's portal, in order.
UNIT_AREAS = [
    ("procurement:progress", pgettext_lazy("unit portal", "Progress")),
    ("procurement:orders", pgettext_lazy("unit portal", "Orders")),
    ("procurement:approvals", pgettext_lazy("unit portal", "Approvals")),
    ("procurement:filings", pgettext_lazy("unit portal", "Filings")),
    ("procurement:receipts", pgettext_lazy("unit portal", "Payments")),
]


@register.simple_tag
def unit_areas(unit) -> list[tuple[str, str]]:
    """(url, label) of each area built so far, for ``unit``."""
    links = []
    for name, label in UNIT_AREAS:
        try:
            links.append((reverse(name, kwargs={"unit": unit.pk}), label))
        except NoReverseMatch:
            continue
    return links
