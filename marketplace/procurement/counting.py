"""What counts toward a unit's reserved share, kept on write (计入预留份额).

When a budget-unit order is placed, ``lines_count`` snapshots each line (``CountedLine``): the
unit, the product's origin county and whether that county counted for the reserved share at that
moment (``County.counts_for_reserved_share``, separate from "may sell here"). The unit's yearly
sums (``UnitYearTotals``) then move with the steps of the order's parts (``unit_totals_follow``,
called by ``fulfilment.services`` in the step's transaction):

- **placed** (采购交易额) counts in the year the order was placed and drops when a part is cancelled;
- **completed** (已完成) counts in the year a part is accepted and drops when it is returned.

Progress pages read these sums and never add up lines. ``unit_totals_rebuild`` recomputes them
from the lines (``manage.py procurement_totals_rebuild``); a test holds the two equal.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from marketplace.procurement.models import ZERO, CountedLine, UnitOrder, UnitYearTotals

# FulfilmentEvent.Action values (kept as strings: this module is imported by the fulfilment services).
CANCELLED, ACCEPTED, AUTO_ACCEPTED, RETURNED = "cancelled", "accepted", "auto_accepted", "returned"


def _year(moment) -> int:
    return timezone.localtime(moment).year


def _add(unit_id: int, year: int, **amounts: Decimal) -> None:
    """Add ``amounts`` (placed, completed, key_placed, key_completed) to the unit's row for ``year``."""
    amounts = {field: value for field, value in amounts.items() if value}
    if not amounts:
        return
    # INSERT … ON CONFLICT DO NOTHING: two steps of one unit at once both find the row, none fails.
    UnitYearTotals.objects.bulk_create([UnitYearTotals(unit_id=unit_id, year=year)], ignore_conflicts=True)
    UnitYearTotals.objects.filter(unit_id=unit_id, year=year).update(
        **{field: F(field) + value for field, value in amounts.items()}
    )


def lines_count(*, unit_order: UnitOrder, fulfilments) -> list[CountedLine]:
    """Snapshot the lines of a just-placed budget-unit order and add them to the unit's placed sum.

    Call inside the placement transaction, after the fulfilments exist.
    """
    by_partner = {fulfilment.partner_id: fulfilment for fulfilment in fulfilments}
    lines = unit_order.order.lines.select_related("product__origin_county")
    counted = []
    for line in lines:
        fulfilment = by_partner.get(line.partner_id)
        if fulfilment is None:
            continue
        county = line.product.origin_county if line.product_id else None
        counted.append(
            CountedLine(
                line=line,
                fulfilment=fulfilment,
                unit_id=unit_order.unit_id,
                county=county,
                counts=bool(county and county.counts_for_reserved_share),
                key_assistance=bool(county and county.regional_key_assistance),
                amount=line.line_price_incl_tax,
                placed_at=unit_order.placed_at,
            )
        )
    CountedLine.objects.bulk_create(counted)
    placed = sum((line.amount for line in counted if line.counts), ZERO)
    key = sum((line.amount for line in counted if line.counts and line.key_assistance), ZERO)
    _add(unit_order.unit_id, _year(unit_order.placed_at), placed=placed, key_placed=key)
    return counted


def _fulfilment_sums(fulfilment) -> tuple[Decimal, Decimal]:
    sums = CountedLine.objects.filter(fulfilment=fulfilment, counts=True).aggregate(
        total=Sum("amount"), key=Sum("amount", filter=Q(key_assistance=True))
    )
    return sums["total"] or ZERO, sums["key"] or ZERO


def unit_totals_follow(*, fulfilment, action: str) -> None:
    """Move the unit's sums with one step of a budget-unit part (inside the step's transaction)."""
    if action not in {CANCELLED, ACCEPTED, AUTO_ACCEPTED, RETURNED}:
        return
    unit_order = UnitOrder.objects.filter(order_id=fulfilment.order_id).only("unit_id", "placed_at").first()
    if unit_order is None:
        return
    total, key = _fulfilment_sums(fulfilment)
    if action == CANCELLED:
        _add(unit_order.unit_id, _year(unit_order.placed_at), placed=-total, key_placed=-key)
    elif action in {ACCEPTED, AUTO_ACCEPTED}:
        _add(unit_order.unit_id, _year(fulfilment.accepted_at), completed=total, key_completed=key)
    elif action == RETURNED and fulfilment.accepted_at:
        _add(unit_order.unit_id, _year(fulfilment.accepted_at), completed=-total, key_completed=-key)


def unit_totals_from_lines(unit_ids=None) -> dict[tuple[int, int], dict[str, Decimal]]:
    """The sums as the lines say they are: ``{(unit, year): {placed, completed, key_placed, key_completed}}``."""
    lines = CountedLine.objects.filter(counts=True)
    if unit_ids is not None:
        lines = lines.filter(unit_id__in=list(unit_ids))
    totals: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(
        lambda: {"placed": ZERO, "completed": ZERO, "key_placed": ZERO, "key_completed": ZERO}
    )
    rows = lines.values_list(
        "unit_id", "amount", "key_assistance", "placed_at", "fulfilment__status", "fulfilment__accepted_at"
    )
    for unit_id, amount, key, placed_at, status, accepted_at in rows.iterator(chunk_size=5000):
        if status != "cancelled":
            row = totals[(unit_id, _year(placed_at))]
            row["placed"] += amount
            if key:
                row["key_placed"] += amount
        if accepted_at is not None and status != "returned":
            row = totals[(unit_id, _year(accepted_at))]
            row["completed"] += amount
            if key:
                row["key_completed"] += amount
    return dict(totals)


def unit_totals_rebuild(unit_ids=None) -> int:
    """Recompute the stored sums from the lines; returns the number of rows written."""
    totals = unit_totals_from_lines(unit_ids)
    with transaction.atomic():
        existing = UnitYearTotals.objects.all()
        if unit_ids is not None:
            existing = existing.filter(unit_id__in=list(unit_ids))
        existing.delete()
        UnitYearTotals.objects.bulk_create(
            [UnitYearTotals(unit_id=unit_id, year=year, **sums) for (unit_id, year), sums in totals.items()]
        )
    return len(totals)
