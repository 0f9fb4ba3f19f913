"""Settlement statements (结算单) of parts paid online: counted when accepted, not advanced by the
platform; online refunds deduct in the month of the refund (or of the acceptance, if earlier)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from marketplace.fulfilment import services
from marketplace.fulfilment.models import Fulfilment, SettlementStatement, StatementLine, StatementStatus
from marketplace.payments import services as payment_services
from marketplace.payments.models import OnlinePayment, PaymentStatus, Refund, RefundStatus
from tests.fulfilment.builders import accept, part, place_order, ship, staff_user
from tests.fulfilment.helpers import buyer
from tests.payments import stripe_fake
from tests.payments.helpers import deliver, fresh, online_order

pytestmark = pytest.mark.django_db
MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
FORM_TOKEN = "0123456789abcdef0123456789abcdef"  # the staff form's one-time token
SALE, RETURN, REFUND = StatementLine.Kind.SALE, StatementLine.Kind.RETURN, StatementLine.Kind.REFUND


def utc(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def prepare(after_commit):
    """Request a cooperative's statement of a month and build it as the worker does."""

    def prepare(partner, period) -> SettlementStatement:
        with after_commit():
            statement = services.statement_request(partner=partner, period=period)
        statement.refresh_from_db()
        assert statement.status == StatementStatus.READY, statement.error
        return statement

    return prepare


@pytest.fixture
def paid(fake_stripe, after_commit):
    """An order of pork (A: 2 × 88, free shipping) and mango (B) paid online by the webhook."""
    world, user, order, payment = online_order()
    with after_commit():
        assert deliver(Client(), stripe_fake.succeeded(payment)) == 200
    assert fresh(payment).status == PaymentStatus.SUCCEEDED
    return {**world, "user": user, "order": order, "payment": fresh(payment), "staff": staff_user()}


def accepted_in(fulfilment: Fulfilment, cooperative_user, customer, when: str) -> Fulfilment:
    """Ship and accept a part now, then date its acceptance ``when`` (UTC)."""
    accept(ship(fulfilment, cooperative_user), customer)
    Fulfilment.objects.filter(pk=fulfilment.pk).update(accepted_at=utc(when), delivered_at=utc(when))
    return Fulfilment.objects.get(pk=fulfilment.pk)


def refunded_on(refund: Refund, when: str) -> Refund:
    assert refund.status == RefundStatus.SUCCEEDED
    Refund.objects.filter(pk=refund.pk).update(succeeded_at=utc(when))
    return Refund.objects.get(pk=refund.pk)


def staff_refund(paid, fulfilment, amount, after_commit) -> Refund:
    with after_commit():
        (refund,) = payment_services.staff_refund(
            payment=paid["payment"],
            user=paid["staff"],
            token=FORM_TOKEN,
            amount=Decimal(amount),
            fulfilment=fulfilment,
            reason="部分损坏",
        )
    return Refund.objects.get(pk=refund.pk)


def kinds(statement) -> list[tuple]:
    return sorted((line.fulfilment_id, line.kind, line.amount) for line in statement.lines.all())


def test_a_part_paid_online_counts_when_accepted_and_is_not_advanced(paid, prepare):
    pork = accepted_in(part(paid["order"], paid["a"]), paid["a_user"], paid["user"], "2026-03-05 03:00")

    march = prepare(paid["a"], MARCH)

    assert kinds(march) == [(pork.pk, SALE, pork.total)] and pork.total == Decimal("176.00")
    assert march.sales_count == 1 and march.amount_due == Decimal("176.00")
    assert march.advanced_total == Decimal("0.00")  # the buyer paid it, the platform advances nothing
    assert march.refunds_count == 0 and march.refunds_total == Decimal("0.00")
    assert kinds(prepare(paid["a"], APRIL)) == []


def test_an_unpaid_online_order_never_appears(fake_stripe, prepare, after_commit):
    world, user, order, payment = online_order()
    _world, _user, expired, expired_payment = online_order(world=world, browser_user=buyer(email="late@example.hk"))
    with after_commit():
        assert payment_services.unpaid_orders_expire(now=fresh(expired_payment).expires_at) >= 1
    assert fresh(expired_payment).status == PaymentStatus.CANCELED
    # placed (and cancelled) this month: its statement has no line of either order
    this_month = datetime.date.today().replace(day=1)
    Fulfilment.objects.filter(order__in=[order, expired]).update(created=utc("2026-03-02 03:00"))

    for period in (MARCH, this_month):
        statement = prepare(world["a"], period)
        assert kinds(statement) == [] and statement.amount_due == Decimal("0.00")
        assert statement.advanced_total == Decimal("0.00")


