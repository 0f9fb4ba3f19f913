"""Writes of the order after placement: each fulfilment's steps, and settlement statements.

Every step is a named action: it locks the fulfilment row, checks who may take it and
that the fulfilment is in a state that allows it, changes stock where goods move, records
an event, brings the order's status along, and enqueues its e-mail after commit. A step
that is not allowed raises ``ValidationError`` (wrong state or bad input) or
``PermissionDenied`` (wrong person) and changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model
from oscar.templatetags.currency_filters import currency

from core.access import is_platform_staff
from core.outbox import outbox_enqueue
from marketplace.fulfilment import selectors
from marketplace.fulfilment.models import (
    FULFILMENT_TRANSITIONS,
    BuyerType,
    Fulfilment,
    FulfilmentEvent,
    FulfilmentStatus,
    FulfilmentStep,
    SettlementStatement,
    StatementLine,
    StatementStatus,
)
from marketplace.fulfilment.stock import lock_stock_records
from marketplace.payments import refunds as online_payments
from marketplace.procurement import counting, payments
from partners.access import may_act_for

Order = get_model("order", "Order")
Status = FulfilmentStatus
Step = FulfilmentStep
Action = FulfilmentEvent.Action


# --------------------------------------------------------------------------- helpers
def _enqueue_email(fulfilment_id: int, kind: str) -> None:
    """The step's e-mails, recorded in the step's transaction (the outbox) and sent after commit."""
    from marketplace.fulfilment.tasks import send_fulfilment_email_task

    outbox_enqueue(task=send_fulfilment_email_task, args=(fulfilment_id, kind))


def _locked(fulfilment: Fulfilment) -> Fulfilment:
    # Only the fulfilment's row: locking the joined cooperative row too would block (and
    # could deadlock with) a checkout inserting another order of that cooperative.
    return Fulfilment.objects.select_for_update(of=("self",)).select_related("order", "partner").get(pk=fulfilment.pk)


def _require_state(fulfilment: Fulfilment, step: str, message: str) -> str:
    """The status ``step`` leads to, if ``FULFILMENT_TRANSITIONS`` allows it from the fulfilment's status;
    otherwise ``ValidationError(message)`` (``message`` names the status)."""
    allowed, target = FULFILMENT_TRANSITIONS[step]
    if fulfilment.status not in allowed:
        raise ValidationError(message % {"status": fulfilment.get_status_display()}, code="invalid_state")
    return target


def _is_cooperative_user(user, fulfilment: Fulfilment) -> bool:
    return may_act_for(user, fulfilment.partner_id)


def _require_cooperative(user, fulfilment: Fulfilment) -> None:
    if not _is_cooperative_user(user, fulfilment):
        raise PermissionDenied(_("Only the cooperative that ships this fulfilment may do that."))


def _require_buyer(user, fulfilment: Fulfilment) -> None:
    """The order's buyer; for a budget unit's order, any buyer of the unit that placed it
    (the unit stays on the order when the person who placed it moves on)."""
    if not selectors.may_act_as_buyer(user, fulfilment):
        raise PermissionDenied(_("Only the buyer of this order may do that."))


def _require_staff(user) -> None:
    if not is_platform_staff(user):
        raise PermissionDenied(_("Only platform staff may do that."))


def _stock_records(fulfilment: Fulfilment) -> list[tuple]:
    """(stock record, quantity) of the fulfilment's lines, rows locked in primary-key order."""
    lines = list(selectors.fulfilment_lines(fulfilment).exclude(stockrecord=None))
    records = lock_stock_records(line.stockrecord_id for line in lines)
    return [(records[line.stockrecord_id], line.quantity) for line in sorted(lines, key=lambda x: x.stockrecord_id)]


def _record(fulfilment: Fulfilment, action: str, actor=None, note: str = "") -> None:
    """The step's audit event; a budget unit's totals follow the step in the same transaction."""
    FulfilmentEvent.objects.create(
        fulfilment=fulfilment, action=action, actor=actor if actor and actor.is_authenticated else None, note=note
    )
    if fulfilment.buyer_type == BuyerType.BUDGET_UNIT:
        counting.unit_totals_follow(fulfilment=fulfilment, action=action)


def _lock_order(order_id: int) -> None:
    """Hold the order's row until the transaction ends. ``FOR NO KEY UPDATE``: rows that
    refer to the order (its notes, payment events) can still be written meanwhile."""
    list(Order.objects.select_for_update(no_key=True).filter(pk=order_id).values_list("pk", flat=True))


