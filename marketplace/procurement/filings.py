"""Reserved-share filings (预留份额填报): the rules of a unit's yearly filing and its review.

Selectors read the published rules (``minimum_ratio_for``, ``deadline_for``) and the filings a
visitor may see; services write a filing, each step in one transaction with a ``FilingEvent``
row (审计记录). A refusal changes nothing: bad input raises ``ValidationError`` (messages in the
visitor's language), the wrong person ``PermissionDenied``.

Who does what:

* a **manager of the unit itself** saves and submits the unit's filing;
* a **reviewer** approves it, returns it with a reason, or allows a late filing: a manager of a
  unit strictly above it (主管预算单位), or platform staff for a unit with no supervising unit.

Rules of a filing:

* the ratio is at least the highest minimum published for the unit's jurisdiction chain
  (Shenzhen → Guangdong → national), year and category, unless a lower one carries its approval
  record (approving authority, date, document number); a year without a published minimum says
  so and never assumes 10 %;
* 无食堂: no quota (total, ratio and reserved amount stored as 0), but the unit still files;
* 共用食堂: the unit points at the representative unit that files for the shared canteen; its own
  reserved amount is 0 (the canteen's spending is counted once, at the representative), the
  representative must itself file with its own canteen for the year, and no chain or loop forms;
* 食堂外包: the unit needs a buyer account for its contractor (``Membership.contractor``);
* reserved amount = ``money_round(canteen food total × ratio)``: to the fen, halves up (四舍五入);
* a filing is submitted by the deadline (the most specific ``FilingDeadline`` of the chain) unless
  a reviewer allowed a late filing until a date not yet past; a submitted or approved filing is
  not edited; a returned one is edited and submitted again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import is_platform_staff
from marketplace.procurement import access
from marketplace.procurement.models import (
    ZERO,
    BudgetUnit,
    FilingDeadline,
    FilingEvent,
    FilingStatus,
    Membership,
    ReservedShareFiling,
    ShareRatio,
    money_round,
)

#: Above this a canteen food total is a typing error, not a budget (100 亿元).
MAX_CANTEEN_FOOD_TOTAL = Decimal("10000000000")
#: Statuses in which the unit may still change its filing.
EDITABLE = (FilingStatus.DRAFT, FilingStatus.RETURNED)
#: Statuses that count as filed (the unit has done its part).
FILED = (FilingStatus.SUBMITTED, FilingStatus.APPROVED)
#: The fields of a filing the unit writes (``filing_save``'s ``data``).
FILING_FIELDS = (
    "has_canteen",
    "shared_canteen_with",
    "canteen_outsourced",
    "canteen_food_total",
    "ratio",
    "lower_ratio_authority",
    "lower_ratio_date",
    "lower_ratio_document",
    "union_purchase_need",
    "remarks",
)
LOWER_RATIO_FIELDS = ("lower_ratio_authority", "lower_ratio_date", "lower_ratio_document")


# --------------------------------------------------------------------------- selectors
def minimum_ratio_for(*, unit: BudgetUnit, year: int) -> ShareRatio | None:
    """The highest minimum published for ``unit`` in ``year``: over its jurisdiction chain, rows of
    its category or of every category. None: no requirement published for that year."""
    chain = [jurisdiction.pk for jurisdiction in unit.jurisdiction.chain()]
    return (
        ShareRatio.objects.filter(jurisdiction_id__in=chain, year=year)
        .filter(Q(category=unit.category) | Q(category=""))
        .select_related("jurisdiction")
        .order_by("-minimum_ratio", "-jurisdiction__position")
        .first()
    )


def deadline_for(*, unit: BudgetUnit, year: int) -> FilingDeadline | None:
    """The filing deadline of ``unit`` for ``year``: the most specific jurisdiction of its chain that
    has one (Shenzhen's before Guangdong's before the national one); None if none is published."""
    chain = unit.jurisdiction.chain()
    deadlines = {row.jurisdiction_id: row for row in FilingDeadline.objects.filter(jurisdiction__in=chain, year=year)}
    for jurisdiction in chain:
        if jurisdiction.pk in deadlines:
            return deadlines[jurisdiction.pk]
    return None


def filing_of(*, unit: BudgetUnit, year: int) -> ReservedShareFiling | None:
    return ReservedShareFiling.objects.filter(unit=unit, year=year).select_related("shared_canteen_with").first()


def filings_of_unit(*, unit: BudgetUnit) -> QuerySet[ReservedShareFiling]:
    """The unit's filings, newest year first."""
    return ReservedShareFiling.objects.filter(unit=unit).select_related("shared_canteen_with").order_by("-year")


