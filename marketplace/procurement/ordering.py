"""A budget unit's order at placement (预算单位下单): which unit, ship-by, approval, counting.

The checkout asks the buyer which of their units the order is for and the latest ship date
(7, 15 or 30 days); ``UnitPurchase`` carries both into ``checkout.services.order_place``, which
calls ``unit_order_record`` in the placement transaction. The unit is written on the order for
ever (``UnitOrder``), whatever happens to the person later.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.order.exceptions import UnableToPlaceOrder

from marketplace.procurement import access, counting
from marketplace.procurement.models import SHIP_WITHIN_CHOICES, ApprovalStatus, BudgetUnit, UnitOrder

SHIP_WITHIN_DAYS = [days for days, _label in SHIP_WITHIN_CHOICES]


@dataclass(frozen=True)
class UnitPurchase:
    """What a budget-unit buyer chose at checkout."""

    unit: BudgetUnit
    ship_within_days: int

    def needs_approval(self, total: Decimal) -> bool:
        """Above the unit's threshold the order waits for one of its approvers."""
        threshold = self.unit.approval_threshold
        return threshold is not None and total > threshold


def unit_purchase_check(*, user, purchase: UnitPurchase | None) -> UnitPurchase:
    """Refuse an order for a unit the user does not buy for, or an unknown ship-by choice."""
    if purchase is None:
        raise UnableToPlaceOrder(_("Choose the unit this order is for."))
    if not access.has_unit_role(user, purchase.unit, "buyer"):
        raise UnableToPlaceOrder(_("You do not buy for %(unit)s.") % {"unit": purchase.unit.name})
    if purchase.ship_within_days not in SHIP_WITHIN_DAYS:
        raise UnableToPlaceOrder(_("Choose a latest ship date of 7, 15 or 30 days."))
    return purchase


def unit_order_record(*, order, fulfilments, purchase: UnitPurchase, user, total: Decimal) -> UnitOrder:
    """Write the unit on a just-placed order and count its lines (inside the placement transaction)."""
    now = timezone.now()
    membership = access.memberships_of(user, "buyer").filter(unit=purchase.unit).first()
    pending = purchase.needs_approval(total)
    unit_order = UnitOrder.objects.create(
        order=order,
        unit=purchase.unit,
        placed_by=user,
        contractor=membership.contractor if membership else "",
        placed_at=now,
        ship_within_days=purchase.ship_within_days,
        payment_mode=purchase.unit.payment_mode,
        payment_term_days=purchase.unit.payment_term_days,
        approval_status=ApprovalStatus.PENDING if pending else ApprovalStatus.NOT_REQUIRED,
        approval_expires_at=(now + datetime.timedelta(hours=settings.PROCUREMENT_APPROVAL_HOURS) if pending else None),
    )
    counting.lines_count(unit_order=unit_order, fulfilments=fulfilments)
    if pending:
        _enqueue_awaiting_approval(unit_order.pk)
    return unit_order


def _enqueue_awaiting_approval(unit_order_id: int) -> None:
    """The unit's approvers are told an order awaits them (after the placement commits)."""
    from core.outbox import outbox_enqueue
    from marketplace.procurement.tasks_orders import send_unit_order_email_task

    outbox_enqueue(task=send_unit_order_email_task, args=(unit_order_id, "awaiting"))


# --------------------------------------------------------------------------- checkout session
SESSION_NAMESPACE = "procurement"
#: The latest ship date offered first (the buyer may choose 7 or 30 instead).
DEFAULT_SHIP_WITHIN_DAYS = 15


def unit_purchase_store(checkout_session, *, unit_id: int, ship_within_days: int) -> None:
    """Remember the buyer's choice in Oscar's checkout session until the order is placed."""
    checkout_session._set(SESSION_NAMESPACE, "unit_id", unit_id)
    checkout_session._set(SESSION_NAMESPACE, "ship_within_days", ship_within_days)