def order_status_sync(*, order_id: int) -> str:
    """The order's status follows its fulfilments: placed → in progress → completed or cancelled.

    Call inside the step's transaction. The order row is locked before the statuses are read,
    so that two parts finishing at the same moment are counted one after the other: unlocked,
    each step saw the other part unfinished and left a completed order "in progress".
    """
    _lock_order(order_id)
    statuses = set(Fulfilment.objects.filter(order_id=order_id).values_list("status", flat=True))
    if not statuses:
        return ""
    if statuses == {Status.CANCELLED}:
        status = "cancelled"
    elif statuses <= {Status.ACCEPTED, Status.CANCELLED, Status.RETURNED}:
        status = "completed"
    elif statuses <= {Status.AWAITING_APPROVAL, Status.TO_SHIP, Status.AWAITING_PAYMENT, Status.CANCELLED}:
        status = "placed"
    else:
        status = "in_progress"
    Order.objects.filter(pk=order_id).exclude(status=status).update(status=status)
    return status


# --------------------------------------------------------------------------- placement
def fulfilments_create(
    *,
    order,
    shipments: list[selectors.Shipment],
    buyer_type: str,
    status: str,
    ship_within_days: int | None = None,
) -> list[Fulfilment]:
    """One fulfilment per cooperative of a just-placed order (call inside the placement transaction),
    each starting in ``status`` (the payment policy's, see ``checkout.payment``).

    ``ship_within_days`` (a budget unit's chosen latest ship date: 7, 15 or 30 days) replaces the
    shipping method's usual days.

    Side effects: an event per fulfilment; after commit, the order confirmation to the buyer and,
    for each part the cooperative may already see (``selectors.VISIBLE_TO_COOPERATIVE``), the
    new-order e-mail to it (a part waiting for approval or payment gets it when released).
    """
    now = timezone.now()
    created = []
    for shipment in shipments:
        fulfilment = Fulfilment.objects.create(
            order=order,
            partner=shipment.partner,
            status=status,
            buyer_type=buyer_type,
            goods_total=shipment.goods_total,
            shipping_method=shipment.method,
            shipping_cost=shipment.charge,
            cold_chain=shipment.cold_chain,
            ship_by=selectors.ship_by_date(shipment.method, now, days=ship_within_days),
            released=status in selectors.VISIBLE_TO_COOPERATIVE,
        )
        _record(fulfilment, Action.CREATED, order.user)
        if status in selectors.VISIBLE_TO_COOPERATIVE:
            _enqueue_email(fulfilment.pk, "new")
        created.append(fulfilment)
    if created:
        _enqueue_email(created[0].pk, "order_placed")
    return created


#: The steps that release a part held before shipping, and the event each records.
RELEASE_ACTIONS = {
    Step.APPROVE: Action.APPROVED,
    Step.APPROVE_FOR_PAYMENT: Action.APPROVED,
    Step.PAY: Action.PAID,
}


def fulfilment_release(*, fulfilment: Fulfilment, step: str, user, ship_within_days: int | None = None) -> Fulfilment:
    """Release a part held for the unit's approval or for payment (``RELEASE_ACTIONS``).

    Who may take the step is the caller's check (``procurement.services``: an approver, finance).
    A part that becomes shippable gets its ship-by date counted from now and the cooperative is
    told of the order (the e-mail it did not get while the part was held).
    """
    with transaction.atomic():
        fulfilment = _locked(fulfilment)
        target = _require_state(fulfilment, step, _("A fulfilment that is “%(status)s” cannot be released."))
        fulfilment.status = target
        fulfilment.released = target in selectors.VISIBLE_TO_COOPERATIVE
        if target == Status.TO_SHIP and ship_within_days:
            fulfilment.ship_by = timezone.localdate() + datetime.timedelta(days=ship_within_days)
        fulfilment.save()
        _record(fulfilment, RELEASE_ACTIONS[step], user)
        order_status_sync(order_id=fulfilment.order_id)
        if target in selectors.VISIBLE_TO_COOPERATIVE:
            _enqueue_email(fulfilment.pk, "new")
    return fulfilment


