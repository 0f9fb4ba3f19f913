"""Locking stock rows (库存行锁): one way for every write that changes stock.

Placing an order allocates stock; shipping consumes the allocation; cancelling releases it;
a return restocks. Each locks the stock rows it will change first, always in primary-key
order, so that two transactions over the same products queue instead of deadlocking (each
takes the rows in the same order). ``partners.models.StockRecord``'s conditional updates
then decide whether the change can happen.
"""

from __future__ import annotations

from collections.abc import Iterable

from oscar.core.loading import get_model

StockRecord = get_model("partner", "StockRecord")


def lock_stock_records(ids: Iterable[int | None]) -> dict[int, StockRecord]:
    """Lock the stock rows ``ids`` (``None`` is skipped) in primary-key order until the transaction ends.

    Call inside a transaction. Returns the locked records by primary key, read after the lock.
    """
    wanted = sorted({pk for pk in ids if pk is not None})
    if not wanted:
        return {}
    return {
        record.pk: record for record in StockRecord.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    }
