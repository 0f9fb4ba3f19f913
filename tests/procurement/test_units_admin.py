"""Staff keep the procurement data in the Django admin: units saved through ``units.unit_save`` (the
hierarchy path holds, no loop), ratios and deadlines as data, filings read only."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from marketplace.procurement import filings
from marketplace.procurement.models import BudgetUnit, Membership, ReservedShareFiling, ShareRatio
from tests.factories import UserFactory, credit_code, jurisdiction, share_ratio

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(db):
    browser = Client()
    browser.force_login(UserFactory(email="admin@platform.example.cn", is_staff=True, is_superuser=True))
    return browser


def admin_url(name, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:procurement_{name}", args=args)


def unit_form(unit=None, **changes) -> dict:
    data = {
        "name": unit.name if unit else "深圳市测试第三中学",
        "credit_code": unit.credit_code if unit else credit_code(900001),
        "category": unit.category if unit else "school",
        "jurisdiction": unit.jurisdiction_id if unit else jurisdiction("shenzhen").pk,
        "city": "深圳市",
        "parent": (unit.parent_id or "") if unit else "",
        "address": "",
        "is_active": "on",
        "invoice_title": "深圳市测试第三中学",
        "tax_number": "",
        "registered_address": "",
        "registered_phone": "",
        "bank_name": "",
        "bank_account": "",
        "approval_threshold": "",
        "payment_mode": "deliver_first",
        "payment_term_days": "30",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_the_admin_saves_a_valid_unit_with_its_path_and_a_member(admin_browser, units):
    manager = UserFactory(email="new@school.example.cn")
    response = admin_browser.post(
        admin_url("budgetunit_add"),
        unit_form(
            parent=units["bureau"].pk,
            **{
                "memberships-TOTAL_FORMS": "1",
                "memberships-0-user": manager.pk,
                "memberships-0-is_manager": "on",
                "memberships-0-contractor": "",
            },
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    unit = BudgetUnit.objects.get(name="深圳市测试第三中学")
    assert unit.path == f"{units['bureau'].path}{unit.pk}/"
    assert unit.invoice_title == "深圳市测试第三中学"
    assert Membership.objects.get(unit=unit).user == manager


def test_the_admin_refuses_a_loop_in_the_hierarchy(admin_browser, units):
    bureau = units["bureau"]
    response = admin_browser.post(
        admin_url("budgetunit_change", bureau.pk), unit_form(bureau, parent=units["school_a"].pk)
    )

    assert response.status_code == 200
    assert "would make a loop" in response.content.decode()
    bureau.refresh_from_db()
    assert bureau.parent is None and bureau.path == f"/{bureau.pk}/"


def test_the_admin_refuses_a_unit_supervising_itself(admin_browser, units):
    school = units["school_a"]
    response = admin_browser.post(admin_url("budgetunit_change", school.pk), unit_form(school, parent=school.pk))

    assert "cannot supervise itself" in response.content.decode()
    school.refresh_from_db()
    assert school.parent == units["bureau"]


def test_moving_a_unit_in_the_admin_moves_its_subtree(admin_browser, units):
    school = units["school_a"]
    admin_browser.post(admin_url("budgetunit_change", school.pk), unit_form(school, parent=units["other_bureau"].pk))

    school.refresh_from_db()
    assert school.path == f"{units['other_bureau'].path}{school.pk}/"


def test_the_unit_list_searches_by_name_and_credit_code(admin_browser, units):
    by_name = admin_browser.get(admin_url("budgetunit_changelist"), {"q": "第一中学"})
    by_code = admin_browser.get(admin_url("budgetunit_changelist"), {"q": units["other_bureau"].credit_code})

    assert units["school_a"].name in by_name.content.decode()
    assert units["school_b"].name not in by_name.content.decode()
    assert units["other_bureau"].name in by_code.content.decode()
    assert units["school_a"].name not in by_code.content.decode()


def test_staff_edit_a_ratio_and_filings_follow_it(admin_browser, units):
    ratio = share_ratio("guangdong", 2025, "0.30")
    response = admin_browser.post(
        admin_url("shareratio_change", ratio.pk),
        {
            "jurisdiction": "guangdong",
            "year": "2025",
            "category": "",
            "minimum_ratio": "0.2500",
            "confidence": "report",
            "source": "广东省财政厅",
        },
    )
    assert response.status_code == 302
    share_ratio("shenzhen", 2025, "0.20")
    assert filings.minimum_ratio_for(unit=units["school_a"], year=2025).minimum_ratio == Decimal("0.2500")
    assert ShareRatio.objects.get(pk=ratio.pk).source == "广东省财政厅"


def test_a_filing_is_read_only_in_the_admin_with_its_events(admin_browser, units):
    filing = filings.filing_save(
        unit=units["school_a"], year=2025, user=units["a_manager"], data={"has_canteen": False}
    )

    page = admin_browser.get(admin_url("reservedsharefiling_change", filing.pk))
    assert page.status_code == 200
    assert 'name="canteen_food_total"' not in page.content.decode()
    response = admin_browser.post(admin_url("reservedsharefiling_change", filing.pk), {"has_canteen": "on"})
    assert response.status_code == 403
    assert not ReservedShareFiling.objects.get(pk=filing.pk).has_canteen
    assert admin_browser.get(admin_url("reservedsharefiling_add")).status_code == 403


@pytest.mark.parametrize("name", ["jurisdiction", "shareratio", "filingdeadline", "budgetunit", "reservedsharefiling"])
def test_each_list_opens(admin_browser, units, name):
    assert admin_browser.get(admin_url(f"{name}_changelist")).status_code == 200
