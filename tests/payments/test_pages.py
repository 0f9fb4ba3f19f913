"""The buyer's pages of online payment: the payment page, the return page and its status, the
thank-you page's link, and who may see them."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus
from marketplace.payments.models import OnlinePayment, PaymentEvent, PaymentStatus, StripeEvent
from tests.fulfilment.builders import place_order, two_cooperatives
from tests.fulfilment.helpers import add_to_basket, buyer, ensure_checkout_data, start_checkout, submit_order
from tests.payments import stripe_fake
from tests.payments.helpers import deliver, fresh, online_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def pay_url(order, prefix: str = "") -> str:
    return f"{prefix}/payments/order/{order.number}/"


def guest_checkout(browser: Client, product):
    """A guest checks out as tests/fulfilment/test_checkout.py does; the response to "place order"."""
    ensure_checkout_data()
    add_to_basket(browser, product, 1)
    gateway = browser.post(reverse("checkout:index"), {"username": "guest@example.hk", "options": "anonymous"})
    assert gateway.status_code == 302
    return submit_order(browser, start_checkout(browser))


@pytest.fixture
def unpaid(fake_stripe):
    """A buyer's order placed to be paid online, its payment page not opened yet (no PaymentIntent)."""
    world = two_cooperatives()
    user = buyer(email="gba-buyer@example.hk")
    order = place_order(user, [(world["pork"], 2), (world["mango"], 1)])
    payment = OnlinePayment.objects.get(order=order)
    assert payment.intent_id is None
    return {**world, "user": user, "order": order, "payment": payment}


# --------------------------------------------------------------------------- the payment page
def test_the_buyer_opens_the_payment_page(unpaid, fake_stripe):
    page = signed_in(unpaid["user"]).get(pay_url(unpaid["order"]))
    assert page.status_code == 200
    payment = fresh(unpaid["payment"])
    assert payment.intent_id in fake_stripe.intents
    assert f'data-client-secret="{payment.client_secret}"' in page.content.decode()


def test_a_guest_checkout_reaches_the_payment_page_of_its_session_only(fake_stripe):
    world = two_cooperatives()
    guest = Client()

    response = guest_checkout(guest, world["mango"])

    order = OnlinePayment.objects.get().order
    assert order.user is None and order.guest_email == "guest@example.hk"
    assert response.status_code == 302 and response["Location"] == pay_url(order)
    page = guest.get(response["Location"])
    assert page.status_code == 200 and 'id="payment-element"' in page.content.decode()
    assert Client().get(pay_url(order)).status_code == 404  # another browser, no session
    assert signed_in(buyer(email="other@example.hk")).get(pay_url(order)).status_code == 404


@pytest.mark.parametrize("who", ["other buyer", "anonymous"])
def test_someone_else_gets_404(unpaid, fake_stripe, who):
    browser = signed_in(buyer(email="other@example.hk")) if who == "other buyer" else Client()
    for url in (pay_url(unpaid["order"]), pay_url(unpaid["order"]) + "return/", pay_url(unpaid["order"]) + "status/"):
        assert browser.get(url).status_code == 404
    assert fake_stripe.calls("post", "/v1/payment_intents") == []
    assert fresh(unpaid["payment"]).intent_id is None


@pytest.mark.parametrize("number", ["999999", "1" * 10_000])
def test_an_unknown_or_absurd_number_is_404(unpaid, fake_stripe, number):
    browser = signed_in(unpaid["user"])
    assert browser.get(f"/payments/order/{number}/").status_code == 404
    assert browser.get(f"/payments/order/{number}/status/").status_code == 404
    assert fake_stripe.requests == []


