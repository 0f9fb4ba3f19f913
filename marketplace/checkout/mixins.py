"""Order placement: safe stock, one fulfilment per cooperative, one order per basket.

Oscar's ``OrderPlacementMixin`` is the documented override point; ``OrderCreator`` is
reached through it because the order app itself is not forked.
"""

import logging

from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from oscar.apps.checkout import mixins
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_class, get_model

from marketplace.checkout import services
from marketplace.fulfilment import selectors as fulfilment_selectors

CoreOrderCreator = get_class("order.utils", "OrderCreator")
Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

logger = logging.getLogger("marketplace.checkout")
PLACED_ORDERS_SESSION_KEY = "placed_orders"


class OrderCreator(CoreOrderCreator):
    """Refuses what may no longer be sold and locks the basket's stock rows in primary-key order.

    The lock makes concurrent checkouts of the same products queue instead of deadlocking
    (each takes the rows in the same order); ``StockRecord.allocate`` then only succeeds
    while stock remains, so the loser of a race gets ``InsufficientStock`` and no order.
    """

    def place_order(self, basket, *args, **kwargs):
        with transaction.atomic():
            self.check_still_on_sale(basket)
            ids = sorted({line.stockrecord_id for line in basket.all_lines() if line.stockrecord_id})
            list(StockRecord.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
            return super().place_order(basket, *args, **kwargs)

    def check_still_on_sale(self, basket) -> None:
        from products.selectors import shop_visible_products

        lines = list(basket.all_lines())
        on_sale = set(
            shop_visible_products().filter(pk__in=[line.product_id for line in lines]).values_list("pk", flat=True)
        )
        for line in lines:
            if line.product_id not in on_sale:
                raise UnableToPlaceOrder(
                    _("“%(product)s” is no longer on sale. Remove it from your basket to continue.")
                    % {"product": line.product.get_title()}
                )
        for shipment in fulfilment_selectors.shipment_plan(basket):
            if shipment.method is None:
                raise UnableToPlaceOrder(
                    _("No cold-chain shipping is available for the products of %(cooperative)s at the moment.")
                    % {"cooperative": shipment.partner.name}
                )


class OrderPlacementMixin(mixins.OrderPlacementMixin):
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
        """Place the order and its fulfilments once per basket (``checkout.services.order_place``);
        a repeated submission is answered with the order already placed."""
        order, placed = services.order_place(
            basket=basket,
            order_number=order_number,
            user=user,
            place=lambda: self.place_order(
                order_number=order_number,
                user=user,
                basket=basket,
                shipping_address=shipping_address,
                shipping_method=shipping_method,
                shipping_charge=shipping_charge,
                order_total=order_total,
                billing_address=billing_address,
                surcharges=surcharges,
                **kwargs,
            ),
        )
        if placed:
            return self.handle_successful_order(order)
        logger.info("Order #%s: repeated submission answered with the placed order", order.number)
        return self.answer_with_placed_order(order)

    def place_order(
        self,
        order_number,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        order_total,
        billing_address=None,
        surcharges=None,
        **kwargs,
    ):
        """Oscar's ``place_order`` with our ``OrderCreator`` (the order app is not forked)."""
        shipping_address = self.create_shipping_address(user, shipping_address)
        billing_address = self.create_billing_address(user, billing_address, shipping_address, **kwargs)
        status = kwargs.pop("status", None) or self.get_initial_order_status(basket)
        request = kwargs.pop("request", None) or getattr(self, "request", None)
        order = OrderCreator().place_order(
            user=user,
            order_number=order_number,
            basket=basket,
            shipping_address=shipping_address,
            shipping_method=shipping_method,
            shipping_charge=shipping_charge,
            total=order_total,
            billing_address=billing_address,
            status=status,
            request=request,
            surcharges=surcharges,
            **kwargs,
        )
        self.save_payment_details(order)
        return order

    def handle_successful_order(self, order):
        self.remember_placed_order(order)
        return super().handle_successful_order(order)

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
        return HttpResponseRedirect(self.get_success_url())
