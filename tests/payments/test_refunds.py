"""Refunds of orders paid online: staff refunds from the payment's staff page, automatic refunds of
cancelled and returned parts, and what Stripe's refund events and errors do to them."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import stripe
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from core.models import OutboxMessage, OutboxStatus, SentMail
from marketplace.fulfilment import services as fulfilment_services
from marketplace.fulfilment.models import FulfilmentStatus
from marketplace.payments.models import PaymentEvent, PaymentStatus, Refund, RefundStatus
from tests.fulfilment.builders import accept, part, ship, staff_user
from tests.payments import stripe_fake
from tests.payments.helpers import deliver, fresh, online_order

pytestmark = pytest.mark.django_db
BUYER = "gba-buyer@example.hk"
STAFF = "staff@platform.example.cn"
Action = PaymentEvent.Action
SEND_REFUND = "marketplace.payments.tasks.send_refund_task"


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """What runs after a commit (the outbox's tasks, eager here) runs at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def paid(fake_stripe, after_commit):
    """An order of pork (A) and mango (B) paid online through a signed webhook; staff exist."""
    world, user, order, payment = online_order()
    staff = staff_user()
    with after_commit():
        assert deliver(Client(), stripe_fake.succeeded(payment)) == 200
    payment = fresh(payment)
    assert payment.status == PaymentStatus.SUCCEEDED
    mail.outbox.clear()
    return {**world, "user": user, "order": order, "payment": payment, "staff": staff}


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def staff_form(browser: Client, order, prefix: str = "") -> dict:
    """The refund form of the staff page as the page gives it (its one-time token)."""
    page = browser.get(f"{prefix}/payments/staff/{order.pk}/")
    assert page.status_code == 200
    token = re.search(r'name="token" value="([0-9a-f]+)"', page.content.decode())
    assert token, "the page carries the form's one-time token"
    return {"token": token.group(1), "reason": "顾客投诉：部分货品损坏"}


def refund_calls(fake) -> list[dict]:
    return fake.calls("post", "/v1/refunds")


def refund_keys(fake) -> list[str]:
    return [h.get("Idempotency-Key") for m, path, _p, h in fake.requests if m == "post" and path == "/v1/refunds"]


def logged(payment, action) -> int:
    return PaymentEvent.objects.filter(payment=payment, action=action).count()


# --------------------------------------------------------------------------- staff refunds
def test_staff_refund_part_of_one_part(paid, fake_stripe, after_commit):
    order, payment, pork = paid["order"], paid["payment"], part(paid["order"], paid["a"])
    browser = signed_in(paid["staff"])
    form = staff_form(browser, order)

    with after_commit():
        response = browser.post(f"/payments/staff/{order.pk}/", {**form, "part": pork.pk, "amount": "50.00"})

    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.payment_id, refund.fulfilment_id, refund.amount) == (payment.pk, pork.pk, Decimal("50.00"))
    assert refund.status == RefundStatus.SUCCEEDED and refund.succeeded_at is not None
    assert refund.requested_by == paid["staff"] and not refund.automatic
    assert refund.reason == form["reason"]
    assert refund.stripe_id in fake_stripe.refunds
    calls = refund_calls(fake_stripe)
    assert len(calls) == 1
    assert calls[0]["amount"] == "5000"  # fen
    assert calls[0]["payment_intent"] == payment.intent_id
    assert refund_keys(fake_stripe) == [refund.key]
    assert refund.key.startswith("staff-") and form["token"] in refund.key
    assert [m.to for m in mail.outbox if BUYER in m.to] == [[BUYER]]
    assert SentMail.objects.filter(key=f"payment:{payment.pk}:refunded:{refund.pk}").exists()
    assert logged(payment, Action.REFUND_REQUESTED) == 1 and logged(payment, Action.REFUNDED) == 1


def test_the_same_form_sent_twice_refunds_once(paid, fake_stripe, after_commit):
    order, pork = paid["order"], part(paid["order"], paid["a"])
    browser = signed_in(paid["staff"])
    data = {**staff_form(browser, order), "part": pork.pk, "amount": "50.00"}

    with after_commit():
        first = browser.post(f"/payments/staff/{order.pk}/", data)
    with after_commit():
        second = browser.post(f"/payments/staff/{order.pk}/", data)

    assert first.status_code == 302 and second.status_code == 302
    assert Refund.objects.count() == 1
    assert len(refund_calls(fake_stripe)) == 1
    assert logged(paid["payment"], Action.REFUND_REQUESTED) == 1


