"""E-mails of an order's steps (订单通知): who hears about which step, in their language.

Built by ``fulfilment.tasks.send_fulfilment_email_task`` after the step has committed;
each message has a unique key in the e-mail ledger (``core.mail``), so it is sent once.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from core.mail import Mail, absolute_url, recipient_language
from marketplace.fulfilment.models import Fulfilment

BUYER_KINDS = {"order_placed", "shipped", "delivered", "cancelled", "withdrawn", "returned"}
COOPERATIVE_KINDS = {"new", "accepted", "problem", "cancelled", "returned"}
#: Kinds told with another kind's message: "withdrawn" is a cancellation of a part the cooperative
#: never saw (it waited for the unit's approval), so only the buyer hears of it.
TEMPLATE_OF = {"withdrawn": "cancelled"}
FOLDER = "fulfilment/emails"


def buyer_order_url(order):
    """The buyer's page of ``order`` (a guest's by its verification hash), absolute, built in the mail's language."""
    if order.user_id:
        return lambda: absolute_url(reverse("customer:order", kwargs={"order_number": order.number}))
    return lambda: absolute_url(
        reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})
    )


def _cooperative_url(fulfilment: Fulfilment):
    return lambda: absolute_url(reverse("fulfilment:detail", kwargs={"pk": fulfilment.pk}))


# A step's e-mail goes out only if the fulfilment records that step (a stray task sends nothing).
HAPPENED = {
    "shipped": "shipped_at",
    "delivered": "delivered_at",
    "accepted": "accepted_at",
    "cancelled": "cancelled_at",
    "withdrawn": "cancelled_at",
    "returned": "returned_at",
}


def mails_for(*, fulfilment: Fulfilment, kind: str) -> list[Mail]:
    if kind in HAPPENED and getattr(fulfilment, HAPPENED[kind]) is None:
        return []
    order = fulfilment.order
    context = {
        "fulfilment": fulfilment,
        "order": order,
        "cooperative": fulfilment.partner,
        "auto_accept_days": settings.FULFILMENT_AUTO_ACCEPT_DAYS,
    }
    mails = []
    if kind in BUYER_KINDS and order.email:
        if kind == "order_placed":
            context["fulfilments"] = list(order.fulfilments.select_related("partner").order_by("partner__name"))
            key = f"order:{order.pk}:placed"
        else:
            key = f"fulfilment:{fulfilment.pk}:{TEMPLATE_OF.get(kind, kind)}:buyer"
        language = recipient_language(getattr(order.user, "preferred_language", None) if order.user_id else None)
        mails.append(
            Mail(
                key=key,
                to=order.email,
                language=language,
                template=f"buyer_{TEMPLATE_OF.get(kind, kind)}",
                context={**context, "url": buyer_order_url(order)},
                folder=FOLDER,
            )
        )
    if kind in COOPERATIVE_KINDS:
        for user in fulfilment.partner.users.filter(is_active=True).exclude(email="").order_by("pk"):
            mails.append(
                Mail(
                    key=f"fulfilment:{fulfilment.pk}:{kind}:user:{user.pk}",
                    to=user.email,
                    language=recipient_language(user.preferred_language),
                    template=f"cooperative_{kind}",
                    context={**context, "url": _cooperative_url(fulfilment)},
                    folder=FOLDER,
                )
            )
    return mails
