"""Online payment's writes: opening a payment with the order, the PaymentIntent, the webhook's
events, the unpaid-order sweep and the refunds staff ask for.

The order is placed first (stock allocated, every part awaiting payment, invisible to the
cooperatives), then paid: Oscar's checkout takes payment before it places the order; here the
order must exist so that a webhook arriving before the buyer's browser finds it.

Only ``event_apply`` — a verified webhook event, applied by a Celery task under the payment's
row lock — marks an order paid. Events may arrive twice, late or in any order: each handler
moves the payment forward only (paid is never undone by a late failure; refunds and disputes
keep the furthest state Stripe reported), so every arrival order ends in the same state.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from core.access import is_platform_staff
from core.outbox import outbox_enqueue
from marketplace.fulfilment import services as fulfilment_services
from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus, FulfilmentStep
from marketplace.fulfilment.stock import lock_stock_records
from marketplace.payments import gateway, refunds
from marketplace.payments.models import (
    OnlinePayment,
    PaymentEvent,
    PaymentFlag,
    PaymentStatus,
    Refund,
    RefundStatus,
    StripeEvent,
)

logger = logging.getLogger(__name__)
Line = get_model("order", "Line")
Action = PaymentEvent.Action
ZERO = Decimal("0.00")


def _locked(payment_id: int) -> OnlinePayment:
    return OnlinePayment.objects.select_for_update(of=("self",)).select_related("order").get(pk=payment_id)


def _email(payment: OnlinePayment, kind: str, *args) -> None:
    from marketplace.payments.tasks import send_payment_email_task

    outbox_enqueue(task=send_payment_email_task, args=(payment.pk, kind, *args))


# --------------------------------------------------------------------------- placement and paying
def payment_open(*, order) -> OnlinePayment:
    """The payment of an order just placed to be paid online (inside the placement's transaction).

    Nothing is sent to Stripe yet: the PaymentIntent is created when the buyer opens the payment page.
    """
    payment = OnlinePayment.objects.create(
        order=order,
        amount=order.total_incl_tax,
        currency=settings.STRIPE_CURRENCY,
        expires_at=timezone.now() + datetime.timedelta(minutes=settings.STRIPE_UNPAID_TIMEOUT_MINUTES),
    )
    refunds.log(payment, Action.OPENED, user=order.user, amount=payment.amount)
    return payment


def unpaid_orders_limit_check(*, user=None, guest_email: str = "", session_orders=()) -> None:
    """Refuse (``UnableToPlaceOrder``) another order to be paid online while the buyer already has
    ``STRIPE_MAX_UNPAID_ORDERS`` waiting for payment: each holds its stock until paid or expired, and
    nobody should be able to hold a cooperative's whole stock with orders they never pay. Counted by
    account, by a guest's e-mail address and by the browser session's own orders."""
    from oscar.apps.order.exceptions import UnableToPlaceOrder

    waiting = OnlinePayment.objects.filter(
        status__in=(PaymentStatus.REQUIRES_PAYMENT, PaymentStatus.PROCESSING), flag=""
    )
    mine = Q(order_id__in=list(session_orders)[-20:])
    if user is not None and user.is_authenticated:
        mine |= Q(order__user=user)
    elif guest_email:
        mine |= Q(order__guest_email__iexact=guest_email)
    count = waiting.filter(mine).count()
    if count >= settings.STRIPE_MAX_UNPAID_ORDERS:
        raise UnableToPlaceOrder(
            _(
                "You have %(count)s orders waiting for payment. Pay or cancel one of them (My orders) "
                "before placing another."
            )
            % {"count": count}
        )


def intent_ensure(*, payment: OnlinePayment) -> OnlinePayment:
    """The payment with its PaymentIntent, created once (idempotency key of the payment: two tabs,
    a reload or a double click get the same intent). A payment no longer open gets none."""
    if payment.intent_id or not payment.is_open:
        return payment
    suffix = f"-{payment.intent_attempts}" if payment.intent_attempts else ""
    try:
        intent = gateway.intent_create(
            amount=payment.amount,
            currency=payment.currency,
            order_number=payment.order.number,
            payment_id=payment.pk,
            key=f"payment-{payment.pk}-intent{suffix}",
        )
    except gateway.stripe.APIError:
        # Stripe would answer the same key with the same 5xx for a day: the next attempt uses another key
        # (still one PaymentIntent: the first one stored wins, under the row lock below).
        OnlinePayment.objects.filter(pk=payment.pk).update(intent_attempts=F("intent_attempts") + 1)
        raise
    with transaction.atomic():
        payment = _locked(payment.pk)
        if not payment.intent_id:
            payment.intent_id = intent["id"]
            payment.client_secret = intent.get("client_secret") or ""
            payment.save(update_fields=["intent_id", "client_secret", "updated"])
            if not payment.is_open:  # closed while the intent was being created: it must not take money
                from marketplace.payments.tasks import cancel_intent_task

                outbox_enqueue(task=cancel_intent_task, args=(payment.pk,))
    return payment


def unpaid_orders_expire(*, now: datetime.datetime | None = None) -> int:
    """Cancel orders not paid by their time (``STRIPE_UNPAID_TIMEOUT_MINUTES``): stock released,
    PaymentIntent cancelled, buyer told. A payment still processing gets a day more; one flagged
    for staff waits for them. Exactly once per order (row lock, then the status is checked again);
    a success arriving later is refunded (``_intent_succeeded``). Returns how many were cancelled.
    """
    now = now or timezone.now()
    processing_grace = datetime.timedelta(days=1)
    unapplied = StripeEvent.objects.filter(payment=OuterRef("pk"), processed_at__isnull=True)
    due = (
        OnlinePayment.objects.filter(
            Q(status=PaymentStatus.REQUIRES_PAYMENT, expires_at__lte=now)
            | Q(status=PaymentStatus.PROCESSING, expires_at__lte=now - processing_grace),
            flag="",
        )
        # an event of the payment not yet applied may be its success: it goes first
        .exclude(Exists(unapplied))
        .values_list("pk", flat=True)
    )
    cancelled = 0
    for pk in list(due):
        with transaction.atomic():
            payment = _locked(pk)
            if not payment.is_open or payment.expires_at > now:
                continue
            if payment.stripe_events.filter(processed_at=None).exists():
                continue
            if payment.status == PaymentStatus.PROCESSING and payment.expires_at > now - processing_grace:
                continue
            refunds.payment_cancel_unpaid(payment, action=Action.EXPIRED)
            _cancel_waiting_parts(payment, _("Not paid in time."))
            _email(payment, "expired")
            cancelled += 1
    return cancelled


def _lock_order_stock(payment: OnlinePayment) -> None:
    """Lock every stock row of the order at once, in primary-key order, before its parts change stock
    one by one: a checkout takes the same rows in that order, so neither can hold one the other waits for."""
    lock_stock_records(Line.objects.filter(order_id=payment.order_id).values_list("stockrecord_id", flat=True))


def _cancel_waiting_parts(payment: OnlinePayment, reason: str) -> list[Fulfilment]:
    """Cancel the order's parts still awaiting payment (stock released); the payment's own state is the caller's."""
    _lock_order_stock(payment)
    parts = list(
        Fulfilment.objects.filter(order_id=payment.order_id, status=FulfilmentStatus.AWAITING_PAYMENT).order_by("pk")
    )
    for part in parts:
        fulfilment_services.fulfilment_cancel(
            fulfilment=part, user=None, reason=reason, by_system=True, payment_hook=False
        )
    return parts


# --------------------------------------------------------------------------- webhook events
def event_receive(*, event: dict) -> bool:
    """Store a verified event once under its id and queue it for ``event_apply``; False if it was
    already stored (a retry or a replay of the same event changes nothing)."""
    from marketplace.payments.tasks import apply_stripe_event_task

    obj = (event.get("data") or {}).get("object") or {}
    intent_id = _intent_id_of(obj)
    payment = OnlinePayment.objects.filter(intent_id=intent_id).first() if intent_id else None
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                event_id=event["id"][:255], type=event["type"][:64], payload=event, payment=payment
            )
            outbox_enqueue(task=apply_stripe_event_task, args=(stored.pk,))
    except IntegrityError:
        return False
    return True


