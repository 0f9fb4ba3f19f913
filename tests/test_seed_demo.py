"""seed_demo loads every kind of demo content and a second run changes nothing."""

import pytest
from django.core.management import call_command

from marketplace.demo.seed import DemoSeeder

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_complete(settings, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # statements are built after commit
        first = DemoSeeder().run()
    second = DemoSeeder().run()
    assert first == second
    assert first["counties"] == 33
    assert first["cooperatives"] >= 12
    assert first["products"] >= 60
    assert first["users"] >= 12

    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model
    from wagtail.models import Page

    from cms.models import CampaignPage, CountyPage, LaborPostPage, NewsPage, ProjectPage

    for language in ("zh-hans", "zh-hant"):  # the Traditional site is converted page by page
        in_language = {"locale__language_code": language}
        assert CountyPage.objects.live().filter(**in_language).count() == 33
        assert ProjectPage.objects.live().filter(**in_language).count() >= 6
        assert len(set(ProjectPage.objects.filter(**in_language).values_list("cooperation_form", flat=True))) >= 4
        assert LaborPostPage.objects.live().filter(**in_language).count() >= 10
        assert CampaignPage.objects.live().filter(**in_language).count() >= 1
        assert NewsPage.objects.live().filter(**in_language).count() >= 1
    assert CampaignPage.objects.get(locale__language_code="zh-hant").title == "粵桂勞務協作春風行動"
    english = Page.objects.live().filter(locale__language_code="en")
    assert {page.slug for page in english.filter(depth=3)} >= {
        "counties",
        "projects",
        "jobs",
        "campaigns",
        "news",
        "about",
    }
    assert english.get(depth=2).title == "Guangdong–Guangxi Consumption Assistance Platform"
    Product = get_model("catalogue", "Product")
    assert Product.objects.filter(images__isnull=False).distinct().count() == first["products"]
    assert Product.objects.filter(stockrecords__num_in_stock__gt=0).distinct().count() == first["products"]
    categories = get_model("catalogue", "Category").objects.filter(depth=1).count()
    assert categories == 7
    staff = get_user_model().objects.get(email="coop@demo.yuegui.example")
    assert staff.partners.get().code == "bama-xiangzhu"
    assert staff.has_perm("partner.dashboard_access")

    # Orders in every state, placed through the real service; last month settled.
    from marketplace.fulfilment.models import Fulfilment, SettlementStatement

    assert first["orders"] == 5 and first["fulfilments"] == 12
    # budget units: filings in every state, an order waiting for the approver, a partial payment
    from marketplace.procurement.models import ReceiptAllocation, ReservedShareFiling, UnitOrder

    assert set(ReservedShareFiling.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "approved",
    }
    assert UnitOrder.objects.filter(approval_status="pending").count() == 1
    assert ReceiptAllocation.objects.count() == 1
    statuses = set(Fulfilment.objects.values_list("status", flat=True))
    assert {"to_ship", "shipped", "delivered", "accepted"} <= statuses
    assert Fulfilment.objects.filter(partner__code="bama-xiangzhu", status="to_ship").exists()
    ready = SettlementStatement.objects.filter(status="ready")
    assert ready.count() == 3 and all(statement.xlsx and statement.pdf for statement in ready)

    # Job applications to the demo employer's posts, in every outcome, seen by employer@ only masked.
    from labor import selectors as labor_selectors
    from labor.models import JobApplication

    assert first["job applications"] == 6
    assert set(JobApplication.objects.values_list("status", flat=True)) == {
        "new",
        "contacted",
        "hired",
        "retained",
        "not_suitable",
    }
    employer = get_user_model().objects.get(email="employer@demo.yuegui.example")
    assert labor_selectors.applications_for_viewer(user=employer).count() == 6
    assert labor_selectors.application_statistics().total.retained == 1


def test_seed_demo_command_prints_the_demo_accounts(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "admin@demo.yuegui.example" in out and "demo-pass-2026" in out


def test_county_reference_data_keeps_staff_edits():
    from partners.models import County
    from partners.services import counties_import_reference

    counties_import_reference()
    County.objects.filter(name="龙州县").update(guangdong_partner="江门市蓬江区")
    assert counties_import_reference() == {"created": 0, "updated": 0, "unchanged": 33}
    assert County.objects.get(name="龙州县").guangdong_partner == "江门市蓬江区"
    assert counties_import_reference(update=True)["updated"] == 1
    national = County.objects.filter(assistance_level="national").count()
    assert national == 20
