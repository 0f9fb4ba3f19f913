from django import template

from marketplace.fulfilment import selectors
from marketplace.fulfilment.models import FulfilmentStatus

register = template.Library()

STEPS = [
    (FulfilmentStatus.TO_SHIP, FulfilmentStatus.TO_SHIP.label),
    (FulfilmentStatus.SHIPPED, FulfilmentStatus.SHIPPED.label),
    (FulfilmentStatus.DELIVERED, FulfilmentStatus.DELIVERED.label),
    (FulfilmentStatus.ACCEPTED, FulfilmentStatus.ACCEPTED.label),
]
ORDER = [code for code, _label in STEPS]


@register.simple_tag
def order_fulfilments(order):
    """The order's fulfilments with their own lines (three queries whatever the order's size)."""
    return selectors.fulfilments_of_order(order)


@register.simple_tag
def fulfilment_steps(fulfilment):
    """Progress steps for display: (label, state) with state done / current / todo."""
    if fulfilment.status not in ORDER:
        return []
    position = ORDER.index(fulfilment.status)
    return [
        (label, "done" if index < position else "current" if index == position else "todo")
        for index, (_code, label) in enumerate(STEPS)
    ]


@register.filter
def stars(rating):
    return "★" * int(rating or 0) + "☆" * (5 - int(rating or 0))


@register.simple_tag
def auto_accept_days():
    from django.conf import settings

    return settings.FULFILMENT_AUTO_ACCEPT_DAYS


@register.simple_tag
def basket_shipments(basket):
    """How the basket will ship: one shipment per cooperative, with its method and charge."""
    return selectors.shipment_plan(basket)
