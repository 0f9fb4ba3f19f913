"""Online payment's reads: whose payment page is whose, what the buyer is told, what staff see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from marketplace.checkout.mixins import PLACED_ORDERS_SESSION_KEY
from marketplace.payments import refunds
from marketplace.payments.models import OnlinePayment, PaymentFlag, PaymentStatus, RefundStatus

Order = get_model("order", "Order")


def payment_for_buyer(request, number: str) -> OnlinePayment:
    """The online payment of order ``number`` if the request's buyer placed it (signed in as its
    buyer, or this browser session placed it as a guest); otherwise 404, whoever asks."""
    if not number or len(number) > 128:
        raise Http404
    payment = OnlinePayment.objects.select_related("order", "order__user").filter(order__number=number).first()
    if payment is None:
        raise Http404
    order = payment.order
    own = request.user.is_authenticated and order.user_id == request.user.pk
    placed_here = order.pk in request.session.get(PLACED_ORDERS_SESSION_KEY, [])
    if not (own or placed_here):
        raise Http404
    return payment


@dataclass(frozen=True)
class BuyerState:
    """What the buyer's return page says, from the database only."""

    code: str  # paid | refunded | waiting | failed | cancelled | checking
    final: bool
    title: str
    text: str


def buyer_state(payment: OnlinePayment) -> BuyerState:
    if payment.flag == PaymentFlag.MISMATCH:
        return BuyerState(
            "checking",
            True,
            _("We are checking your payment"),
            _("The payment we received does not match the order. Our staff will contact you; nothing has been lost."),
        )
    if payment.status == PaymentStatus.SUCCEEDED:
        cancelled = not payment.order.fulfilments.exclude(status="cancelled").exists()
        if cancelled:
            return BuyerState(
                "refunded",
                True,
                _("Your payment is being refunded"),
                _("The order could no longer be fulfilled when your payment arrived, so the money goes back to you."),
            )
        return BuyerState(
            "paid",
            True,
            _("Your payment has been received"),
            _("Thank you. Each cooperative now ships its own part; we will e-mail you as they do."),
        )
    if payment.status == PaymentStatus.CANCELED:
        return BuyerState(
            "cancelled",
            True,
            _("The order was cancelled"),
            _("It was not paid in time, so it was cancelled and nothing was charged."),
        )
    if payment.status == PaymentStatus.PROCESSING:
        return BuyerState(
            "waiting",
            False,
            _("Your payment is being processed"),
            _("This page updates by itself when the payment is confirmed."),
        )
    if payment.last_error:
        return BuyerState(
            "failed",
            False,
            _("The payment did not go through"),
            _("%(error)s You can try again, with the same or another way to pay.") % {"error": payment.last_error},
        )
    return BuyerState(
        "waiting",
        False,
        _("Waiting for the payment to be confirmed"),
        _(
            "This page updates by itself when the payment provider confirms it. "
            "If you did not finish paying, you can go back and pay."
        ),
    )


def minutes_left(payment: OnlinePayment) -> int:
    return max(int((payment.expires_at - timezone.now()).total_seconds() // 60), 0)


@dataclass(frozen=True)
class PartMoney:
    fulfilment: object
    refunded: Decimal
    refundable: Decimal


def parts_money(payment: OnlinePayment) -> list[PartMoney]:
    """Each part of the order with what has been refunded of it and what still can be (staff page)."""
    parts = []
    for part in payment.order.fulfilments.select_related("partner").order_by("pk"):
        refunded = sum(
            (r.amount for r in part.refunds.filter(payment=payment, status__in=refunds.LIVE_REFUNDS)), Decimal("0.00")
        )
        parts.append(PartMoney(part, refunded, refunds.part_refundable(payment, part)))
    return parts


def payment_for_staff(order_id: int) -> OnlinePayment:
    payment = OnlinePayment.objects.select_related("order", "order__user").filter(order_id=order_id).first()
    if payment is None:
        raise Http404
    return payment


def refunds_succeeded(payment: OnlinePayment):
    return payment.refunds.filter(status=RefundStatus.SUCCEEDED)
