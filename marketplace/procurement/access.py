"""Who may see and do what in a budget unit (预算单位): one place, asked by selectors and services.

Memberships (``models.Membership``) are the truth: a person acts for a unit only through a
membership with the right role. A manager also sees the units below theirs (the subtree of
``BudgetUnit.path``), never those above or beside. Platform staff see everything.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.access import is_active_user, is_platform_staff
from marketplace.procurement.models import BudgetUnit, Membership

ROLE_FIELDS = {
    "manager": "is_manager",
    "buyer": "is_buyer",
    "approver": "is_approver",
    "finance": "is_finance",
}


def memberships_of(user, role: str | None = None) -> QuerySet[Membership]:
    """The user's memberships in active units (with ``role`` only, if given)."""
    if not is_active_user(user):
        return Membership.objects.none()
    queryset = Membership.objects.filter(user=user, unit__is_active=True).select_related("unit")
    if role:
        queryset = queryset.filter(**{ROLE_FIELDS[role]: True})
    return queryset


def is_unit_member(user) -> bool:
    return memberships_of(user).exists()


def is_unit_buyer(user) -> bool:
    """Whether the user buys for a unit: their orders are budget-unit orders."""
    return memberships_of(user, "buyer").exists()


def has_unit_role(user, unit, role: str) -> bool:
    """Whether the user holds ``role`` in ``unit`` itself (not inherited from a unit above)."""
    return memberships_of(user, role).filter(unit=unit).exists()


def subtree_q(units, prefix: str = "") -> Q:
    """Units in the subtrees of ``units`` (each included), as a filter on ``{prefix}path``."""
    query = Q(pk__in=[])
    for unit in units:
        query |= Q(**{f"{prefix}path__startswith": unit.path})
    return query


def visible_units(user) -> QuerySet[BudgetUnit]:
    """Units whose orders, filings, payments and progress the user may read: their own units,
    and for a manager the subtrees below them; platform staff: all."""
    if is_platform_staff(user):
        return BudgetUnit.objects.all()
    memberships = list(memberships_of(user))
    if not memberships:
        return BudgetUnit.objects.none()
    own = Q(pk__in=[m.unit_id for m in memberships])
    managed = subtree_q([m.unit for m in memberships if m.is_manager])
    return BudgetUnit.objects.filter(own | managed)


def supervises(user, unit: BudgetUnit) -> bool:
    """A manager of a unit strictly above ``unit`` (reviews its filings), or platform staff."""
    if is_platform_staff(user):
        return True
    return any(unit.path.startswith(m.unit.path) and m.unit_id != unit.pk for m in memberships_of(user, "manager"))


def is_unit_buyer_of_order(user, order_id: int) -> bool:
    """A buyer of the unit an order was placed for (acts on its deliveries)."""
    return memberships_of(user, "buyer").filter(unit__orders__order_id=order_id).exists()


def unit_buyer_orders_q(user, prefix: str = "") -> Q:
    """Orders placed for a unit in which the user is a buyer, as a filter on ``{prefix}``orders."""
    units = list(memberships_of(user, "buyer").values_list("unit_id", flat=True))
    return Q(**{f"{prefix}unit_order__unit_id__in": units})


def role_label(role: str) -> str:
    """The role's name in the visitor's language."""
    return str(Membership._meta.get_field(ROLE_FIELDS[role]).verbose_name)


def oversees(user, unit: BudgetUnit) -> bool:
    """Whether ``user`` reads the units below ``unit`` (their progress, orders owed, exports): a
    manager of the unit itself or of a unit above it, or platform staff. Other members of a unit
    read only the unit itself."""
    return has_unit_role(user, unit, "manager") or supervises(user, unit)


def people_to_tell(unit_id: int | None, role: str):
    """The active people holding ``role`` in a unit who have an e-mail address, in a stable order:
    whom the portal's e-mails go to (approvers of an order, managers of a filing, …)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if unit_id is None:
        return User.objects.none()
    holders = Membership.objects.filter(unit_id=unit_id, **{ROLE_FIELDS[role]: True}).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True).exclude(email="").order_by("pk")
