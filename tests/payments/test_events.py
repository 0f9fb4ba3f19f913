"""Each webhook event and what it does to the payment, the order's parts, the stock and the e-mails;
and every arrival order of the same events ends in the same state."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction

from core.models import SentMail
from marketplace.fulfilment.models import Fulfilment, FulfilmentEvent, FulfilmentStatus
from marketplace.payments import services
from marketplace.payments.models import (
    OnlinePayment,
    PaymentEvent,
    PaymentFlag,
    PaymentStatus,
    Refund,
    RefundStatus,
    StripeEvent,
)
from tests.fulfilment.builders import order_status, staff_user, stock
from tests.payments import stripe_fake
from tests.payments.helpers import apply, fresh, online_order

pytestmark = pytest.mark.django_db
Status = FulfilmentStatus
Action = PaymentEvent.Action
CENT = Decimal("0.01")


@pytest.fixture
def shop(fake_stripe, django_capture_on_commit_callbacks):
    """An order of pork (A) and mango (B) awaiting payment, its intent created; a staff member with an address."""
    world, user, order, payment = online_order()
    world.update(user=user, order=order, payment=payment, staff=staff_user(), fake=fake_stripe)
    mail.outbox.clear()
    world["capture"] = django_capture_on_commit_callbacks
    return world


def run(shop, payload) -> str:
    """Store and apply an event as the webhook's task does; committed (its e-mails and calls to Stripe run)."""
    with shop["capture"](execute=True):
        return apply(payload)


def parts(shop) -> list[str]:
    return sorted(Fulfilment.objects.filter(order=shop["order"]).values_list("status", flat=True))


def stocks(shop) -> tuple:
    return stock(shop["pork"]), stock(shop["mango"])


def mail_keys(payment) -> set[str]:
    """The payment's e-mails in the ledger, a refund named by its Stripe id (its row's id varies)."""
    names = dict(Refund.objects.filter(payment=payment).values_list("pk", "stripe_id"))
    keys = set()
    for key in SentMail.objects.filter(key__startswith=f"payment:{payment.pk}:").values_list("key", flat=True):
        match = re.fullmatch(rf"payment:{payment.pk}:(refunded|refund_failed):(\d+)", key)
        keys.add(f"{match[1]}:{names[int(match[2])]}" if match else key.split(":", 2)[2])
    return keys


def snapshot(shop) -> dict:
    payment = OnlinePayment.objects.get(pk=shop["payment"].pk)
    values = {field.attname: getattr(payment, field.attname) for field in OnlinePayment._meta.concrete_fields}
    values.pop("updated")
    return {
        "payment": values,
        "parts": parts(shop),
        "stock": stocks(shop),
        "order": order_status(shop["order"]),
        "refunds": list(Refund.objects.values_list("pk", "status")),
        "mail": SentMail.objects.count(),
        "outbox": len(mail.outbox),
        "fulfilment_events": FulfilmentEvent.objects.count(),
    }


def buyer_mails(shop) -> list:
    return [m for m in mail.outbox if shop["order"].email in m.to]


def staff_mails(shop) -> list:
    return [m for m in mail.outbox if shop["staff"].email in m.to]


# --------------------------------------------------------------------------- one event at a time
def test_succeeded_pays_the_order_and_releases_each_part(shop):
    payment, order = shop["payment"], shop["order"]

    assert run(shop, stripe_fake.succeeded(payment)) == "paid"

    payment = fresh(payment)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.amount_received == payment.amount == order.total_incl_tax
    assert payment.paid_at is not None
    assert payment.method == "alipay"
    assert payment.flag == ""
    assert parts(shop) == [Status.TO_SHIP, Status.TO_SHIP]
    assert stocks(shop) == ((10, 2), (10, 1))  # still allocated: it leaves when shipped
    assert FulfilmentEvent.objects.filter(fulfilment__order=order, action="paid").count() == 2
    assert not Refund.objects.exists()
    assert mail_keys(payment) == {"paid"}
    assert len(buyer_mails(shop)) == 1
    assert not staff_mails(shop)
    event = StripeEvent.objects.get()
    assert (event.payment_id, event.outcome) == (payment.pk, "paid")


