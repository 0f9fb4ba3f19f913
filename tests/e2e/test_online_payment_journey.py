"""A Greater Bay Area buyer pays online: the order first, then card, Alipay or WeChat Pay through Stripe.

Stripe is offline here: its API answers from ``tests.payments.stripe_fake.FakeStripe`` (the live
server runs in this process), Stripe.js is ``fake_stripe.js`` served at its address, and the test
sends the signed ``payment_intent.succeeded`` webhook Stripe would send. The buyer's return page
says it waits until that webhook has landed and then, polling, shows the payment received; only
then do the cooperatives see their parts. Platform staff refund part of one part.
"""

import json
import re
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model
from playwright.sync_api import expect

from marketplace.checkout.payment import OnlinePayFirst
from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus
from marketplace.payments import gateway
from marketplace.payments.models import OnlinePayment, PaymentStatus, Refund, RefundStatus
from tests.e2e.conftest import RECORD_CSP_VIOLATIONS, VIEWPORTS, log_in
from tests.e2e.shop_data import build_shop, money
from tests.payments import stripe_fake

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "journey-pass-2026"
BUYER = "shopper@shenzhen.example.cn"
STAFF = "payments@platform.example.cn"
FAKE_STRIPE_JS = (Path(__file__).with_name("fake_stripe.js")).read_text(encoding="utf-8")
STRIPE_JS = "https://js.stripe.com/v3/"

# (product, cooperative, code, cooperative user, price, quantity, storage)
PARTS = [
    ("巴马香猪五花肉", "巴马瑶山香猪合作社", "bama-pork", "pork@coop.example.cn", "88.00", 2, "frozen"),
    ("田东芒果", "田东芒果合作社", "tiandong-mango", "mango@coop.example.cn", "59.90", 1, "ambient"),
]
MANGO = "田东芒果合作社"
REFUND = Decimal("12.50")
REFUND_REASON = "两个芒果压伤，退部分货款"
Order = get_model("order", "Order")


def _zh(text) -> str:
    """What the page says in Simplified Chinese (the English text until the catalogue has it)."""
    with translation.override("zh-hans"):
        return str(translation.gettext(text) if isinstance(text, str) else text)


def _build_data() -> dict:
    return build_shop(PARTS, buyer=BUYER, staff=STAFF, password=PASSWORD)


@pytest.fixture
def online_payment(settings, monkeypatch):
    """Online payment on with test keys; Stripe's API answered offline (in this process)."""
    for name, value in stripe_fake.SETTINGS.items():
        setattr(settings, name, value)
    fake = stripe_fake.FakeStripe()
    monkeypatch.setattr(gateway, "http_client_override", fake)
    return fake


def _offline_stripe_js(page) -> list[str]:
    """Serve the fake Stripe.js at Stripe's address; refuse anything else of Stripe's (listed)."""
    refused = []

    def answer(route):
        if route.request.url == STRIPE_JS:
            route.fulfill(status=200, content_type="application/javascript", body=FAKE_STRIPE_JS)
        else:
            refused.append(route.request.url)
            route.abort()

    page.route(re.compile(r"^https://([a-z0-9-]+\.)*stripe\.com/"), answer)
    return refused


def _post_webhook(base_url: str, payload: dict) -> int:
    body, header = stripe_fake.signed(payload)
    request = urllib.request.Request(  # noqa: S310 (http to the live server)
        base_url + "/payments/stripe/webhook/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Stripe-Signature": header},
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        return response.status


