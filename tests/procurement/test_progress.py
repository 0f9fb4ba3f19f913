"""A unit's reserved-share progress (预留份额完成进度): figures, the page, who may open it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from marketplace.procurement import progress
from marketplace.procurement.models import Receipt, ReceiptAllocation, ReservedShareFiling, UnitYearTotals
from tests.factories import UserFactory, budget_unit, unit_member
from tests.fulfilment.builders import accept, budget_unit_buyer, part, place_order, ship, staff_user, two_cooperatives

pytestmark = pytest.mark.django_db
YEAR = 2026


def filing(unit, reserved, *, year=YEAR, status="approved", **fields):
    return ReservedShareFiling.objects.create(
        unit=unit, year=year, status=status, reserved_amount=Decimal(reserved), **fields
    )


def sums(unit, *, year=YEAR, placed="0", completed="0", key_completed="0"):
    return UnitYearTotals.objects.create(
        unit=unit,
        year=year,
        placed=Decimal(placed),
        completed=Decimal(completed),
        key_completed=Decimal(key_completed),
    )


def page_url(unit, year=None):
    url = reverse("procurement:progress", kwargs={"unit": unit.pk})
    return f"{url}?year={year}" if year else url


# --------------------------------------------------------------------------- figures
def test_reserved_placed_completed_and_their_percentages():
    unit = budget_unit("深圳市进度测试学校")
    filing(unit, "1000.00")
    sums(unit, placed="600.00", completed="250.00", key_completed="50.00")

    figures = progress.reserved_share_progress(unit=unit, year=YEAR, today=datetime.date(YEAR, 7, 2))

    assert figures.reserved == Decimal("1000.00")
    assert (figures.placed, figures.completed) == (Decimal("600.00"), Decimal("250.00"))
    assert figures.placed_percent == Decimal("60.0")
    assert figures.completed_percent == Decimal("25.0")
    assert figures.key_completed_percent == Decimal("20.0")  # of the completed amount
    assert figures.behind_pace  # a quarter done, half the year gone


def test_progress_over_100_percent_shows():
    unit = budget_unit("深圳市超额完成学校")
    filing(unit, "100.00")
    sums(unit, placed="316.00", completed="176.00")

    figures = progress.reserved_share_progress(unit=unit, year=YEAR)

    assert figures.completed_percent == Decimal("176.0")  # never capped
    assert figures.over_reserved and not figures.behind_pace
    assert progress.bar_step(figures.completed_percent) == 100  # the bar is full, the text says 176.0 %


def test_a_unit_that_has_not_filed_has_no_reserved_amount_and_says_so(client):
    unit = budget_unit("深圳市未申报学校")
    sums(unit, placed="10.00")
    manager = unit_member(unit, "m@notfiled.example.cn", roles=("manager",))

    figures = progress.reserved_share_progress(unit=unit, year=YEAR)
    assert figures.reserved is None and not figures.filed
    assert figures.completed_percent is None and figures.placed_percent is None

    client.force_login(manager)
    page = client.get(page_url(unit, YEAR)).content.decode()
    assert "未填报" in page


def test_no_canteen_gives_a_zero_quota_and_still_shows_the_filing(client):
    unit = budget_unit("深圳市无食堂单位", category="agency")
    filing(unit, "0.00", has_canteen=False)
    sums(unit, placed="20.00", completed="20.00")
    manager = unit_member(unit, "m@nocanteen.example.cn", roles=("manager",))

    figures = progress.reserved_share_progress(unit=unit, year=YEAR)
    assert figures.filed and figures.no_quota and figures.reserved == Decimal("0.00")
    assert figures.completed_percent is None  # nothing to measure against, never a division by zero

    client.force_login(manager)
    page = client.get(page_url(unit, YEAR)).content.decode()
    assert "无食堂" in page and "已通过" in page


def test_a_shared_canteen_counts_once_at_the_representative():
    bureau = budget_unit("深圳市共用食堂主管局", category="agency")
    representative = budget_unit("深圳市共用食堂代表单位", parent=bureau)
    member = budget_unit("深圳市共用食堂成员单位", parent=bureau)
    filing(representative, "1000.00")
    filing(member, "0.00", shared_canteen_with=representative)
    sums(representative, placed="300.00", completed="100.00")
    sums(member, placed="80.00", completed="50.00")

    rep = progress.reserved_share_progress(unit=representative, year=YEAR)
    assert rep.completed == Decimal("150.00") and rep.placed == Decimal("380.00")
    assert rep.completed_percent == Decimal("15.0")
    assert [unit.pk for unit in rep.shared_units] == [member.pk]

    own = progress.reserved_share_progress(unit=member, year=YEAR)
    assert own.reserved == Decimal("0.00") and own.shares_canteen_of == representative
    assert own.completed == Decimal("50.00")  # its own purchases, shown, but no quota of its own

    rollup = progress.subtree_progress(unit=bureau, year=YEAR).total
    assert rollup.completed == Decimal("150.00")  # counted once, not 200
    assert rollup.reserved == Decimal("1000.00")


def test_a_year_without_purchases_shows_zero_and_another_years_figures_stay_apart():
    unit = budget_unit("深圳市分年测试学校")
    filing(unit, "500.00", year=2025)
    sums(unit, year=2025, completed="400.00")

    assert progress.reserved_share_progress(unit=unit, year=2025).completed == Decimal("400.00")
    later = progress.reserved_share_progress(unit=unit, year=2026)
    assert later.completed == Decimal("0.00") and later.reserved is None


# --------------------------------------------------------------------------- overdue payments
@pytest.fixture
def accepted_part():
    """A school's part accepted on 2026-03-02 (Beijing time); payment term 30 days → due 2026-04-01."""
    data = two_cooperatives()
    unit = budget_unit("深圳市逾期测试学校")
    buyer = budget_unit_buyer("canteen@overdue.example.cn", unit=unit)
    with freeze_time("2026-03-01 10:00:00+08:00"):
        order = place_order(buyer, [(data["pork"], 2)])
        ship(part(order, data["a"]), data["a_user"])
    with freeze_time("2026-03-02 10:00:00+08:00"):
        fulfilment = accept(part(order, data["a"]), buyer)
    return {"unit": unit, "part": fulfilment, "buyer": buyer}


