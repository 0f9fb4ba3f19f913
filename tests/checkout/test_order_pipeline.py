"""The order pipeline (``checkout.services.order_place``): one key, one stock lock, the payment policy's statuses."""

from __future__ import annotations

import pytest
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from marketplace.checkout import payment, services
from marketplace.checkout.payment import InvoiceAfterAcceptance, PaymentPolicy
from marketplace.fulfilment import stock as fulfilment_stock
from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus
from marketplace.shipping.methods import PerCooperativeShipping
from partners.models import InsufficientStock
from tests.fulfilment.builders import budget_unit_buyer, ship, two_cooperatives
from tests.fulfilment.helpers import (
    ADDRESS,
    add_to_basket,
    buyer,
    checkout,
    ensure_checkout_data,
    start_checkout,
    submit_order,
)

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
StockRecord = get_model("partner", "StockRecord")
UserAddress = get_model("address", "UserAddress")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

pytestmark = pytest.mark.django_db


def basket_of(user, items: list[tuple]):
    """An open basket of ``(product, quantity)`` for ``user``, priced as the checkout prices it."""
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for product, quantity in items:
        basket.add_product(product, quantity)
    return basket


def place(basket, user, order_number: str | None = None):
    """``order_place`` with what the checkout hands it: an unsaved address, the method, charge and total."""
    method = PerCooperativeShipping()
    charge = method.calculate(basket)
    return services.order_place(
        basket=basket,
        user=user,
        order_number=order_number or str(100000 + basket.pk),
        shipping_address=ShippingAddress(
            **{key: value for key, value in ADDRESS.items() if key != "country"}, country_id="CN"
        ),
        shipping_method=method,
        shipping_charge=charge,
        billing_address=None,
        order_total=OrderTotalCalculator().calculate(basket, charge),
    )


@pytest.fixture
def shop():
    ensure_checkout_data()
    data = two_cooperatives()
    data["buyer"] = buyer(email="canteen@school.example.cn")
    return data


# --------------------------------------------------------------------------- one key: the basket
def test_a_second_placement_of_the_same_basket_answers_with_the_placed_order(shop):
    user = shop["buyer"]
    basket = basket_of(user, [(shop["pork"], 2), (shop["mango"], 1)])

    order, placed = place(basket, user)
    again, placed_again = place(basket, user)
    # the key is the basket, not the number the caller happens to send
    other_number, placed_other_number = place(basket, user, order_number="999999")

    assert placed is True and placed_again is False and placed_other_number is False
    assert again.pk == order.pk == other_number.pk
    assert Order.objects.count() == 1 and Fulfilment.objects.filter(order=order).count() == 2
    assert StockRecord.objects.get(product=shop["pork"]).num_allocated == 2
    assert Basket.objects.get(pk=basket.pk).status == Basket.SUBMITTED
    # the address is saved and counted in the address book once, not per submission
    assert ShippingAddress.objects.count() == 1
    assert UserAddress.objects.get(user=user).num_orders_as_shipping_address == 1


def test_a_guests_address_is_saved_without_an_address_book(shop):
    from django.contrib.auth.models import AnonymousUser

    basket = basket_of(None, [(shop["pork"], 1)])
    order, placed = place(basket, AnonymousUser())
    assert placed and order.shipping_address.pk and order.shipping_address.line1 == ADDRESS["line1"]
    assert not UserAddress.objects.exists()
    assert set(Fulfilment.objects.values_list("buyer_type", flat=True)) == {"guest"}


def test_a_refused_placement_leaves_nothing_and_the_next_one_places(shop):
    user = shop["buyer"]
    basket = basket_of(user, [(shop["pork"], 2)])
    StockRecord.objects.filter(product=shop["pork"]).update(num_in_stock=1)

    with pytest.raises(InsufficientStock):
        place(basket, user)
    assert not Order.objects.exists() and not ShippingAddress.objects.exists() and not UserAddress.objects.exists()
    assert Basket.objects.get(pk=basket.pk).status == Basket.OPEN

    StockRecord.objects.filter(product=shop["pork"]).update(num_in_stock=10)
    _order, placed = place(basket, user)
    assert placed


def test_the_checkout_asks_the_basket_once_more_after_the_order_is_placed(client, shop):
    """A reload of the preview's form after the order: answered with the same order's thank-you page."""
    client.force_login(shop["buyer"])
    first, basket_id = checkout(client, [(shop["pork"], 1)])
    again = client.post(reverse("checkout:preview"), {"action": "place_order", "basket_token": str(basket_id)})
    assert again.status_code == 302 and again["Location"] == first["Location"] == reverse("checkout:thank-you")
    assert Order.objects.get().basket_id == basket_id


# --------------------------------------------------------------------------- one stock lock
def test_lock_stock_records_returns_the_rows_by_key_once_each_skipping_none(shop):
    pork = StockRecord.objects.get(product=shop["pork"])
    mango = StockRecord.objects.get(product=shop["mango"])
    StockRecord.objects.filter(pk=pork.pk).update(num_allocated=3)

    locked = fulfilment_stock.lock_stock_records([mango.pk, None, pork.pk, mango.pk])

    assert list(locked) == sorted([pork.pk, mango.pk])
    assert locked[pork.pk].num_allocated == 3  # read with the lock, not before
    assert fulfilment_stock.lock_stock_records([None]) == {}