def filing_events(*, filing: ReservedShareFiling) -> QuerySet[FilingEvent]:
    return filing.events.select_related("actor").order_by("created_at", "pk")


def units_shared_with(*, unit: BudgetUnit, year: int) -> QuerySet[BudgetUnit]:
    """Units whose filing for ``year`` points at ``unit`` as their shared canteen's representative."""
    return BudgetUnit.objects.filter(filings__year=year, filings__shared_canteen_with=unit).order_by("path")


def _manages_above(user, unit: BudgetUnit) -> bool:
    return any(
        unit.path.startswith(membership.unit.path) and membership.unit_id != unit.pk
        for membership in access.memberships_of(user, "manager")
    )


def may_review(user, unit: BudgetUnit) -> bool:
    """Whether ``user`` reviews ``unit``'s filings: a manager of a unit strictly above it
    (``access.supervises``), or platform staff for a unit with no supervising unit."""
    if unit.parent_id is None:
        return is_platform_staff(user)
    return _manages_above(user, unit)


def may_file(user, unit: BudgetUnit) -> bool:
    """Whether ``user`` keeps ``unit``'s filing: a manager of the unit itself."""
    return access.has_unit_role(user, unit, "manager")


def reviewed_units(user) -> QuerySet[BudgetUnit]:
    """The active units whose filings ``user`` reviews (see ``may_review``)."""
    managed = [membership.unit for membership in access.memberships_of(user, "manager")]
    below = access.subtree_q(managed) & ~Q(pk__in=[unit.pk for unit in managed])
    # A unit managed by the visitor may also sit below another unit they manage.
    below |= Q(pk__in=[unit.pk for unit in managed if any(_strictly_below(unit, other) for other in managed)])
    if is_platform_staff(user):
        below |= Q(parent__isnull=True)
    return BudgetUnit.objects.filter(below, is_active=True).order_by("path")


def _strictly_below(unit: BudgetUnit, other: BudgetUnit) -> bool:
    return unit.pk != other.pk and unit.path.startswith(other.path)


def filings_awaiting_review(user) -> QuerySet[ReservedShareFiling]:
    """Submitted filings of the units ``user`` reviews, oldest submission first."""
    return (
        ReservedShareFiling.objects.filter(status=FilingStatus.SUBMITTED, unit__in=reviewed_units(user))
        .select_related("unit", "unit__parent", "shared_canteen_with")
        .order_by("submitted_at", "pk")
    )


def units_not_filed(user, *, year: int) -> list[tuple[BudgetUnit, ReservedShareFiling | None]]:
    """Units ``user`` reviews that have not submitted a filing for ``year`` (with their draft or
    returned filing, if any)."""
    units = list(reviewed_units(user))
    filings = {
        filing.unit_id: filing
        for filing in ReservedShareFiling.objects.filter(year=year, unit__in=[unit.pk for unit in units])
    }
    return [
        (unit, filings.get(unit.pk)) for unit in units if unit.pk not in filings or filings[unit.pk].status not in FILED
    ]


@dataclass(frozen=True)
class SubmitWindow:
    """Whether a filing may be submitted today, and why not."""

    deadline: datetime.date | None
    extended_until: datetime.date | None
    today: datetime.date

    @property
    def is_open(self) -> bool:
        if self.deadline is None or self.today <= self.deadline:
            return True
        return self.extended_until is not None and self.extended_until >= self.today

    @property
    def is_late(self) -> bool:
        return self.deadline is not None and self.today > self.deadline


def submit_window(*, unit: BudgetUnit, year: int, filing: ReservedShareFiling | None = None) -> SubmitWindow:
    deadline = deadline_for(unit=unit, year=year)
    return SubmitWindow(
        deadline=deadline.deadline if deadline else None,
        extended_until=filing.extended_until if filing else None,
        today=timezone.localdate(),
    )