def test_a_whole_part_refund_sent_twice_refunds_once(paid, fake_stripe, after_commit):
    order, mango = paid["order"], part(paid["order"], paid["b"])
    browser = signed_in(paid["staff"])
    data = {**staff_form(browser, order), "part": mango.pk, "amount": ""}  # empty: all that is left of it

    answers = []
    for _ in range(2):
        with after_commit():
            answers.append(browser.post(f"/payments/staff/{order.pk}/", data).status_code)

    assert answers == [302, 302]  # the second answers with the refund the first made, not an error
    assert [(r.fulfilment_id, r.amount) for r in Refund.objects.all()] == [(mango.pk, mango.total)]
    assert [int(c["amount"]) for c in refund_calls(fake_stripe)] == [int(mango.total * 100)]


def test_the_whole_order_form_sent_twice_refunds_once(paid, fake_stripe, after_commit):
    order = paid["order"]
    browser = signed_in(paid["staff"])
    data = {**staff_form(browser, order), "part": "all"}

    with after_commit():
        browser.post(f"/payments/staff/{order.pk}/", data)
    with after_commit():
        second = browser.post(f"/payments/staff/{order.pk}/", data)

    assert second.status_code == 302  # the same refunds, not "nothing left"
    assert Refund.objects.count() == 2
    assert len(refund_calls(fake_stripe)) == 2


def test_more_than_the_part_has_left_is_refused_in_the_users_language(paid, fake_stripe, after_commit):
    order, payment, pork = paid["order"], paid["payment"], part(paid["order"], paid["a"])
    browser = signed_in(paid["staff"])
    form = staff_form(browser, order, "/en")
    too_much = pork.total + Decimal("0.01")
    events = PaymentEvent.objects.count()
    outbox = OutboxMessage.objects.count()

    with after_commit():
        response = browser.post(f"/en/payments/staff/{order.pk}/", {**form, "part": pork.pk, "amount": str(too_much)})

    assert response.status_code == 400
    text = response.content.decode()
    assert "can still be refunded" in text and f"{pork.total}" in text
    assert not Refund.objects.exists()
    assert refund_calls(fake_stripe) == []
    assert PaymentEvent.objects.count() == events and OutboxMessage.objects.count() == outbox
    assert fresh(payment).amount_refunded == Decimal("0.00")


def test_the_refund_error_follows_the_page_language(paid, fake_stripe):
    """The same refusal on the Chinese page is not the English sentence (the message is translated per request)."""
    from django.utils import translation

    order, pork = paid["order"], part(paid["order"], paid["a"])
    browser = signed_in(paid["staff"])
    form = staff_form(browser, order)
    response = browser.post(f"/payments/staff/{order.pk}/", {**form, "part": pork.pk, "amount": "9999.00"})
    assert response.status_code == 400
    with translation.override("zh-hans"):
        expected = translation.gettext("At most %(amount)s can still be refunded.")
    assert expected.split("%(amount)s")[0] in response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert not Refund.objects.exists()


@pytest.mark.parametrize("who", ["buyer", "cooperative"])
def test_only_platform_staff_see_and_use_the_staff_page(paid, fake_stripe, who):
    order, pork = paid["order"], part(paid["order"], paid["a"])
    user = paid["user"] if who == "buyer" else paid["a_user"]
    browser = signed_in(user)
    assert browser.get(f"/payments/staff/{order.pk}/").status_code == 403
    data = {"token": "a" * 32, "reason": "x", "part": pork.pk, "amount": "10.00"}
    assert browser.post(f"/payments/staff/{order.pk}/", data).status_code == 403
    assert not Refund.objects.exists() and refund_calls(fake_stripe) == []


def test_anonymous_is_sent_to_log_in(paid, fake_stripe):
    order, pork = paid["order"], part(paid["order"], paid["a"])
    response = Client().get(f"/payments/staff/{order.pk}/")
    assert response.status_code == 302 and "login" in response["Location"]
    data = {"token": "a" * 32, "reason": "x", "part": pork.pk, "amount": "10.00"}
    response = Client().post(f"/payments/staff/{order.pk}/", data)
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Refund.objects.exists()


