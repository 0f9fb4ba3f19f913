"""What goes wrong around the edges of online payment: a webhook event whose task failed, a success after
the money went back in Stripe's dashboard, parts that cannot be fulfilled among others that can, staff
forms sent with the wrong fields, Stripe refusing or failing, and what cooperatives may see of unpaid orders."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import stripe
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus
from marketplace.fulfilment.selectors import fulfilments_for_cooperative_user
from marketplace.payments import services
from marketplace.payments.models import OnlinePayment, PaymentStatus, Refund, RefundStatus, StripeEvent
from tests.fulfilment.builders import part, staff_user, stock
from tests.payments import stripe_fake
from tests.payments.helpers import fresh, online_order

pytestmark = pytest.mark.django_db
LATER = datetime.timedelta(hours=2)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def unpaid(fake_stripe):
    world, user, order, payment = online_order()
    return {**world, "user": user, "order": order, "payment": payment, "fake": fake_stripe}


def store(payload) -> StripeEvent:
    """The webhook's half: the event stored (its task not run)."""
    assert services.event_receive(event=payload)
    return StripeEvent.objects.get(event_id=payload["id"])


# --------------------------------------------------------------------------- events whose task failed
def test_a_success_whose_task_failed_is_applied_later_and_the_sweep_waits_for_it(unpaid, monkeypatch):
    payment = unpaid["payment"]
    event = store(stripe_fake.succeeded(payment))  # the task never ran (or failed: a deadlock, a lost connection)
    assert event.payment_id == payment.pk  # linked on arrival, before it is applied

    # the order's time is up, but its success waits unapplied: the sweep leaves it alone
    assert services.unpaid_orders_expire(now=timezone.now() + LATER) == 0
    assert fresh(payment).status == PaymentStatus.REQUIRES_PAYMENT
    assert stock(unpaid["pork"]) == (10, 2)

    # the sweep's other half applies what was left undone
    assert services.stale_work_retry(now=timezone.now() + LATER)["applied"] == 1
    assert fresh(payment).status == PaymentStatus.SUCCEEDED
    assert {f.status for f in Fulfilment.objects.filter(order=unpaid["order"])} == {FulfilmentStatus.TO_SHIP}
    assert not Refund.objects.exists()


def test_an_event_that_fails_again_is_left_for_the_next_sweep_and_stops_nothing(unpaid, monkeypatch):
    payment = unpaid["payment"]
    broken = store(stripe_fake.succeeded(payment))
    other_order = online_order(world=None)  # another order, another event that applies fine
    good = store(stripe_fake.succeeded(other_order[3]))
    real = services.event_apply

    def flaky(*, event_id):
        if event_id == broken.pk:
            raise RuntimeError("deadlock detected")
        return real(event_id=event_id)

    monkeypatch.setattr(services, "event_apply", flaky)
    assert services.stale_work_retry(now=timezone.now() + LATER) == {"applied": 1, "failed": 1, "refunds_resent": 0}
    assert StripeEvent.objects.get(pk=broken.pk).processed_at is None
    assert StripeEvent.objects.get(pk=good.pk).processed_at is not None


def test_the_event_task_retries_on_any_error():
    from marketplace.payments.tasks import apply_stripe_event_task

    assert Exception in apply_stripe_event_task.autoretry_for
    assert apply_stripe_event_task.max_retries >= 5


# --------------------------------------------------------------------------- late successes
def test_a_success_after_a_dashboard_refund_of_an_expired_order_records_the_money_without_a_second_refund(
    unpaid, after_commit
):
    payment = unpaid["payment"]
    with after_commit():
        services.unpaid_orders_expire(now=timezone.now() + LATER)
    minor = stripe_fake.intent_object(payment)["amount_received"]
    with after_commit():
        services.event_receive(
            event=stripe_fake.charge_refunded(payment, minor, [stripe_fake.refund_object(payment, "re_dash", minor)])
        )
        outcome = services.event_apply(event_id=StripeEvent.objects.latest("pk").pk)
    assert outcome == "refunds updated"
    with after_commit():
        services.event_receive(event=stripe_fake.succeeded(payment))
        outcome = services.event_apply(event_id=StripeEvent.objects.latest("pk").pk)
    payment = fresh(payment)
    assert outcome.startswith("paid, but could not be fulfilled")
    assert payment.status == PaymentStatus.SUCCEEDED and payment.amount_received == unpaid["order"].total_incl_tax
    # the dashboard's refund is the only one: nothing left to refund, none asked of Stripe
    assert list(Refund.objects.values_list("stripe_id", flat=True)) == ["re_dash"]
    assert not unpaid["fake"].calls("post", "/v1/refunds")


