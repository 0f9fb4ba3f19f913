"""The rules of a unit's reserved-share filing (预留份额填报): each refusal changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from freezegun import freeze_time

from marketplace.procurement import filings
from marketplace.procurement.filings import filing_save, filing_submit
from marketplace.procurement.models import FilingDeadline, FilingEvent, FilingStatus, ReservedShareFiling
from tests.factories import budget_unit, jurisdiction, share_ratio, unit_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ratios_2025")]
YEAR = 2025


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English; pages in Chinese are checked on their own."""
    with translation.override("en"):
        yield


@pytest.fixture
def ratios_2025(db):
    share_ratio("national", YEAR, "0.10")
    share_ratio("guangdong", YEAR, "0.15")
    share_ratio("shenzhen", YEAR, "0.15")


def own_canteen(total="1000000.00", ratio="0.15", **extra) -> dict:
    return {"has_canteen": True, "canteen_food_total": Decimal(total), "ratio": Decimal(ratio), **extra}


def refused(call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value


def test_a_manager_saves_a_draft_with_the_reserved_amount_and_the_minimum_snapshot(units):
    filing = filing_save(unit=units["school_a"], year=YEAR, user=units["a_manager"], data=own_canteen())

    assert filing.status == FilingStatus.DRAFT
    assert filing.reserved_amount == Decimal("150000.00")
    assert filing.minimum_ratio == Decimal("0.1500")
    assert list(filing.events.order_by("pk").values_list("action", flat=True)) == ["saved"]


def test_rounding_of_the_reserved_amount_is_to_the_fen_half_up(units):
    """333,333.33 × 15 % = 49,999.9995 → 50,000.00; 0.10 × 15 % = 0.015 → 0.02 (half up, not to even)."""
    manager, unit = units["a_manager"], units["school_a"]

    assert filing_save(unit=unit, year=YEAR, user=manager, data=own_canteen("333333.33")).reserved_amount == Decimal(
        "50000.00"
    )
    assert filing_save(unit=unit, year=YEAR, user=manager, data=own_canteen("0.10")).reserved_amount == Decimal("0.02")
    assert filing_save(unit=unit, year=YEAR, user=manager, data=own_canteen("0.30")).reserved_amount == Decimal("0.05")


def test_no_canteen_gives_a_quota_of_zero_and_still_files(units):
    """无食堂: total and ratio are ignored and stored as 0; the filing is still made and submitted."""
    filing = filing_save(
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data={"has_canteen": False, "canteen_food_total": Decimal("5000000"), "ratio": Decimal("0.3")},
    )
    with freeze_time("2025-01-10"):
        filing = filing_submit(filing=filing, user=units["a_manager"])

    assert (filing.has_canteen, filing.canteen_food_total, filing.ratio, filing.reserved_amount) == (
        False,
        Decimal("0"),
        Decimal("0"),
        Decimal("0"),
    )
    assert filing.status == FilingStatus.SUBMITTED


def test_a_shared_canteen_counts_once_reserved_only_at_the_representative(units):
    """共用食堂: the representative reserves for the canteen; the unit pointing at it reserves 0."""
    filing_save(unit=units["school_b"], year=YEAR, user=units["b_manager"], data=own_canteen("2000000"))
    sharing = filing_save(
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data=own_canteen("2000000", shared_canteen_with=units["school_b"]),
    )

    assert sharing.reserved_amount == Decimal("0") and sharing.canteen_food_total == Decimal("0")
    reserved = ReservedShareFiling.objects.filter(year=YEAR).values_list("reserved_amount", flat=True)
    assert sum(reserved) == Decimal("300000.00")
    assert list(filings.units_shared_with(unit=units["school_b"], year=YEAR)) == [units["school_a"]]


def test_a_shared_canteen_pointing_at_itself_is_refused(units):
    error = refused(
        filing_save,
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data=own_canteen(shared_canteen_with=units["school_a"]),
    )
    assert "cannot share its own canteen" in " ".join(error.message_dict["shared_canteen_with"])
    assert not ReservedShareFiling.objects.exists()


def test_a_shared_canteen_needs_a_representative_that_files_with_its_own_canteen(units):
    error = refused(
        filing_save,
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data=own_canteen(shared_canteen_with=units["school_b"]),
    )
    assert "has not filed for 2025 with its own canteen" in " ".join(error.message_dict["shared_canteen_with"])

    filing_save(unit=units["school_b"], year=YEAR, user=units["b_manager"], data={"has_canteen": False})
    refused(
        filing_save,
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data=own_canteen(shared_canteen_with=units["school_b"]),
    )
    assert not ReservedShareFiling.objects.filter(unit=units["school_a"]).exists()


def test_a_shared_canteen_chain_or_loop_is_refused(units):
    """a → b is fine; c → a (a points elsewhere) and b → a (a loop) are refused."""
    school_c = budget_unit("第三中学", parent=units["bureau"])
    c_manager = unit_member(school_c, "m@c.example.cn", roles=("manager",))
    filing_save(unit=units["school_b"], year=YEAR, user=units["b_manager"], data=own_canteen())
    filing_save(
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data=own_canteen(shared_canteen_with=units["school_b"]),
    )

    chain = refused(
        filing_save, unit=school_c, year=YEAR, user=c_manager, data=own_canteen(shared_canteen_with=units["school_a"])
    )
    loop = refused(
        filing_save,
        unit=units["school_b"],
        year=YEAR,
        user=units["b_manager"],
        data=own_canteen(shared_canteen_with=units["school_a"]),
    )

    assert "itself shares the canteen of" in " ".join(chain.message_dict["shared_canteen_with"])
    assert "itself shares the canteen of" in " ".join(loop.message_dict["shared_canteen_with"])
    b_filing = ReservedShareFiling.objects.get(unit=units["school_b"])
    assert b_filing.shared_canteen_with is None and b_filing.reserved_amount == Decimal("150000.00")
    assert not ReservedShareFiling.objects.filter(unit=school_c).exists()


def test_a_representative_cannot_give_up_its_canteen_while_others_share_it(units):
    filing_save(unit=units["school_b"], year=YEAR, user=units["b_manager"], data=own_canteen())
    filing_save(
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data=own_canteen(shared_canteen_with=units["school_b"]),
    )

    error = refused(
        filing_save, unit=units["school_b"], year=YEAR, user=units["b_manager"], data={"has_canteen": False}
    )

    assert "share this unit's canteen" in " ".join(error.message_dict["has_canteen"])
    assert ReservedShareFiling.objects.get(unit=units["school_b"]).has_canteen


def test_an_outsourced_canteen_needs_a_contractor_buyer(units):
    """食堂外包: refused with how to add the contractor's account; accepted once it exists."""
    error = refused(
        filing_save,
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data=own_canteen(canteen_outsourced=True),
    )
    assert "buyer account for the contractor" in " ".join(error.message_dict["canteen_outsourced"])
    assert not ReservedShareFiling.objects.exists()

    unit_member(units["school_a"], "chef@contractor.example.cn", roles=("buyer",), contractor="深圳某餐饮管理有限公司")
    filing = filing_save(
        unit=units["school_a"], year=YEAR, user=units["a_manager"], data=own_canteen(canteen_outsourced=True)
    )
    assert filing.canteen_outsourced and filing.reserved_amount == Decimal("150000.00")


@pytest.mark.parametrize("total", ["-1", "10000000000.01", "999999999999"])
def test_negative_or_absurd_totals_are_refused(units, total):
    error = refused(filing_save, unit=units["school_a"], year=YEAR, user=units["a_manager"], data=own_canteen(total))
    assert "canteen_food_total" in error.message_dict
    assert not ReservedShareFiling.objects.exists()


def test_a_lower_ratio_without_approval_is_refused(units):
    error = refused(
        filing_save, unit=units["school_a"], year=YEAR, user=units["a_manager"], data=own_canteen(ratio="0.05")
    )
    assert "below the minimum of 15 %" in " ".join(error.message_dict["ratio"])
    assert set(error.message_dict) >= {"lower_ratio_authority", "lower_ratio_date", "lower_ratio_document"}

    partial = refused(
        filing_save,
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data=own_canteen(ratio="0.05", lower_ratio_authority="深圳市财政局"),
    )
    assert "lower_ratio_document" in partial.message_dict
    assert not ReservedShareFiling.objects.exists()


def test_a_lower_ratio_with_its_approval_record_is_accepted(units):
    filing = filing_save(
        unit=units["school_a"],
        year=YEAR,
        user=units["a_manager"],
        data=own_canteen(
            ratio="0.05",
            lower_ratio_authority="深圳市财政局",
            lower_ratio_date=datetime.date(2025, 1, 5),
            lower_ratio_document="深财库〔2025〕1号",
        ),
    )
    assert filing.ratio == Decimal("0.0500") and filing.reserved_amount == Decimal("50000.00")
    assert filing.minimum_ratio == Decimal("0.1500")


def test_a_ratio_above_one_is_refused(units):
    refused(filing_save, unit=units["school_a"], year=YEAR, user=units["a_manager"], data=own_canteen(ratio="1.5"))
    assert not ReservedShareFiling.objects.exists()


@pytest.mark.parametrize("who", ["a_buyer", "a_finance", "bureau_manager", "b_manager", "other_manager"])
def test_only_a_manager_of_the_unit_itself_saves_its_filing(units, who):
    with pytest.raises(PermissionDenied):
        filing_save(unit=units["school_a"], year=YEAR, user=units[who], data=own_canteen())
    assert not ReservedShareFiling.objects.exists()


@pytest.fixture
def deadline(db):
    return FilingDeadline.objects.create(
        jurisdiction=jurisdiction("shenzhen"), year=YEAR, deadline=datetime.date(2025, 3, 31)
    )


def test_a_filing_after_the_deadline_is_refused_unless_extended(units, deadline):
    filing = filing_save(unit=units["school_a"], year=YEAR, user=units["a_manager"], data=own_canteen())

    with freeze_time("2025-04-01"):
        error = refused(filing_submit, filing=filing, user=units["a_manager"])
        assert "The deadline for 2025 filings was 2025-03-31" in error.messages[0]
        filing.refresh_from_db()
        assert filing.status == FilingStatus.DRAFT and filing.submitted_at is None

        filings.filing_extend(filing=filing, user=units["bureau_manager"], until=datetime.date(2025, 4, 10))
        filing.refresh_from_db()
        assert filing_submit(filing=filing, user=units["a_manager"]).status == FilingStatus.SUBMITTED


def test_an_extension_that_has_run_out_does_not_allow_a_late_filing(units, deadline):
    filing = filing_save(unit=units["school_a"], year=YEAR, user=units["a_manager"], data=own_canteen())
    with freeze_time("2025-04-01"):
        filings.filing_extend(filing=filing, user=units["bureau_manager"], until=datetime.date(2025, 4, 5))
    filing.refresh_from_db()

    with freeze_time("2025-04-06"):
        refused(filing_submit, filing=filing, user=units["a_manager"])
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT


def test_a_filing_on_the_deadline_day_is_accepted(units, deadline):
    filing = filing_save(unit=units["school_a"], year=YEAR, user=units["a_manager"], data=own_canteen())
    with freeze_time("2025-03-31"):
        assert filing_submit(filing=filing, user=units["a_manager"]).status == FilingStatus.SUBMITTED


def test_an_extension_without_a_filing_creates_a_draft_and_only_reviewers_extend(units, deadline):
    with freeze_time("2025-04-01"):
        with pytest.raises(PermissionDenied):
            filings.filing_extend(
                unit=units["school_a"], year=YEAR, user=units["a_manager"], until=datetime.date(2025, 4, 9)
            )
        with pytest.raises(PermissionDenied):
            filings.filing_extend(
                unit=units["school_a"], year=YEAR, user=units["b_manager"], until=datetime.date(2025, 4, 9)
            )
        assert not ReservedShareFiling.objects.exists()
        refused(
            filings.filing_extend,
            unit=units["school_a"],
            year=YEAR,
            user=units["bureau_manager"],
            until=datetime.date(2025, 3, 1),
        )
        assert not ReservedShareFiling.objects.exists()

        filing = filings.filing_extend(
            unit=units["school_a"], year=YEAR, user=units["bureau_manager"], until=datetime.date(2025, 4, 9)
        )
    assert filing.status == FilingStatus.DRAFT and filing.extended_until == datetime.date(2025, 4, 9)
    assert filing.events.get().action == FilingEvent.Action.EXTENDED


def test_a_submitted_or_approved_filing_cannot_be_edited(units):
    filing = filing_save(unit=units["school_a"], year=YEAR, user=units["a_manager"], data=own_canteen())
    with freeze_time("2025-01-10"):
        filing_submit(filing=filing, user=units["a_manager"])

    error = refused(filing_save, unit=units["school_a"], year=YEAR, user=units["a_manager"], data=own_canteen("1"))
    assert "can no longer be changed" in error.messages[0]

    filings.filing_approve(filing=filing, user=units["bureau_manager"])
    refused(filing_save, unit=units["school_a"], year=YEAR, user=units["a_manager"], data=own_canteen("1"))
    filing.refresh_from_db()
    assert filing.canteen_food_total == Decimal("1000000.00") and filing.status == FilingStatus.APPROVED
