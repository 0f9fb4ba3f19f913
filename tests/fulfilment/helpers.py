"""Driving Oscar's checkout as a buyer does, and building orders quickly for the later steps."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.fulfilment.models import ShippingMethod
from tests.factories import CooperativeFactory, UserFactory, make_product

Order = get_model("order", "Order")
Country = get_model("address", "Country")

#: A delivery address as stored on Oscar's fields (see core.addresses) …
ADDRESS = {
    "first_name": "李明",
    "last_name": "",
    "line1": "天河路 100 号 市一中食堂",
    "line3": "天河区",
    "line4": "广州市",
    "state": "广东省",
    "postcode": "510000",
    "country": "CN",
    "phone_number": "+8613800138000",
}
#: … and as the buyer enters it in the checkout's address form.
ADDRESS_FORM = {
    "first_name": "李明",
    "phone_number": "138 0013 8000",
    "province": "44",
    "city": "4401",
    "district": "440106",
    "line1": "天河路 100 号 市一中食堂",
    "postcode": "510000",
}
#: The places we deliver to (the data migration's rows; a transactional test flushes them).
COUNTRIES = [("CN", "CHN", "中国", "China"), ("HK", "HKG", "中国香港", "Hong Kong"), ("MO", "MAC", "中国澳门", "Macao")]


def ensure_checkout_data() -> None:
    """What the data migration provides (a transactional test flushes it): methods and countries."""
    ShippingMethod.objects.get_or_create(
        code="parcel",
        defaults={"name": "普通快递", "charge": Decimal("10.00"), "free_over": Decimal("99.00"), "ship_within_days": 3},
    )
    ShippingMethod.objects.get_or_create(
        code="cold-chain",
        defaults={
            "name": "冷链物流",
            "cold_chain": True,
            "charge": Decimal("25.00"),
            "free_over": Decimal("299.00"),
            "ship_within_days": 2,
            "position": 2,
        },
    )
    for code, code3, printable, name in COUNTRIES:
        Country.objects.get_or_create(
            iso_3166_1_a2=code,
            defaults={"iso_3166_1_a3": code3, "printable_name": printable, "name": name, "is_shipping_country": True},
        )


def add_to_basket(client, product, quantity: int = 1):
    return client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}, HTTP_REFERER="/shop/")


def start_checkout(client) -> int:
    """Address and shipping steps; returns the basket id the preview page names."""
    response = client.post(reverse("checkout:shipping-address"), ADDRESS_FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.get(reverse("checkout:shipping-method"), follow=True)  # one method: chosen for the buyer
    response = client.get(reverse("checkout:preview"))
    assert response.status_code == 200, response
    return response.context["basket"].id


def submit_order(client, basket_id: int):
    return client.post(reverse("checkout:preview"), {"action": "place_order", "basket_token": str(basket_id)})


def checkout(client, items: list[tuple]) -> tuple:
    """Put ``(product, quantity)`` items in the basket and place the order; (response, basket id)."""
    ensure_checkout_data()
    for product, quantity in items:
        add_to_basket(client, product, quantity)
    basket_id = start_checkout(client)
    return submit_order(client, basket_id), basket_id


def three_cooperative_products(**kwargs):
    return [
        make_product(title=title, cooperative=CooperativeFactory(name=name), price=price, **kwargs)
        for title, name, price in (
            ("巴马香猪五花肉", "巴马瑶山香猪合作社", "88.00"),
            ("田东芒果", "田东芒果合作社", "59.90"),
            ("横县茉莉花茶", "横州茉莉花茶厂", "45.00"),
        )
    ]


def buyer(**kwargs):
    user = UserFactory(**kwargs)
    user.set_password("pass-2026")
    user.save()
    return user
