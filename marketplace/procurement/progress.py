"""Progress of the reserved share (预留份额完成进度): selectors for the progress pages and the export.

Figures come from the sums kept on write (``UnitYearTotals``, see ``counting``) and from the
filings; no page adds up order lines. **Placed** (采购交易额) counts in the year an order was
placed, **completed** (已完成) in the year a part was accepted; progress is completed ÷ reserved
and may exceed 100 %.

- ``reserved_share_progress(unit=, year=)``: one unit's figures; a 共用食堂 representative's
  include the purchases of the units that share its canteen (counted once: theirs have no quota).
- ``subtree_progress(unit=, year=)``: the roll-up of a unit's subtree and of each direct
  subordinate's subtree, behind pace first; a constant number of queries whatever the size.
- ``units_progress_summary(units=, year=)``: the short figures of several units (portal home).
- ``overdue_payments(...)``: accepted budget-unit parts whose payment is late (逾期未付款).
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, Subquery, Sum
from django.utils import timezone

from marketplace.procurement.models import (
    ZERO,
    BudgetUnit,
    FilingStatus,
    ReceiptAllocation,
    ReservedShareFiling,
    UnitOrder,
    UnitYearTotals,
    money_round,
)

PERCENT = Decimal("0.1")
HUNDRED = Decimal("100")
AMOUNTS = ("placed", "completed", "key_placed", "key_completed")


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal (None when there is nothing to divide by).

    Not capped: a unit that completed more than it reserved shows more than 100 %.
    """
    if part is None or not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(PERCENT)


def year_elapsed(year: int, today: datetime.date | None = None) -> Decimal:
    """The fraction of ``year`` gone by the end of ``today`` (0 before it starts, 1 once it is over)."""
    today = today or timezone.localdate()
    if today.year < year:
        return Decimal("0")
    if today.year > year:
        return Decimal("1")
    days = 366 if calendar.isleap(year) else 365
    return Decimal(today.timetuple().tm_yday) / Decimal(days)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --------------------------------------------------------------------------- overdue payments
#: Accepted budget-unit parts past their payment date (acceptance + the order's term,
#: ``models.payment_due_on``) that matched payments (货款认领) do not cover: what is still owed
#: on each, summed per unit. One statement with a hash join of the allocations (no query per part):
#: the pages and the export read it for a unit or a whole subtree.
OVERDUE_SQL = """
SELECT unit_order.unit_id, COUNT(*), SUM(part.goods_total + part.shipping_cost - {paid})
FROM {fulfilment} part
JOIN {unit_order} unit_order ON unit_order.order_id = part.order_id
{paid_join}
WHERE part.status = 'accepted' AND part.buyer_type = 'budget_unit'
  AND {due} < %s
  AND part.goods_total + part.shipping_cost > {paid}
  AND {which}
GROUP BY unit_order.unit_id
"""
#: What has been paid on a part: for one unit, looked up per part (a few, by index); for a
#: subtree, the allocations summed once and hash-joined (tens of thousands of parts).
PAID = {
    "unit": ("(SELECT COALESCE(SUM(amount), 0) FROM {allocation} WHERE fulfilment_id = part.id)", ""),
    "subtree": (
        "COALESCE(paid.amount, 0)",
        "LEFT JOIN (SELECT fulfilment_id, SUM(amount) AS amount FROM {allocation} GROUP BY fulfilment_id) paid "
        "ON paid.fulfilment_id = part.id",
    ),
}
SUBTREE_FILTER = "unit_order.unit_id IN (SELECT unit.id FROM {units} unit WHERE unit.path LIKE %s)"
#: The moment payment falls due, per database (a day count from a column).
DUE_AT = {
    "postgresql": "part.accepted_at + make_interval(days => unit_order.payment_term_days)",
    "sqlite": "datetime(part.accepted_at, '+' || unit_order.payment_term_days || ' days')",
}