# --------------------------------------------------------------------------- rules
def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _representative_check(*, unit: BudgetUnit, year: int, representative: BudgetUnit) -> None:
    """共用食堂: the representative is another unit that files for the year with its own canteen,
    and no unit points at ``unit`` in turn (no chain, no loop)."""
    if representative.pk == unit.pk:
        raise ValidationError({"shared_canteen_with": _("A unit cannot share its own canteen: choose another unit.")})
    theirs = ReservedShareFiling.objects.filter(unit=representative, year=year).first()
    if theirs is not None and theirs.shared_canteen_with_id:
        raise ValidationError(
            {
                "shared_canteen_with": _(
                    "%(unit)s itself shares the canteen of %(other)s for %(year)s: choose the unit that files for "
                    "the canteen."
                )
                % {"unit": representative.name, "other": theirs.shared_canteen_with.name, "year": year}
            }
        )
    if theirs is None or not theirs.has_canteen:
        raise ValidationError(
            {
                "shared_canteen_with": _(
                    "%(unit)s has not filed for %(year)s with its own canteen: the unit that runs the shared canteen "
                    "files first."
                )
                % {"unit": representative.name, "year": year}
            }
        )
    sharing = list(units_shared_with(unit=unit, year=year).values_list("name", flat=True))
    if sharing:
        raise ValidationError(
            {
                "shared_canteen_with": _(
                    "%(units)s share this unit's canteen for %(year)s: this unit files for the canteen and cannot "
                    "point at another unit."
                )
                % {"units": "、".join(sharing), "year": year}
            }
        )


def _clean_data(*, unit: BudgetUnit, year: int, data: dict, minimum: ShareRatio | None) -> dict:
    """The filing's fields after the rules, or ``ValidationError`` naming each refused field."""
    values = {name: data.get(name) for name in FILING_FIELDS}
    values["has_canteen"] = bool(values["has_canteen"])
    values["canteen_outsourced"] = bool(values["canteen_outsourced"])
    values["union_purchase_need"] = bool(values["union_purchase_need"])
    values["remarks"] = (values["remarks"] or "").strip()
    for name in ("lower_ratio_authority", "lower_ratio_document"):
        values[name] = (values[name] or "").strip()
    errors: dict[str, list[str]] = {}

    representative = values["shared_canteen_with"]
    if not values["has_canteen"]:
        # 无食堂: no quota, but the filing is still made (and says so).
        values.update(shared_canteen_with=None, canteen_outsourced=False, canteen_food_total=ZERO, ratio=ZERO)
        values.update(lower_ratio_authority="", lower_ratio_date=None, lower_ratio_document="")
        return values
    if representative is not None:
        # 共用食堂: the representative reserves for the canteen; counted once, there.
        _representative_check(unit=unit, year=year, representative=representative)
        values.update(canteen_outsourced=False, canteen_food_total=ZERO, ratio=ZERO)
        values.update(lower_ratio_authority="", lower_ratio_date=None, lower_ratio_document="")
        return values

    total = values["canteen_food_total"]
    if total is None:
        errors["canteen_food_total"] = [_("Enter the unit's annual canteen food spending.")]
    elif total < 0:
        errors["canteen_food_total"] = [_("The canteen food spending cannot be negative.")]
    elif total > MAX_CANTEEN_FOOD_TOTAL:
        errors["canteen_food_total"] = [
            _("%(total)s yuan is not a plausible yearly canteen food spending: check the figure (in yuan).")
            % {"total": f"{total:,.2f}"}
        ]
    ratio = values["ratio"]
    if ratio is None and minimum is not None:
        ratio = values["ratio"] = minimum.minimum_ratio
    if ratio is None:
        errors["ratio"] = [_("Enter the ratio reserved.")]
    elif ratio < 0 or ratio > 1:
        errors["ratio"] = [_("The ratio is a share between 0 % and 100 %.")]
    elif minimum is not None and ratio < minimum.minimum_ratio:
        missing = [name for name in LOWER_RATIO_FIELDS if not values[name]]
        if missing:
            errors["ratio"] = [
                _(
                    "The ratio is below the minimum of %(minimum)s for %(year)s: a lower ratio needs the approving "
                    "authority, the date and the document number of its approval."
                )
                % {"minimum": percent(minimum.minimum_ratio), "year": year}
            ]
            for name in missing:
                errors[name] = [_("Required for a ratio below the minimum.")]
        elif values["lower_ratio_date"] > timezone.localdate():
            errors["lower_ratio_date"] = [_("The approval cannot be dated in the future.")]
    else:
        values.update(lower_ratio_authority="", lower_ratio_date=None, lower_ratio_document="")
    contractor_buyers = Membership.objects.filter(unit=unit, is_buyer=True, user__is_active=True).exclude(contractor="")
    if values["canteen_outsourced"] and not contractor_buyers.exists():
        errors["canteen_outsourced"] = [
            _(
                "A canteen run by a contractor needs a buyer account for the contractor: ask platform staff to add "
                "the contractor's buyer to this unit, with the contractor's company name."
            )
        ]
    if errors:
        raise ValidationError(errors)
    return values