def test_whole_order_refund_is_one_refund_per_part_of_its_remainder(paid, fake_stripe, after_commit):
    order, payment = paid["order"], paid["payment"]
    pork, mango = part(order, paid["a"]), part(order, paid["b"])
    browser = signed_in(paid["staff"])
    with after_commit():
        browser.post(f"/payments/staff/{order.pk}/", {**staff_form(browser, order), "part": pork.pk, "amount": "50"})

    with after_commit():
        response = browser.post(f"/payments/staff/{order.pk}/", {**staff_form(browser, order), "part": "all"})

    assert response.status_code == 302
    assert sorted((r.fulfilment_id, r.amount) for r in Refund.objects.exclude(amount=Decimal("50.00"))) == sorted(
        [(pork.pk, pork.total - Decimal("50.00")), (mango.pk, mango.total)]
    )
    assert Refund.objects.count() == 3
    assert set(Refund.objects.values_list("status", flat=True)) == {RefundStatus.SUCCEEDED}
    assert sum(Refund.objects.values_list("amount", flat=True)) == payment.amount_received
    assert sorted(int(c["amount"]) for c in refund_calls(fake_stripe)) == sorted(
        [5000, int((pork.total - 50) * 100), int(mango.total * 100)]
    )
    assert len(set(refund_keys(fake_stripe))) == 3

    assert "refund-form" not in browser.get(f"/payments/staff/{order.pk}/").content.decode()  # nothing to offer
    stale = {"token": "b" * 32, "reason": "再退一次", "part": "all"}  # a form left open in another tab
    with after_commit():
        nothing = browser.post(f"/en/payments/staff/{order.pk}/", stale)
    assert nothing.status_code == 400
    assert "Nothing is left to refund on this order." in nothing.content.decode()
    assert Refund.objects.count() == 3 and len(refund_calls(fake_stripe)) == 3


# --------------------------------------------------------------------------- cancelled and returned parts
def test_a_paid_part_cancelled_by_the_buyer_is_refunded_once(paid, fake_stripe, after_commit):
    order, payment, pork = paid["order"], paid["payment"], part(paid["order"], paid["a"])

    with after_commit():
        fulfilment_services.fulfilment_cancel(fulfilment=pork, user=paid["user"], reason="不要了")
    with pytest.raises(ValidationError), after_commit():
        fulfilment_services.fulfilment_cancel(fulfilment=part(order, paid["a"]), user=paid["user"], reason="again")

    refund = Refund.objects.get()
    assert (refund.fulfilment_id, refund.amount, refund.automatic) == (pork.pk, pork.total, True)
    assert refund.key == f"fulfilment-{pork.pk}-cancelled" and refund.status == RefundStatus.SUCCEEDED
    assert [int(c["amount"]) for c in refund_calls(fake_stripe)] == [int(pork.total * 100)]
    assert fresh(payment).status == PaymentStatus.SUCCEEDED
    assert part(order, paid["b"]).status == FulfilmentStatus.TO_SHIP


def test_a_paid_part_cancelled_by_staff_is_refunded(paid, fake_stripe, after_commit):
    mango = part(paid["order"], paid["b"])
    with after_commit():
        fulfilment_services.fulfilment_cancel(fulfilment=mango, user=paid["staff"], reason="缺货")
    refund = Refund.objects.get()
    assert (refund.fulfilment_id, refund.amount, refund.status) == (mango.pk, mango.total, RefundStatus.SUCCEEDED)
    assert len(refund_calls(fake_stripe)) == 1


def test_cancelling_the_last_waiting_part_of_an_unpaid_order_closes_its_payment(fake_stripe, after_commit):
    world, user, order, payment = online_order()
    with after_commit():
        fulfilment_services.fulfilment_cancel(fulfilment=part(order, world["a"]), user=user, reason="")
    assert fresh(payment).status == PaymentStatus.REQUIRES_PAYMENT  # mango still waits for the payment
    assert fake_stripe.calls("post", f"/v1/payment_intents/{payment.intent_id}/cancel") == []

    with after_commit():
        fulfilment_services.fulfilment_cancel(fulfilment=part(order, world["b"]), user=user, reason="")

    payment = fresh(payment)
    assert payment.status == PaymentStatus.CANCELED and payment.canceled_at is not None
    assert len(fake_stripe.calls("post", f"/v1/payment_intents/{payment.intent_id}/cancel")) == 1
    assert fake_stripe.intents[payment.intent_id]["status"] == "canceled"
    assert not Refund.objects.exists() and refund_calls(fake_stripe) == []


def test_staff_return_of_an_accepted_part_paid_online_refunds_it(paid, fake_stripe, after_commit):
    order, pork = paid["order"], part(paid["order"], paid["a"])
    accept(ship(pork, paid["a_user"]), paid["user"])

    with after_commit():
        fulfilment_services.fulfilment_return(fulfilment=part(order, paid["a"]), user=paid["staff"], reason="质量问题")

    refund = Refund.objects.get()
    assert (refund.fulfilment_id, refund.amount, refund.automatic) == (pork.pk, pork.total, True)
    assert refund.key == f"fulfilment-{pork.pk}-returned" and refund.status == RefundStatus.SUCCEEDED
    assert refund_keys(fake_stripe) == [refund.key]


# --------------------------------------------------------------------------- Stripe's answers and events
def staff_refund(paid, after_commit, amount="50.00"):
    order, pork = paid["order"], part(paid["order"], paid["a"])
    browser = signed_in(paid["staff"])
    with after_commit():
        response = browser.post(
            f"/payments/staff/{order.pk}/", {**staff_form(browser, order), "part": pork.pk, "amount": amount}
        )
    assert response.status_code == 302
    return Refund.objects.get()


