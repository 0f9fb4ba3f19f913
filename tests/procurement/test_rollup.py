"""Roll-up through the hierarchy (主管预算单位 → 所属单位): sums over the subtree, each direct
subordinate's own subtree, ranked behind pace first, in a constant number of queries."""

import datetime
from decimal import Decimal

import pytest

from marketplace.procurement import progress
from tests.factories import budget_unit
from tests.procurement.test_progress import filing, sums

pytestmark = pytest.mark.django_db
YEAR = 2026
MID_YEAR = datetime.date(YEAR, 7, 1)  # 182 of 365 days gone: a unit with 50 % done is on pace


@pytest.fixture
def tree():
    """
    市局 (top, reserved 100)
    ├── 一中 (on pace: 60 of 100)      └── 一中食堂 (reserved 100, 40 done)
    ├── 二中 (behind: 10 of 100)
    ├── 三中 (not filed, 30 placed)
    └── 四中 (无食堂, filed, 0)
    区局 (another tree, 1000 done)
    """
    top = budget_unit("深圳市汇总测试局", category="agency")
    first = budget_unit("汇总测试一中", parent=top)
    canteen = budget_unit("汇总测试一中食堂", parent=first)
    second = budget_unit("汇总测试二中", parent=top)
    third = budget_unit("汇总测试三中", parent=top)
    fourth = budget_unit("汇总测试四中", parent=top)
    other = budget_unit("深圳市另一区局", category="agency")
    filing(top, "100.00")
    sums(top, placed="5.00", completed="5.00")
    filing(first, "100.00")
    sums(first, placed="70.00", completed="60.00", key_completed="6.00")
    filing(canteen, "100.00", status="submitted")
    sums(canteen, placed="40.00", completed="40.00")
    filing(second, "100.00", status="returned")
    sums(second, placed="20.00", completed="10.00")
    sums(third, placed="30.00")
    filing(fourth, "0.00", has_canteen=False)
    filing(other, "1000.00")
    sums(other, completed="1000.00")
    sums(first, year=YEAR - 1, completed="999.00")  # another year
    return locals()


def test_the_roll_up_sums_the_whole_subtree_and_nothing_beside_it(tree):
    report = progress.subtree_progress(unit=tree["top"], year=YEAR, today=MID_YEAR)
    total = report.total

    assert total.units == 6 and total.filed == 5 and total.not_filed == 1 and total.approved == 3
    assert total.reserved == Decimal("400.00")
    assert total.placed == Decimal("165.00")
    assert total.completed == Decimal("115.00")  # not the other bureau's 1000, not last year's 999
    assert total.completed_percent == Decimal("28.8")


def test_each_direct_subordinate_carries_its_own_subtree(tree):
    report = progress.subtree_progress(unit=tree["top"], year=YEAR, today=MID_YEAR)
    by_name = {item.unit.name: item for item in report.subordinates}

    assert set(by_name) == {"汇总测试一中", "汇总测试二中", "汇总测试三中", "汇总测试四中"}  # 一中食堂 is inside 一中
    first = by_name["汇总测试一中"]
    assert (first.units, first.reserved, first.completed) == (2, Decimal("200.00"), Decimal("100.00"))
    assert by_name["汇总测试三中"].reserved is None and by_name["汇总测试三中"].not_filed == 1
    assert by_name["汇总测试四中"].reserved == Decimal("0.00")


def test_subordinates_are_ranked_behind_pace_first(tree):
    report = progress.subtree_progress(unit=tree["top"], year=YEAR, today=MID_YEAR)
    names = [item.unit.name for item in report.subordinates]

    # 二中 10 % (behind), 一中 50 % (about on pace); then those without a quota
    assert names[:2] == ["汇总测试二中", "汇总测试一中"]
    assert set(names[2:]) == {"汇总测试三中", "汇总测试四中"}
    assert report.subordinates[0].behind_pace
    assert not report.subordinates[1].behind_pace


def test_pace_is_measured_against_the_part_of_the_year_gone(tree):
    early = progress.subtree_progress(unit=tree["second"], year=YEAR, today=datetime.date(YEAR, 1, 20)).total
    late = progress.subtree_progress(unit=tree["second"], year=YEAR, today=datetime.date(YEAR, 12, 31)).total

    assert not early.behind_pace  # 10 % done after 5 % of the year
    assert late.behind_pace
    assert progress.year_elapsed(YEAR - 1, MID_YEAR) == 1 and progress.year_elapsed(YEAR + 1, MID_YEAR) == 0


def test_a_leaf_unit_has_itself_as_its_subtree_and_no_subordinates(tree):
    report = progress.subtree_progress(unit=tree["canteen"], year=YEAR, today=MID_YEAR)
    assert report.subordinates == [] and report.total.units == 1
    assert report.total.completed == Decimal("40.00")


def test_the_roll_up_takes_the_same_queries_for_a_small_and_a_large_tree(tree, django_assert_num_queries):
    with django_assert_num_queries(5):  # units, sums, filings, overdue (and its cache key)
        progress.subtree_progress(unit=tree["second"], year=YEAR, today=MID_YEAR)
    for n in range(15):
        unit = budget_unit(f"汇总测试扩充{n}", parent=tree["first"])
        filing(unit, "10.00")
        sums(unit, placed="1.00")
    with django_assert_num_queries(5):  # units, sums, filings, overdue (and its cache key)
        report = progress.subtree_progress(unit=tree["top"], year=YEAR, today=MID_YEAR, with_rows=True)
    assert report.total.units == 21 and len(report.rows) == 21


def test_the_export_rows_give_each_units_own_figures(tree):
    report = progress.subtree_progress(unit=tree["top"], year=YEAR, today=MID_YEAR, with_rows=True)
    rows = {values["name"]: figures for values, figures in report.rows}

    assert rows["汇总测试一中"].completed == Decimal("60.00")  # its own, without its canteen's
    assert rows["汇总测试一中"].key_completed_percent == Decimal("10.0")
    assert rows["汇总测试三中"].reserved is None
    assert [values["name"] for values, _ in report.rows][0] == "深圳市汇总测试局"  # hierarchy order
