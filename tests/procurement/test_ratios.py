"""The published minimum ratio (预留份额比例) and the filing deadline are data: the highest minimum of
the unit's jurisdiction chain, the most specific deadline, and nothing assumed for a year without a row."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from marketplace.procurement.filings import deadline_for, minimum_ratio_for
from marketplace.procurement.models import FilingDeadline, ShareRatio
from tests.factories import budget_unit, jurisdiction, share_ratio, unit_member

pytestmark = pytest.mark.django_db


def test_the_highest_minimum_of_the_jurisdiction_chain_applies():
    share_ratio("national", 2025, "0.10")
    share_ratio("guangdong", 2025, "0.30")
    share_ratio("shenzhen", 2025, "0.20")
    shenzhen_school = budget_unit("深圳学校")
    guangxi_school = budget_unit("广西学校", jurisdiction_code="guangxi")
    share_ratio("guangxi", 2025, "0.15")

    assert minimum_ratio_for(unit=shenzhen_school, year=2025).minimum_ratio == Decimal("0.3000")
    assert minimum_ratio_for(unit=shenzhen_school, year=2025).jurisdiction.code == "guangdong"
    assert minimum_ratio_for(unit=guangxi_school, year=2025).minimum_ratio == Decimal("0.1500")


def test_a_row_of_another_category_does_not_apply_and_one_of_the_units_category_does():
    share_ratio("national", 2025, "0.10")
    ShareRatio.objects.filter(year=2025).exclude(jurisdiction_id="national").delete()
    share_ratio("shenzhen", 2025, "0.40", category="hospital")
    school = budget_unit("学校", category="school")
    hospital = budget_unit("医院", category="hospital")

    assert minimum_ratio_for(unit=school, year=2025).minimum_ratio == Decimal("0.1000")
    assert minimum_ratio_for(unit=hospital, year=2025).minimum_ratio == Decimal("0.4000")


def test_a_year_without_a_ratio_row_has_no_requirement_never_ten_percent():
    ShareRatio.objects.filter(year=2027).delete()
    unit = budget_unit("学校")

    assert minimum_ratio_for(unit=unit, year=2027) is None


@freeze_time("2027-03-01")
def test_a_year_without_a_ratio_row_says_no_requirement_published_on_the_page():
    ShareRatio.objects.filter(year=2027).delete()
    unit = budget_unit("学校")
    manager = unit_member(unit, "m@unit.example.cn", roles=("manager",))
    browser = Client()
    browser.force_login(manager)

    with translation.override("en"):
        page = browser.get(reverse("procurement:filing", kwargs={"unit": unit.pk, "year": 2027}))
    with translation.override("zh-hans"):
        chinese = browser.get(reverse("procurement:filing", kwargs={"unit": unit.pk, "year": 2027}))

    assert "No requirement published for 2027." in page.content.decode()
    assert "10 %" not in page.content.decode()
    assert "2027年尚未公布预留份额比例要求" in chinese.content.decode()


def test_the_most_specific_deadline_of_the_chain_wins():
    unit = budget_unit("学校")
    FilingDeadline.objects.create(jurisdiction=jurisdiction("national"), year=2025, deadline=datetime.date(2025, 3, 31))
    assert deadline_for(unit=unit, year=2025).deadline == datetime.date(2025, 3, 31)

    FilingDeadline.objects.create(jurisdiction=jurisdiction("shenzhen"), year=2025, deadline=datetime.date(2025, 2, 28))
    FilingDeadline.objects.create(
        jurisdiction=jurisdiction("guangdong"), year=2025, deadline=datetime.date(2025, 4, 30)
    )

    assert deadline_for(unit=unit, year=2025).deadline == datetime.date(2025, 2, 28)
    assert deadline_for(unit=unit, year=2026) is None