def test_an_invoice_after_acceptance_part_counts_and_is_advanced(settings, paid, prepare):
    """Online payment switched off later: a consumer's order pays by invoice and the platform advances it."""
    pork_online = accepted_in(part(paid["order"], paid["a"]), paid["a_user"], paid["user"], "2026-03-05 03:00")
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    customer = buyer(email="invoice@example.hk")
    order = place_order(customer, [(paid["pork"], 1)])
    assert not OnlinePayment.objects.filter(order=order).exists()
    pork_invoice = accepted_in(part(order, paid["a"]), paid["a_user"], customer, "2026-03-20 03:00")

    march = prepare(paid["a"], MARCH)

    assert kinds(march) == sorted(
        [(pork_online.pk, SALE, Decimal("176.00")), (pork_invoice.pk, SALE, Decimal("98.00"))]
    )
    assert march.amount_due == Decimal("274.00")
    assert march.advanced_total == Decimal("98.00")  # only the invoice part


def test_a_refund_after_the_part_was_settled_deducts_in_the_refunds_month(paid, prepare, after_commit):
    pork = accepted_in(part(paid["order"], paid["a"]), paid["a_user"], paid["user"], "2026-03-05 03:00")
    march = prepare(paid["a"], MARCH)
    services.statement_mark_paid(statement=march, user=paid["staff"], reference="BANK-2026-0401")

    refund = refunded_on(staff_refund(paid, pork, "50.00", after_commit), "2026-04-10 03:00")

    april = prepare(paid["a"], APRIL)
    assert kinds(april) == [(pork.pk, REFUND, Decimal("-50.00"))]
    line = april.lines.get()
    assert line.day == datetime.date(2026, 4, 10) and line.goods == Decimal("-50.00")
    assert april.refunds_count == 1 and april.refunds_total == Decimal("50.00")
    assert april.amount_due == Decimal("-50.00") and april.sales_count == 0
    # March stays as it was paid
    with pytest.raises(ValidationError):
        services.statement_request(partner=paid["a"], period=MARCH)
    march.refresh_from_db()
    assert march.amount_due == Decimal("176.00") and kinds(march) == [(pork.pk, SALE, Decimal("176.00"))]
    assert refund.fulfilment_id == pork.pk


def test_a_return_of_a_part_paid_online_deducts_only_its_refund(paid, prepare, after_commit):
    pork = accepted_in(part(paid["order"], paid["a"]), paid["a_user"], paid["user"], "2026-03-05 03:00")
    with after_commit():
        services.fulfilment_return(fulfilment=pork, user=paid["staff"], reason="质量问题")
    Fulfilment.objects.filter(pk=pork.pk).update(returned_at=utc("2026-03-20 03:00"))
    refunded_on(Refund.objects.get(fulfilment=pork), "2026-03-20 03:00")

    march = prepare(paid["a"], MARCH)

    assert kinds(march) == sorted([(pork.pk, SALE, Decimal("176.00")), (pork.pk, REFUND, Decimal("-176.00"))])
    assert not march.lines.filter(kind=RETURN).exists() and march.returns_total == Decimal("0.00")
    assert march.refunds_total == Decimal("176.00")
    assert march.amount_due == Decimal("0.00")  # not −176: the goods are deducted once


def test_a_refund_before_acceptance_deducts_in_the_acceptance_month(paid, prepare, after_commit):
    pork = part(paid["order"], paid["a"])
    refunded_on(staff_refund(paid, pork, "20.00", after_commit), "2026-03-03 03:00")
    pork = accepted_in(pork, paid["a_user"], paid["user"], "2026-04-05 03:00")

    march = prepare(paid["a"], MARCH)
    april = prepare(paid["a"], APRIL)

    assert kinds(march) == [] and march.amount_due == Decimal("0.00")
    assert kinds(april) == sorted([(pork.pk, SALE, Decimal("176.00")), (pork.pk, REFUND, Decimal("-20.00"))])
    assert april.lines.get(kind=REFUND).day == datetime.date(2026, 4, 5)
    assert april.amount_due == Decimal("156.00") and april.refunds_total == Decimal("20.00")


def test_a_refund_not_yet_succeeded_deducts_nothing(paid, fake_stripe, prepare, after_commit):
    pork = accepted_in(part(paid["order"], paid["a"]), paid["a_user"], paid["user"], "2026-03-05 03:00")
    fake_stripe.refund_status = "pending"
    refund = staff_refund(paid, pork, "30.00", after_commit)
    assert refund.status == RefundStatus.PENDING
    Refund.objects.filter(pk=refund.pk).update(created=utc("2026-03-10 03:00"))

    march = prepare(paid["a"], MARCH)

    assert kinds(march) == [(pork.pk, SALE, Decimal("176.00"))] and march.amount_due == Decimal("176.00")
