"""A unit's yearly totals under concurrent steps on PostgreSQL: two orders placed and two parts
accepted at the same moment add up exactly, and the first row of a year is created once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.procurement import counting
from marketplace.procurement.models import UnitYearTotals
from tests.factories import budget_unit
from tests.fulfilment.builders import accept, budget_unit_buyer, part, place_order, ship, two_cooperatives
from tests.fulfilment.threads import Crowd, unexpected

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROUNDS = 4


def stored(unit) -> dict[tuple[int, int], dict[str, Decimal]]:
    return {
        (row.unit_id, row.year): {
            "placed": row.placed,
            "completed": row.completed,
            "key_placed": row.key_placed,
            "key_completed": row.key_completed,
        }
        for row in UnitYearTotals.objects.filter(unit=unit)
    }


def test_parts_accepted_at_the_same_moment_are_both_counted():
    shop = two_cooperatives()
    for product in (shop["pork"], shop["mango"]):
        product.stockrecords.update(num_in_stock=1000)
    unit = budget_unit("并发测试学校")
    canteen = budget_unit_buyer("canteen@race.example.cn", unit=unit)
    with Crowd(2) as crowd:
        for round_number in range(1, ROUNDS + 1):
            order = place_order(canteen, [(shop["pork"], 1), (shop["mango"], 1)])
            parts = (
                ship(part(order, shop["a"]), shop["a_user"]),
                ship(part(order, shop["b"]), shop["b_user"]),
            )
            outcomes = crowd.race(lambda fulfilment: accept(fulfilment, canteen), prepare=parts.__getitem__)
            assert not unexpected(outcomes), f"round {round_number}:\n" + unexpected(outcomes)

    assert stored(unit) == counting.unit_totals_from_lines([unit.pk])
    row = UnitYearTotals.objects.get(unit=unit)
    assert row.completed == row.placed > 0


def test_the_first_orders_of_a_year_placed_at_once_create_one_row():
    shop = two_cooperatives()
    for product in (shop["pork"], shop["mango"]):
        product.stockrecords.update(num_in_stock=1000)
    unit = budget_unit("并发下单学校")
    buyers = [budget_unit_buyer(f"buyer{n}@race.example.cn", unit=unit) for n in range(2)]
    with Crowd(2) as crowd:
        outcomes = crowd.race(lambda person: place_order(person, [(shop["pork"], 1)]), prepare=buyers.__getitem__)
    assert not unexpected(outcomes), unexpected(outcomes)

    assert UnitYearTotals.objects.filter(unit=unit).count() == 1
    assert stored(unit) == counting.unit_totals_from_lines([unit.pk])