# --------------------------------------------------------------------------- cooperative steps
def fulfilment_ship(
    *,
    fulfilment: Fulfilment,
    user,
    carrier: str,
    tracking_number: str,
    shipping_method=None,
    compliance_certificate: str = "",
) -> Fulfilment:
    """The cooperative hands its part to a carrier (发货), with the batch's 承诺达标合格证 number if any.

    Side effects: stock leaves (allocation consumed), event, order status, e-mail to the buyer.
    """
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    with transaction.atomic():
        fulfilment = _locked(fulfilment)
        _require_cooperative(user, fulfilment)
        target = _require_state(fulfilment, Step.SHIP, _("A fulfilment that is “%(status)s” cannot be shipped."))
        errors = {}
        if not carrier:
            errors["carrier"] = _("Enter the carrier.")
        if not tracking_number:
            errors["tracking_number"] = _("Enter the tracking number.")
        method = shipping_method or fulfilment.shipping_method
        if fulfilment.cold_chain and not method.cold_chain:
            errors["shipping_method"] = _("Chilled and frozen products must ship by a cold-chain method.")
        if errors:
            raise ValidationError(errors)
        for record, quantity in _stock_records(fulfilment):
            record.consume_allocation(quantity)
        fulfilment.status = target
        fulfilment.carrier, fulfilment.tracking_number = carrier, tracking_number
        fulfilment.compliance_certificate = " ".join((compliance_certificate or "").split())[:64]
        fulfilment.shipping_method = method
        fulfilment.shipped_at = timezone.now()
        fulfilment.save()
        _record(fulfilment, Action.SHIPPED, user, f"{carrier} {tracking_number}")
        order_status_sync(order_id=fulfilment.order_id)
        _enqueue_email(fulfilment.pk, "shipped")
    return fulfilment


def fulfilment_mark_delivered(*, fulfilment: Fulfilment, user) -> Fulfilment:
    """The carrier reports delivery (已送达); the buyer's acceptance period starts.

    Side effects: event, order status, e-mail asking the buyer to accept.
    """
    with transaction.atomic():
        fulfilment = _locked(fulfilment)
        _require_cooperative(user, fulfilment)
        fulfilment.status = _require_state(
            fulfilment, Step.DELIVER, _("A fulfilment that is “%(status)s” cannot be marked delivered.")
        )
        fulfilment.delivered_at = timezone.now()
        fulfilment.save()
        _record(fulfilment, Action.DELIVERED, user)
        order_status_sync(order_id=fulfilment.order_id)
        _enqueue_email(fulfilment.pk, "delivered")
    return fulfilment


# --------------------------------------------------------------------------- buyer steps
def _accept(fulfilment: Fulfilment, *, user=None, automatic: bool = False) -> Fulfilment:
    fulfilment.status = FULFILMENT_TRANSITIONS[Step.AUTO_ACCEPT if automatic else Step.ACCEPT][1]
    fulfilment.accepted_at = timezone.now()
    fulfilment.delivered_at = fulfilment.delivered_at or fulfilment.accepted_at
    fulfilment.auto_accepted = automatic
    fulfilment.save()
    _record(fulfilment, Action.AUTO_ACCEPTED if automatic else Action.ACCEPTED, user)
    order_status_sync(order_id=fulfilment.order_id)
    _enqueue_email(fulfilment.pk, "accepted")
    return fulfilment


def fulfilment_accept(*, fulfilment: Fulfilment, user) -> Fulfilment:
    """The buyer inspects and accepts the goods (履约验收); the fulfilment counts for settlement.

    Side effects: event, order status, e-mail to the cooperative.
    """
    with transaction.atomic():
        fulfilment = _locked(fulfilment)
        _require_buyer(user, fulfilment)
        _require_state(fulfilment, Step.ACCEPT, _("A fulfilment that is “%(status)s” cannot be accepted."))
        return _accept(fulfilment, user=user)


def fulfilment_report_problem(*, fulfilment: Fulfilment, user, problem: str) -> Fulfilment:
    """The buyer found a problem on inspection (验收有问题): the part waits, is not accepted, and
    platform staff and the cooperative are told. The buyer can still accept it once put right;
    staff record a return if the goods go back.
    """
    problem = (problem or "").strip()
    with transaction.atomic():
        fulfilment = _locked(fulfilment)
        _require_buyer(user, fulfilment)
        target = _require_state(
            fulfilment, Step.REPORT_PROBLEM, _("A fulfilment that is “%(status)s” cannot have a problem reported.")
        )
        if not problem:
            raise ValidationError({"problem": _("Say what is wrong with the delivery.")})
        fulfilment.status = target
        fulfilment.delivered_at = fulfilment.delivered_at or timezone.now()
        fulfilment.reason = problem[:200]
        fulfilment.save()
        _record(fulfilment, Action.PROBLEM, user, fulfilment.reason)
        order_status_sync(order_id=fulfilment.order_id)
        _enqueue_email(fulfilment.pk, "problem")
    return fulfilment