def test_stripe_is_allowed_by_the_payment_pages_csp_only(unpaid, fake_stripe):
    from tests.factories import home_page

    home_page()
    browser = signed_in(unpaid["user"])
    page = browser.get(pay_url(unpaid["order"]))
    csp = page["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "https://js.stripe.com" in script_src
    for other in ("/", "/shop/catalogue/", pay_url(unpaid["order"]) + "return/"):
        response = browser.get(other)
        assert response.status_code == 200, other
        assert "stripe.com" not in response["Content-Security-Policy"], other


def test_the_payment_page_creates_one_payment_intent_however_often_it_is_opened(unpaid, fake_stripe):
    browser = signed_in(unpaid["user"])
    first = browser.get(pay_url(unpaid["order"]))
    second = browser.get(pay_url(unpaid["order"]))
    other_tab = signed_in(unpaid["user"]).get(pay_url(unpaid["order"], "/en"))

    assert first.status_code == second.status_code == other_tab.status_code == 200
    created = fake_stripe.calls("post", "/v1/payment_intents")
    assert len(created) == 1
    assert created[0]["amount"] == str(int(unpaid["order"].total_incl_tax * 100))
    payment = fresh(unpaid["payment"])
    assert list(fake_stripe.intents) == [payment.intent_id]
    keys = [h.get("Idempotency-Key") for m, p, _params, h in fake_stripe.requests if p == "/v1/payment_intents"]
    assert keys == [f"payment-{payment.pk}-intent"]


def test_after_the_order_expired_the_payment_page_sends_to_the_return_page(unpaid, fake_stripe):
    OnlinePayment.objects.filter(pk=unpaid["payment"].pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = signed_in(unpaid["user"]).get(pay_url(unpaid["order"]))
    assert response.status_code == 302 and response["Location"] == pay_url(unpaid["order"]) + "return/"
    assert fake_stripe.requests == []


# --------------------------------------------------------------------------- the return page
def status(browser, order, prefix=""):
    response = browser.get(pay_url(order, prefix) + "status/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def test_the_return_page_waits_for_the_webhook_and_then_says_paid(fake_stripe, after_commit):
    world, user, order, payment = online_order()
    browser = signed_in(user)

    waiting = browser.get(pay_url(order, "/en") + "return/")
    assert waiting.status_code == 200
    html = waiting.content.decode()
    assert "Waiting for the payment to be confirmed" in html
    assert f'data-poll-url="/en/payments/order/{order.number}/status/"' in html
    answer = status(browser, order)
    assert (answer["state"], answer["final"]) == ("waiting", False)

    with after_commit():
        assert deliver(Client(), stripe_fake.succeeded(payment)) == 200

    paid = browser.get(pay_url(order, "/en") + "return/").content.decode()
    assert "Your payment has been received" in paid and "data-poll-url" not in paid
    answer = status(browser, order, "/en")
    assert (answer["state"], answer["final"], answer["title"]) == ("paid", True, "Your payment has been received")
    chinese = browser.get(pay_url(order) + "return/").content.decode()
    assert "到账记录" not in chinese and "已收到您的付款" in chinese  # not procurement's bank-receipt record


def test_the_buyers_browser_coming_back_changes_nothing(fake_stripe):
    world, user, order, payment = online_order()
    browser = signed_in(user)
    events = PaymentEvent.objects.count()

    page = browser.get(
        pay_url(order, "/en") + "return/",
        {
            "payment_intent": payment.intent_id,
            "payment_intent_client_secret": payment.client_secret,
            "redirect_status": "succeeded",
        },
    )

    # The client secret Stripe appends leaves the address bar (and history, and logs) at once.
    assert page.status_code == 302 and page["Location"] == pay_url(order, "/en") + "return/?redirect_status=succeeded"
    page = browser.get(page["Location"])
    assert page.status_code == 200 and "Waiting for the payment to be confirmed" in page.content.decode()
    payment = fresh(payment)
    assert payment.status == PaymentStatus.REQUIRES_PAYMENT and payment.paid_at is None
    assert payment.amount_received == 0
    assert set(Fulfilment.objects.filter(order=order).values_list("status", flat=True)) == {
        FulfilmentStatus.AWAITING_PAYMENT
    }
    assert not StripeEvent.objects.exists() and PaymentEvent.objects.count() == events
    assert status(browser, order)["final"] is False


@pytest.mark.parametrize("prefix", ["/en", "/zh-hant", ""])
def test_every_language_renders_the_pages(unpaid, fake_stripe, prefix):
    browser = signed_in(unpaid["user"])
    lang = prefix.strip("/") or "zh-hans"
    for url in (pay_url(unpaid["order"], prefix), pay_url(unpaid["order"], prefix) + "return/"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{lang}"' in response.content.decode().lower()
    assert status(browser, unpaid["order"], prefix)["state"] == "waiting"


def test_the_thank_you_page_of_an_unpaid_online_order_offers_to_pay(fake_stripe):
    world = two_cooperatives()
    browser = signed_in(buyer(email="b@example.hk"))
    from tests.fulfilment.helpers import checkout

    response, _basket = checkout(browser, [(world["mango"], 1)])
    order = OnlinePayment.objects.get().order
    assert response["Location"] == pay_url(order)

    page = browser.get("/en" + reverse("checkout:thank-you"))

    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/en/payments/order/{order.number}/">Pay now</a>' in html


def test_the_buyers_order_page_offers_to_pay_while_the_order_waits(unpaid, fake_stripe):
    order = unpaid["order"]
    browser = signed_in(unpaid["user"])
    page = browser.get(f"/en/shop/accounts/orders/{order.number}/").content.decode()
    assert f"/en/payments/order/{order.number}/" in page and "Pay now" in page
    assert "bank transfer against invoice" not in page