def _intent_id_of(obj: dict) -> str:
    if obj.get("object") == "payment_intent":
        return obj.get("id") or ""
    intent = obj.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    return intent or ""


def event_apply(*, event_id: int) -> str:
    """Apply one stored event to its payment, once, under the payment's row lock; the outcome, for staff.

    Events of another Stripe account, of a PaymentIntent that is not one of ours, or whose order
    number does not match the payment's change nothing and are kept with the reason.
    """
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.processed_at:
            return event.outcome if event else "unknown event"
        payload = event.payload
        obj = (payload.get("data") or {}).get("object") or {}
        handler = HANDLERS.get(event.type)
        payment = None
        if handler is None:
            outcome = "not an event the platform acts on"
        elif payload.get("account"):
            outcome = "event of another Stripe account: ignored"
        else:
            intent_id = _intent_id_of(obj)
            payment = (
                OnlinePayment.objects.select_for_update(of=("self",))
                .select_related("order")
                .filter(intent_id=intent_id)
                .first()
                if intent_id
                else None
            )
            number = (obj.get("metadata") or {}).get("order_number") if obj.get("object") == "payment_intent" else None
            if payment is None:
                outcome = "no payment of this platform has this PaymentIntent: ignored"
            elif number and number != payment.order.number:
                outcome = "the PaymentIntent names another order: ignored"
                refunds.log(payment, Action.IGNORED, note=f"{event.event_id}: {outcome}")
            else:
                outcome = handler(payment, obj)
        event.payment = payment
        event.processed_at = timezone.now()
        event.outcome = outcome[:300]
        event.save(update_fields=["payment", "processed_at", "outcome"])
    return outcome