@pytest.mark.parametrize(
    "kind, mismatch",
    [
        ("amount one fen short", {"amount": -1}),
        ("amount one fen over", {"amount": 1}),
        ("currency", {"currency": "hkd"}),
    ],
)
def test_a_payment_that_does_not_match_is_flagged_not_paid(shop, kind, mismatch):
    payment = shop["payment"]
    minor = int(payment.amount * 100)
    kwargs = {"amount": minor + mismatch["amount"]} if "amount" in mismatch else {"currency": mismatch["currency"]}

    outcome = run(shop, stripe_fake.succeeded(payment, **kwargs))

    assert outcome == "amount or currency does not match the order: flagged for staff"
    flagged = fresh(payment)
    assert flagged.flag == PaymentFlag.MISMATCH, kind
    assert flagged.status == PaymentStatus.REQUIRES_PAYMENT
    assert not flagged.is_open
    assert flagged.paid_at is None
    if "amount" in mismatch:
        assert flagged.amount_received == payment.amount + mismatch["amount"] * CENT
    else:
        assert flagged.amount_received == 0
    assert parts(shop) == [Status.AWAITING_PAYMENT, Status.AWAITING_PAYMENT]
    assert stocks(shop) == ((10, 2), (10, 1))
    assert not FulfilmentEvent.objects.filter(action="paid").exists()
    assert PaymentEvent.objects.filter(payment=payment, action=Action.MISMATCH).count() == 1
    assert mail_keys(payment) == {f"staff_mismatch::user:{shop['staff'].pk}"}
    assert len(staff_mails(shop)) == 1
    assert not buyer_mails(shop)

    # the right amount arriving later does not clear the flag: staff decide
    flagged_state = snapshot(shop)
    assert run(shop, stripe_fake.succeeded(payment)) == "already applied"
    assert snapshot(shop) == flagged_state
    # nor does the unpaid sweep cancel what staff are looking at
    assert services.unpaid_orders_expire(now=flagged.expires_at + (flagged.expires_at - flagged.created) * 100) == 0
    assert snapshot(shop) == flagged_state


def test_a_failed_attempt_leaves_the_order_open_for_another_try(shop):
    payment, order = shop["payment"], shop["order"]

    outcome = run(shop, stripe_fake.failed(payment, "Your card was declined."))

    assert outcome == "attempt failed: the buyer may try again"
    failed = fresh(payment)
    assert failed.status == PaymentStatus.REQUIRES_PAYMENT
    assert failed.is_open
    assert failed.last_error == "Your card was declined."
    assert failed.canceled_at is None
    assert parts(shop) == [Status.AWAITING_PAYMENT, Status.AWAITING_PAYMENT]
    assert order_status(order) == "placed"
    assert stocks(shop) == ((10, 2), (10, 1))
    assert not fake_calls(shop, "/cancel")
    assert not mail.outbox
    assert PaymentEvent.objects.filter(payment=payment, action=Action.ATTEMPT_FAILED).count() == 1

    # the buyer tries again with Alipay and it goes through
    assert run(shop, stripe_fake.succeeded(payment)) == "paid"
    paid = fresh(payment)
    assert paid.status == PaymentStatus.SUCCEEDED
    assert paid.last_error == ""
    assert parts(shop) == [Status.TO_SHIP, Status.TO_SHIP]
    assert mail_keys(payment) == {"paid"}


def fake_calls(shop, suffix: str) -> list:
    return [path for method, path, _p, _h in shop["fake"].requests if method == "post" and path.endswith(suffix)]


def test_a_failure_after_the_success_changes_nothing(shop):
    payment = shop["payment"]
    run(shop, stripe_fake.succeeded(payment))
    paid = snapshot(shop)

    outcome = run(shop, stripe_fake.failed(payment, "late decline"))

    assert outcome == "attempt failed after the payment ended: recorded"
    assert snapshot(shop) == paid
    assert fresh(payment).last_error == ""
    assert PaymentEvent.objects.filter(payment=payment, action=Action.ATTEMPT_FAILED, note="late decline").exists()


def test_processing_then_failed_then_succeeded(shop):
    payment = shop["payment"]
    processing = stripe_fake.event("payment_intent.processing", stripe_fake.intent_object(payment, status="processing"))

    assert run(shop, processing) == "processing"
    assert fresh(payment).status == PaymentStatus.PROCESSING
    assert fresh(payment).is_open
    assert parts(shop) == [Status.AWAITING_PAYMENT, Status.AWAITING_PAYMENT]
    assert not mail.outbox

    assert run(shop, stripe_fake.failed(payment, "bank said no")) == "attempt failed: the buyer may try again"
    assert fresh(payment).status == PaymentStatus.REQUIRES_PAYMENT

    run(shop, stripe_fake.succeeded(payment))
    paid = snapshot(shop)
    assert paid["payment"]["status"] == PaymentStatus.SUCCEEDED
    again = stripe_fake.event("payment_intent.processing", stripe_fake.intent_object(payment, status="processing"))
    assert run(shop, again) == "no change"
    assert snapshot(shop) == paid


