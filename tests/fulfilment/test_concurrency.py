"""Concurrent checkouts on PostgreSQL: no oversell, no deadlock, one order per basket.

SQLite serialises every write, so these races only mean something on PostgreSQL. Each test
starts real threads (each with its own database connection, closed when the thread ends)
and releases them together with a barrier, so that they reach the row locks at once.
"""

from __future__ import annotations

import html
import itertools
import time
from collections import Counter
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from oscar.core.loading import get_class, get_model

from marketplace.checkout.services import order_place
from marketplace.fulfilment.models import Fulfilment
from marketplace.shipping.methods import PerCooperativeShipping
from partners.models import InsufficientStock
from tests.factories import make_product
from tests.fulfilment.helpers import (
    ADDRESS,
    add_to_basket,
    buyer,
    ensure_checkout_data,
    start_checkout,
    submit_order,
    three_cooperative_products,
)
from tests.fulfilment.threads import Crowd, run_together, unexpected

Basket = get_model("basket", "Basket")
Line = get_model("order", "Line")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
StockRecord = get_model("partner", "StockRecord")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

# serialized_rollback as the other transactional tests: a plain transactional test's flush
# re-creates content types with new keys, which then clash with the next serialized restore.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


# --------------------------------------------------------------------------- service level
@dataclass
class PreparedCheckout:
    """What the checkout has computed by the time the buyer presses "place order"."""

    user: object
    basket: object
    order_number: str
    method: PerCooperativeShipping
    charge: object
    total: object


def prepare_checkout(user, items: list[tuple]) -> PreparedCheckout:
    """A basket of ``(product, quantity)`` for ``user``, priced and shipped as the checkout does."""
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for product, quantity in items:
        basket.add_product(product, quantity)
    method = PerCooperativeShipping()
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    return PreparedCheckout(user, basket, str(100000 + basket.pk), method, charge, total)


def place(checkout: PreparedCheckout) -> tuple[object, bool]:
    """``order_place``, as ``OrderPlacementMixin.handle_order_placement`` calls it."""
    return order_place(
        basket=checkout.basket,
        user=checkout.user,
        order_number=checkout.order_number,
        shipping_address=ShippingAddress(
            **{key: value for key, value in ADDRESS.items() if key != "country"}, country_id="CN"
        ),
        shipping_method=checkout.method,
        shipping_charge=checkout.charge,
        billing_address=None,
        order_total=checkout.total,
    )


def test_fifty_buyers_for_the_last_ten_units_give_ten_orders_and_forty_refusals_twenty_times_over():
    """The classic oversell: 50 checkouts at once for 10 units, repeated so that a rare
    interleaving has 20 chances to show up. Exactly 10 win; the rest are refused cleanly."""
    ensure_checkout_data()
    buyers = [buyer() for _ in range(50)]

    with Crowd(len(buyers)) as crowd:
        for round_number in range(1, 21):
            # given 10 units left and 50 buyers, each with one in the basket
            product = make_product(stock=10, with_image=False)

            # when all 50 press "place order" at once
            outcomes = crowd.race(
                place, prepare=lambda index, product=product: prepare_checkout(buyers[index], [(product, 1)])
            )

            # then 10 orders, 40 refusals for insufficient stock, nothing else, and no oversell
            placed = [outcome for outcome in outcomes if isinstance(outcome, tuple)]
            refused = [outcome for outcome in outcomes if isinstance(outcome, InsufficientStock)]
            assert len(placed) + len(refused) == 50, f"round {round_number}:\n" + unexpected(
                outcomes, (InsufficientStock,)
            )
            assert (len(placed), len(refused)) == (10, 40), f"round {round_number}"
            assert all(placed_now for _order, placed_now in placed)
            record = StockRecord.objects.get(product=product)
            assert (record.num_in_stock, record.num_allocated) == (10, 10), f"round {round_number}"
            assert sum(Line.objects.filter(product=product).values_list("quantity", flat=True)) == 10
            baskets = Basket.objects.filter(lines__product=product)
            assert Counter(baskets.values_list("status", flat=True)) == {Basket.SUBMITTED: 10, Basket.OPEN: 40}
            assert set(Order.objects.filter(lines__product=product).values_list("basket__status", flat=True)) == {
                Basket.SUBMITTED
            }


def test_twenty_orders_over_the_same_products_in_every_order_do_not_deadlock():
    """Baskets list the same three products in all six orders; row locks taken in basket
    order would deadlock, locks in primary-key order queue instead. Three rounds of 20."""
    ensure_checkout_data()
    products = three_cooperative_products(stock=1000, with_image=False)
    buyers = [buyer() for _ in range(20)]
    orders = list(itertools.islice(itertools.cycle(itertools.permutations(products)), len(buyers)))

    def prepare(index: int) -> PreparedCheckout:
        # quantities 1 to 3, different per buyer and product
        return prepare_checkout(
            buyers[index], [(product, 1 + (index + position) % 3) for position, product in enumerate(orders[index])]
        )

    with Crowd(len(buyers)) as crowd:
        for round_number in range(1, 4):
            outcomes = crowd.race(place, prepare=prepare)

            assert not unexpected(outcomes), f"round {round_number}:\n" + unexpected(outcomes)
            assert all(placed_now for _order, placed_now in outcomes)
            assert Order.objects.count() == 20 * round_number
            assert Fulfilment.objects.count() == 3 * 20 * round_number  # one per cooperative
    wanted = Counter()
    for index, order in enumerate(orders):
        for position, product in enumerate(order):
            wanted[product.pk] += 3 * (1 + (index + position) % 3)
    for product in products:
        ordered = sum(Line.objects.filter(product=product).values_list("quantity", flat=True))
        assert StockRecord.objects.get(product=product).num_allocated == ordered == wanted[product.pk]


