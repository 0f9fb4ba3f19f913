"""Stock changes are conditional updates: refused, and nothing changed, when stock does not allow them.

These run on SQLite too, so that the default test run catches a conditional update replaced
by Oscar's unconditional one (``AbstractStockRecord.allocate`` adds to ``num_allocated``
whatever the stock; its ``consume_allocation`` checks the copy in memory, which another
request may have made stale). The races themselves are in ``test_concurrency.py`` and
``test_step_races.py`` (PostgreSQL).
"""

import pytest
from oscar.apps.partner.exceptions import InvalidStockAdjustment
from oscar.core.loading import get_model

from partners.models import InsufficientStock
from tests.factories import make_product

StockRecord = get_model("partner", "StockRecord")
pytestmark = pytest.mark.django_db


def counts(record) -> tuple[int, int]:
    fresh = StockRecord.objects.get(pk=record.pk)
    return fresh.num_in_stock, fresh.num_allocated or 0


@pytest.fixture
def record():
    """5 in stock, nothing allocated."""
    return StockRecord.objects.get(product=make_product(stock=5, with_image=False))


def test_allocating_more_than_is_left_is_refused_and_changes_nothing(record):
    record.allocate(3)
    assert counts(record) == (5, 3)

    with pytest.raises(InsufficientStock):
        record.allocate(3)

    assert counts(record) == (5, 3)
    record.allocate(2)  # exactly what is left
    assert counts(record) == (5, 5)
    with pytest.raises(InsufficientStock):
        record.allocate(1)
    assert counts(record) == (5, 5)


def test_allocating_from_a_stale_copy_is_checked_against_the_database(record):
    """Two checkouts read the record before either allocates: the second must not oversell."""
    first, second = StockRecord.objects.get(pk=record.pk), StockRecord.objects.get(pk=record.pk)

    first.allocate(4)
    with pytest.raises(InsufficientStock):
        second.allocate(4)  # its copy still says nothing is allocated

    assert counts(record) == (5, 4)
    assert (second.num_in_stock, second.num_allocated) == (5, 4)  # refreshed, not left stale


def test_consuming_more_than_is_allocated_is_refused_and_changes_nothing(record):
    record.allocate(2)

    with pytest.raises(InvalidStockAdjustment):
        record.consume_allocation(3)

    assert counts(record) == (5, 2)
    record.consume_allocation(2)
    assert counts(record) == (3, 0)


def test_consuming_an_allocation_twice_from_stale_copies_is_refused(record):
    """A part shipped from two tabs: both copies say 2 allocated; the goods leave once."""
    record.allocate(2)
    first, second = StockRecord.objects.get(pk=record.pk), StockRecord.objects.get(pk=record.pk)

    first.consume_allocation(2)
    with pytest.raises(InvalidStockAdjustment):
        second.consume_allocation(2)

    assert counts(record) == (3, 0)
