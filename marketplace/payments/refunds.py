"""Refunds (退款) and what an order paid online does when one of its parts is cancelled or returned.

Kept apart from ``services`` so that ``fulfilment.services`` can call it inside its own steps
(``part_cancelled``, ``part_returned``) without an import cycle. Every function here runs inside
the caller's transaction with the payment row locked (``payment_lock_for_order`` first, before the
fulfilment's row: payment → fulfilment → order is the one lock order of the order pipeline).
A refund is a row written with the step; Stripe is called after the commit by a Celery task
(``tasks.send_refund_task``) with the refund's idempotency key, so a retry never refunds twice.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.templatetags.currency_filters import currency

from core.outbox import outbox_enqueue
from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus
from marketplace.payments.models import OnlinePayment, PaymentEvent, PaymentStatus, Refund, RefundStatus

ZERO = Decimal("0.00")
#: Refunds that took, or may still take, money back.
LIVE_REFUNDS = (RefundStatus.PENDING, RefundStatus.SUCCEEDED)


def log(payment: OnlinePayment, action: str, *, user=None, amount=None, note: str = "") -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment,
        action=action,
        actor=user if user is not None and user.is_authenticated else None,
        amount=amount,
        note=note[:1000],
    )


def payment_lock_for_order(order_id: int) -> OnlinePayment | None:
    """The order's online payment, its row locked until the transaction ends (None: paid otherwise)."""
    return (
        OnlinePayment.objects.select_for_update(of=("self",)).select_related("order").filter(order_id=order_id).first()
    )


def _refunded(payment: OnlinePayment, fulfilment: Fulfilment | None = None) -> Decimal:
    refunds = payment.refunds.filter(status__in=LIVE_REFUNDS)
    if fulfilment is not None:
        refunds = refunds.filter(fulfilment=fulfilment)
    return refunds.aggregate(total=Sum("amount"))["total"] or ZERO


def payment_refundable(payment: OnlinePayment) -> Decimal:
    """What can still be refunded: received, less the refunds made or under way — ours, and those made in
    Stripe's dashboard, recorded from their events. (Not Stripe's running total ``amount_refunded``: it
    keeps a refund that later failed, which could then never be made again; Stripe itself refuses a
    refund beyond what the charge has left.)"""
    return max(payment.amount_received - _refunded(payment), ZERO)


def part_refundable(payment: OnlinePayment, fulfilment: Fulfilment) -> Decimal:
    """What can still be refunded of one cooperative's part (its goods and shipping)."""
    return max(min(fulfilment.total - _refunded(payment, fulfilment), payment_refundable(payment)), ZERO)


def refund_open(
    *,
    payment: OnlinePayment,
    amount: Decimal,
    key: str,
    fulfilment: Fulfilment | None = None,
    user=None,
    reason: str = "",
    automatic: bool = False,
) -> Refund:
    """Record a refund of ``amount`` (yuan) and send it to Stripe after the commit.

    ``key`` is its idempotency key: asked again with the same key (a double click, a retried task,
    a duplicate event) the first refund is answered and nothing else happens. Refused
    (``ValidationError``): nothing received, an amount that is not above zero, or more than can
    still be refunded of the payment or of the part.
    """
    from marketplace.payments.tasks import send_refund_task

    existing = Refund.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        amount = Decimal(amount).quantize(Decimal("0.01"))
    except (TypeError, ArithmeticError, ValueError):
        raise ValidationError({"amount": _("Enter the amount to refund, in yuan.")}) from None
    if payment.amount_received <= 0:
        raise ValidationError(_("Nothing has been received for this order, so there is nothing to refund."))
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    limit = part_refundable(payment, fulfilment) if fulfilment is not None else payment_refundable(payment)
    if amount > limit:
        left = currency(limit, payment.currency.upper())
        raise ValidationError({"amount": _("At most %(amount)s can still be refunded.") % {"amount": left}})
    refund = Refund.objects.create(
        payment=payment,
        fulfilment=fulfilment,
        amount=amount,
        reason=(reason or "").strip()[:200],
        automatic=automatic,
        key=key,
        requested_by=user if user is not None and user.is_authenticated else None,
    )
    log(payment, PaymentEvent.Action.REFUND_REQUESTED, user=user, amount=amount, note=refund.reason)
    outbox_enqueue(task=send_refund_task, args=(refund.pk,))
    return refund