def _payment_method(obj: dict) -> str:
    charge = obj.get("latest_charge")
    if isinstance(charge, dict):
        kind = (charge.get("payment_method_details") or {}).get("type")
        if kind:
            return kind
    types = obj.get("payment_method_types") or []
    return types[0] if len(types) == 1 else ""


def _intent_succeeded(payment: OnlinePayment, obj: dict) -> str:
    """Paid: each part awaiting payment goes to its cooperative — unless it cannot be fulfilled any
    more (cancelled meanwhile, not paid in time, its cooperative suspended): then exactly one
    automatic refund of those parts, and the buyer is told."""
    if payment.status == PaymentStatus.SUCCEEDED or payment.flag == PaymentFlag.MISMATCH:
        return "already applied"
    received = gateway.from_minor(obj.get("amount_received"))
    paid_currency = (obj.get("currency") or "").lower()
    if paid_currency != payment.currency or received != payment.amount:
        payment.flag = PaymentFlag.MISMATCH
        payment.flag_note = f"{received} {paid_currency.upper()} ≠ {payment.amount} {payment.currency.upper()}"
        payment.amount_received = received if paid_currency == payment.currency else ZERO
        payment.save()
        refunds.log(payment, Action.MISMATCH, amount=received, note=payment.flag_note)
        _email(payment, "staff_mismatch")
        return "amount or currency does not match the order: flagged for staff"
    payment.status = PaymentStatus.SUCCEEDED
    payment.amount_received = received
    payment.paid_at = timezone.now()
    payment.method = _payment_method(obj)[:32]
    payment.last_error = ""
    payment.save()
    refunds.log(payment, Action.SUCCEEDED, amount=received, note=payment.method)

    _lock_order_stock(payment)
    parts = list(Fulfilment.objects.filter(order_id=payment.order_id).select_related("partner").order_by("pk"))
    unfulfillable = []
    for part in parts:
        if part.status == FulfilmentStatus.AWAITING_PAYMENT and part.partner.is_active:
            fulfilment_services.fulfilment_release(fulfilment=part, step=FulfilmentStep.PAY, user=None)
        elif part.status == FulfilmentStatus.AWAITING_PAYMENT:
            fulfilment_services.fulfilment_cancel(
                fulfilment=part,
                user=None,
                reason=_("The cooperative was suspended before the payment arrived."),
                by_system=True,
                payment_hook=False,
            )
            unfulfillable.append(part)
        elif part.status == FulfilmentStatus.CANCELLED:
            unfulfillable.append(part)
    if not unfulfillable:
        _email(payment, "paid")
        return "paid"
    reason = _("Paid after the order could no longer be fulfilled: refunded automatically.")
    if len(unfulfillable) == len(parts):
        # Nothing of the order goes ahead: one refund of all that was received.
        owed = [(None, refunds.payment_refundable(payment), f"payment-{payment.pk}-unfulfillable")]
    else:
        # Some parts go ahead: each part that cannot is refunded as itself, so that a later refund of the
        # others and each cooperative's statement count the right part.
        owed = [
            (part, refunds.part_refundable(payment, part), f"payment-{payment.pk}-unfulfillable-{part.pk}")
            for part in unfulfillable
        ]
    for part, amount, key in owed:
        if amount > 0:  # refunded already, e.g. in Stripe's dashboard before this event arrived
            refunds.refund_open(payment=payment, amount=amount, key=key, fulfilment=part, reason=reason, automatic=True)
    _email(payment, "unfulfillable")
    return "paid, but could not be fulfilled: refunded"