def test_a_part_becomes_overdue_the_day_after_its_due_date(accepted_part):
    unit, fulfilment = accepted_part["unit"], accepted_part["part"]
    due = progress.overdue_payments
    on_the_due_date = due(unit=unit, today=datetime.date(2026, 4, 1))
    assert on_the_due_date == {"count": 0, "amount": Decimal("0.00")}

    late = due(unit=unit, today=datetime.date(2026, 4, 2))

    assert late == {"count": 1, "amount": fulfilment.total}


def test_payments_matched_to_an_overdue_part_lower_what_is_owed_and_a_full_payment_clears_it(accepted_part):
    unit, fulfilment = accepted_part["unit"], accepted_part["part"]
    receipt = Receipt.objects.create(
        unit=unit, payer_name="学校", amount=fulfilment.total, received_on=datetime.date(2026, 4, 5), reference="R1"
    )
    ReceiptAllocation.objects.create(receipt=receipt, fulfilment=fulfilment, amount=Decimal("100.00"))
    today = datetime.date(2026, 4, 10)

    partly = progress.reserved_share_progress(unit=unit, year=2026, today=today)
    assert (partly.overdue_count, partly.overdue_amount) == (1, fulfilment.total - Decimal("100.00"))

    ReceiptAllocation.objects.create(receipt=receipt, fulfilment=fulfilment, amount=fulfilment.total - Decimal("100"))
    paid = progress.reserved_share_progress(unit=unit, year=2026, today=today)
    assert (paid.overdue_count, paid.overdue_amount) == (0, Decimal("0.00"))


def test_a_longer_payment_term_of_the_order_moves_the_due_date(accepted_part):
    unit, fulfilment = accepted_part["unit"], accepted_part["part"]
    fulfilment.order.unit_order.__class__.objects.filter(order=fulfilment.order).update(payment_term_days=60)

    assert progress.overdue_payments(unit=unit, today=datetime.date(2026, 4, 2))["count"] == 0
    assert progress.overdue_payments(unit=unit, today=datetime.date(2026, 5, 2))["count"] == 1


# --------------------------------------------------------------------------- the page
def test_the_page_shows_the_figures_a_chart_and_its_text_alternative(client, units):
    filing(units["school_a"], "100.00")
    sums(units["school_a"], placed="316.00", completed="176.00")
    client.force_login(units["a_buyer"])

    response = client.get(page_url(units["school_a"], YEAR))

    assert response.status_code == 200
    page = response.content.decode()
    assert "176.0 %" in page and "bar-w-100 bar-over" in page  # over 100 % shows, the bar full
    assert 'id="progress-figures"' in page  # the table carries the same figures as text
    assert "style=" not in page.split('id="main"')[1] and "<script>" not in page  # CSP: no inline styles or scripts
    assert 'name="year"' in page and "下单年度" in page  # which year each figure counts in
    assert "subordinate-ranking" not in page  # a buyer does not oversee the unit


def test_the_year_selector_picks_the_year_and_ignores_a_bad_one(client, units):
    sums(units["school_a"], year=2025, completed="12.34")
    client.force_login(units["a_buyer"])

    assert "¥12.34" in client.get(page_url(units["school_a"], 2025)).content.decode()
    with freeze_time("2026-06-01"):
        response = client.get(page_url(units["school_a"], "abc"))
    assert response.status_code == 200 and response.context["year"] == 2026
    with freeze_time("2026-06-01"):
        assert client.get(page_url(units["school_a"], 1999)).context["year"] == 2026


