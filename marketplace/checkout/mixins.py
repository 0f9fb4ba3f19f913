"""Order placement from the checkout: Oscar's ``OrderPlacementMixin`` handing over to ``order_place``.

Oscar's mixin is the documented override point (the order app is not forked). Everything that
writes the order — the basket lock and its one idempotency key, the on-sale check, the stock
locks, Oscar's ``OrderCreator``, the fulfilments, the payment policy's statuses — is
``checkout.services.order_place``, called once; the mixin turns its answer into a response.
"""

import logging

from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from oscar.apps.checkout import mixins

from marketplace.checkout import services
from marketplace.procurement.ordering import unit_purchase_for

logger = logging.getLogger("marketplace.checkout")
#: The orders this session placed (the last ten): a guest may be shown only those. Whose order
#: it is, not whether it was placed — that is the basket's order (``selectors.placed_order_for_basket``).
PLACED_ORDERS_SESSION_KEY = "placed_orders"


class OrderPlacementMixin(mixins.OrderPlacementMixin):
    def freeze_basket(self, basket):
        """Not frozen: Oscar freezes a basket while payment is taken elsewhere, and none is
        (``checkout.payment``). ``order_place`` holds the basket row locked from its first read
        to the submitted basket, so a repeated click queues on it and is answered with the order;
        a basket frozen (and saved) before that lock would instead look gone to it."""
        return None

    def handle_order_placement(
        self,
        order_number,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        billing_address,
        order_total,
        surcharges=None,
        **kwargs,
    ):
        """Place the order once per basket (``checkout.services.order_place``), then Oscar's
        success steps; a repeated submission is answered with the order already placed."""
        with transaction.atomic():
            order, placed = services.order_place(
                basket=basket,
                user=user,
                order_number=order_number,
                shipping_address=shipping_address,
                shipping_method=shipping_method,
                shipping_charge=shipping_charge,
                billing_address=billing_address,
                order_total=order_total,
                surcharges=surcharges,
                request=getattr(self, "request", None),
                unit_purchase=unit_purchase_for(user, getattr(self, "checkout_session", None)),
                **kwargs,
            )
            if placed:
                # Oscar's hook: the payment sources and events ``handle_payment`` recorded (none today).
                self.save_payment_details(order)
        if placed:
            return self.handle_successful_order(order)
        logger.info("Order #%s: repeated submission answered with the placed order", order.number)
        return self.answer_with_placed_order(order)

    def handle_successful_order(self, order):
        self.remember_placed_order(order)
        response = super().handle_successful_order(order)
        return self.payment_redirect(order) or response

    @staticmethod
    def payment_redirect(order):
        """An order to be paid online goes on to its payment page instead of the thank-you page."""
        if getattr(order, "online_payment", None) is not None and order.online_payment.is_open:
            return HttpResponseRedirect(reverse("payments:pay", kwargs={"number": order.number}))
        return None

    def send_order_placed_email(self, order):
        # The confirmation, with each cooperative's part, leaves through Celery after commit
        # (fulfilment.services.fulfilments_create), not inside the request.
        return None

    def remember_placed_order(self, order) -> None:
        placed = [pk for pk in self.request.session.get(PLACED_ORDERS_SESSION_KEY, []) if pk != order.pk]
        self.request.session[PLACED_ORDERS_SESSION_KEY] = (placed + [order.pk])[-10:]

    def answer_with_placed_order(self, order):
        self.checkout_session.flush()
        self.remember_placed_order(order)
        self.request.session["checkout_order_id"] = order.pk
        return self.payment_redirect(order) or HttpResponseRedirect(self.get_success_url())