def unit_purchase_for(user, checkout_session) -> UnitPurchase | None:
    """The buyer's choice from the checkout session; a buyer of a single unit has it chosen
    for them (with ``DEFAULT_SHIP_WITHIN_DAYS``). ``None`` for other buyers or no valid choice."""
    units = [m.unit for m in access.memberships_of(user, "buyer")]
    if not units:
        return None
    unit_id = checkout_session._get(SESSION_NAMESPACE, "unit_id") if checkout_session else None
    days = checkout_session._get(SESSION_NAMESPACE, "ship_within_days") if checkout_session else None
    unit = next((unit for unit in units if unit.pk == unit_id), None)
    if unit is None and len(units) == 1:
        unit = units[0]
    if unit is None:
        return None
    return UnitPurchase(unit=unit, ship_within_days=days if days in SHIP_WITHIN_DAYS else DEFAULT_SHIP_WITHIN_DAYS)


def buyer_units(user) -> list[BudgetUnit]:
    """The units ``user`` may order for (their buyer memberships), in hierarchy order."""
    return [m.unit for m in access.memberships_of(user, "buyer").order_by("unit__path", "unit__pk")]


def _integer(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def unit_purchase_choice(user, *, unit_id, ship_within_days) -> UnitPurchase:
    """The buyer's choice on the checkout preview, checked: a unit they buy for, 7, 15 or 30 days.

    Raises ``ValidationError`` (with a message for the buyer) and stores nothing otherwise.
    """
    from django.core.exceptions import ValidationError

    unit_id, days = _integer(unit_id), _integer(ship_within_days)
    unit = next((unit for unit in buyer_units(user) if unit.pk == unit_id), None)
    if unit is None:
        raise ValidationError({"unit": _("Choose one of the units you buy for.")})
    if days not in SHIP_WITHIN_DAYS:
        raise ValidationError({"ship_within_days": _("Choose a latest ship date of 7, 15 or 30 days.")})
    return UnitPurchase(unit=unit, ship_within_days=days)


# --------------------------------------------------------------------------- reads of unit orders
def late_parts(*, today: datetime.date | None = None, queryset=None):
    """Parts still to ship after their ship-by date (逾期未发货): status "to ship", ship-by before today."""
    from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus

    today = today or timezone.localdate()
    queryset = Fulfilment.objects.all() if queryset is None else queryset
    return queryset.filter(status=FulfilmentStatus.TO_SHIP, ship_by__lt=today)


def unit_orders(*, unit: BudgetUnit, status: str = "", approval: str = ""):
    """The unit's orders, newest first, each with its parts (``parts``) and whether one is late
    (``is_late``); ``status`` keeps orders with a part in that status, ``approval`` the approval state."""
    from django.db.models import Prefetch

    from marketplace.fulfilment.models import Fulfilment

    queryset = UnitOrder.objects.filter(unit=unit).select_related("order", "placed_by", "decided_by")
    if status:
        queryset = queryset.filter(order__fulfilments__status=status).distinct()
    if approval:
        queryset = queryset.filter(approval_status=approval)
    return queryset.prefetch_related(
        Prefetch(
            "order__fulfilments",
            queryset=Fulfilment.objects.select_related("partner").order_by("partner__name", "pk"),
            to_attr="parts",
        )
    ).order_by("-placed_at", "-pk")


def with_late_flags(unit_orders_page, *, today: datetime.date | None = None) -> list[UnitOrder]:
    """Mark each order's parts (``part.is_late``) and the order (``is_late``) against ``late_parts``."""
    unit_orders_page = list(unit_orders_page)
    part_ids = [part.pk for unit_order in unit_orders_page for part in unit_order.order.parts]
    late = set(late_parts(today=today).filter(pk__in=part_ids).values_list("pk", flat=True))
    for unit_order in unit_orders_page:
        for part in unit_order.order.parts:
            part.is_late = part.pk in late
        unit_order.is_late = any(part.is_late for part in unit_order.order.parts)
    return unit_orders_page


def pending_approvals(*, unit: BudgetUnit):
    """The unit's orders waiting for its approvers, oldest first (the first to expire on top)."""
    return (
        UnitOrder.objects.filter(unit=unit, approval_status=ApprovalStatus.PENDING)
        .select_related("order", "placed_by")
        .order_by("placed_at", "pk")
    )


def unit_order_of(*, unit: BudgetUnit, pk: int) -> UnitOrder | None:
    """One order of ``unit`` (never another unit's)."""
    return UnitOrder.objects.select_related("order", "unit", "placed_by", "decided_by").filter(unit=unit, pk=pk).first()
