"""A buyer orders from three cooperatives at once; each ships its own part, the buyer accepts, staff settle."""

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model
from playwright.sync_api import expect

from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus, SettlementStatement, StatementStatus
from tests.e2e.conftest import log_in
from tests.e2e.shop_data import build_shop, money

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "journey-pass-2026"
BUYER = "canteen@school.example.cn"
STAFF = "settlement@platform.example.cn"

# (product, cooperative, code, cooperative user, price, quantity, storage)
PARTS = [
    ("巴马香猪五花肉", "巴马瑶山香猪合作社", "bama-pork", "pork@coop.example.cn", "88.00", 2, "frozen"),
    ("田东芒果", "田东芒果合作社", "tiandong-mango", "mango@coop.example.cn", "59.90", 1, "ambient"),
    ("横县茉莉花茶", "横州茉莉花茶厂", "hengzhou-tea", "tea@coop.example.cn", "45.00", 3, "ambient"),
]
Order = get_model("order", "Order")
LABEL_CONTACT = "李明 138 0013 8000"
LABEL_WHERE = "广东省 深圳市 南山区 科技南路 18 号 2 栋 501"

SHIP_BUTTON = "form:has(input[name=action][value=ship]) button[type=submit]"
DELIVER_BUTTON = "form:has(input[name=action][value=deliver]) button[type=submit]"


def _log_in(page, email: str, next_url: str) -> None:
    log_in(page, email, PASSWORD, next_url)


def _build_data() -> dict:
    return build_shop(PARTS, buyer=BUYER, staff=STAFF, password=PASSWORD)