# --------------------------------------------------------------------------- through the checkout pages
def sold_out_messages(product, quantity: int = 1) -> list[str]:
    """What a buyer who lost the race may be told: refused while placing, or sent back to the basket."""
    title = product.get_title()
    with translation.override(settings.LANGUAGE_CODE):
        return [
            gettext("Sorry, “%(product)s” has sold out or has fewer than %(quantity)d left.")
            % {"product": title, "quantity": quantity},
            gettext("'%(title)s' is no longer available to buy (%(reason)s). Please adjust your basket to continue")
            % {"title": title, "reason": gettext("no stock available")},
        ]


def generic_error_message() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("A problem occurred while placing this order. Please contact customer services.")


def test_twelve_buyers_racing_for_the_last_four_units_through_the_checkout(caplog):
    """The same race through the pages: the winners reach the thank-you page, the losers are told
    the product sold out (on the preview, or on the basket they are sent back to), nobody gets a 500."""
    # given 12 buyers, each at the preview with one of the last 4 units
    ensure_checkout_data()
    product = make_product(stock=4, with_image=False)
    buyers = [buyer() for _ in range(12)]
    clients, basket_ids = [], []
    for user in buyers:
        client = Client()
        client.force_login(user)
        add_to_basket(client, product, 1)
        basket_ids.append(start_checkout(client))
        clients.append(client)

    # when they all press "place order" at once
    responses = run_together(lambda index: submit_order(clients[index], basket_ids[index]), len(clients))

    # then 4 orders, and every other buyer sees why they have none
    assert not unexpected(responses), unexpected(responses)
    assert [r.status_code for r in responses if r.status_code >= 500] == []
    thank_you = reverse("checkout:thank-you")
    winners = [i for i, r in enumerate(responses) if r.status_code == 302 and r["Location"].endswith(thank_you)]
    assert len(winners) == 4, [(r.status_code, r.get("Location")) for r in responses]
    assert Order.objects.count() == 4
    assert set(Order.objects.values_list("user_id", flat=True)) == {buyers[i].pk for i in winners}
    record = StockRecord.objects.get(product=product)
    assert record.num_allocated == record.num_in_stock == 4
    messages = sold_out_messages(product)
    for index, response in enumerate(responses):
        if index in winners:
            continue
        page = clients[index].get(response["Location"]) if response.status_code == 302 else response
        text = html.unescape(page.content.decode())
        assert page.status_code == 200
        assert any(message in text for message in messages), text[:3000]
        assert generic_error_message() not in text
        assert not Order.objects.filter(user=buyers[index]).exists()
    assert not [r.getMessage() for r in caplog.records if "unhandled exception" in r.getMessage()]


def five_tabs_at_the_preview(quantity: int = 2) -> tuple[list[Client], int, object]:
    """One buyer at the preview, and five clients sharing the session (tabs, or repeated clicks)."""
    ensure_checkout_data()
    product = make_product(stock=10, with_image=False)
    client = Client()
    client.force_login(buyer())
    add_to_basket(client, product, quantity)
    basket_id = start_checkout(client)
    tabs = []
    for _ in range(5):
        tab = Client()
        for name, morsel in client.cookies.items():
            tab.cookies[name] = morsel.value
        tabs.append(tab)
    return tabs, basket_id, product


def test_one_checkout_submitted_five_times_at_once_places_one_order():
    """A quintuple click, or five tabs of one session: the basket becomes one order, once."""
    # given one buyer at the preview in five tabs
    tabs, basket_id, product = five_tabs_at_the_preview(quantity=2)

    # when all five submit the same basket at once
    responses = run_together(lambda index: submit_order(tabs[index], basket_id), len(tabs))

    # then one order, its stock allocated and its fulfilment created once
    assert not unexpected(responses), unexpected(responses)
    assert [response.status_code for response in responses] == [302] * 5
    order = Order.objects.get()
    assert order.basket_id == basket_id
    thank_you = reverse("checkout:thank-you")
    answered = [(tab, r) for tab, r in zip(tabs, responses, strict=True) if r["Location"].endswith(thank_you)]
    assert answered, [r["Location"] for r in responses]
    for tab, response in answered:  # the others: see test_every_repeated_submission_is_answered_with_…
        assert tab.get(response["Location"]).context["order"].number == order.number
    assert StockRecord.objects.get(product=product).num_allocated == 2
    assert Fulfilment.objects.filter(order=order).count() == 1
    assert Basket.objects.get(pk=basket_id).status == Basket.SUBMITTED
    line = order.lines.get()
    assert line.quantity == 2
    assert order.total_incl_tax == 2 * line.unit_price_incl_tax + order.shipping_incl_tax


def test_every_repeated_submission_is_answered_with_the_thank_you_page():
    """Clicks 20 ms apart land while the first submission is being placed; each must still lead
    to the order's thank-you page, not to an empty basket that suggests nothing was ordered."""
    # given one buyer at the preview in five tabs
    tabs, basket_id, _product = five_tabs_at_the_preview()

    # when the five submit the same basket, 20 ms apart
    def click(index: int):
        time.sleep(index * 0.02)
        return submit_order(tabs[index], basket_id)

    responses = run_together(click, len(tabs))

    # then each is redirected to the thank-you page of the one order
    assert not unexpected(responses), unexpected(responses)
    order = Order.objects.get()
    thank_you = reverse("checkout:thank-you")
    assert [(r.status_code, r.get("Location", "")) for r in responses] == [(302, thank_you)] * 5
    for tab, response in zip(tabs, responses, strict=True):
        assert tab.get(response["Location"]).context["order"].number == order.number
