"""Background work of budget units' orders: approval e-mails, the approval expiry, late parts.

E-mails are built here from ids after the write committed (``core.outbox``); each has a unique
key in the e-mail ledger (``core.mail.send_once``), so a task run twice sends nothing twice.
"""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse

from core.mail import MAIL_TASK_OPTIONS, Mail, absolute_url, recipient_language, send_all_once
from marketplace.fulfilment.models import BuyerType, Fulfilment
from marketplace.procurement import access, approvals, ordering
from marketplace.procurement.models import ApprovalStatus, UnitOrder

FOLDER = "procurement/orders/emails"
#: Decisions the buyer hears of, and the field that shows the decision happened.
DECISIONS = {"approved", "rejected", "expired"}


def _order_url(unit_order: UnitOrder):
    return lambda: absolute_url(reverse("procurement:order", kwargs={"unit": unit_order.unit_id, "pk": unit_order.pk}))


def _people(queryset):
    return queryset.filter(is_active=True).exclude(email="").order_by("pk")


def unit_order_mails(*, unit_order: UnitOrder, kind: str) -> list[Mail]:
    """The e-mails of one approval event: "awaiting" to the unit's approvers; "approved",
    "rejected", "expired" to the person who placed the order (or the order's address)."""
    context = {"unit_order": unit_order, "order": unit_order.order, "unit": unit_order.unit}
    if kind == "awaiting":
        if unit_order.approval_status != ApprovalStatus.PENDING:
            return []
        url = lambda: absolute_url(reverse("procurement:approvals", kwargs={"unit": unit_order.unit_id}))  # noqa: E731
        return [
            Mail(
                key=f"unit_order:{unit_order.pk}:awaiting:user:{user.pk}",
                to=user.email,
                language=recipient_language(user.preferred_language),
                template="approver_awaiting",
                context={**context, "url": url},
                folder=FOLDER,
            )
            for user in access.people_to_tell(unit_order.unit_id, "approver")
        ]
    if kind not in DECISIONS or unit_order.approval_status != kind:
        return []
    person = unit_order.placed_by
    to = person.email if person and person.is_active and person.email else unit_order.order.email
    if not to:
        return []
    return [
        Mail(
            key=f"unit_order:{unit_order.pk}:{kind}:buyer",
            to=to,
            language=recipient_language(getattr(person, "preferred_language", None)),
            template=f"buyer_{kind}",
            context={**context, "url": _order_url(unit_order)},
            folder=FOLDER,
        )
    ]


def late_part_mails(*, fulfilment: Fulfilment) -> list[Mail]:
    """One e-mail per person about a part late to ship: the cooperative's staff, the unit's buyers,
    platform staff."""
    from partners.selectors import platform_reviewers

    unit_order = getattr(fulfilment.order, "unit_order", None)
    context = {"fulfilment": fulfilment, "order": fulfilment.order, "cooperative": fulfilment.partner}
    recipients = [("cooperative", user) for user in _people(fulfilment.partner.users.all())]
    if unit_order is not None:
        context["unit"] = unit_order.unit
        recipients += [("unit", user) for user in access.people_to_tell(unit_order.unit_id, "buyer")]
    recipients += [("staff", user) for user in platform_reviewers().order_by("pk")]
    urls = {
        "cooperative": lambda: absolute_url(reverse("fulfilment:detail", kwargs={"pk": fulfilment.pk})),
        "unit": _order_url(unit_order) if unit_order is not None else None,
        "staff": lambda: absolute_url(reverse("fulfilment:detail", kwargs={"pk": fulfilment.pk})),
    }
    mails, seen = [], set()
    for audience, user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        mails.append(
            Mail(
                key=f"fulfilment:{fulfilment.pk}:late:user:{user.pk}",
                to=user.email,
                language=recipient_language(user.preferred_language),
                template=f"{audience}_late",
                context={**context, "url": urls[audience]},
                folder=FOLDER,
            )
        )
    return mails


@shared_task(name="marketplace.procurement.tasks_orders.send_unit_order_email_task", **MAIL_TASK_OPTIONS)
def send_unit_order_email_task(unit_order_id: int, kind: str) -> int:
    """Send the e-mails of one approval event (``unit_order_mails``), each once. Returns how many."""
    unit_order = (
        UnitOrder.objects.select_related("order", "unit", "placed_by", "decided_by").filter(pk=unit_order_id).first()
    )
    if unit_order is None:
        return 0
    return send_all_once(unit_order_mails(unit_order=unit_order, kind=kind))


@shared_task(name="marketplace.procurement.tasks_orders.expire_unapproved_orders_task")
def expire_unapproved_orders_task() -> int:
    """Cancel orders left waiting for approval too long (``approvals.orders_expire_unapproved``)."""
    return approvals.orders_expire_unapproved()


@shared_task(name="marketplace.procurement.tasks_orders.notify_late_parts_task", **MAIL_TASK_OPTIONS)
def notify_late_parts_task() -> int:
    """Tell the cooperative, the unit's buyers and platform staff of each budget-unit part late to
    ship (``ordering.late_parts``), once per part and person (the e-mail ledger). Returns how many."""
    parts = ordering.late_parts(
        queryset=Fulfilment.objects.filter(buyer_type=BuyerType.BUDGET_UNIT).select_related(
            "order", "order__unit_order", "order__unit_order__unit", "partner"
        )
    ).order_by("pk")
    sent = 0
    for fulfilment in parts:
        sent += send_all_once(late_part_mails(fulfilment=fulfilment))
    return sent