def _intent_processing(payment: OnlinePayment, obj: dict) -> str:
    if payment.status != PaymentStatus.REQUIRES_PAYMENT:
        return "no change"
    payment.status = PaymentStatus.PROCESSING
    payment.save(update_fields=["status", "updated"])
    refunds.log(payment, Action.PROCESSING)
    return "processing"


def _intent_failed(payment: OnlinePayment, obj: dict) -> str:
    """An attempt failed (card declined, Alipay or WeChat Pay abandoned): the PaymentIntent stays
    open and the buyer may try again until the order's time runs out. Never undoes a success."""
    error = obj.get("last_payment_error") or {}
    message = (error.get("message") or error.get("code") or "")[:300]
    refunds.log(payment, Action.ATTEMPT_FAILED, note=message)
    if payment.status not in (PaymentStatus.REQUIRES_PAYMENT, PaymentStatus.PROCESSING):
        return "attempt failed after the payment ended: recorded"
    payment.status = PaymentStatus.REQUIRES_PAYMENT
    payment.last_error = message
    payment.save(update_fields=["status", "last_error", "updated"])
    return "attempt failed: the buyer may try again"


def _intent_canceled(payment: OnlinePayment, obj: dict) -> str:
    """The PaymentIntent was cancelled (by us after the time ran out, or in Stripe's dashboard):
    an order still unpaid is cancelled and its stock released, once."""
    if not payment.is_open:
        return "no change"
    refunds.payment_cancel_unpaid(payment, action=Action.CANCELED, note=obj.get("cancellation_reason") or "")
    _cancel_waiting_parts(payment, _("The payment was cancelled."))
    _email(payment, "expired")
    return "cancelled unpaid"


def _refund_object(payment: OnlinePayment, obj: dict) -> bool:
    """Bring our refund row up to date with a Stripe refund object (one made in Stripe's dashboard
    is recorded); True if anything changed."""
    stripe_id = obj.get("id") or ""
    key = (obj.get("metadata") or {}).get("refund_key") or ""
    refund = None
    if stripe_id:
        refund = Refund.objects.select_for_update().filter(stripe_id=stripe_id).first()
    if refund is None and key:
        refund = Refund.objects.select_for_update().filter(key=key, payment=payment).first()
    changed = False
    if refund is None:
        amount = gateway.from_minor(obj.get("amount"))
        if not stripe_id or amount <= 0:
            return False
        # Tied to the order's one part still going ahead, if there is exactly one, so that its
        # cooperative's statement deducts it; otherwise staff see it untied on the payment page.
        live = list(
            Fulfilment.objects.filter(order_id=payment.order_id)
            .exclude(status__in=(FulfilmentStatus.CANCELLED, FulfilmentStatus.AWAITING_PAYMENT))
            .values_list("pk", flat=True)[:2]
        )
        refund = Refund.objects.create(
            payment=payment,
            fulfilment_id=live[0] if len(live) == 1 else None,
            amount=amount,
            key=f"stripe-{stripe_id}"[:80],
            stripe_id=stripe_id,
            reason=_("Refunded in Stripe's dashboard."),
        )
        refunds.log(payment, Action.REFUND_REQUESTED, amount=amount, note=refund.reason)
        changed = True
    elif not refund.stripe_id and stripe_id:
        refund.stripe_id = stripe_id
        refund.save(update_fields=["stripe_id"])
    error = obj.get("failure_reason") or ""
    return refunds.refund_status_apply(refund, obj.get("status") or "", error=error) or changed