def percent(ratio: Decimal) -> str:
    """``0.1500`` → ``15 %`` (``12.5 %`` where needed)."""
    value = (ratio * 100).normalize()
    return f"{value:f} %"


def _check_still_a_representative(*, filing: ReservedShareFiling, values: dict) -> None:
    """A unit others point at keeps its own canteen for the year."""
    if values["has_canteen"] and values["shared_canteen_with"] is None:
        return
    sharing = list(units_shared_with(unit=filing.unit, year=filing.year).values_list("name", flat=True))
    if sharing:
        raise ValidationError(
            {
                "has_canteen": _(
                    "%(units)s share this unit's canteen for %(year)s: keep the canteen in this filing, or ask them "
                    "to change theirs first."
                )
                % {"units": "、".join(sharing), "year": filing.year}
            }
        )


#: The steps whose e-mail leaves after commit: the supervising unit hears of a submission, the
#: unit's managers of a return (with the reason) or an approval (``tasks_filings``).
TOLD = {FilingEvent.Action.SUBMITTED, FilingEvent.Action.RETURNED, FilingEvent.Action.APPROVED}


def _event(filing: ReservedShareFiling, action: str, user, note: str = "") -> FilingEvent:
    event = FilingEvent.objects.create(filing=filing, action=action, actor=user, note=note)
    if action in TOLD:
        from core.outbox import outbox_enqueue
        from marketplace.procurement.tasks_filings import send_filing_step_email_task

        outbox_enqueue(task=send_filing_step_email_task, args=(event.pk,))
    return event


def _locked(filing: ReservedShareFiling) -> ReservedShareFiling:
    return (
        ReservedShareFiling.objects.select_for_update().select_related("unit", "unit__jurisdiction").get(pk=filing.pk)
    )


# --------------------------------------------------------------------------- services
def filing_save(*, unit: BudgetUnit, year: int, user, data: dict) -> ReservedShareFiling:
    """Create or change the unit's draft filing for ``year`` (a manager of the unit).

    Applies the rules of the module's docstring; stores the minimum ratio published today as a
    snapshot and the reserved amount. A submitted or approved filing is refused; a returned one
    stays returned until it is submitted again.
    Side effects: the filing; a ``FilingEvent`` "saved".
    """
    _refuse_unless(may_file(user, unit), _("Only a manager of %(unit)s may fill in its filing.") % {"unit": unit.name})
    with transaction.atomic():
        # The unit and the representative it names are locked in one order, so two units cannot
        # point at each other (or form a chain) in concurrent saves.
        representative = data.get("shared_canteen_with")
        locked = {unit.pk} | ({representative.pk} if representative is not None else set())
        list(BudgetUnit.objects.select_for_update().filter(pk__in=locked).order_by("pk").values_list("pk"))
        filing = ReservedShareFiling.objects.select_for_update().filter(unit=unit, year=year).first()
        if filing is not None and filing.status not in EDITABLE:
            raise ValidationError(
                _("The filing for %(year)s is %(status)s and can no longer be changed.")
                % {"year": year, "status": filing.get_status_display()}
            )
        minimum = minimum_ratio_for(unit=unit, year=year)
        values = _clean_data(unit=unit, year=year, data=data, minimum=minimum)
        filing = filing or ReservedShareFiling(unit=unit, year=year)
        if filing.pk:
            _check_still_a_representative(filing=filing, values=values)
        for name, value in values.items():
            setattr(filing, name, value)
        filing.minimum_ratio = minimum.minimum_ratio if minimum else None
        filing.reserved_amount = money_round(filing.canteen_food_total * filing.ratio)
        filing.full_clean()
        filing.save()
        _event(filing, FilingEvent.Action.SAVED, user)
    return filing