def test_parts_that_cannot_be_fulfilled_among_others_are_each_refunded_as_themselves(unpaid, after_commit):
    payment, order = unpaid["payment"], unpaid["order"]
    mango = part(order, unpaid["b"])
    unpaid["b"].is_active = False  # suspended while the buyer paid
    unpaid["b"].save(update_fields=["is_active"])
    with after_commit():
        services.event_receive(event=stripe_fake.succeeded(payment))
        services.event_apply(event_id=StripeEvent.objects.latest("pk").pk)
    refund = Refund.objects.get()
    assert refund.fulfilment_id == mango.pk and refund.amount == mango.total
    assert refund.key == f"payment-{payment.pk}-unfulfillable-{mango.pk}"
    assert part(order, unpaid["a"]).status == FulfilmentStatus.TO_SHIP
    assert part(order, unpaid["b"]).status == FulfilmentStatus.CANCELLED
    # the pork part can still be refunded in full: the mango refund is not counted against it
    from marketplace.payments.refunds import part_refundable

    assert part_refundable(fresh(payment), part(order, unpaid["a"])) == part(order, unpaid["a"]).total


# --------------------------------------------------------------------------- staff form
def test_the_whole_order_with_an_amount_is_refused_and_refunds_nothing(unpaid, after_commit):
    payment = unpaid["payment"]
    with after_commit():
        services.event_receive(event=stripe_fake.succeeded(payment))
        services.event_apply(event_id=StripeEvent.objects.latest("pk").pk)
    browser = Client()
    browser.force_login(staff_user())
    page = browser.get(f"/en/payments/staff/{unpaid['order'].pk}/").content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    answer = browser.post(
        f"/en/payments/staff/{unpaid['order'].pk}/", {"part": "all", "amount": "1.00", "reason": "x", "token": token}
    )
    assert answer.status_code == 400
    assert "leave the amount empty" in answer.content.decode()
    assert not Refund.objects.exists()


# --------------------------------------------------------------------------- Stripe refusing or failing
def test_a_refund_stripe_refuses_for_good_fails_and_does_not_stay_pending(unpaid, after_commit):
    payment = unpaid["payment"]
    with after_commit():
        services.event_receive(event=stripe_fake.succeeded(payment))
        services.event_apply(event_id=StripeEvent.objects.latest("pk").pk)
    unpaid["fake"].fail_with = (401, {"type": "invalid_request_error", "message": "Invalid API Key provided"})
    from marketplace.payments import refunds

    with after_commit():
        refunds.refund_open(payment=fresh(payment), amount=Decimal("5.00"), key="test-refund-auth")
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.FAILED and "Invalid API Key" in refund.error


def test_a_stripe_5xx_when_creating_the_intent_is_not_replayed_on_the_next_attempt(fake_stripe):
    from tests.fulfilment.builders import place_order, two_cooperatives
    from tests.fulfilment.helpers import buyer

    world = two_cooperatives()
    order = place_order(buyer(email="b@example.hk"), [(world["mango"], 1)])
    payment = OnlinePayment.objects.get(order=order)
    fake_stripe.fail_with = (500, {"type": "api_error", "message": "Stripe is having a bad day"})
    with pytest.raises(stripe.APIError):
        services.intent_ensure(payment=fresh(payment))
    services.intent_ensure(payment=fresh(payment))
    keys = [h.get("Idempotency-Key") for m, p, _q, h in fake_stripe.requests if p == "/v1/payment_intents"]
    assert keys[-2:] == [f"payment-{payment.pk}-intent", f"payment-{payment.pk}-intent-1"]
    assert fresh(payment).intent_id


