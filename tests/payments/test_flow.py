"""An order paid online from checkout to the cooperatives: placed first, paid only by the webhook."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from marketplace.fulfilment.models import FulfilmentStatus
from marketplace.fulfilment.selectors import fulfilments_for_cooperative_user
from marketplace.payments.models import PaymentStatus
from tests.fulfilment.builders import order_status, stock
from tests.payments import stripe_fake
from tests.payments.helpers import deliver, fresh, online_order

# Transactional (the outbox publishes after commit); serialized_rollback keeps the data migrations' rows
# for the tests that run after these in the same process.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_order_waits_for_payment_unseen_by_cooperatives(fake_stripe):
    world, user, order, payment = online_order()
    assert payment.status == PaymentStatus.REQUIRES_PAYMENT
    assert payment.amount == order.total_incl_tax
    assert {f.status for f in order.fulfilments.all()} == {FulfilmentStatus.AWAITING_PAYMENT}
    assert stock(world["pork"]) == (10, 2)  # allocated at placement
    assert not fulfilments_for_cooperative_user(world["a_user"]).exists()
    created = fake_stripe.calls("post", "/v1/payment_intents")
    assert len(created) == 1
    assert created[0]["amount"] == str(int(order.total_incl_tax * 100))
    assert created[0]["currency"] == "cny"
    assert {created[0][k] for k in created[0] if k.startswith("payment_method_types")} == {
        "card",
        "alipay",
        "wechat_pay",
    }


def test_the_webhook_marks_it_paid_and_releases_every_part(fake_stripe):
    world, user, order, payment = online_order()
    mail.outbox.clear()
    assert deliver(Client(), stripe_fake.succeeded(payment)) == 200
    payment = fresh(payment)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.amount_received == order.total_incl_tax
    assert payment.method == "alipay"
    assert {f.status for f in order.fulfilments.all()} == {FulfilmentStatus.TO_SHIP}
    assert fulfilments_for_cooperative_user(world["a_user"]).count() == 1
    assert order_status(order) == "placed"
    from core.models import SentMail

    assert SentMail.objects.filter(key=f"payment:{payment.pk}:paid").exists()
    assert {m.to[0] for m in mail.outbox} >= {"gba-buyer@example.hk", "pork@coop.example.cn", "mango@coop.example.cn"}


def test_checkout_sends_the_buyer_to_the_payment_page(fake_stripe):
    from tests.fulfilment.builders import two_cooperatives
    from tests.fulfilment.helpers import buyer, checkout

    world = two_cooperatives()
    browser = Client()
    browser.force_login(buyer(email="b@example.hk"))
    response, _basket = checkout(browser, [(world["mango"], 1)])
    assert response.status_code == 302
    assert "/payments/order/" in response["Location"]
    page = browser.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="payment-element"' in text
    assert "pk_test_offline" in text
    assert "https://js.stripe.com" in page["Content-Security-Policy"]
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]


def test_without_keys_buyers_pay_by_invoice_and_staff_are_told(settings):
    from tests.fulfilment.builders import staff_user, two_cooperatives
    from tests.fulfilment.helpers import add_to_basket, buyer, checkout, ensure_checkout_data, start_checkout

    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    world = two_cooperatives()
    browser = Client()
    browser.force_login(buyer(email="b@example.hk"))
    response, _basket = checkout(browser, [(world["mango"], 1)])
    assert response["Location"].endswith(reverse("checkout:thank-you"))
    from marketplace.payments.models import OnlinePayment

    assert not OnlinePayment.objects.exists()
    assert {f.status for f in world["mango"].stockrecords.first().partner.fulfilments.all()} == {"to_ship"}

    staff = Client()
    staff.force_login(staff_user())
    ensure_checkout_data()
    add_to_basket(staff, world["pork"], 1)
    start_checkout(staff)
    preview = staff.get(reverse("checkout:preview")).content.decode()
    assert "online-payment-off" in preview