def test_order_from_three_cooperatives(page, journey):
    products = _build_data()

    # The buyer fills one basket from three cooperatives, the pork frozen.
    _log_in(page, BUYER, "/shop/basket/")
    for title, *_rest, quantity, _storage in PARTS:
        for _ in range(quantity):  # the product page adds one at a time
            page.goto(products[title].get_absolute_url())
            with page.expect_navigation():
                page.click("#add_to_basket_form button[type=submit]")
    page.goto("/shop/basket/")
    for title, *_rest in PARTS:
        expect(page.get_by_text(title).first).to_be_visible()
    journey.check("basket")

    # Oscar's checkout with a Chinese address: 收货人, 手机号, 省/市/区 (the lists follow the province),
    # 详细地址, 邮编; no country to pick. Then (one shipping method, nothing to pay up front) the preview.
    page.click(f"a[href='{reverse('checkout:index')}']")
    page.wait_for_url(f"**{reverse('checkout:shipping-address')}")
    assert page.locator("#id_country, #id_state, #id_last_name").count() == 0
    page.fill("#id_first_name", "李明")
    page.fill("#id_phone_number", "138 0013 8000")
    page.select_option("#id_province", label="广东省")
    page.locator("#id_city option[value='4403']").wait_for(state="attached")
    page.select_option("#id_city", label="深圳市")
    page.select_option("#id_district", label="南山区")
    page.fill("#id_line1", "科技南路 18 号 2 栋 501")
    page.fill("#id_postcode", "518057")
    page.click("#new_shipping_address button[type=submit]")
    page.wait_for_url(f"**{reverse('checkout:preview')}")  # bank transfer after acceptance: no payment form
    for title, *_rest in PARTS:
        expect(page.get_by_text(title).first).to_be_visible()
    expect(page.locator(".delivery-address")).to_contain_text(f"{LABEL_CONTACT}{LABEL_WHERE}")
    journey.check("preview")

    page.click("#place_order_form button[type=submit]")
    page.wait_for_url(f"**{reverse('checkout:thank-you')}")
    order = Order.objects.get()
    fulfilments = {f.partner.name: f for f in Fulfilment.objects.filter(order=order).select_related("partner")}
    address = order.shipping_address
    assert (address.state, address.line4, address.line3, address.country_id) == ("广东省", "深圳市", "南山区", "CN")
    assert set(fulfilments) == {name for _title, name, *_rest in PARTS}
    assert fulfilments["巴马瑶山香猪合作社"].cold_chain
    expect(page.get_by_text(order.number).first).to_be_visible()
    for fulfilment in fulfilments.values():
        expect(page.locator(f"#fulfilment-{fulfilment.pk}")).to_contain_text(fulfilment.partner.name)
    journey.check("thank-you")

    # Each cooperative sees only its own part, records the shipment and the delivery.
    for index, (title, name, _code, email, *_rest) in enumerate(PARTS):
        fulfilment = fulfilments[name]
        others = [(t, n) for t, n, *_r in PARTS if n != name]
        _log_in(page, email, reverse("fulfilment:list"))
        rows = page.locator("table.fulfilment-table tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(order.number)
        for other_title, other_name in others:
            assert other_title not in page.content() and other_name not in page.content()
        if index == 0:
            journey.check("cooperative-list")

        rows.first.locator(f"a[href='{reverse('fulfilment:detail', kwargs={'pk': fulfilment.pk})}']").click()
        page.wait_for_url(f"**{reverse('fulfilment:detail', kwargs={'pk': fulfilment.pk})}")
        expect(page.get_by_text(title).first).to_be_visible()
        for other_title, other_name in others:
            assert other_title not in page.content() and other_name not in page.content()
        # The delivery address reads as a courier label: a Shenzhen one, never Macau.
        label = page.locator(".delivery-label address")
        expect(label).to_have_text(f"{LABEL_CONTACT}{LABEL_WHERE}邮编 518057")
        assert "澳门" not in page.content()
        methods = page.locator("#id_shipping_method option:not([value=''])").all_inner_texts()
        if fulfilment.cold_chain:
            assert methods == ["冷链物流"], methods  # frozen goods: cold chain only
        page.fill("#id_carrier", "顺丰速运")
        if index == 0:
            page.click(SHIP_BUTTON)  # no tracking number yet: the form says what is missing
            expect(page.locator("#id_tracking_number")).to_have_attribute("aria-invalid", "true")
            expect(page.locator("#id_tracking_number_error")).to_be_visible()
            expect(page.locator("#id_carrier")).to_have_value("顺丰速运")  # what was typed is kept
            journey.check("ship-error")
        page.fill("#id_tracking_number", f"SF10{index}2026")
        page.click(SHIP_BUTTON)
        expect(page.locator(DELIVER_BUTTON)).to_be_visible()
        expect(page.get_by_text(f"SF10{index}2026").first).to_be_visible()
        if index == 0:
            journey.check("shipped")
        page.click(DELIVER_BUTTON)
        expect(page.locator(DELIVER_BUTTON)).to_have_count(0)
        fulfilment.refresh_from_db()
        assert fulfilment.status == FulfilmentStatus.DELIVERED
        assert fulfilment.tracking_number == f"SF10{index}2026"
        # Another cooperative's part is not found, not merely hidden.
        other = next(f for f in fulfilments.values() if f.pk != fulfilment.pk)
        response = page.goto(reverse("fulfilment:detail", kwargs={"pk": other.pk}))
        assert response.status == 404

    # The buyer accepts each delivery from the order page and evaluates one.
    order_url = reverse("customer:order", kwargs={"order_number": order.number})
    _log_in(page, BUYER, order_url)
    for fulfilment in fulfilments.values():
        expect(page.locator(f"#fulfilment-{fulfilment.pk} form[action$='/buyer/accept/']")).to_be_visible()
    journey.check("order-to-accept")
    for fulfilment in fulfilments.values():
        accept = reverse("fulfilment:buyer-action", kwargs={"pk": fulfilment.pk, "action": "accept"})
        page.click(f"form[action='{accept}'] button[type=submit]")
        expect(page.locator(f"form[action='{accept}']")).to_have_count(0)
        expect(page.locator(f"#rating-{fulfilment.pk}-5")).to_be_visible()
    mango = fulfilments["田东芒果合作社"]
    evaluate = reverse("fulfilment:buyer-action", kwargs={"pk": mango.pk, "action": "evaluate"})
    page.check(f"#rating-{mango.pk}-5")
    page.fill(f"#comment-{mango.pk}", "芒果新鲜，包装完好。")
    page.click(f"form[action='{evaluate}'] button[type=submit]")
    expect(page.locator(f"form[action='{evaluate}']")).to_have_count(0)
    expect(page.locator(f"#fulfilment-{mango.pk}")).to_contain_text("芒果新鲜，包装完好。")
    expect(page.locator("form[action$='/buyer/accept/']")).to_have_count(0)
    journey.check("accepted-evaluated")
    for fulfilment in fulfilments.values():
        fulfilment.refresh_from_db()
        assert fulfilment.status == FulfilmentStatus.ACCEPTED
    assert mango.rating == 5

    # Platform staff prepare this month's statements: one per cooperative, goods plus shipping.
    _log_in(page, STAFF, reverse("fulfilment:statements"))
    page.fill("#id_month", timezone.localdate().strftime("%Y-%m"))
    assert page.locator("#id_partner").input_value() == ""
    page.click("form:has(#id_month) button[type=submit]")
    table = page.locator("table.statement-table tbody")
    expect(table.locator("tr")).to_have_count(3)
    if SettlementStatement.objects.exclude(status=StatementStatus.READY).exists():
        page.reload()  # the Celery task ran after the request's commit
    assert SettlementStatement.objects.filter(status=StatementStatus.READY).count() == 3
    for name, fulfilment in fulfilments.items():
        row = table.locator("tr", has_text=name)
        expect(row.locator("strong")).to_contain_text(money(fulfilment.goods_total + fulfilment.shipping_cost))
        expect(row.locator("a[href$='/xlsx/']")).to_have_count(1)  # ready: the files can be downloaded
    journey.check("statements")