def refund_status_apply(refund: Refund, status: str, *, error: str = "") -> bool:
    """Move a pending refund to what Stripe reports (succeeded, failed, cancelled); True if it changed.

    Only forward: a refund that has ended stays as it ended, whatever arrives later.
    """
    from marketplace.payments.tasks import send_payment_email_task

    if refund.status != RefundStatus.PENDING or status not in RefundStatus.values or status == RefundStatus.PENDING:
        return False
    refund.status = status
    refund.error = error[:300]
    if status == RefundStatus.SUCCEEDED:
        refund.succeeded_at = timezone.now()
    refund.save()
    if status == RefundStatus.SUCCEEDED:
        log(refund.payment, PaymentEvent.Action.REFUNDED, amount=refund.amount, note=refund.reason)
        outbox_enqueue(task=send_payment_email_task, args=(refund.payment_id, "refunded", refund.pk))
    else:
        log(refund.payment, PaymentEvent.Action.REFUND_FAILED, amount=refund.amount, note=error or status)
        outbox_enqueue(task=send_payment_email_task, args=(refund.payment_id, "refund_failed", refund.pk))
    return True


def payment_cancel_unpaid(payment: OnlinePayment, *, action: str, user=None, note: str = "") -> None:
    """Close an unpaid payment (the order was cancelled, or not paid in time) and cancel its
    PaymentIntent at Stripe after the commit, so it cannot take money any more."""
    from marketplace.payments.tasks import cancel_intent_task

    payment.status = PaymentStatus.CANCELED
    payment.canceled_at = timezone.now()
    payment.save(update_fields=["status", "canceled_at", "updated"])
    log(payment, action, user=user, note=note)
    if payment.intent_id:
        outbox_enqueue(task=cancel_intent_task, args=(payment.pk,))


def part_cancelled(*, payment: OnlinePayment, fulfilment: Fulfilment, user=None, reason: str = "") -> None:
    """A part of an order paid online was cancelled before it shipped (``fulfilment.services.fulfilment_cancel``).

    Paid: that part's money goes back (one refund per part). Not paid yet, and nothing else of the
    order waits for payment: the payment is closed and its PaymentIntent cancelled.
    """
    if payment.status == PaymentStatus.SUCCEEDED:
        amount = part_refundable(payment, fulfilment)
        if amount > 0:
            refund_open(
                payment=payment,
                amount=amount,
                key=f"fulfilment-{fulfilment.pk}-cancelled",
                fulfilment=fulfilment,
                user=user,
                reason=reason or _("Part cancelled before shipping."),
                automatic=True,
            )
        return
    still_waiting = Fulfilment.objects.filter(
        order_id=payment.order_id, status=FulfilmentStatus.AWAITING_PAYMENT
    ).exists()
    if payment.is_open and not still_waiting:
        payment_cancel_unpaid(payment, action=PaymentEvent.Action.CANCELED, user=user, note=reason)


def part_returned(*, payment: OnlinePayment, fulfilment: Fulfilment, user=None, reason: str = "") -> None:
    """Goods of an order paid online came back (``fulfilment.services.fulfilment_return``): that part is refunded."""
    if payment.amount_received <= 0:
        return
    amount = part_refundable(payment, fulfilment)
    if amount > 0:
        refund_open(
            payment=payment,
            amount=amount,
            key=f"fulfilment-{fulfilment.pk}-returned",
            fulfilment=fulfilment,
            user=user,
            reason=reason or _("Goods returned."),
            automatic=True,
        )