def _refund_updated(payment: OnlinePayment, obj: dict) -> str:
    return "refund updated" if _refund_object(payment, obj) else "no change"


def _charge_refunded(payment: OnlinePayment, obj: dict) -> str:
    reported = gateway.from_minor(obj.get("amount_refunded"))
    changed = False
    if reported > payment.amount_refunded:
        payment.amount_refunded = reported
        payment.save(update_fields=["amount_refunded", "updated"])
        changed = True
    for item in (obj.get("refunds") or {}).get("data") or []:
        changed = _refund_object(payment, item) or changed
    return "refunds updated" if changed else "no change"


#: How far a dispute has gone: a status never moves back to a lower rank.
DISPUTE_RANK = {
    "warning_needs_response": 1,
    "needs_response": 1,
    "warning_under_review": 2,
    "under_review": 2,
    "warning_closed": 3,
    "won": 3,
    "lost": 3,
    "prevented": 3,
}


def _dispute(payment: OnlinePayment, obj: dict) -> str:
    """A bank dispute (chargeback) of the payment: flagged for staff, who are told once."""
    status = (obj.get("status") or "")[:32]
    rank = (DISPUTE_RANK.get(status, 0), status)
    current = (DISPUTE_RANK.get(payment.dispute_status, 0), payment.dispute_status)
    if rank <= current:
        return "no change"
    payment.dispute_status = status
    if not payment.flag:
        payment.flag = PaymentFlag.DISPUTE
        payment.flag_note = _("The buyer's bank disputes %(amount)s.") % {
            "amount": gateway.from_minor(obj.get("amount"))
        }
    payment.save(update_fields=["dispute_status", "flag", "flag_note", "updated"])
    refunds.log(payment, Action.DISPUTE, amount=gateway.from_minor(obj.get("amount")), note=status)
    _email(payment, "staff_dispute", obj.get("id") or "")
    return f"dispute {status}"


HANDLERS = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.processing": _intent_processing,
    "payment_intent.payment_failed": _intent_failed,
    "payment_intent.canceled": _intent_canceled,
    "charge.refunded": _charge_refunded,
    "charge.refund.updated": _refund_updated,
    "refund.created": _refund_updated,
    "refund.updated": _refund_updated,
    "refund.failed": _refund_updated,
    "charge.dispute.created": _dispute,
    "charge.dispute.updated": _dispute,
    "charge.dispute.closed": _dispute,
}


def stale_work_retry(*, now: datetime.datetime | None = None) -> dict:
    """What the webhook and refunds left undone: events stored but not applied a few minutes after they
    arrived (the task failed: a deadlock, a lost connection) are applied now; refunds recorded an hour ago
    and never answered by Stripe are sent again (same idempotency key: never a second refund)."""
    from marketplace.payments.tasks import send_refund_task

    now = now or timezone.now()
    applied = failed = 0
    stale = StripeEvent.objects.filter(processed_at__isnull=True, received_at__lte=now - datetime.timedelta(minutes=3))
    for pk in list(stale.order_by("pk").values_list("pk", flat=True)[:500]):
        try:
            event_apply(event_id=pk)
            applied += 1
        except Exception:  # one bad event must not stop the others; it is tried again next time
            logger.exception("Stripe event %s still cannot be applied", pk)
            failed += 1
    resent = 0
    for pk in Refund.objects.filter(
        status=RefundStatus.PENDING, stripe_id__isnull=True, created__lte=now - datetime.timedelta(hours=1)
    ).values_list("pk", flat=True):
        outbox_enqueue(task=send_refund_task, args=(pk,))
        resent += 1
    return {"applied": applied, "failed": failed, "refunds_resent": resent}