def fulfilment_evaluate(*, fulfilment: Fulfilment, user, rating, comment: str = "") -> Fulfilment:
    """The buyer rates the cooperative's delivery (评价), once, after acceptance."""
    with transaction.atomic():
        fulfilment = _locked(fulfilment)
        _require_buyer(user, fulfilment)
        _require_state(
            fulfilment, Step.EVALUATE, _("Only an accepted fulfilment can be evaluated; this one is “%(status)s”.")
        )
        if fulfilment.evaluated_at:
            raise ValidationError(_("You have already evaluated this delivery."), code="evaluated")
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise ValidationError({"rating": _("Choose a rating from 1 to 5 stars.")})
        comment = (comment or "").strip()
        if len(comment) > 1000:
            raise ValidationError({"comment": _("Keep the comment under 1,000 characters.")})
        fulfilment.rating, fulfilment.comment, fulfilment.evaluated_at = rating, comment, timezone.now()
        fulfilment.save()
        _record(fulfilment, Action.EVALUATED, user, f"{rating}/5")
    return fulfilment


def _with_money_released(fulfilment: Fulfilment, note: str) -> str:
    """A budget unit's money matched to a part cancelled before it shipped goes back to its receipts
    (``procurement.payments.allocations_release``); the event's note says how much. (A returned part
    keeps its payment: it may have been settled with the cooperative, whose next statement deducts it.)"""
    if fulfilment.buyer_type != BuyerType.BUDGET_UNIT:
        return note
    released = payments.allocations_release(fulfilment=fulfilment)
    if not released:
        return note
    told = _("%(amount)s paid for it is back among the unit's unmatched receipts.") % {
        "amount": currency(released, "CNY")
    }
    return f"{note[: 199 - len(told)]} {told}".strip()


def fulfilment_cancel(
    *, fulfilment: Fulfilment, user, reason: str = "", by_system: bool = False, payment_hook: bool = True
) -> Fulfilment:
    """Cancel a fulfilment before it ships (取消): the buyer of the order or platform staff.

    ``by_system``: the caller has already decided who may cancel (``procurement.approvals``: the
    unit's approver rejects the order, or the approval time ran out; ``user`` may be ``None``) and
    tells the buyer of the whole order itself: a part the cooperative never saw sends no e-mail.

    Side effects: its allocated stock is released (once: only a not-yet-shipped fulfilment
    can be cancelled, under a row lock); a budget unit's money matched to it goes back to the
    unit's unmatched receipts; a part paid online is refunded, and an order paid online with
    nothing left to pay has its payment closed (``payments.refunds.part_cancelled``; not when
    ``payment_hook`` is False: ``payments.services``, which cancels parts itself, settles the money);
    event, order status, e-mails to both sides.
    """
    with transaction.atomic():
        online = online_payments.payment_lock_for_order(fulfilment.order_id) if payment_hook else None
        fulfilment = _locked(fulfilment)
        if not by_system and not is_platform_staff(user):
            _require_buyer(user, fulfilment)
        target = _require_state(
            fulfilment, Step.CANCEL, _("A fulfilment that is “%(status)s” can no longer be cancelled.")
        )
        was_visible = fulfilment.released and fulfilment.status in selectors.VISIBLE_TO_COOPERATIVE
        for record, quantity in _stock_records(fulfilment):
            record.cancel_allocation(quantity)
        fulfilment.status = target
        fulfilment.cancelled_at = timezone.now()
        fulfilment.reason = (reason or "").strip()[:200]
        fulfilment.save()
        _record(fulfilment, Action.CANCELLED, user, _with_money_released(fulfilment, fulfilment.reason))
        if online is not None:
            online_payments.part_cancelled(payment=online, fulfilment=fulfilment, user=user, reason=fulfilment.reason)
        order_status_sync(order_id=fulfilment.order_id)
        if was_visible or not by_system:
            _enqueue_email(fulfilment.pk, "cancelled" if was_visible else "withdrawn")
    return fulfilment