def test_placement_and_steps_lock_stock_through_the_one_helper(shop, monkeypatch):
    """Placing, shipping and cancelling all lock their stock rows with ``lock_stock_records``."""
    calls = []
    real = fulfilment_stock.lock_stock_records

    def spy(ids):
        ids = list(ids)
        calls.append(sorted(pk for pk in ids if pk))
        return real(ids)

    monkeypatch.setattr(services, "lock_stock_records", spy)
    from marketplace.fulfilment import services as fulfilment_services

    monkeypatch.setattr(fulfilment_services, "lock_stock_records", spy)
    pork = StockRecord.objects.get(product=shop["pork"]).pk
    mango = StockRecord.objects.get(product=shop["mango"]).pk
    user = shop["buyer"]

    order, _placed = place(basket_of(user, [(shop["pork"], 1), (shop["mango"], 1)]), user)
    ship(Fulfilment.objects.get(order=order, partner=shop["a"]), shop["a_user"])
    fulfilment_services.fulfilment_cancel(fulfilment=Fulfilment.objects.get(order=order, partner=shop["b"]), user=user)

    assert calls == [sorted([pork, mango]), [pork], [mango]]


# --------------------------------------------------------------------------- the payment policy
@pytest.mark.parametrize("kind", ["guest", "buyer"])
def test_consumers_pay_by_invoice_after_acceptance_today(kind):
    from django.contrib.auth.models import AnonymousUser

    user = {"guest": lambda: AnonymousUser(), "buyer": lambda: buyer()}[kind]()
    policy = payment.policy_for(user, None)
    assert isinstance(policy, InvoiceAfterAcceptance)
    assert policy.order_status == "placed" and policy.fulfilment_status == FulfilmentStatus.TO_SHIP
    assert policy.ship_before_payment is True


def test_a_budget_units_policy_follows_its_payment_mode_and_threshold():
    from decimal import Decimal

    from marketplace.procurement.ordering import UnitPurchase

    user = budget_unit_buyer("unit@school.example.cn")
    unit = user.unit_memberships.get().unit
    unit.approval_threshold = Decimal("500.00")
    purchase = UnitPurchase(unit=unit, ship_within_days=15)

    assert isinstance(payment.policy_for(user, None, purchase, Decimal("500.00")), payment.UnitDeliverFirst)
    waiting = payment.policy_for(user, None, purchase, Decimal("500.01"))
    assert isinstance(waiting, payment.AwaitingUnitApproval) and isinstance(waiting.then, payment.UnitDeliverFirst)
    assert waiting.fulfilment_status == FulfilmentStatus.AWAITING_APPROVAL
    unit.payment_mode = "pay_first"
    assert isinstance(payment.policy_for(user, None, purchase, Decimal("1.00")), payment.UnitPayFirst)


class AwaitingPayment(PaymentPolicy):
    """A stub: orders wait for the money before anything ships."""

    code = "stub_awaiting_payment"
    label = "Stub"
    order_status = "in_progress"
    fulfilment_status = FulfilmentStatus.AWAITING_PAYMENT
    ship_before_payment = False
    buyer_text = "Pay first, then we ship (stub)."


def test_the_order_and_its_parts_start_in_the_policys_statuses(shop, monkeypatch):
    chosen = []

    def stub_policy_for(user, basket, *args):
        chosen.append((user, basket.pk))
        return AwaitingPayment()

    monkeypatch.setattr(payment, "policy_for", stub_policy_for)
    user = shop["buyer"]
    basket = basket_of(user, [(shop["pork"], 1), (shop["mango"], 1)])

    order, _placed = place(basket, user)

    assert chosen == [(user, basket.pk)]
    assert Order.objects.get(pk=order.pk).status == "in_progress"
    assert set(Fulfilment.objects.filter(order=order).values_list("status", flat=True)) == {
        FulfilmentStatus.AWAITING_PAYMENT
    }
    # the transitions table then decides: a part awaiting payment cannot ship, but can be cancelled
    part = Fulfilment.objects.filter(order=order).first()
    assert not part.allows("ship") and part.allows("cancel")


def test_the_preview_and_thank_you_pages_show_the_policys_text(client, shop, monkeypatch):
    monkeypatch.setattr(payment, "policy_for", lambda user, basket, *args: AwaitingPayment())
    client.force_login(shop["buyer"])
    add_to_basket(client, shop["pork"], 1)
    basket_id = start_checkout(client)
    preview = client.get(reverse("checkout:preview")).content.decode()
    thank_you = client.get(submit_order(client, basket_id)["Location"]).content.decode()

    assert AwaitingPayment.buyer_text in preview and AwaitingPayment.buyer_text in thank_you
    assert str(InvoiceAfterAcceptance.buyer_text) not in preview


def test_the_invoice_text_is_shown_by_default(client, shop):
    client.force_login(shop["buyer"])
    response, _basket_id = checkout(client, [(shop["pork"], 1)])
    assert "验收后凭发票银行转账（先货后款）。" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "policy",
    [
        payment.InvoiceAfterAcceptance,
        payment.UnitDeliverFirst,
        payment.UnitPayFirst,
        payment.AwaitingUnitApproval,
    ],
)
def test_every_policy_is_complete_and_agrees_with_the_transitions_table(policy, settings):
    from marketplace.fulfilment.models import FulfilmentStep, fulfilment_steps_from

    policy = policy()
    assert policy.code and str(policy.label) and str(policy.buyer_text)
    assert policy.order_status in settings.OSCAR_ORDER_STATUS_PIPELINE
    assert policy.fulfilment_status in FulfilmentStatus.values
    # "may ship before payment" is exactly "the part starts where shipping is allowed"
    assert policy.ship_before_payment == (FulfilmentStep.SHIP in fulfilment_steps_from(policy.fulfilment_status))


def test_every_buyer_type_has_a_policy():
    from marketplace.fulfilment.models import BuyerType

    assert set(payment.POLICIES) == set(BuyerType.values)
