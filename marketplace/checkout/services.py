"""Placing an order (下单): the whole pipeline, once per basket, in one transaction.

``order_place`` is the one way an order is written, from the checkout (``mixins.
OrderPlacementMixin.handle_order_placement``) and from the demo data alike:

1. lock the basket row; if the basket already has an order, answer with it — the **basket is
   the one idempotency key** (a double click, a reload, two tabs, a retry all carry the same
   basket; Oscar numbers the order after it, ``100000 + basket id``);
2. choose the payment policy (``payment.policy_for``);
3. check that every product is still on sale and plan the shipments, once
   (``fulfilment.selectors.shipment_plan``): one per cooperative, each with a method;
4. lock the basket's stock rows (``fulfilment.stock.lock_stock_records``, primary-key order);
5. save the shipping and billing addresses and count them in the buyer's address book, as
   Oscar's ``OrderPlacementMixin`` does;
6. write the order with Oscar's ``OrderCreator`` (the order app is not forked), in the
   policy's initial status; it allocates stock line by line, and a line that cannot be had
   raises ``partners.models.InsufficientStock``;
7. create one fulfilment per cooperative in the policy's initial status;
8. for an order paid online, open its payment (``payments.services.payment_open``);
9. mark the basket submitted.

Anything refused (``UnableToPlaceOrder``, of which ``InsufficientStock``) rolls everything
back and leaves the basket as it was. Side effects after commit: the e-mails of
``fulfilment.services.fulfilments_create``.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_class, get_model

from marketplace.checkout import payment, selectors
from marketplace.fulfilment import selectors as fulfilment_selectors
from marketplace.fulfilment import services as fulfilment_services
from marketplace.fulfilment.models import BuyerType
from marketplace.fulfilment.stock import lock_stock_records
from marketplace.procurement.ordering import unit_order_record, unit_purchase_check

Basket = get_model("basket", "Basket")
BillingAddress = get_model("order", "BillingAddress")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")
OrderCreator = get_class("order.utils", "OrderCreator")


def basket_lock(basket) -> object | None:
    """Lock the basket row until the transaction ends; the order already placed from it, or None.

    Every submission of one basket queues here, so only the first finds no order.
    """
    Basket.objects.select_for_update().filter(pk=basket.pk).values_list("pk").first()
    return selectors.placed_order_for_basket(basket.pk)


def basket_check_on_sale(basket, shipments) -> None:
    """Refuse (``UnableToPlaceOrder``) a product no longer on sale, or a shipment without a method."""
    from products.selectors import shop_visible_products

    lines = list(basket.all_lines())
    on_sale = set(
        shop_visible_products().filter(pk__in=[line.product_id for line in lines]).values_list("pk", flat=True)
    )
    for line in lines:
        cooperative = line.stockrecord.partner if line.stockrecord_id else None
        if cooperative is not None and not cooperative.is_active:
            raise UnableToPlaceOrder(
                _(
                    "%(cooperative)s is suspended and cannot sell “%(product)s” now. "
                    "Remove it from your basket to continue."
                )
                % {"cooperative": cooperative.name, "product": line.product.get_title()}
            )
        if line.product_id not in on_sale:
            raise UnableToPlaceOrder(
                _("“%(product)s” is no longer on sale. Remove it from your basket to continue.")
                % {"product": line.product.get_title()}
            )
    for shipment in shipments:
        if shipment.method is None:
            raise UnableToPlaceOrder(
                _("No cold-chain shipping is available for the products of %(cooperative)s at the moment.")
                % {"cooperative": shipment.partner.name}
            )


def _address_save(user, address):
    """Save the order's address; a signed-in buyer's address book counts it (Oscar's
    ``OrderPlacementMixin.create_shipping_address``/``update_address_book``)."""
    if not address:
        return None
    address.save()
    if user is not None and user.is_authenticated:
        try:
            book_entry = user.addresses.get(hash=address.generate_hash())
        except ObjectDoesNotExist:
            book_entry = UserAddress(user=user)
            address.populate_alternative_model(book_entry)
        if isinstance(address, ShippingAddress):
            book_entry.num_orders_as_shipping_address += 1
        if isinstance(address, BillingAddress):
            book_entry.num_orders_as_billing_address += 1
        book_entry.save()
    return address


def order_place(
    *,
    basket,
    user,
    order_number: str,
    shipping_address,
    shipping_method,
    shipping_charge,
    billing_address,
    order_total,
    surcharges=None,
    request=None,
    unit_purchase=None,
    policy: payment.PaymentPolicy | None = None,
    **kwargs,
) -> tuple[object, bool]:
    """Place ``basket`` as order ``order_number`` with its fulfilments; (order, placed now?).

    A basket that already has an order is answered with that order and ``False``, whatever the
    other arguments (see the module docstring for the steps). ``shipping_address`` and
    ``billing_address`` are unsaved Oscar order addresses (or None); ``kwargs`` go to Oscar's
    ``OrderCreator.place_order``. A budget unit's buyer must give ``unit_purchase``
    (``procurement.ordering.UnitPurchase``: which of their units, the latest ship date); the order
    then records the unit and counts its lines toward the unit's reserved share. ``policy`` replaces
    the payment policy the buyer would get (the demo data's past orders, paid by invoice).
    """
    with transaction.atomic():
        order = basket_lock(basket)
        if order is not None:
            return order, False
        buyer_type = fulfilment_selectors.buyer_type_of(user)
        if buyer_type == BuyerType.BUDGET_UNIT:
            unit_purchase = unit_purchase_check(user=user, purchase=unit_purchase)
        else:
            unit_purchase = None
        policy = policy or payment.policy_for(user, basket, unit_purchase, order_total.incl_tax)
        if policy.code == payment.OnlinePayFirst.code:
            from marketplace.checkout.mixins import PLACED_ORDERS_SESSION_KEY
            from marketplace.payments.services import unpaid_orders_limit_check

            session = getattr(request, "session", None) or {}
            unpaid_orders_limit_check(
                user=user,
                guest_email=kwargs.get("guest_email") or "",
                session_orders=session.get(PLACED_ORDERS_SESSION_KEY, []),
            )
        shipments = fulfilment_selectors.shipment_plan(basket)
        basket_check_on_sale(basket, shipments)
        lock_stock_records(line.stockrecord_id for line in basket.all_lines())
        shipping_address = _address_save(user, shipping_address)
        billing_address = _address_save(user, billing_address)
        order = OrderCreator().place_order(
            basket=basket,
            total=order_total,
            shipping_method=shipping_method,
            shipping_charge=shipping_charge,
            user=user,
            shipping_address=shipping_address,
            billing_address=billing_address,
            order_number=order_number,
            status=policy.order_status,
            request=request,
            surcharges=surcharges,
            **kwargs,
        )
        fulfilments = fulfilment_services.fulfilments_create(
            order=order,
            shipments=shipments,
            buyer_type=buyer_type,
            status=policy.fulfilment_status,
            ship_within_days=unit_purchase.ship_within_days if unit_purchase else None,
        )
        if policy.code == payment.OnlinePayFirst.code:
            from marketplace.payments.services import payment_open

            payment_open(order=order)
        if unit_purchase is not None:
            unit_order_record(
                order=order, fulfilments=fulfilments, purchase=unit_purchase, user=user, total=order_total.incl_tax
            )
        basket.submit()
    return order, True