def test_a_pending_refund_succeeds_once_by_its_event(paid, fake_stripe, after_commit):
    payment = paid["payment"]
    fake_stripe.refund_status = "pending"
    refund = staff_refund(paid, after_commit)
    assert refund.status == RefundStatus.PENDING and refund.stripe_id
    assert [m for m in mail.outbox if BUYER in m.to] == []

    for _ in range(2):  # the event, and a second event saying the same
        obj = stripe_fake.refund_object(payment, refund.stripe_id, 5000, status="succeeded", key=refund.key)
        with after_commit():
            assert deliver(Client(), stripe_fake.event("refund.updated", obj)) == 200

    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.succeeded_at is not None
    assert logged(payment, Action.REFUNDED) == 1
    assert len([m for m in mail.outbox if BUYER in m.to]) == 1
    assert Refund.objects.count() == 1 and len(refund_calls(fake_stripe)) == 1


def test_a_refund_failing_later_is_failed_and_staff_are_told(paid, fake_stripe, after_commit):
    payment = paid["payment"]
    fake_stripe.refund_status = "pending"
    refund = staff_refund(paid, after_commit)

    obj = stripe_fake.refund_object(payment, refund.stripe_id, 5000, status="failed")
    obj["failure_reason"] = "expired_or_canceled_card"
    with after_commit():
        assert deliver(Client(), stripe_fake.event("refund.failed", obj)) == 200

    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED and refund.error == "expired_or_canceled_card"
    assert refund.succeeded_at is None
    assert logged(payment, Action.REFUND_FAILED) == 1 and logged(payment, Action.REFUNDED) == 0
    assert [m.to for m in mail.outbox] == [[STAFF]]
    # failed money is refundable again
    from marketplace.payments import refunds

    assert (
        refunds.part_refundable(fresh(payment), part(paid["order"], paid["a"])) == part(paid["order"], paid["a"]).total
    )


def test_a_refund_made_in_stripes_dashboard_is_recorded(paid, fake_stripe, after_commit):
    payment = paid["payment"]
    obj = stripe_fake.refund_object(payment, "re_dashboard_1", 1234, status="succeeded")

    with after_commit():
        assert deliver(Client(), stripe_fake.event("refund.created", obj)) == 200
    with after_commit():  # Stripe's charge.refunded for the same refund changes nothing more
        charge = stripe_fake.charge_refunded(payment, 1234, [obj])
        assert deliver(Client(), charge) == 200

    refund = Refund.objects.get()
    assert (refund.stripe_id, refund.amount, refund.status) == ("re_dashboard_1", Decimal("12.34"), "succeeded")
    assert refund.fulfilment is None and refund.payment_id == payment.pk
    assert fresh(payment).amount_refunded == Decimal("12.34")
    assert refund_calls(fake_stripe) == []  # recorded, not sent again


def test_stripe_refusing_the_refund_fails_it_and_tells_staff(paid, fake_stripe, after_commit):
    payment = paid["payment"]
    fake_stripe.fail_with = (400, {"type": "invalid_request_error", "message": "Charge ch_test has been disputed."})

    refund = staff_refund(paid, after_commit)

    assert refund.status == RefundStatus.FAILED and "disputed" in refund.error
    assert refund.stripe_id is None
    assert logged(payment, Action.REFUND_FAILED) == 1 and logged(payment, Action.REFUNDED) == 0
    assert [m.to for m in mail.outbox] == [[STAFF]]
    assert SentMail.objects.filter(key__startswith=f"payment:{payment.pk}:refund_failed:{refund.pk}").exists()


def test_a_network_error_leaves_the_refund_pending_for_the_retry(paid, fake_stripe, after_commit):
    payment = paid["payment"]

    def unreachable(*args, **kwargs):
        raise stripe.APIConnectionError("Stripe cannot be reached")

    fake_stripe.request = unreachable
    refund = staff_refund(paid, after_commit)

    assert refund.status == RefundStatus.PENDING and refund.stripe_id is None and refund.error == ""
    assert logged(payment, Action.REFUND_FAILED) == 0 and logged(payment, Action.REFUNDED) == 0
    assert mail.outbox == []
    waiting = [m for m in OutboxMessage.objects.filter(task=SEND_REFUND) if m.args == [refund.pk]]
    assert [m.status for m in waiting] == [OutboxStatus.PENDING]  # the sweep sends it again, with the same key

    del fake_stripe.request  # Stripe is back
    from marketplace.payments.tasks import send_refund_task

    with after_commit():
        send_refund_task.apply(args=(refund.pk,))
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund_keys(fake_stripe) == [refund.key]