def test_canceled_cancels_the_unpaid_order_and_releases_its_stock(shop):
    payment, order = shop["payment"], shop["order"]

    assert run(shop, stripe_fake.canceled(payment)) == "cancelled unpaid"

    cancelled = fresh(payment)
    assert cancelled.status == PaymentStatus.CANCELED
    assert cancelled.canceled_at is not None
    assert not cancelled.is_open
    assert parts(shop) == [Status.CANCELLED, Status.CANCELLED]
    assert stocks(shop) == ((10, 0), (10, 0))
    assert order_status(order) == "cancelled"
    assert not Refund.objects.exists()
    assert "expired" in mail_keys(payment)
    assert len(buyer_mails(shop)) == 1
    assert PaymentEvent.objects.filter(payment=payment, action=Action.CANCELED, note="abandoned").count() == 1

    # delivered again under another id: nothing more
    state = snapshot(shop)
    assert run(shop, stripe_fake.canceled(payment)) == "no change"
    assert snapshot(shop) == state


def test_an_event_of_an_unknown_payment_intent_changes_nothing(shop):
    payment = shop["payment"]
    before = snapshot(shop)
    stranger = stripe_fake.succeeded(payment)
    stranger["data"]["object"]["id"] = "pi_not_ours"

    outcome = run(shop, stranger)

    assert outcome == "no payment of this platform has this PaymentIntent: ignored"
    assert snapshot(shop) == before
    stored = StripeEvent.objects.get()
    assert (stored.payment_id, stored.outcome) == (None, outcome)
    assert stored.processed_at is not None

    refund_of_stranger = stripe_fake.charge_refunded(payment, 500, [stripe_fake.refund_object(payment, "re_y", 500)])
    refund_of_stranger["data"]["object"]["payment_intent"] = "pi_not_ours"
    assert run(shop, refund_of_stranger) == "no payment of this platform has this PaymentIntent: ignored"
    assert snapshot(shop) == before


def test_an_event_of_another_stripe_account_is_ignored(shop):
    payment = shop["payment"]
    before = snapshot(shop)
    before_log = PaymentEvent.objects.count()

    event = stripe_fake.succeeded(payment)
    event["account"] = "acct_other"  # a Connect account's event reaching our endpoint

    outcome = run(shop, event)

    assert outcome == "event of another Stripe account: ignored"
    assert snapshot(shop) == before
    assert PaymentEvent.objects.count() == before_log
    assert StripeEvent.objects.get().outcome == outcome


def test_a_payment_intent_naming_another_order_is_ignored(shop):
    payment = shop["payment"]
    before = snapshot(shop)
    event = stripe_fake.succeeded(payment)
    event["data"]["object"]["metadata"]["order_number"] = "100999"

    outcome = run(shop, event)

    assert outcome == "the PaymentIntent names another order: ignored"
    assert snapshot(shop) == before
    assert PaymentEvent.objects.filter(payment=payment, action=Action.IGNORED).count() == 1
    assert StripeEvent.objects.get().payment_id == payment.pk


def test_an_event_type_the_platform_does_not_act_on_is_stored_only(shop):
    payment = shop["payment"]
    before = snapshot(shop)
    before_log = PaymentEvent.objects.count()

    outcome = run(shop, stripe_fake.event("customer.created", {"id": "cus_1", "object": "customer"}))

    assert outcome == "not an event the platform acts on"
    stored = StripeEvent.objects.get()
    assert (stored.type, stored.outcome, stored.payment_id) == ("customer.created", outcome, None)
    assert stored.processed_at is not None
    assert snapshot(shop) == before
    assert PaymentEvent.objects.count() == before_log
    assert fresh(payment).status == PaymentStatus.REQUIRES_PAYMENT


def test_an_event_applied_twice_is_applied_once(shop):
    payment = shop["payment"]
    event = stripe_fake.succeeded(payment)
    run(shop, event)
    paid = snapshot(shop)
    stored = StripeEvent.objects.get()

    assert services.event_apply(event_id=stored.pk) == "paid"
    assert services.event_receive(event=event) is False

    assert snapshot(shop) == paid
    assert PaymentEvent.objects.filter(payment=payment, action=Action.SUCCEEDED).count() == 1


# --------------------------------------------------------------------------- any arrival order
def actions(events) -> frozenset:
    return frozenset(Counter(events.values_list("action", flat=True)).items())


def outcome_of(shop) -> tuple:
    """What the events left: the payment's money state, its parts, refunds, stock, log and e-mails."""
    payment = fresh(shop["payment"])
    return (
        payment.status,
        payment.amount_received,
        payment.amount_refunded,
        payment.dispute_status,
        payment.flag,
        payment.last_error,
        tuple(parts(shop)),
        tuple(sorted(Refund.objects.filter(payment=payment).values_list("stripe_id", "amount", "status"))),
        stocks(shop),
        actions(PaymentEvent.objects.filter(payment=payment)),
        actions(FulfilmentEvent.objects.filter(fulfilment__order=shop["order"])),
        frozenset(mail_keys(payment)),
    )


