"""A cooperative applies, its county recommends it, the platform approves it: the new account exists."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from partners.models import ApplicationStatus, CooperativeApplication, Partner
from tests.e2e.conftest import log_in
from tests.factories import CountyFactory, UserFactory, home_page
from tests.partners.helpers import BAMA_DIVISION, credit_code, pdf_bytes, png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "journey-pass-2026"


def _log_in(page, email: str, next_url: str) -> None:
    log_in(page, email, PASSWORD, next_url)


def test_cooperative_onboarding(page, journey):
    home_page()
    county = CountyFactory(name="巴马瑶族自治县", slug="bama", prefecture="河池市", division_code=BAMA_DIVISION)
    CountyFactory(name="马山县", slug="mashan", prefecture="南宁市", division_code="450124")
    officer = UserFactory(email="officer@bama.example.cn", first_name="巴马县农业农村局", password=PASSWORD)
    county.officers.add(officer)
    UserFactory(email="staff@platform.example.cn", first_name="平台运营", is_staff=True, password=PASSWORD)

    # The applicant fills in the form, first with a code from outside Guangxi.
    page.goto("/cooperatives/apply/")
    journey.check("apply")
    page.check("#id_kind_1")  # farmer cooperative
    page.fill("#id_name", "巴马瑶山香猪养殖专业合作社")
    page.fill("#id_credit_code", "91350100M000100Y43")
    page.select_option("#id_county", str(county.pk))
    page.fill("#id_contact_name", "韦经理")
    page.fill("#id_contact_phone", "13800138000")
    page.fill("#id_contact_email", "wei@coop.example.cn")
    page.fill("#id_households_linked", "86")
    page.fill("#id_farmer_linkage", "保底收购脱贫户香猪，年底按交易量分红。")
    page.fill("#id_description", "巴马香猪，年出栏三千头。")
    documents = {
        "#id_business_licence": {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
        "#id_bank_licence": {"name": "bank.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("bank")},
        "#id_food_licence": {"name": "food.png", "mimeType": "image/png", "buffer": png_bytes()},
    }
    for selector, document in documents.items():
        page.set_input_files(selector, files=[document])
    with page.expect_navigation():
        page.click("button[name=submit-application]")
    expect(page.locator("#id_credit_code_error")).to_be_visible()
    assert page.locator("#id_credit_code").get_attribute("aria-invalid") == "true"
    assert CooperativeApplication.objects.count() == 0
    journey.check("apply-errors")

    # …corrects it and sends it: the reference number is shown.
    page.fill("#id_credit_code", credit_code(BAMA_DIVISION).lower())
    for selector, document in documents.items():
        page.set_input_files(selector, files=[document])
    page.click("button[name=submit-application]")
    page.wait_for_url("**/cooperatives/apply/submitted/")
    application = CooperativeApplication.objects.get()
    assert page.locator("#application-reference").inner_text() == application.reference
    journey.check("submitted")

    page.click("#status-link")
    page.wait_for_url(f"**/cooperatives/status/{application.reference}/")
    assert page.locator("#application-status").inner_text() == str(ApplicationStatus.SUBMITTED.label)
    journey.check("status")

    # The county officer logs in and recommends it.
    _log_in(page, "officer@bama.example.cn", "/cooperatives/review/")
    journey.check("officer-list")
    page.click(f"a[href='/cooperatives/review/{application.reference}/']")
    page.wait_for_url(f"**/cooperatives/review/{application.reference}/")
    expect(page.locator("#document-bank-licence")).to_be_visible()  # the account the cooperative is paid to
    journey.check("officer-review")
    page.fill("#id_recommend-note", "生产经营正常，质量安全无问题。")
    with page.expect_navigation():
        page.click("#step-recommend button")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECOMMENDED

    # Platform staff approve it.
    _log_in(page, "staff@platform.example.cn", f"/cooperatives/review/{application.reference}/")
    expect(page.locator("#step-approve")).to_be_visible()
    journey.check("staff-review")
    with page.expect_navigation():
        page.click("#step-approve button")
    expect(page.locator("#partner-created")).to_be_visible()
    journey.check("approved")

    # The cooperative and its staff account exist, with dashboard access.
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    partner = Partner.objects.get()
    assert application.partner == partner
    assert application.bank_licence and application.food_licence
    user = get_user_model().objects.get(email="wei@coop.example.cn")
    assert list(partner.users.all()) == [user]
    assert user.has_perm("partner.dashboard_access")