# --------------------------------------------------------------------------- calls to Stripe after commit
def refund_send(*, refund_id: int) -> str:
    """Send one recorded refund to Stripe with its idempotency key; record Stripe's answer.

    Network trouble and Stripe's own errors are raised (the task retries; the key makes a retry
    the same refund); a refusal (nothing left to refund, an invalid request) fails the refund and
    tells staff.
    """
    refund = Refund.objects.select_related("payment", "payment__order").filter(pk=refund_id).first()
    if refund is None or refund.stripe_id or refund.status != RefundStatus.PENDING:
        return "nothing to send"
    try:
        answer = gateway.refund_create(
            intent_id=refund.payment.intent_id,
            amount=refund.amount,
            key=refund.key,
            metadata={"refund_key": refund.key, "order_number": refund.payment.order.number},
        )
    except gateway.StripeError as refused:
        if isinstance(refused, gateway.RETRYABLE):
            raise  # the task tries again with the same key
        with transaction.atomic():
            refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
            refunds.refund_status_apply(refund, RefundStatus.FAILED, error=str(refused.user_message or refused))
        return "refused"
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
        if not refund.stripe_id:
            refund.stripe_id = answer.get("id")
            refund.save(update_fields=["stripe_id"])
        refunds.refund_status_apply(refund, answer.get("status") or "", error=answer.get("failure_reason") or "")
    return refund.status


def intent_cancel_send(*, payment_id: int) -> str:
    """Cancel the PaymentIntent of a payment we closed unpaid. If Stripe says it can no longer be
    cancelled (it succeeded meanwhile), the success event refunds it; nothing to do here."""
    payment = OnlinePayment.objects.filter(pk=payment_id).first()
    if payment is None or not payment.intent_id or payment.status != PaymentStatus.CANCELED:
        return "nothing to cancel"
    try:
        gateway.intent_cancel(intent_id=payment.intent_id, key=f"payment-{payment.pk}-cancel")
    except gateway.StripeError as refused:
        if isinstance(refused, gateway.RETRYABLE):
            raise
        # Most often it succeeded meanwhile: its event is applied (and refunded) as it arrives. Staff see it.
        logger.warning("PaymentIntent %s of order %s not cancelled: %s", payment.intent_id, payment.order_id, refused)
        refunds.log(payment, Action.IGNORED, note=f"Stripe refused to cancel the PaymentIntent: {refused}"[:1000])
        return "not cancellable"
    return "cancelled"


# --------------------------------------------------------------------------- staff refunds
def staff_refund(*, payment: OnlinePayment, user, token: str, amount=None, fulfilment=None, reason: str = "") -> list:
    """Platform staff refund one part (``fulfilment``, ``amount`` of it) or the whole order (every part's
    remainder, one refund per part so that each cooperative's statement deducts its own).

    ``token`` is the form's one-time token: the same form sent twice makes the same refunds.
    """
    if not is_platform_staff(user):
        raise PermissionDenied(_("Only platform staff may do that."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the money goes back.")})
    token = "".join(ch for ch in (token or "") if ch.isalnum())[:40]
    if len(token) < 16:
        raise ValidationError(_("The form has expired: open the page again."))
    with transaction.atomic():
        payment = _locked(payment.pk)
        if fulfilment is None:
            # The whole-order form sent again (a double click): answered with the refunds it made.
            again = list(
                payment.refunds.filter(Q(key=f"staff-{token}") | Q(key__startswith=f"staff-{token}-")).order_by("pk")
            )
            if again:
                return again
        if fulfilment is not None:
            if fulfilment.order_id != payment.order_id:
                raise ValidationError(_("That part belongs to another order."))
            return [
                refunds.refund_open(
                    payment=payment,
                    amount=amount,
                    key=f"staff-{token}-{fulfilment.pk}",
                    fulfilment=fulfilment,
                    user=user,
                    reason=reason,
                )
            ]
        made = []
        for part in Fulfilment.objects.filter(order_id=payment.order_id).order_by("pk"):
            remaining = refunds.part_refundable(payment, part)
            if remaining > 0:
                made.append(
                    refunds.refund_open(
                        payment=payment,
                        amount=remaining,
                        key=f"staff-{token}-{part.pk}",
                        fulfilment=part,
                        user=user,
                        reason=reason,
                    )
                )
        remaining = refunds.payment_refundable(payment)
        if remaining > 0 and not made:  # money not tied to a part (a mismatched payment)
            made.append(
                refunds.refund_open(payment=payment, amount=remaining, key=f"staff-{token}", user=user, reason=reason)
            )
        if not made:
            raise ValidationError(_("Nothing is left to refund on this order."))
        return made
