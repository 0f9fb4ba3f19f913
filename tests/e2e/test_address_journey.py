"""A buyer keeps an address book on a phone: Shenzhen, Hong Kong in its own shape, the default chosen at checkout."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.factories import CooperativeFactory, UserFactory, home_page, make_product
from tests.fulfilment.helpers import ensure_checkout_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "journey-pass-2026"
BUYER = "family@gba.example.cn"
UserAddress = get_model("address", "UserAddress")


def _choose(page, province: str, city: str, district: str) -> None:
    """Pick the place as a person does: the city and district lists follow the choice above."""
    page.select_option("#id_province", label=province)
    page.locator("#id_city option", has_text=city).wait_for(state="attached")
    page.select_option("#id_city", label=city)
    page.select_option("#id_district", label=district)


def test_buyer_keeps_an_address_book(page, journey):
    home_page()
    ensure_checkout_data()
    product = make_product(title="田东芒果", cooperative=CooperativeFactory(name="田东芒果合作社"), price="59.90")
    UserFactory(email=BUYER, password=PASSWORD)

    # A first address: Shenzhen. The first address of a book is its default.
    log_in(page, BUYER, PASSWORD, reverse("customer:address-create"))
    expect(page.locator("#id_is_default_for_shipping")).to_be_checked()
    page.fill("#id_first_name", "陈思远")
    page.fill("#id_phone_number", "139-1234-5678")
    _choose(page, "广东省", "深圳市", "南山区")
    page.fill("#id_line1", "科技南十二路 18 号 1208 室")
    journey.check("new-address")
    page.click("#address_form button[type=submit]")
    page.wait_for_url(f"**{reverse('customer:address-list')}")

    # A Hong Kong address: its areas and districts, its phone numbers, no postcode.
    page.goto(reverse("customer:address-create"))
    page.fill("#id_first_name", "陈思远")
    _choose(page, "香港特别行政区", "九龙", "油尖旺区")
    expect(page.locator("label[for=id_city]")).to_contain_text("区域")
    expect(page.locator("label[for=id_phone_number]")).to_contain_text("香港电话号码")
    expect(page.locator("#id_postcode")).to_be_hidden()
    page.fill("#id_phone_number", "139 1234 5678")  # a mainland number is not a Hong Kong one
    page.fill("#id_line1", "弥敦道 132 号 12 楼 B 室")
    page.uncheck("#id_is_default_for_shipping")
    page.click("#address_form button[type=submit]")
    expect(page.locator("#id_phone_number_error")).to_have_text("请输入 8 位香港电话号码，例如 5123 4567。")
    expect(page.locator("#id_district")).to_have_value("810201")  # what was chosen is kept
    journey.check("hong-kong-error")
    page.fill("#id_phone_number", "5123 4567")
    page.click("#address_form button[type=submit]")
    page.wait_for_url(f"**{reverse('customer:address-list')}")
    hong_kong = UserAddress.objects.get(country_id="HK")
    assert (hong_kong.state, hong_kong.line4, hong_kong.line3, hong_kong.postcode) == (
        "香港特别行政区",
        "九龙",
        "油尖旺区",
        "",
    )
    entries = page.locator(".address-book-entry")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("默认收货地址")
    expect(entries.first).to_contain_text("广东省 深圳市 南山区 科技南十二路 18 号 1208 室")
    expect(page.locator(f"#address-{hong_kong.pk}")).to_contain_text("陈思远 +852 5123 4567香港 九龙 油尖旺区")

    # Hong Kong becomes the default, and checkout has it chosen already.
    page.locator(f"#address-{hong_kong.pk} form button[type=submit]").click()
    expect(page.locator(".address-book-entry").first).to_contain_text("香港 九龙 油尖旺区")
    journey.check("address-book")
    page.goto(product.get_absolute_url())
    page.click("#add_to_basket_form button[type=submit]")
    page.goto(reverse("checkout:shipping-address"))
    expect(page.locator(f"#address-{hong_kong.pk}")).to_be_checked()
    expect(page.locator("details.new-address")).not_to_have_attribute("open", "")
    journey.check("checkout-default-chosen")
    page.click("#choose_shipping_address button[type=submit]")
    page.wait_for_url(f"**{reverse('checkout:preview')}")
    expect(page.locator(".delivery-address")).to_contain_text("香港 九龙 油尖旺区 弥敦道 132 号 12 楼 B 室")
