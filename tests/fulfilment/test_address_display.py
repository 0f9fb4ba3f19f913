"""Wherever an order's delivery address shows, it reads as a courier label (收货人 手机号 / 省市区 详细地址 / 邮编)."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook
from oscar.core.loading import get_model

from tests.fulfilment.builders import cooperative_user, staff_user
from tests.fulfilment.helpers import (
    ADDRESS_FORM,
    add_to_basket,
    buyer,
    ensure_checkout_data,
    submit_order,
    three_cooperative_products,
)

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")

SHENZHEN = {
    **ADDRESS_FORM,
    "city": "4403",
    "district": "440305",
    "line1": "科技南路 18 号 2 栋 501",
    "postcode": "518057",
}
CONTACT = "李明 138 0013 8000"
WHERE = "广东省 深圳市 南山区 科技南路 18 号 2 栋 501"
POSTCODE = "邮编 518057"


@pytest.fixture
def order_to_shenzhen(client, django_capture_on_commit_callbacks):
    """A buyer's order to Shenzhen through the real checkout, with the e-mails it sends."""
    ensure_checkout_data()
    me = buyer(email="buyer@gba.example.cn")
    client.force_login(me)
    pork, *_rest = three_cooperative_products()
    coop_user = cooperative_user(pork.stockrecords.get().partner, "pork@coop.example.cn")
    add_to_basket(client, pork, 1)
    assert client.post(reverse("checkout:shipping-address"), SHENZHEN).status_code == 302
    client.get(reverse("checkout:shipping-method"), follow=True)
    basket_id = client.get(reverse("checkout:preview")).context["basket"].id
    with django_capture_on_commit_callbacks(execute=True):
        thank_you = submit_order(client, basket_id)
    order = Order.objects.get()
    return {"client": client, "order": order, "coop_user": coop_user, "thank_you": thank_you, "buyer": me}


def assert_label(html: str) -> None:
    assert CONTACT in html and WHERE in html and POSTCODE in html
    assert "澳门" not in html and "中国澳门" not in html


def test_the_preview_and_thank_you_pages_show_the_label(order_to_shenzhen):
    thank_you = order_to_shenzhen["client"].get(order_to_shenzhen["thank_you"]["Location"])
    assert_label(thank_you.content.decode())


def test_the_preview_shows_the_label(client):
    ensure_checkout_data()
    client.force_login(buyer())
    pork, *_rest = three_cooperative_products()
    add_to_basket(client, pork, 1)
    client.post(reverse("checkout:shipping-address"), SHENZHEN)
    client.get(reverse("checkout:shipping-method"), follow=True)
    assert_label(client.get(reverse("checkout:preview")).content.decode())


def test_the_cooperatives_ship_page_shows_a_shenzhen_label(order_to_shenzhen, client):
    fulfilment = order_to_shenzhen["order"].fulfilments.get()
    client.force_login(order_to_shenzhen["coop_user"])

    page = client.get(reverse("fulfilment:detail", kwargs={"pk": fulfilment.pk})).content.decode()

    assert_label(page)
    assert f'<address class="address-label"><span class="address-label-line">{CONTACT}</span>' in page


def test_the_buyers_order_page_shows_the_label(order_to_shenzhen):
    order = order_to_shenzhen["order"]
    page = order_to_shenzhen["client"].get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert_label(page.content.decode())


def test_the_guest_order_page_shows_the_label(client):
    ensure_checkout_data()
    pork, *_rest = three_cooperative_products()
    add_to_basket(client, pork, 1)
    client.post(reverse("checkout:index"), {"username": "guest@example.hk", "options": "anonymous"})
    client.post(reverse("checkout:shipping-address"), SHENZHEN)
    client.get(reverse("checkout:shipping-method"), follow=True)
    submit_order(client, client.get(reverse("checkout:preview")).context["basket"].id)
    order = Order.objects.get(user=None)

    form_path = reverse(
        "customer:anon-order-form", kwargs={"order_number": order.number, "hash": order.verification_hash()}
    )
    page = client.post(form_path, {"email": "guest@example.hk"}, follow=True)

    assert_label(page.content.decode())


def test_the_order_emails_carry_the_label(order_to_shenzhen):
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    for recipient in ("buyer@gba.example.cn", "pork@coop.example.cn"):
        body = by_recipient[recipient]
        assert f"{CONTACT}\n{WHERE}\n{POSTCODE}" in body
        assert "澳门" not in body


def test_staff_exports_carry_the_delivery_address(order_to_shenzhen, client):
    client.force_login(staff_user())

    response = client.get(reverse("fulfilment:list"), {"export": "csv"})
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[-4:] == ["收货人", "电话", "收货地址", "邮编"]
    assert row[-4:] == ["李明", "138 0013 8000", WHERE, "518057"]

    response = client.get(reverse("fulfilment:list"), {"export": "xlsx"})
    header, row = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(row[-4:]) == ["李明", "138 0013 8000", WHERE, "518057"]


def test_oscars_dashboard_shows_the_label_and_corrects_it_in_the_chinese_form(order_to_shenzhen, client):
    order = order_to_shenzhen["order"]
    client.force_login(staff_user(order_dashboard=True))

    assert_label(client.get(reverse("dashboard:order-detail", kwargs={"number": order.number})).content.decode())

    edit_url = reverse("dashboard:order-shipping-address", kwargs={"number": order.number})
    assert 'name="country"' not in client.get(edit_url).content.decode()
    response = client.post(edit_url, {**SHENZHEN, "district": "440306", "line1": "宝安大道 1 号"})
    assert response.status_code == 302
    order.shipping_address.refresh_from_db()
    assert (order.shipping_address.line3, order.shipping_address.country_id) == ("宝安区", "CN")


def test_another_cooperative_does_not_see_the_address(order_to_shenzhen, client):
    fulfilment = order_to_shenzhen["order"].fulfilments.get()
    mango_cooperative = three_cooperative_products()[1].stockrecords.get().partner
    client.force_login(cooperative_user(mango_cooperative, "mango@coop.example.cn"))

    assert client.get(reverse("fulfilment:detail", kwargs={"pk": fulfilment.pk})).status_code == 404
    export = client.get(reverse("fulfilment:list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert "李明" not in export and "深圳市" not in export