def filing_submit(*, filing: ReservedShareFiling, user) -> ReservedShareFiling:
    """Send a draft or returned filing to the supervising unit (a manager of the unit), by the
    deadline or a late filing allowed by a reviewer.

    Side effects: status "submitted", ``submitted_at``; a ``FilingEvent`` "submitted".
    """
    unit = filing.unit
    _refuse_unless(may_file(user, unit), _("Only a manager of %(unit)s may submit its filing.") % {"unit": unit.name})
    with transaction.atomic():
        filing = _locked(filing)
        if filing.status not in EDITABLE:
            raise ValidationError(
                _("The filing for %(year)s is %(status)s: there is nothing to submit.")
                % {"year": filing.year, "status": filing.get_status_display()}
            )
        window = submit_window(unit=filing.unit, year=filing.year, filing=filing)
        if not window.is_open:
            raise ValidationError(
                _("The deadline for %(year)s filings was %(deadline)s: the supervising unit can allow a late filing.")
                % {"year": filing.year, "deadline": window.deadline.isoformat()}
            )
        if filing.shared_canteen_with_id:
            _representative_check(unit=filing.unit, year=filing.year, representative=filing.shared_canteen_with)
        filing.status = FilingStatus.SUBMITTED
        filing.submitted_at = timezone.now()
        filing.save(update_fields=["status", "submitted_at", "updated"])
        _event(filing, FilingEvent.Action.SUBMITTED, user)
    return filing


def _refuse_unless_reviewer(user, unit: BudgetUnit) -> None:
    if unit.parent_id is None:
        message = _("Only platform staff review the filings of %(unit)s.")
    else:
        message = _("Only a manager of a unit above %(unit)s may review its filings.")
    _refuse_unless(may_review(user, unit), message % {"unit": unit.name})


def filing_return(*, filing: ReservedShareFiling, user, reason: str) -> ReservedShareFiling:
    """Send a submitted filing back to the unit with the reason (a reviewer); the unit edits it and
    submits it again.

    Side effects: status "returned", ``return_reason``, ``reviewed_at``; a ``FilingEvent``
    "returned" with the reason.
    """
    _refuse_unless_reviewer(user, filing.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the filing is returned: the unit needs the reason to correct it.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason within 300 characters.")})
    with transaction.atomic():
        filing = _locked(filing)
        if filing.status != FilingStatus.SUBMITTED:
            raise ValidationError(_("Only a filing awaiting review can be returned."))
        filing.status = FilingStatus.RETURNED
        filing.return_reason = reason
        filing.reviewed_at = timezone.now()
        filing.save(update_fields=["status", "return_reason", "reviewed_at", "updated"])
        _event(filing, FilingEvent.Action.RETURNED, user, note=reason)
    return filing


def filing_approve(*, filing: ReservedShareFiling, user) -> ReservedShareFiling:
    """Approve a submitted filing (a reviewer).

    Side effects: status "approved", ``reviewed_at``; a ``FilingEvent`` "approved".
    """
    _refuse_unless_reviewer(user, filing.unit)
    with transaction.atomic():
        filing = _locked(filing)
        if filing.status != FilingStatus.SUBMITTED:
            raise ValidationError(_("Only a filing awaiting review can be approved."))
        filing.status = FilingStatus.APPROVED
        filing.reviewed_at = timezone.now()
        filing.save(update_fields=["status", "reviewed_at", "updated"])
        _event(filing, FilingEvent.Action.APPROVED, user)
    return filing


def filing_extend(
    *,
    user,
    until: datetime.date,
    filing: ReservedShareFiling | None = None,
    unit: BudgetUnit | None = None,
    year: int | None = None,
) -> ReservedShareFiling:
    """Allow the unit to submit its filing for the year until ``until`` (a reviewer). Without a
    filing yet (``unit`` and ``year``), an empty draft records the permission.

    Side effects: ``extended_until`` (perhaps a new draft filing); a ``FilingEvent`` "extended".
    """
    unit = filing.unit if filing is not None else unit
    year = filing.year if filing is not None else year
    _refuse_unless_reviewer(user, unit)
    if until is None or until < timezone.localdate():
        raise ValidationError({"until": _("Allow the late filing until today or a later date.")})
    with transaction.atomic():
        filing, _created = ReservedShareFiling.objects.select_for_update().get_or_create(
            unit=unit, year=year, defaults={"has_canteen": True}
        )
        if filing.status in FILED:
            raise ValidationError(_("The filing for %(year)s has already been submitted.") % {"year": year})
        if _created:
            minimum = minimum_ratio_for(unit=unit, year=year)
            filing.minimum_ratio = minimum.minimum_ratio if minimum else None
        filing.extended_until = until
        filing.save()
        _event(filing, FilingEvent.Action.EXTENDED, user, note=until.isoformat())
    return filing
