"""Placing an order (下单): once per basket, with one fulfilment per cooperative."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from oscar.core.loading import get_model

from marketplace.fulfilment import selectors as fulfilment_selectors
from marketplace.fulfilment import services as fulfilment_services

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


def order_place(*, basket, order_number: str, user, place: Callable[[], object]) -> tuple[object, bool]:
    """Run ``place`` (which writes the Oscar order) once for ``basket``; (order, placed now?).

    Submissions of the same basket (double click, retry, two tabs) queue on the basket row;
    the first places the order and its fulfilments in one transaction, the others find it.
    Stock is allocated by ``place`` (see ``checkout.mixins.OrderCreator``); if any line
    cannot be had, everything rolls back. Side effects: e-mails after commit
    (``fulfilments_create``).
    """
    with transaction.atomic():
        Basket.objects.select_for_update().filter(pk=basket.pk).values_list("pk").first()
        order = Order.objects.filter(number=order_number).first()
        if order is not None:
            Basket.objects.filter(pk=basket.pk).update(status=Basket.SUBMITTED)
            return order, False
        shipments = fulfilment_selectors.shipment_plan(basket)
        order = place()
        fulfilment_services.fulfilments_create(
            order=order, shipments=shipments, buyer_type=fulfilment_selectors.buyer_type_of(user)
        )
        basket.submit()
    return order, True