def every_arrival_order(shop, events: dict, outcome=None) -> dict:
    """The outcome of each arrival order of ``events``, each applied to the same order awaiting payment
    (a savepoint rolled back after each)."""
    outcome = outcome or outcome_of
    outcomes = {}
    for arrival in itertools.permutations(events):
        savepoint = transaction.savepoint()
        try:
            for name in arrival:
                run(shop, events[name])
            outcomes[arrival] = outcome(shop)
            assert StripeEvent.objects.count() == len(events)
        finally:
            transaction.savepoint_rollback(savepoint)
        assert fresh(shop["payment"]).status == PaymentStatus.REQUIRES_PAYMENT  # rolled back for the next one
        assert not StripeEvent.objects.exists()
    return outcomes


def test_every_arrival_order_of_the_same_events_ends_in_the_same_state(shop):
    """Failed, succeeded, refunded in the dashboard (10.00) and disputed: Stripe may deliver them in
    any order; each of the 24 orders, applied to the same fresh order, leaves the same state."""
    payment = shop["payment"]
    events = {
        "failed": stripe_fake.failed(payment),
        "succeeded": stripe_fake.succeeded(payment),
        "refunded": stripe_fake.charge_refunded(payment, 1000, [stripe_fake.refund_object(payment, "re_x", 1000)]),
        "disputed": stripe_fake.dispute(payment),
    }
    outcomes = every_arrival_order(shop, events)
    assert len(outcomes) == 24
    distinct = Counter(outcomes.values())
    assert len(distinct) == 1, "\n".join(f"{arrival}: {outcome}" for arrival, outcome in outcomes.items())
    (
        status,
        received,
        refunded,
        dispute,
        flag,
        last_error,
        statuses,
        refund_rows,
        stock_after,
        log,
        fulfilment_log,
        keys,
    ) = next(iter(distinct))
    assert status == PaymentStatus.SUCCEEDED
    assert received == payment.amount
    assert refunded == Decimal("10.00")
    assert (dispute, flag, last_error) == ("needs_response", PaymentFlag.DISPUTE, "")
    assert statuses == (Status.TO_SHIP, Status.TO_SHIP)
    assert refund_rows == (("re_x", Decimal("10.00"), RefundStatus.SUCCEEDED),)
    assert stock_after == ((10, 2), (10, 1))
    assert dict(log) == {
        Action.OPENED: 1,
        Action.ATTEMPT_FAILED: 1,
        Action.SUCCEEDED: 1,
        Action.REFUND_REQUESTED: 1,
        Action.REFUNDED: 1,
        Action.DISPUTE: 1,
    }
    assert dict(fulfilment_log) == {"created": 2, "paid": 2}
    assert keys == {"paid", "refunded:re_x", f"staff_dispute:dp_test:user:{shop['staff'].pk}"}


def test_refunds_and_a_dispute_keep_the_furthest_state_stripe_reported_whatever_the_order(shop):
    """Two charge.refunded events (10.00 pending, then 25.00 in all, both refunds done) and a dispute
    opened then won: a late, older report never moves a refund, the refunded total or the dispute back."""
    payment = shop["payment"]
    re_a = stripe_fake.refund_object
    events = {
        "succeeded": stripe_fake.succeeded(payment),
        "refunded 10": stripe_fake.charge_refunded(payment, 1000, [re_a(payment, "re_a", 1000, status="pending")]),
        "refunded 25": stripe_fake.charge_refunded(
            payment, 2500, [re_a(payment, "re_a", 1000), re_a(payment, "re_b", 1500)]
        ),
        "disputed": stripe_fake.dispute(payment, status="needs_response"),
        "dispute won": stripe_fake.dispute(payment, status="won", kind="charge.dispute.closed"),
    }

    def outcome(shop):
        # the log may hold one dispute entry or two (opened, won) depending on the order: not compared
        whole = outcome_of(shop)
        return whole[:9] + whole[10:]

    outcomes = every_arrival_order(shop, events, outcome)

    assert len(outcomes) == 120
    distinct = Counter(outcomes.values())
    assert len(distinct) == 1, "\n".join(f"{arrival}: {result}" for arrival, result in outcomes.items())
    status, received, refunded, dispute, flag, _error, statuses, refund_rows, _stock, _log, keys = next(iter(distinct))
    assert (status, received, refunded) == (PaymentStatus.SUCCEEDED, payment.amount, Decimal("25.00"))
    assert (dispute, flag) == ("won", PaymentFlag.DISPUTE)
    assert statuses == (Status.TO_SHIP, Status.TO_SHIP)
    assert refund_rows == (
        ("re_a", Decimal("10.00"), RefundStatus.SUCCEEDED),
        ("re_b", Decimal("15.00"), RefundStatus.SUCCEEDED),
    )
    assert keys == {"paid", "refunded:re_a", "refunded:re_b", f"staff_dispute:dp_test:user:{shop['staff'].pk}"}
