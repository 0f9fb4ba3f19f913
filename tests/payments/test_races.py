"""Webhook events racing on PostgreSQL: one event delivered ten times at once, the unpaid-order sweep
against a late success, and the late success after the order could no longer be fulfilled.

Each thread has its own database connection and its own test client; the eager Celery tasks run
after each commit as a worker would, so every row lock and unique constraint is the real one.
"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core import mail
from django.test import Client

from core.models import SentMail
from marketplace.fulfilment.models import Fulfilment, FulfilmentEvent, FulfilmentStatus
from marketplace.payments import services
from marketplace.payments.models import (
    OnlinePayment,
    PaymentEvent,
    PaymentStatus,
    Refund,
    RefundStatus,
    StripeEvent,
)
from tests.fulfilment.builders import order_status, part, stock, two_cooperatives
from tests.fulfilment.helpers import buyer
from tests.fulfilment.threads import Crowd, run_together, unexpected
from tests.payments import stripe_fake
from tests.payments.helpers import deliver, fresh, online_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
Status = FulfilmentStatus
Action = PaymentEvent.Action
ROUNDS = 10
LATE = datetime.timedelta(minutes=1)


@pytest.fixture
def shop(fake_stripe):
    world = two_cooperatives()
    for product in (world["pork"], world["mango"]):
        product.stockrecords.update(num_in_stock=1000)
    world["buyer"] = buyer(email="gba-buyer@example.hk")
    world["fake"] = fake_stripe
    return world


def new_order(shop):
    """A new order of 2 pork (A) and 1 mango (B) awaiting payment, its PaymentIntent created."""
    _world, _user, order, payment = online_order(shop["buyer"], world=shop)
    return order, payment


def allocated(shop) -> tuple[int, int]:
    return stock(shop["pork"])[1], stock(shop["mango"])[1]


def parts(order) -> list[str]:
    return sorted(Fulfilment.objects.filter(order=order).values_list("status", flat=True))


def refunds_of(payment) -> list[tuple]:
    return list(Refund.objects.filter(payment=payment).values_list("key", "amount", "fulfilment_id", "automatic"))


def sent(payment, kind: str) -> int:
    return SentMail.objects.filter(key__startswith=f"payment:{payment.pk}:{kind}").count()


def stored_unapplied(payload) -> StripeEvent:
    """The event as the webhook stores it, its task not yet run (the race applies it)."""
    return StripeEvent.objects.create(event_id=payload["id"], type=payload["type"], payload=payload)


# --------------------------------------------------------------------------- one event, ten deliveries at once
def test_the_same_event_posted_ten_times_at_once_is_stored_and_applied_once(shop):
    order, payment = new_order(shop)
    body, header = stripe_fake.signed(stripe_fake.succeeded(payment))
    mail.outbox.clear()

    def post(index):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            "/payments/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        return response.status_code, response.json() if response.status_code == 200 else response.content

    outcomes = run_together(post, 10)

    assert not unexpected(outcomes), unexpected(outcomes)
    assert [code for code, _answer in outcomes] == [200] * 10, outcomes
    assert Counter(answer["duplicate"] for _code, answer in outcomes) == {False: 1, True: 9}
    assert StripeEvent.objects.count() == 1
    stored = StripeEvent.objects.get()
    assert (stored.payment_id, stored.outcome) == (payment.pk, "paid")
    paid = fresh(payment)
    assert paid.status == PaymentStatus.SUCCEEDED
    assert paid.amount_received == payment.amount
    assert PaymentEvent.objects.filter(payment=payment, action=Action.SUCCEEDED).count() == 1
    assert parts(order) == [Status.TO_SHIP, Status.TO_SHIP]
    paid_events = FulfilmentEvent.objects.filter(fulfilment__order=order, action=FulfilmentEvent.Action.PAID)
    assert sorted(paid_events.values_list("fulfilment_id", flat=True)) == sorted(
        Fulfilment.objects.filter(order=order).values_list("pk", flat=True)
    )
    assert SentMail.objects.filter(key=f"payment:{payment.pk}:paid").count() == 1
    assert [m.to for m in mail.outbox].count([order.email]) == 1
    assert not Refund.objects.exists()


# --------------------------------------------------------------------------- the sweep against a late success
def test_the_unpaid_sweep_and_a_late_success_racing_end_in_exactly_one_outcome(shop):
    """Either the success is applied first (paid, released, nothing refunded and nothing cancelled),
    or the sweep is (cancelled, stock back, and the money that arrived anyway refunded once)."""
    tally = Counter()
    with Crowd(2) as crowd:
        for round_number in range(1, ROUNDS + 1):
            before = allocated(shop)
            order, payment = new_order(shop)
            assert allocated(shop) == (before[0] + 2, before[1] + 1)
            event = stored_unapplied(stripe_fake.succeeded(payment))
            after_time = payment.expires_at + LATE
            work = [
                lambda now=after_time: services.unpaid_orders_expire(now=now),
                lambda pk=event.pk: services.event_apply(event_id=pk),
            ]

            outcomes = crowd.race(lambda job: job(), prepare=work.__getitem__)

            where = f"round {round_number}: {outcomes}"
            assert not unexpected(outcomes), where + unexpected(outcomes)
            payment = fresh(payment)
            refunds = refunds_of(payment)
            # money arrived either way, and the payment says so
            assert payment.status == PaymentStatus.SUCCEEDED, where
            assert payment.amount_received == payment.amount, where
            if outcomes[1] == "paid":
                tally["paid"] += 1
                assert outcomes[0] == 0, where
                assert parts(order) == [Status.TO_SHIP, Status.TO_SHIP], where
                assert allocated(shop) == (before[0] + 2, before[1] + 1), where
                assert refunds == [], where
                assert payment.canceled_at is None, where
                assert sent(payment, "paid") == 1 and sent(payment, "expired") == 0, where
                assert order_status(order) == "placed", where
            else:
                tally["cancelled"] += 1
                assert outcomes == [1, "paid, but could not be fulfilled: refunded"], where
                assert parts(order) == [Status.CANCELLED, Status.CANCELLED], where
                assert allocated(shop) == before, where
                assert refunds == [(f"payment-{payment.pk}-unfulfillable", payment.amount, None, True)], where
                assert Refund.objects.get(payment=payment).status == RefundStatus.SUCCEEDED, where
                assert not FulfilmentEvent.objects.filter(fulfilment__order=order, action="paid").exists(), where
                assert sent(payment, "paid") == 0, where
                assert sent(payment, "expired") == 1 and sent(payment, "unfulfillable") == 1, where
                assert order_status(order) == "cancelled", where
            assert PaymentEvent.objects.filter(payment=payment, action=Action.SUCCEEDED).count() == 1, where
            assert len(shop["fake"].calls("post", "/v1/refunds")) == tally["cancelled"], where
    assert sum(tally.values()) == ROUNDS


def test_a_success_after_the_sweep_is_refunded_once_and_the_buyer_told(shop):
    order, payment = new_order(shop)
    mail.outbox.clear()
    assert services.unpaid_orders_expire(now=payment.expires_at + LATE) == 1
    assert fresh(payment).status == PaymentStatus.CANCELED
    assert parts(order) == [Status.CANCELLED, Status.CANCELLED]
    assert allocated(shop) == (0, 0)
    assert [p for m, p, _q, _h in shop["fake"].requests if p.endswith("/cancel")] == [
        f"/v1/payment_intents/{payment.intent_id}/cancel"
    ]

    # the buyer's Alipay went through just before the intent was cancelled; Stripe reports it
    event = stripe_fake.succeeded(payment)
    assert deliver(Client(), event) == 200

    refunded = fresh(payment)
    assert refunded.status == PaymentStatus.SUCCEEDED
    assert refunded.amount_received == payment.amount
    assert parts(order) == [Status.CANCELLED, Status.CANCELLED]
    assert allocated(shop) == (0, 0)
    assert refunds_of(payment) == [(f"payment-{payment.pk}-unfulfillable", payment.amount, None, True)]
    refund = Refund.objects.get(payment=payment)
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.stripe_id
    assert [r["amount"] for r in shop["fake"].calls("post", "/v1/refunds")] == [str(int(payment.amount * 100))]
    assert sent(payment, "unfulfillable") == 1
    assert sent(payment, "expired") == 1
    assert sent(payment, "paid") == 0
    kinds = [m.subject for m in mail.outbox if order.email in m.to]
    assert len(kinds) == 3, kinds  # expired, unfulfillable, refunded

    # the same success again (a retry), and under another event id: still one refund
    assert deliver(Client(), event) == 200
    again = stripe_fake.succeeded(payment)
    assert deliver(Client(), again) == 200
    assert StripeEvent.objects.get(event_id=again["id"]).outcome == "already applied"
    assert Refund.objects.filter(payment=payment).count() == 1
    assert len(shop["fake"].calls("post", "/v1/refunds")) == 1
    assert PaymentEvent.objects.filter(payment=payment, action=Action.SUCCEEDED).count() == 1
    assert PaymentEvent.objects.filter(payment=payment, action=Action.REFUND_REQUESTED).count() == 1
    assert sent(payment, "unfulfillable") == 1
    assert len([m for m in mail.outbox if order.email in m.to]) == 3


def test_a_cooperative_suspended_before_the_success_has_its_part_refunded(shop):
    order, payment = new_order(shop)
    pork, mango = part(order, shop["a"]), part(order, shop["b"])
    shop["a"].is_active = False
    shop["a"].save(update_fields=["is_active"])

    assert deliver(Client(), stripe_fake.succeeded(payment)) == 200

    paid = fresh(payment)
    assert paid.status == PaymentStatus.SUCCEEDED
    assert part(order, shop["a"]).status == Status.CANCELLED
    assert part(order, shop["b"]).status == Status.TO_SHIP
    assert allocated(shop) == (0, 1)
    assert refunds_of(payment) == [(f"payment-{payment.pk}-unfulfillable-{pork.pk}", pork.total, pork.pk, True)]
    assert Refund.objects.get(payment=payment).status == RefundStatus.SUCCEEDED
    assert FulfilmentEvent.objects.filter(fulfilment=mango, action="paid").count() == 1
    assert not FulfilmentEvent.objects.filter(fulfilment=pork, action="paid").exists()
    assert sent(payment, "unfulfillable") == 1
    assert sent(payment, "paid") == 0
    assert OnlinePayment.objects.get(pk=payment.pk).amount_received == payment.amount

    # delivered again: nothing more
    assert deliver(Client(), stripe_fake.succeeded(payment)) == 200
    assert Refund.objects.filter(payment=payment).count() == 1
    assert len(shop["fake"].calls("post", "/v1/refunds")) == 1
