"""Checkout places one order with one fulfilment per cooperative, safely and once."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus
from tests.fulfilment.helpers import (
    add_to_basket,
    buyer,
    checkout,
    ensure_checkout_data,
    start_checkout,
    submit_order,
    three_cooperative_products,
)

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


def test_basket_from_three_cooperatives_becomes_one_order_with_three_fulfilments(
    client, django_capture_on_commit_callbacks
):
    user = buyer(email="canteen@example.com")
    client.force_login(user)
    pork, mango, tea = three_cooperative_products()

    with django_capture_on_commit_callbacks(execute=True):
        response, basket_id = checkout(client, [(pork, 2), (mango, 1), (tea, 3)])

    assert response.status_code == 302 and response["Location"].endswith(reverse("checkout:thank-you"))
    order = Order.objects.get()
    assert order.user == user and order.status == "placed"
    fulfilments = {f.partner.name: f for f in Fulfilment.objects.filter(order=order)}
    assert set(fulfilments) == {"巴马瑶山香猪合作社", "田东芒果合作社", "横州茉莉花茶厂"}
    pork_part = fulfilments["巴马瑶山香猪合作社"]
    assert pork_part.goods_total == Decimal("176.00") and pork_part.shipping_cost == Decimal("0.00")  # free over 99
    assert fulfilments["田东芒果合作社"].shipping_cost == Decimal("10.00")
    assert all(f.status == FulfilmentStatus.TO_SHIP for f in fulfilments.values())
    assert order.shipping_incl_tax == sum(f.shipping_cost for f in fulfilments.values())
    assert order.total_incl_tax == sum(f.total for f in fulfilments.values())
    assert StockRecord.objects.get(product=pork).num_allocated == 2
    assert StockRecord.objects.get(product=tea).num_allocated == 3
    # the buyer's confirmation and one new-order message per cooperative user (none here)
    assert [m.to for m in mail.outbox] == [["canteen@example.com"]]
    assert order.number in mail.outbox[0].subject

    thank_you = client.get(response["Location"])
    assert thank_you.status_code == 200
    assert "田东芒果合作社" in thank_you.content.decode()


def test_repeated_submission_answers_with_the_same_order(client):
    client.force_login(buyer())
    (pork, *_rest) = three_cooperative_products()
    first, basket_id = checkout(client, [(pork, 1)])
    again = submit_order(client, basket_id)

    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Order.objects.count() == 1
    assert client.get(again["Location"]).context["order"].number == Order.objects.get().number
    assert StockRecord.objects.get(product=pork).num_allocated == 1


def test_someone_elses_basket_token_is_not_answered_with_their_order(client):
    (pork, *_rest) = three_cooperative_products()
    client.force_login(buyer())
    _response, basket_id = checkout(client, [(pork, 1)])

    other = client.__class__()
    other.force_login(buyer())
    response = submit_order(other, basket_id)
    assert response.status_code == 302
    assert response["Location"] != reverse("checkout:thank-you")


def test_quantity_beyond_stock_is_refused_and_nothing_changes(client):
    client.force_login(buyer())
    ensure_checkout_data()
    (pork, *_rest) = three_cooperative_products(stock=3)
    add_to_basket(client, pork, 2)
    basket_id = start_checkout(client)
    StockRecord.objects.filter(product=pork).update(num_allocated=2)  # someone else bought two meanwhile

    response = submit_order(client, basket_id)

    assert Order.objects.count() == 0 and Fulfilment.objects.count() == 0
    assert StockRecord.objects.get(product=pork).num_allocated == 2
    page = client.get(response["Location"]) if response.status_code == 302 else response
    assert "巴马香猪五花肉" in page.content.decode()


def test_product_delisted_while_in_basket_is_refused(client):
    client.force_login(buyer())
    ensure_checkout_data()
    (pork, mango, _tea) = three_cooperative_products()
    add_to_basket(client, pork, 1)
    add_to_basket(client, mango, 1)
    basket_id = start_checkout(client)
    pork.listing_status = "delisted"
    pork.save()

    response = submit_order(client, basket_id)

    assert Order.objects.count() == 0
    assert StockRecord.objects.get(product=mango).num_allocated in (0, None)
    page = client.get(response["Location"]) if response.status_code == 302 else response
    assert "巴马香猪五花肉" in page.content.decode()


def test_cold_chain_products_ship_by_cold_chain(client):
    client.force_login(buyer())
    (pork, *_rest) = three_cooperative_products(storage_type="frozen")
    response, _basket = checkout(client, [(pork, 1)])
    fulfilment = Fulfilment.objects.get()
    assert fulfilment.cold_chain and fulfilment.shipping_method.cold_chain
    assert fulfilment.shipping_cost == Decimal("25.00")


def test_guest_checkout_places_a_guest_order_and_mails_the_status_link(client, django_capture_on_commit_callbacks):
    ensure_checkout_data()
    (pork, mango, _tea) = three_cooperative_products()
    add_to_basket(client, pork, 1)
    add_to_basket(client, mango, 2)
    gateway = client.post(reverse("checkout:index"), {"username": "guest@example.hk", "options": "anonymous"})
    assert gateway.status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        response = submit_order(client, start_checkout(client))

    assert response.status_code == 302
    order = Order.objects.get()
    assert order.user is None and order.guest_email == "guest@example.hk"
    assert set(Fulfilment.objects.values_list("buyer_type", flat=True)) == {"guest"}
    confirmation = mail.outbox[0]
    assert confirmation.to == ["guest@example.hk"]
    status_path = reverse(
        "customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()}
    )
    assert status_path in confirmation.body
    # Oscar asks for the e-mail address before showing a guest order.
    form_path = reverse(
        "customer:anon-order-form", kwargs={"order_number": order.number, "hash": order.verification_hash()}
    )
    assert client.get(status_path)["Location"] == form_path
    page = client.post(form_path, {"email": "guest@example.hk"}, follow=True)
    assert page.status_code == 200 and "巴马瑶山香猪合作社" in page.content.decode()