def _tap_height(locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["height"]


def test_online_payment_journey(page, journey, browser, live_server, online_payment):
    products = _build_data()
    refused = _offline_stripe_js(page)

    # The buyer fills a basket from two cooperatives and checks out with a Shenzhen address.
    log_in(page, BUYER, PASSWORD, "/shop/basket/")
    for title, *_rest, quantity, _storage in PARTS:
        for _ in range(quantity):
            page.goto(products[title].get_absolute_url())
            with page.expect_navigation():
                page.click("#add_to_basket_form button[type=submit]")
    page.goto(reverse("checkout:index"))
    page.wait_for_url(f"**{reverse('checkout:shipping-address')}")
    page.fill("#id_first_name", "陈嘉欣")
    page.fill("#id_phone_number", "139 2345 6789")
    page.select_option("#id_province", label="广东省")
    page.locator("#id_city option[value='4403']").wait_for(state="attached")
    page.select_option("#id_city", label="深圳市")
    page.select_option("#id_district", label="福田区")
    page.fill("#id_line1", "福华三路 88 号 1203")
    page.click("#new_shipping_address button[type=submit]")
    page.wait_for_url(f"**{reverse('checkout:preview')}")

    # The preview says how: online now, by card, Alipay or WeChat Pay; the button places the order and pays.
    expect(page.get_by_text(_zh(OnlinePayFirst.buyer_text))).to_be_visible()
    expect(page.locator("#place-order")).to_have_text(_zh("Place order and pay"))
    journey.check("preview")

    page.click("#place-order")
    page.wait_for_url("**/payments/order/*/")
    order = Order.objects.get()
    payment = OnlinePayment.objects.select_related("order").get(order=order)
    fulfilments = {f.partner.name: f for f in Fulfilment.objects.filter(order=order).select_related("partner")}
    assert {f.status for f in fulfilments.values()} == {FulfilmentStatus.AWAITING_PAYMENT}
    assert payment.intent_id and payment.amount == order.total_incl_tax
    assert page.url.endswith(reverse("payments:pay", kwargs={"number": order.number}))

    # The payment page: the amount, the three ways to pay, the button enabled once Stripe's form is ready.
    expect(page.locator(".pay-amount")).to_contain_text(money(order.total_incl_tax))
    expect(page.locator(".pay-methods")).to_have_text(_zh("Pay by card, Alipay or WeChat Pay."))
    methods = page.locator("#payment-element")
    for name in ("Card", "Alipay", "WeChat Pay"):
        radio = methods.get_by_role("radio", name=name, exact=True)
        expect(radio).to_be_visible()
        assert _tap_height(page.locator(f"label:has(#{radio.get_attribute('id')})")) >= 44, name
    pay = page.locator("#pay-button")
    expect(pay).to_be_enabled()
    expect(pay).to_contain_text(money(order.total_incl_tax))
    assert _tap_height(pay) >= 44
    expect(page.locator(".payment-loading")).to_have_count(0)
    calls = json.loads(page.evaluate("sessionStorage.getItem('fakeStripe')"))
    assert calls["stripe"] == [stripe_fake.SETTINGS["STRIPE_PUBLISHABLE_KEY"]]
    assert calls["mount"] == [payment.client_secret]
    journey.check("pay")

    # Alipay, and a double click: confirmed once, one trip to the return page.
    methods.get_by_role("radio", name="Alipay", exact=True).check()
    return_path = reverse("payments:return", kwargs={"number": order.number})
    returns = []
    page.on("request", lambda request: returns.append(request.url) if return_path in request.url else None)
    pay.dblclick()
    page.wait_for_url(f"**{return_path}?*redirect_status=succeeded*")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)  # a second confirmation would have navigated again by now
    calls = json.loads(page.evaluate("sessionStorage.getItem('fakeStripe')"))
    assert calls["confirmPayment"] == ["alipay"]
    assert len([url for url in returns if "payment_intent_client_secret" in url]) == 1
    assert "client_secret" not in page.url  # taken out of the address bar at once

    # Back from Stripe: the page waits for the webhook; nothing is paid, no cooperative sees the order.
    state = page.locator(".payment-state")
    expect(state).to_have_class(re.compile(r"\bpayment-state-waiting\b"))
    expect(state.locator("h2")).to_have_text(_zh("Waiting for the payment to be confirmed"))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REQUIRES_PAYMENT and not payment.paid_at
    assert {f.status for f in Fulfilment.objects.filter(order=order)} == {FulfilmentStatus.AWAITING_PAYMENT}
    journey.check("return-waiting")

    mango_user = next(email for _t, name, _c, email, *_r in PARTS if name == MANGO)
    cooperative = browser.new_context(locale="zh-CN", base_url=live_server.url, **VIEWPORTS[page.viewport_name])
    cooperative.set_default_timeout(15_000)
    cooperative.add_init_script(RECORD_CSP_VIOLATIONS)
    coop_page = cooperative.new_page()
    coop_page.viewport_name = page.viewport_name
    log_in(coop_page, mango_user, PASSWORD, reverse("fulfilment:list"))
    assert order.number not in coop_page.content()

    # Stripe's webhook: payment_intent.succeeded, signed. The buyer's page shows it by itself.
    assert _post_webhook(live_server.url, stripe_fake.succeeded(payment)) == 200
    expect(state).to_have_class(re.compile(r"\bpayment-state-paid\b"), timeout=15_000)
    expect(state.locator("h2")).to_have_text(_zh("Your payment has been received"))
    expect(state).to_contain_text(money(order.total_incl_tax))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and payment.amount_received == order.total_incl_tax
    assert {f.status for f in Fulfilment.objects.filter(order=order)} == {FulfilmentStatus.TO_SHIP}
    journey.check("return-paid")

    # Now the mango cooperative finds its part on its list (and only its part).
    coop_page.reload()
    rows = coop_page.locator("table.fulfilment-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(order.number)
    assert "巴马香猪五花肉" not in coop_page.content()
    buyer_page, journey.page = journey.page, coop_page
    journey.check("cooperative-list")
    journey.page = buyer_page
    cooperative.close()

    # Platform staff open the payment from the part's page and refund part of the mango part, with a reason.
    mango = fulfilments[MANGO]
    log_in(page, STAFF, PASSWORD, reverse("fulfilment:detail", kwargs={"pk": mango.pk}))
    staff_url = reverse("payments:staff-order", kwargs={"pk": order.pk})
    with page.expect_navigation():
        page.click(f"a[href='{staff_url}']")
    assert page.url.endswith(staff_url)
    expect(page.locator("#payment-heading .badge").first).to_have_text(_zh("Paid"))
    page.select_option("#id_part", value=str(mango.pk))
    page.fill("#id_amount", str(REFUND))
    page.fill("#id_reason", REFUND_REASON)
    assert _tap_height(page.locator("form.refund-form button[type=submit]")) >= 44
    journey.check("staff-refund-form")
    with page.expect_navigation():
        page.click("form.refund-form button[type=submit]")
    assert page.url.endswith(staff_url)
    refund = Refund.objects.get()
    assert (refund.fulfilment_id, refund.amount, refund.reason) == (mango.pk, REFUND, REFUND_REASON)
    assert refund.status == RefundStatus.SUCCEEDED and refund.stripe_id
    assert online_payment.calls("post", "/v1/refunds")[0]["amount"] == str(int(REFUND * 100))
    refunds = page.locator("section[aria-labelledby=refunds-heading] tbody tr")
    expect(refunds).to_have_count(1)
    expect(refunds.first).to_contain_text(MANGO)
    expect(refunds.first).to_contain_text(money(REFUND))
    expect(refunds.first).to_contain_text(REFUND_REASON)
    expect(refunds.first).to_contain_text(_zh("Refunded"))
    expect(page.locator(".alert-success").first).to_be_visible()
    log = page.locator(".payment-log")
    for step in ("Payment started", "Paid", "Refund requested", "Refunded"):
        expect(log).to_contain_text(_zh(step))
    journey.check("staff-refunded")

    assert refused == []  # nothing else of Stripe's was asked for
