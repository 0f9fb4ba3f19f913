"""Writes of units and memberships: the hierarchy (``BudgetUnit.path``) stays a tree."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from marketplace.procurement.models import BudgetUnit, Membership


def _path_of(unit: BudgetUnit) -> str:
    return f"{unit.parent.path if unit.parent_id else '/'}{unit.pk}/"


def unit_parent_check(unit: BudgetUnit, parent: BudgetUnit | None) -> None:
    """Refuse a supervising unit that is the unit itself or one of its subordinates (a loop)."""
    if parent is None or unit.pk is None:
        return
    if parent.pk == unit.pk:
        raise ValidationError({"parent": _("A unit cannot supervise itself.")})
    if unit.path and parent.path.startswith(unit.path):
        raise ValidationError(
            {
                "parent": _("%(parent)s is below %(unit)s: choosing it would make a loop.")
                % {"parent": parent.name, "unit": unit.name}
            }
        )


def unit_save(*, unit: BudgetUnit) -> BudgetUnit:
    """Validate and save a unit; its path (and its subordinates' paths, if it moved) follow its parent."""
    with transaction.atomic():
        old_path = ""
        if unit.pk:
            old_path = BudgetUnit.objects.filter(pk=unit.pk).values_list("path", flat=True).first() or ""
            unit.path = old_path
        if unit.parent_id:
            unit.parent = BudgetUnit.objects.select_for_update().get(pk=unit.parent_id)
        unit_parent_check(unit, unit.parent if unit.parent_id else None)
        unit.full_clean(exclude=["path"])
        unit.save()
        new_path = _path_of(unit)
        if new_path != unit.path:
            BudgetUnit.objects.filter(pk=unit.pk).update(path=new_path)
            if old_path:
                BudgetUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                )
            unit.path = new_path
    return unit


def membership_set(
    *,
    unit: BudgetUnit,
    user,
    manager: bool = False,
    buyer: bool = False,
    approver: bool = False,
    finance: bool = False,
    contractor: str = "",
) -> Membership | None:
    """Give ``user`` exactly these roles in ``unit`` (no role at all: the membership ends)."""
    with transaction.atomic():
        if not any((manager, buyer, approver, finance)):
            Membership.objects.filter(unit=unit, user=user).delete()
            return None
        membership, _created = Membership.objects.update_or_create(
            unit=unit,
            user=user,
            defaults={
                "is_manager": manager,
                "is_buyer": buyer,
                "is_approver": approver,
                "is_finance": finance,
                "contractor": contractor.strip(),
            },
        )
    return membership
