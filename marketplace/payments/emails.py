"""E-mails of online payment: the buyer hears that the order is paid, cancelled unpaid, refunded or
could not be fulfilled; platform staff hear of amounts that do not match, disputes and failed refunds."""

from __future__ import annotations

from django.urls import reverse

from core.mail import Mail, absolute_url, recipient_language
from marketplace.fulfilment.emails import buyer_order_url
from marketplace.payments.models import OnlinePayment, Refund

FOLDER = "payments/emails"
BUYER_KINDS = {"paid", "expired", "unfulfillable", "refunded"}
STAFF_KINDS = {"staff_mismatch", "staff_dispute", "refund_failed"}


def _staff_url(payment):
    return lambda: absolute_url(reverse("payments:staff-order", kwargs={"pk": payment.order_id}))


def mails_for(*, payment: OnlinePayment, kind: str, ref=None) -> list[Mail]:
    from partners.selectors import platform_reviewers

    order = payment.order
    context = {"payment": payment, "order": order}
    if kind in ("refunded", "refund_failed"):
        refund = Refund.objects.filter(pk=ref, payment=payment).select_related("fulfilment__partner").first()
        if refund is None:
            return []
        context["refund"] = refund
    mails = []
    if kind in BUYER_KINDS and order.email:
        language = recipient_language(getattr(order.user, "preferred_language", None) if order.user_id else None)
        key = f"payment:{payment.pk}:{kind}" + (f":{ref}" if ref else "")
        mails.append(
            Mail(
                key=key,
                to=order.email,
                language=language,
                template=f"buyer_{kind}",
                context={**context, "url": buyer_order_url(order)},
                folder=FOLDER,
            )
        )
    if kind in STAFF_KINDS:
        for user in platform_reviewers().order_by("pk"):
            mails.append(
                Mail(
                    key=f"payment:{payment.pk}:{kind}:{ref or ''}:user:{user.pk}",
                    to=user.email,
                    language=recipient_language(user.preferred_language),
                    template=kind if kind.startswith("staff_") else f"staff_{kind}",
                    context={**context, "url": _staff_url(payment)},
                    folder=FOLDER,
                )
            )
    return mails