def overdue_payments(
    *,
    unit: BudgetUnit | None = None,
    subtree_of: BudgetUnit | None = None,
    today: datetime.date | None = None,
    by_unit: bool = False,
):
    """Overdue payments of ``unit``, or of every unit in the subtree of ``subtree_of``: one query.

    A part is overdue from the day after its due date (acceptance day + the order's payment term)
    while its matched payments (``ReceiptAllocation``) do not cover its total (goods + shipping).
    Returns ``{"count": int, "amount": Decimal}`` (the amount still owed), or with ``by_unit``
    that per unit id. The payments area may replace this function; pages and the export only call it.
    """
    from marketplace.fulfilment.models import Fulfilment

    if (unit is None) == (subtree_of is None):
        raise ValueError("give either unit or subtree_of")
    today = today or timezone.localdate()
    vendor = connection.vendor if connection.vendor in DUE_AT else "postgresql"
    midnight = local_midnight(today)
    if vendor == "sqlite":  # stored as UTC text
        midnight = midnight.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    units = BudgetUnit._meta.db_table
    if unit is not None:
        scope, which, value = "unit", "unit_order.unit_id = %s", unit.pk
    else:
        scope, value = "subtree", f"{subtree_of.path}%"
        which = SUBTREE_FILTER.format(units=units)
    allocations = ReceiptAllocation._meta.db_table
    paid, paid_join = (part.format(allocation=allocations) for part in PAID[scope])
    sql = OVERDUE_SQL.format(
        fulfilment=Fulfilment._meta.db_table,
        unit_order=UnitOrder._meta.db_table,
        paid=paid,
        paid_join=paid_join,
        due=DUE_AT[vendor],
        which=which,
    )
    with connection.cursor() as cursor:
        # paid appears twice in the statement but takes no parameter: the cut-off, then the unit(s)
        cursor.execute(sql, [midnight, value])
        rows = cursor.fetchall()
    per_unit = {
        unit_id: {"count": count, "amount": money_round(Decimal(str(amount)))} for unit_id, count, amount in rows
    }
    if by_unit:
        return per_unit
    return {
        "count": sum(row["count"] for row in per_unit.values()),
        "amount": money_round(sum((row["amount"] for row in per_unit.values()), ZERO)),
    }


#: How long a subtree's overdue figures may be re-used (the roll-up page; the export counts afresh).
OVERDUE_CACHE_SECONDS = 300
PAYMENTS_VERSION_SQL = """
SELECT (SELECT MAX(id) FROM {allocation}), (SELECT COUNT(*) FROM {allocation}),
       (SELECT MAX(accepted_at) FROM {fulfilment}), (SELECT MAX(returned_at) FROM {fulfilment})
"""


