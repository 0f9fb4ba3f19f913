"""The approval of a budget unit's order (订单审批): approve, reject with a reason, expire.

An order above the unit's approval threshold waits (``UnitOrder.approval_status`` pending, its
parts ``AWAITING_APPROVAL``, their stock allocated): no cooperative sees it. Only an approver of
the very unit the order was placed for decides — not a manager above, not platform staff. Each
decision locks the ``UnitOrder`` row first, so a double click decides once and a second
decision is refused. An order left pending after ``approval_expires_at`` is cancelled by
``orders_expire_unapproved`` (Celery beat), once.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbox import outbox_enqueue
from marketplace.fulfilment import services as fulfilment_services
from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus, FulfilmentStep
from marketplace.procurement import access
from marketplace.procurement.models import ApprovalStatus, PaymentMode, UnitOrder

REASON_MAX_LENGTH = 300


def _enqueue_email(unit_order_id: int, kind: str) -> None:
    """The decision's e-mail, recorded in the decision's transaction and sent after commit."""
    from marketplace.procurement.tasks_orders import send_unit_order_email_task

    outbox_enqueue(task=send_unit_order_email_task, args=(unit_order_id, kind))


def _locked(unit_order: UnitOrder) -> UnitOrder:
    return UnitOrder.objects.select_for_update(of=("self",)).select_related("unit", "order").get(pk=unit_order.pk)


def _require_approver(user, unit_order: UnitOrder) -> None:
    if not access.has_unit_role(user, unit_order.unit, "approver"):
        raise PermissionDenied(
            _("Only an approver of %(unit)s may approve or reject its orders.") % {"unit": unit_order.unit.name}
        )


def _require_pending(unit_order: UnitOrder) -> None:
    if unit_order.approval_status != ApprovalStatus.PENDING:
        raise ValidationError(
            _("This order has already been decided: “%(status)s”.")
            % {"status": unit_order.get_approval_status_display()},
            code="decided",
        )


def _waiting_parts(unit_order: UnitOrder) -> list[Fulfilment]:
    """The parts still waiting, locked: one the buyer cancels meanwhile is left out, not failed on."""
    return list(
        Fulfilment.objects.select_for_update(of=("self",))
        .filter(order_id=unit_order.order_id, status=FulfilmentStatus.AWAITING_APPROVAL)
        .order_by("pk")
    )


def release_step(unit_order: UnitOrder) -> str:
    """The step that releases an approved part: deliver-first parts can ship (APPROVE), pay-first
    parts wait for the money (APPROVE_FOR_PAYMENT)."""
    if unit_order.payment_mode == PaymentMode.PAY_FIRST:
        return FulfilmentStep.APPROVE_FOR_PAYMENT
    return FulfilmentStep.APPROVE


def order_approve(*, unit_order: UnitOrder, user) -> UnitOrder:
    """An approver of the order's unit approves it (审批通过).

    Side effects: each waiting part is released (``fulfilment.services.fulfilment_release``), its
    ship-by date counted ``ship_within_days`` from today; the cooperatives of parts that can ship
    are told of the order; the buyer is told of the decision (after commit).

    Refused: someone who is not an approver of that unit, or who placed the order (four eyes); an
    order already decided; an order whose approval time ran out — it is expired there and then,
    as the sweep would, and the approver told so.
    """
    now = timezone.now()
    with transaction.atomic():
        unit_order = _locked(unit_order)
        _require_approver(user, unit_order)
        _require_pending(unit_order)
        if unit_order.placed_by_id == user.pk:
            raise PermissionDenied(_("An order is approved by an approver other than the person who placed it."))
        ran_out = _ran_out(unit_order, now)
        if not ran_out:
            return _approve(unit_order, user=user)
    return _refuse_ran_out(unit_order, now)


def _approve(unit_order: UnitOrder, *, user) -> UnitOrder:
    """Release the waiting parts and record the decision (inside ``order_approve``'s transaction)."""
    step = release_step(unit_order)
    for fulfilment in _waiting_parts(unit_order):
        fulfilment_services.fulfilment_release(
            fulfilment=fulfilment, step=step, user=user, ship_within_days=unit_order.ship_within_days
        )
    unit_order.approval_status = ApprovalStatus.APPROVED
    unit_order.decided_by = user
    unit_order.decided_at = timezone.now()
    unit_order.save(update_fields=["approval_status", "decided_by", "decided_at"])
    _enqueue_email(unit_order.pk, "approved")
    return unit_order


def order_reject(*, unit_order: UnitOrder, user, reason: str) -> UnitOrder:
    """An approver of the order's unit rejects it with a reason (审批不通过).

    Side effects: each waiting part is cancelled through ``fulfilment.services.fulfilment_cancel``
    (its stock released, the placed total of the unit lowered); the buyer is told (after commit).
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        unit_order = _locked(unit_order)
        _require_approver(user, unit_order)
        if not reason:
            raise ValidationError({"reason": _("Say why the order is rejected.")})
        if len(reason) > REASON_MAX_LENGTH:
            raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
        _require_pending(unit_order)
        _cancel_parts(unit_order, user=user, reason=reason)
        unit_order.approval_status = ApprovalStatus.REJECTED
        unit_order.decided_by = user
        unit_order.decided_at = timezone.now()
        unit_order.rejection_reason = reason
        unit_order.save(update_fields=["approval_status", "decided_by", "decided_at", "rejection_reason"])
        _enqueue_email(unit_order.pk, "rejected")
    return unit_order


def _cancel_parts(unit_order: UnitOrder, *, user, reason: str) -> None:
    for fulfilment in _waiting_parts(unit_order):
        fulfilment_services.fulfilment_cancel(fulfilment=fulfilment, user=user, reason=reason, by_system=True)


def orders_expire_unapproved(*, now: datetime.datetime | None = None) -> int:
    """Cancel the orders still waiting for approval after ``approval_expires_at`` (审批超时).

    Each order is taken under its row lock and only while still pending, so a sweep that runs
    twice (or meets an approver's click) cancels it once. Side effects: as ``order_reject`` for
    each, status "expired", the buyer told. Returns how many expired.
    """
    now = now or timezone.now()
    due = UnitOrder.objects.filter(approval_status=ApprovalStatus.PENDING, approval_expires_at__lte=now)
    expired = 0
    for pk in list(due.values_list("pk", flat=True)):
        expired += _expire_one(pk, now)
    return expired


def _expire_one(pk: int, now: datetime.datetime) -> int:
    """Expire one order if it is still pending (under its row lock): 1 if it expired now, else 0."""
    with transaction.atomic():
        unit_order = (
            UnitOrder.objects.select_for_update(of=("self",))
            .filter(pk=pk, approval_status=ApprovalStatus.PENDING)
            .first()
        )
        if unit_order is None:
            return 0
        _cancel_parts(unit_order, user=None, reason=_("Not approved in time"))
        unit_order.approval_status = ApprovalStatus.EXPIRED
        unit_order.decided_at = now
        unit_order.save(update_fields=["approval_status", "decided_at"])
        _enqueue_email(unit_order.pk, "expired")
    return 1


def _ran_out(unit_order: UnitOrder, now: datetime.datetime) -> bool:
    return unit_order.approval_expires_at is not None and unit_order.approval_expires_at <= now


def _refuse_ran_out(unit_order: UnitOrder, now: datetime.datetime):
    """The approval time is over: expire the order now (as the sweep would) and say so."""
    _expire_one(unit_order.pk, now)
    raise ValidationError(
        _(
            "The time to approve this order ran out on %(when)s: it has been cancelled and its goods released. "
            "The buyer may order again."
        )
        % {"when": timezone.localtime(unit_order.approval_expires_at).strftime("%Y-%m-%d %H:%M")},
        code="expired",
    )