def test_a_manager_above_sees_the_ranking_and_opens_a_subordinates_page(client, units):
    filing(units["school_a"], "1000.00")
    filing(units["school_b"], "1000.00")
    sums(units["school_a"], completed="900.00")
    sums(units["school_b"], completed="100.00")
    client.force_login(units["bureau_manager"])

    with freeze_time("2026-07-01"):
        response = client.get(page_url(units["bureau"], YEAR))

    page = response.content.decode()
    ranking = page.split("subordinate-ranking")[1]
    assert ranking.index(units["school_b"].name) < ranking.index(units["school_a"].name)  # behind pace first
    assert page_url(units["school_b"]) in page
    assert client.get(page_url(units["school_b"], YEAR)).status_code == 200


@pytest.mark.parametrize("visitor", ["b_manager", "b_buyer", "other_manager"])
def test_members_of_a_sibling_or_another_tree_get_404(client, units, visitor):
    sums(units["school_a"], completed="10.00")
    client.force_login(units[visitor])

    assert client.get(page_url(units["school_a"])).status_code == 404


def test_a_member_of_a_school_cannot_open_the_unit_above(client, units):
    client.force_login(units["a_manager"])
    assert client.get(page_url(units["bureau"])).status_code == 404
    assert client.get(page_url(units["school_b"])).status_code == 404


def test_someone_outside_every_unit_is_refused_and_staff_may_look(client, units):
    client.force_login(UserFactory(email="shopper@example.cn"))
    assert client.get(page_url(units["school_a"])).status_code == 403
    client.force_login(staff_user())
    assert client.get(page_url(units["bureau"])).status_code == 200


def test_the_nav_and_the_portal_home_show_each_units_progress(client, units):
    with freeze_time("2026-05-01"):
        filing(units["school_a"], "200.00")
        sums(units["school_a"], placed="100.00", completed="50.00")
        client.force_login(units["a_manager"])
        with CaptureQueriesContext(connection) as few:
            page = client.get(reverse("procurement:home")).content.decode()
    assert page_url(units["school_a"]) in page
    assert "¥50.00" in page and "25.0 %" in page
    # a second unit costs no more queries
    unit_member(units["school_b"], user=units["a_manager"], roles=("buyer",))
    unit_member(units["other_bureau"], user=units["a_manager"], roles=("buyer",))
    with freeze_time("2026-05-01"), CaptureQueriesContext(connection) as more:
        client.get(reverse("procurement:home"))
    assert len(more) <= len(few)


def build_tree(size: int):
    """A bureau, ``size`` schools each with a canteen office below, filings and sums for each."""
    bureau = budget_unit(f"深圳市规模测试局{size}", category="agency")
    for n in range(size):
        school = budget_unit(f"规模测试学校{size}-{n}", parent=bureau)
        office = budget_unit(f"规模测试食堂{size}-{n}", parent=school)
        for unit in (school, office):
            filing(unit, "100.00")
            sums(unit, placed="10.00", completed=str(n))
    return bureau, unit_member(bureau, f"m{size}@scale.example.cn", roles=("manager",))


def test_the_page_needs_a_fixed_number_of_queries_whatever_the_number_of_units(client, django_assert_max_num_queries):
    """The page reads the kept sums and the filings, never the lines: the site's layout takes about
    half the budget; the unit's figures, the roll-up and the ranking four queries each."""
    small, small_manager = build_tree(2)
    large, large_manager = build_tree(12)

    client.force_login(small_manager)
    with django_assert_max_num_queries(30), CaptureQueriesContext(connection) as few:
        assert client.get(page_url(small, YEAR)).status_code == 200
    client.force_login(large_manager)
    with django_assert_max_num_queries(30), CaptureQueriesContext(connection) as many:
        response = client.get(page_url(large, YEAR))
    assert len(response.context["subordinates"]) == 12
    assert len(many) <= len(few)  # more units, no more queries


def test_a_roll_up_reuses_its_overdue_figures_only_until_a_payment_is_matched(accepted_part):
    unit, fulfilment = accepted_part["unit"], accepted_part["part"]
    bureau = budget_unit("深圳市逾期汇总测试局", category="agency")
    unit.parent = bureau
    from marketplace.procurement.units import unit_save

    unit = unit_save(unit=unit)
    today = datetime.date(2026, 4, 10)
    assert progress.subtree_progress(unit=bureau, year=2026, today=today).total.overdue_count == 1

    receipt = Receipt.objects.create(
        unit=unit, payer_name="学校", amount=fulfilment.total, received_on=today, reference="R2"
    )
    ReceiptAllocation.objects.create(receipt=receipt, fulfilment=fulfilment, amount=fulfilment.total)

    assert progress.subtree_progress(unit=bureau, year=2026, today=today).total.overdue_count == 0