def _payments_version() -> str:
    """Changes whenever a payment is matched or removed, or a part is accepted or returned: one
    cheap query (index maxima and a count), so a cached subtree figure is never older than the last of those."""
    from marketplace.fulfilment.models import Fulfilment

    sql = PAYMENTS_VERSION_SQL.format(allocation=ReceiptAllocation._meta.db_table, fulfilment=Fulfilment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return ":".join(str(value) for value in cursor.fetchone())


def subtree_overdue(*, unit: BudgetUnit, today: datetime.date | None = None) -> dict[int, dict]:
    """``overdue_payments(subtree_of=unit, by_unit=True)``, re-used for up to ``OVERDUE_CACHE_SECONDS``
    while no payment, acceptance or return happened and the day is the same (a subtree of a thousand
    units sums tens of thousands of parts: too much to repeat on every view of a roll-up page)."""
    today = today or timezone.localdate()
    version = hashlib.sha256(f"{unit.path}:{today.isoformat()}:{_payments_version()}".encode()).hexdigest()[:24]
    key = f"procurement:overdue:{unit.pk}:{version}"
    figures = cache.get(key)
    if figures is None:
        figures = overdue_payments(subtree_of=unit, today=today, by_unit=True)
        cache.set(key, figures, OVERDUE_CACHE_SECONDS)
    return figures


# --------------------------------------------------------------------------- one unit
@dataclass
class Progress:
    """Figures of a unit (or a roll-up of units) for one year."""

    year: int
    reserved: Decimal | None = None  # None: nothing filed
    placed: Decimal = ZERO
    completed: Decimal = ZERO
    key_placed: Decimal = ZERO
    key_completed: Decimal = ZERO
    overdue_count: int = 0
    overdue_amount: Decimal = ZERO
    elapsed: Decimal = Decimal("0")

    @property
    def placed_percent(self) -> Decimal | None:
        return percent(self.placed, self.reserved)

    @property
    def completed_percent(self) -> Decimal | None:
        """Progress (完成进度): completed ÷ reserved, may exceed 100."""
        return percent(self.completed, self.reserved)

    @property
    def key_placed_percent(self) -> Decimal | None:
        """Share of the placed amount from key-assistance counties (重点帮扶县)."""
        return percent(self.key_placed, self.placed)

    @property
    def key_completed_percent(self) -> Decimal | None:
        return percent(self.key_completed, self.completed)

    @property
    def elapsed_percent(self) -> Decimal:
        return (self.elapsed * HUNDRED).quantize(PERCENT)

    @property
    def pace(self) -> Decimal | None:
        """Progress against the time gone: 1 is on pace, below 1 behind (None without a quota)."""
        if not self.reserved:
            return None
        if not self.elapsed:
            return None
        return (self.completed / self.reserved) / self.elapsed

    @property
    def behind_pace(self) -> bool:
        return self.pace is not None and self.pace < 1

    @property
    def over_reserved(self) -> bool:
        return bool(self.reserved) and self.completed > self.reserved


@dataclass
class UnitProgress(Progress):
    """A unit's figures with its filing."""

    unit: BudgetUnit | None = None
    filing: ReservedShareFiling | None = None
    #: the units sharing this unit's canteen (共用食堂) whose purchases are added here
    shared_units: list[BudgetUnit] = field(default_factory=list)
    #: the unit's own purchases when they are added to others' (a 共用食堂 member)
    shares_canteen_of: BudgetUnit | None = None

    @property
    def filed(self) -> bool:
        return self.filing is not None

    @property
    def no_quota(self) -> bool:
        """Filed without a quota of its own: 无食堂, or a 共用食堂 member."""
        return self.filing is not None and not self.reserved


def _totals(queryset) -> dict[str, Decimal]:
    sums = queryset.aggregate(**{name: Sum(name) for name in AMOUNTS})
    return {name: sums[name] or ZERO for name in AMOUNTS}


def reserved_share_progress(*, unit: BudgetUnit, year: int, today: datetime.date | None = None) -> UnitProgress:
    """A unit's reserved share for ``year``: reserved (from its filing: 0 for 无食堂 or a 共用食堂
    member, None when not filed), placed and completed with their percentages, the key-assistance
    share, overdue payments. A 共用食堂 representative's sums include the units pointing to it
    for the year (their own quota is 0, so nothing counts twice). Four queries.
    """
    filing = ReservedShareFiling.objects.filter(unit=unit, year=year).select_related("shared_canteen_with").first()
    members = ReservedShareFiling.objects.filter(year=year, shared_canteen_with=unit).values("unit_id")
    rows = UnitYearTotals.objects.filter(year=year).filter(Q(unit=unit) | Q(unit_id__in=Subquery(members)))
    sums = _totals(rows)
    shared_units = list(BudgetUnit.objects.filter(pk__in=Subquery(members)).order_by("path").only("pk", "name"))
    overdue = overdue_payments(unit=unit, today=today)
    return UnitProgress(
        year=year,
        unit=unit,
        filing=filing,
        reserved=filing.reserved_amount if filing else None,
        overdue_count=overdue["count"],
        overdue_amount=overdue["amount"],
        elapsed=year_elapsed(year, today),
        shared_units=shared_units,
        shares_canteen_of=filing.shared_canteen_with if filing else None,
        **sums,
    )


# --------------------------------------------------------------------------- subtrees
@dataclass
class SubtreeProgress(Progress):
    """The roll-up of a unit's subtree (the unit and every unit below it)."""

    unit: BudgetUnit | None = None
    units: int = 0
    filed: int = 0
    approved: int = 0

    @property
    def not_filed(self) -> int:
        return self.units - self.filed


@dataclass
class SubtreeReport:
    """A unit's subtree roll-up and its direct subordinates' roll-ups, behind pace first."""

    total: SubtreeProgress
    subordinates: list[SubtreeProgress]
    #: per unit of the subtree: (unit values, its own figures) in path order, for the export
    rows: list[tuple[dict, Progress]] = field(default_factory=list)


def _rank_key(item: SubtreeProgress):
    # behind pace first (lowest pace), then units without a quota, then by name
    if item.pace is None:
        return (1, Decimal("0"), item.unit.name)
    return (0, item.pace, item.unit.name)


def subtree_progress(
    *,
    unit: BudgetUnit,
    year: int,
    today: datetime.date | None = None,
    with_rows: bool = False,
    fresh: bool = False,
) -> SubtreeReport:
    """The roll-up of ``unit``'s subtree for ``year`` and that of each direct subordinate.

    Sums over ``UnitYearTotals`` and the filings of every unit whose path starts with the unit's,
    grouped per direct subordinate in Python over at most one row per unit (never over lines):
    five queries whatever the number of units or lines. Each unit's purchases count once (in the
    subtree holding the unit that placed them); a 共用食堂 member's quota is 0.
    ``with_rows`` also returns each unit's own figures (the export); overdue payments come from
    ``subtree_overdue`` (re-used for a few minutes) unless ``fresh``.
    """
    elapsed = year_elapsed(year, today)
    in_subtree = Q(path__startswith=unit.path)
    units = list(
        BudgetUnit.objects.filter(in_subtree).order_by("path").values("pk", "name", "path", "parent_id", "category")
    )
    totals = {
        row["unit_id"]: row
        for row in UnitYearTotals.objects.filter(year=year, unit__path__startswith=unit.path).values(
            "unit_id", *AMOUNTS
        )
    }
    filings = {
        row["unit_id"]: row
        for row in ReservedShareFiling.objects.filter(year=year, unit__path__startswith=unit.path).values(
            "unit_id", "status", "reserved_amount", "has_canteen", "shared_canteen_with_id"
        )
    }
    overdue = (
        overdue_payments(subtree_of=unit, today=today, by_unit=True)
        if fresh
        else subtree_overdue(unit=unit, today=today)
    )

    children = {
        row["pk"]: BudgetUnit(pk=row["pk"], name=row["name"], path=row["path"], parent_id=row["parent_id"])
        for row in units
        if row["parent_id"] == unit.pk
    }
    total = SubtreeProgress(year=year, unit=unit, elapsed=elapsed)
    groups = {pk: SubtreeProgress(year=year, unit=child, elapsed=elapsed) for pk, child in children.items()}
    rows = []
    for row in units:
        own = Progress(year=year, elapsed=elapsed)
        sums, filing, late = totals.get(row["pk"]), filings.get(row["pk"]), overdue.get(row["pk"])
        if sums:
            for name in AMOUNTS:
                setattr(own, name, sums[name])
        if filing:
            own.reserved = filing["reserved_amount"]
        if late:
            own.overdue_count, own.overdue_amount = late["count"], late["amount"]
        targets = [total]
        rest = row["path"][len(unit.path) :]
        if rest:
            child_pk = int(rest.split("/", 1)[0])
            if child_pk in groups:
                targets.append(groups[child_pk])
        for target in targets:
            _add_into(target, own, filing)
        if with_rows:
            rows.append((row | {"filing": filing}, own))
    subordinates = sorted(groups.values(), key=_rank_key)
    return SubtreeReport(total=total, subordinates=subordinates, rows=rows)


def _add_into(target: SubtreeProgress, own: Progress, filing: dict | None) -> None:
    target.units += 1
    for name in AMOUNTS:
        setattr(target, name, getattr(target, name) + getattr(own, name))
    target.overdue_count += own.overdue_count
    target.overdue_amount += own.overdue_amount
    if filing:
        target.filed += 1
        target.approved += filing["status"] == FilingStatus.APPROVED
        target.reserved = (target.reserved or ZERO) + (own.reserved or ZERO)


# --------------------------------------------------------------------------- several units
def units_progress_summary(*, units, year: int) -> dict[int, Progress]:
    """Short figures (reserved, placed, completed) of each of ``units`` for ``year``: two queries
    in all (the portal home). A 共用食堂 representative's members are not added here."""
    ids = [unit.pk for unit in units]
    if not ids:
        return {}
    elapsed = year_elapsed(year)
    summary = {pk: Progress(year=year, elapsed=elapsed) for pk in ids}
    for row in UnitYearTotals.objects.filter(year=year, unit_id__in=ids).values("unit_id", *AMOUNTS):
        for name in AMOUNTS:
            setattr(summary[row["unit_id"]], name, row[name])
    for unit_id, reserved in ReservedShareFiling.objects.filter(year=year, unit_id__in=ids).values_list(
        "unit_id", "reserved_amount"
    ):
        summary[unit_id].reserved = reserved
    return summary


def progress_years(today: datetime.date | None = None) -> list[int]:
    """The years a visitor may pick: from the first year of the policy (2021) to next year, newest first."""
    today = today or timezone.localdate()
    return list(range(today.year + 1, 2020, -1))


def may_oversee(user, unit: BudgetUnit) -> bool:
    """Whether ``user`` sees ``unit``'s subordinates and may export its subtree: a manager of the
    unit itself or of a unit above it, or platform staff."""
    from marketplace.procurement import access

    return access.oversees(user, unit)


def bar_step(value: Decimal | None) -> int:
    """The width class of a bar (``bar-w-<n>``): ``value`` percent rounded down to a 5 % step, 0–100."""
    if not value or value <= 0:
        return 0
    return min(int(value // 5) * 5, 100)