def fulfilment_return(*, fulfilment: Fulfilment, user, reason: str) -> Fulfilment:
    """Record that goods came back (退货), by platform staff after agreeing it with both sides.

    Side effects: the goods are back in stock (once: a returned fulfilment cannot be returned
    again), an accepted fulfilment's amount is deducted in the month's settlement, event, order
    status, e-mails to both sides. A budget unit's payment for it stays recorded against it: the
    settlement deducts it from the cooperative, and staff refund the unit. A part paid online is
    refunded (``payments.refunds.part_returned``); the refund, not the return, is then deducted.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        online = online_payments.payment_lock_for_order(fulfilment.order_id)
        fulfilment = _locked(fulfilment)
        _require_staff(user)
        target = _require_state(fulfilment, Step.RETURN, _("A fulfilment that is “%(status)s” cannot be returned."))
        if not reason:
            raise ValidationError({"reason": _("Say why the goods were returned.")})
        for record, quantity in _stock_records(fulfilment):
            record.restock(quantity)
        fulfilment.status = target
        fulfilment.returned_at = timezone.now()
        fulfilment.reason = reason[:200]
        fulfilment.save()
        _record(fulfilment, Action.RETURNED, user, fulfilment.reason)
        if online is not None:
            online_payments.part_returned(payment=online, fulfilment=fulfilment, user=user, reason=fulfilment.reason)
        order_status_sync(order_id=fulfilment.order_id)
        _enqueue_email(fulfilment.pk, "returned")
    return fulfilment


def fulfilments_auto_accept(*, now: datetime.datetime | None = None) -> int:
    """Accept what buyers left unaccepted (自动验收): delivered more than
    ``FULFILMENT_AUTO_ACCEPT_DAYS`` ago, or shipped and never marked delivered for twice that.
    A budget unit's part is never among them: the unit inspects and accepts it itself (履约验收).

    Side effects: as ``fulfilment_accept`` for each. Idempotent. Returns how many were accepted.
    """
    now = now or timezone.now()
    days = datetime.timedelta(days=settings.FULFILMENT_AUTO_ACCEPT_DAYS)
    due = (
        Fulfilment.objects.filter(
            Q(status=Status.DELIVERED, delivered_at__lte=now - days)
            | Q(status=Status.SHIPPED, shipped_at__lte=now - 2 * days)
        )
        .exclude(buyer_type=BuyerType.BUDGET_UNIT)
        .values_list("pk", flat=True)
    )
    accepted = 0
    for pk in list(due):
        with transaction.atomic():
            fulfilment = Fulfilment.objects.select_for_update().filter(pk=pk).first()
            if fulfilment and fulfilment.allows(Step.AUTO_ACCEPT):
                _accept(fulfilment, automatic=True)
                accepted += 1
    return accepted


# --------------------------------------------------------------------------- settlement
def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def statement_request(*, partner, period: datetime.date, user=None) -> SettlementStatement:
    """Ask for (or refresh) a cooperative's statement of one month; built by a Celery task.

    A paid statement is final and is not rebuilt. Side effect: the generation task, after commit.
    """
    from marketplace.fulfilment.tasks import generate_settlement_statement_task

    period = first_of_month(period)
    if period > first_of_month(timezone.localdate()):
        raise ValidationError({"period": _("A statement can only cover a month that has begun.")})
    with transaction.atomic():
        statement, _created = SettlementStatement.objects.select_for_update().get_or_create(
            partner=partner, period=period
        )
        if statement.status == StatementStatus.PAID:
            raise ValidationError(_("This statement has been paid and can no longer change."), code="paid")
        statement.status = StatementStatus.GENERATING
        statement.error = ""
        statement.save(update_fields=["status", "error"])
        outbox_enqueue(task=generate_settlement_statement_task, args=(statement.pk,))
    return statement


def statement_generate(*, statement_id: int) -> SettlementStatement | None:
    """Compute a statement's lines and totals and write its XLSX and PDF.

    Money follows the buyer's payment (``selectors.settlement_entries``): a budget unit's part counts
    in the month the unit's payment for it is fully received; its parts accepted and not yet paid are
    listed apart (``StatementLine.Kind.AWAITING``, ``awaiting_total``) and not included; parts paid
    online count when accepted, and their online refunds deduct (``StatementLine.Kind.REFUND``);
    parts paid by invoice after acceptance count when accepted, advanced by the platform
    (``advanced_total``).

    Idempotent: lines are rebuilt from the fulfilments each time; a paid statement is left alone.
    """
    from marketplace.fulfilment import documents

    with transaction.atomic():
        statement = (
            SettlementStatement.objects.select_for_update(of=("self",))
            .select_related("partner")
            .filter(pk=statement_id)
            .first()
        )
        if statement is None or statement.status == StatementStatus.PAID:
            return statement
        entries = selectors.settlement_entries(partner=statement.partner, period=statement.period)
        sales, returns, awaiting, refunded = entries.sales, entries.returns, entries.awaiting, entries.refunds
        statement.lines.all().delete()
        lines = (
            [
                StatementLine(
                    statement=statement,
                    fulfilment=fulfilment,
                    kind=StatementLine.Kind.SALE,
                    day=timezone.localtime(fulfilment.settled_at).date(),
                    goods=fulfilment.goods_total,
                    shipping=fulfilment.shipping_cost,
                    amount=fulfilment.total,
                )
                for fulfilment in sales
            ]
            + [
                StatementLine(
                    statement=statement,
                    fulfilment=fulfilment,
                    kind=StatementLine.Kind.RETURN,
                    day=timezone.localtime(fulfilment.returned_at).date(),
                    goods=-fulfilment.goods_total,
                    shipping=-fulfilment.shipping_cost,
                    amount=-fulfilment.total,
                )
                for fulfilment in returns
            ]
            + [
                StatementLine(
                    statement=statement,
                    fulfilment=fulfilment,
                    kind=StatementLine.Kind.AWAITING,
                    day=timezone.localtime(fulfilment.accepted_at).date(),
                    goods=fulfilment.goods_total,
                    shipping=fulfilment.shipping_cost,
                    amount=fulfilment.total,
                )
                for fulfilment in awaiting
            ]
            + [
                StatementLine(
                    statement=statement,
                    fulfilment=fulfilment,
                    kind=StatementLine.Kind.REFUND,
                    day=timezone.localtime(fulfilment.refunded_at).date(),
                    goods=-fulfilment.refunded,
                    shipping=Decimal("0.00"),
                    amount=-fulfilment.refunded,
                )
                for fulfilment in refunded
            ]
        )
        StatementLine.objects.bulk_create(lines)
        zero = Decimal("0.00")
        statement.sales_count = len(sales)
        statement.goods_total = sum((f.goods_total for f in sales), zero)
        statement.shipping_total = sum((f.shipping_cost for f in sales), zero)
        statement.returns_count = len(returns)
        statement.returns_total = sum((f.total for f in returns), zero)
        statement.refunds_count = len(refunded)
        statement.refunds_total = sum((f.refunded for f in refunded), zero)
        statement.amount_due = (
            statement.goods_total + statement.shipping_total - statement.returns_total - statement.refunds_total
        )
        statement.advanced_total = sum(
            (f.total for f in sales if f.buyer_type != BuyerType.BUDGET_UNIT and not getattr(f, "paid_online", False)),
            zero,
        )
        statement.awaiting_count = len(awaiting)
        statement.awaiting_total = sum((f.total for f in awaiting), zero)
        statement.generated_at = timezone.now()
        documents.write_statement_files(statement)
        statement.status = StatementStatus.READY
        statement.error = ""
        statement.save()
    return statement


def statement_mark_failed(*, statement_id: int, error: str) -> None:
    SettlementStatement.objects.filter(pk=statement_id).exclude(status=StatementStatus.PAID).update(
        status=StatementStatus.FAILED, error=error[:300]
    )


def statement_mark_paid(*, statement: SettlementStatement, user, reference: str) -> SettlementStatement:
    """Platform staff record that the cooperative has been paid (结算付款). Final."""
    _require_staff(user)
    reference = (reference or "").strip()
    with transaction.atomic():
        statement = SettlementStatement.objects.select_for_update().get(pk=statement.pk)
        if statement.status != StatementStatus.READY:
            raise ValidationError(
                _("Only a ready statement can be marked paid; this one is “%(status)s”.")
                % {"status": statement.get_status_display()}
            )
        if not reference:
            raise ValidationError({"reference": _("Enter the bank transfer reference.")})
        statement.status = StatementStatus.PAID
        statement.paid_at = timezone.now()
        statement.paid_by = user
        statement.payment_reference = reference[:64]
        statement.save()
    return statement


def statements_request_month(*, period: datetime.date) -> int:
    """Request the month's statement for every cooperative with sales or returns in it."""
    count = 0
    for partner in selectors.partners_with_sales(period):
        existing = SettlementStatement.objects.filter(partner=partner, period=first_of_month(period)).first()
        if existing and existing.status == StatementStatus.PAID:
            continue
        statement_request(partner=partner, period=period)
        count += 1
    return count