# --------------------------------------------------------------------------- cooperatives and unpaid orders
def test_a_cooperative_never_sees_an_order_that_was_never_paid(unpaid, after_commit):
    cooperative_user = unpaid["a_user"]
    with after_commit():
        services.unpaid_orders_expire(now=timezone.now() + LATER)
    assert part(unpaid["order"], unpaid["a"]).status == FulfilmentStatus.CANCELLED
    assert not fulfilments_for_cooperative_user(cooperative_user).exists()
    browser = Client()
    browser.force_login(cooperative_user)
    assert unpaid["order"].number not in browser.get("/fulfilments/").content.decode()
    assert browser.get(f"/fulfilments/{part(unpaid['order'], unpaid['a']).pk}/").status_code == 404
    dashboard = browser.get("/shop/dashboard/")
    assert dashboard.status_code == 200
    assert dashboard.context["total_orders"] == 0 and dashboard.context["total_revenue"] == 0


# --------------------------------------------------------------------------- the webhook answers fast
def test_the_webhook_stores_and_answers_within_a_query_budget(unpaid, django_assert_max_num_queries):
    """Stripe waits for the answer: the webhook only verifies, stores and queues (the task applies)."""
    payload = stripe_fake.succeeded(unpaid["payment"])
    with django_assert_max_num_queries(6):
        answer = stripe_fake.post_webhook(Client(), payload)
    assert answer.status_code == 200
    assert StripeEvent.objects.get(event_id=payload["id"]).processed_at is None  # applied after the commit


# --------------------------------------------------------------------------- holding stock with orders never paid
def test_a_buyer_cannot_hold_stock_with_more_unpaid_orders_than_allowed(fake_stripe, settings, after_commit):
    from tests.fulfilment.builders import two_cooperatives
    from tests.fulfilment.helpers import buyer, checkout

    settings.STRIPE_MAX_UNPAID_ORDERS = 2
    world = two_cooperatives()
    user = buyer(email="hoarder@example.hk")
    browser = Client()
    browser.force_login(user)
    for _ in range(2):
        response, _basket = checkout(browser, [(world["mango"], 1)])
        assert "/payments/order/" in response["Location"]
    response, _basket = checkout(browser, [(world["mango"], 1)])
    assert response.status_code == 200  # the preview again, with the reason
    from django.utils.translation import gettext

    refusal = gettext(
        "You have %(count)s orders waiting for payment. Pay or cancel one of them (My orders) before placing another."
    ) % {"count": 2}
    assert refusal in response.content.decode()
    assert OnlinePayment.objects.filter(order__user=user).count() == 2
    assert stock(world["mango"]) == (10, 2)

    # paying one frees a place
    first = services.intent_ensure(payment=OnlinePayment.objects.first())
    with after_commit():
        services.event_receive(event=stripe_fake.succeeded(first))
        services.event_apply(event_id=StripeEvent.objects.latest("pk").pk)
    response = browser.post(reverse("checkout:preview"), {"action": "place_order", "basket_token": str(_basket)})
    assert response.status_code == 302 and "/payments/order/" in response["Location"]


def test_a_dashboard_refund_of_an_order_with_one_part_going_ahead_is_tied_to_it(fake_stripe, after_commit):
    from tests.fulfilment.builders import place_order, two_cooperatives
    from tests.fulfilment.helpers import buyer

    world = two_cooperatives()
    order = place_order(buyer(email="one-part@example.hk"), [(world["mango"], 1)])
    payment = services.intent_ensure(payment=OnlinePayment.objects.get(order=order))
    with after_commit():
        services.event_receive(event=stripe_fake.succeeded(payment))
        services.event_apply(event_id=StripeEvent.objects.latest("pk").pk)
        services.event_receive(
            event=stripe_fake.event("refund.created", stripe_fake.refund_object(payment, "re_dash_one", 500))
        )
        services.event_apply(event_id=StripeEvent.objects.latest("pk").pk)
    refund = Refund.objects.get(stripe_id="re_dash_one")
    assert refund.fulfilment_id == part(order, world["b"]).pk and refund.amount == Decimal("5.00")
