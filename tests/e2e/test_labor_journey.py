"""Browser journey: a job seeker applies from a phone, the employer calls back, staff count, the seeker deletes.

Meant for tests/e2e/ (its browser fixtures: Chromium, axe-core, no sideways scrolling at 360 px).
"""

import re

import pytest
from playwright.sync_api import expect

from cms import models as cms
from labor.models import ApplicationStatus, JobApplication, PhoneAccess
from tests.e2e.conftest import log_in
from tests.factories import CountyFactory, UserFactory, add_page, home_page, labor_post

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "journey-pass-2026"


def test_job_seeker_applies_and_employer_calls_back(page, journey):
    jobs = add_page(home_page(), cms.LaborPostIndexPage(title="广东岗位", slug="jobs", show_in_menus=True))
    county = CountyFactory(name="融水苗族自治县", slug="rongshui", prefecture="柳州市")
    employer_user = UserFactory(email="hr@changan.example.cn", first_name="李经理", password=PASSWORD)
    UserFactory(email="staff@platform.example.cn", first_name="平台运营", is_staff=True, password=PASSWORD)
    employer = cms.Employer.objects.create(
        name="东莞长安精密电子有限公司", city="东莞市", contact_name="李经理", contact_phone="13800138001"
    )
    employer.users.add(employer_user)
    post = add_page(jobs, labor_post(employer=employer, slug="assembly", title="电子厂普工"))

    # The job seeker opens the post and its apply button.
    page.goto(post.url)
    journey.check("post")
    page.click("#apply-link")
    page.wait_for_url(f"**/labor/apply/{post.pk}/")
    journey.check("apply")

    # A mistyped number and no consent: told next to each field, nothing saved.
    page.fill("#id_name", "韦小梅")
    page.fill("#id_mobile", "1381234123")
    page.select_option("#id_home_county", str(county.pk))
    page.check("#id_poverty_alleviated_0")
    page.evaluate("document.getElementById('apply-form').noValidate = true")  # let the server say it
    with page.expect_navigation():
        page.click("button[name=apply]")
    expect(page.locator("#id_mobile_error")).to_be_visible()
    expect(page.locator("#id_consent_error")).to_be_visible()
    assert page.locator("#id_mobile").get_attribute("aria-invalid") == "true"
    assert not JobApplication.objects.exists()
    journey.check("apply-errors")

    page.fill("#id_mobile", "138 1234 1234")
    page.check("#id_consent")
    page.click("button[name=apply]")
    page.wait_for_url("**/labor/apply/done/")
    application = JobApplication.objects.get()
    assert page.locator("#application-reference").inner_text() == application.reference
    journey.check("done")

    # The employer sees it masked, shows the number (logged) and records the call.
    log_in(page, employer_user.email, PASSWORD, "/labor/applications/")
    assert "138****1234" in page.content() and "13812341234" not in page.content()
    journey.check("employer-list")
    page.click(f"text={application.reference}")
    with page.expect_navigation():
        page.click("#reveal-button")
    assert page.locator("#mobile").inner_text().strip() == "13812341234"
    assert PhoneAccess.objects.filter(actor=employer_user).count() == 1
    journey.check("employer-number")
    page.click("form:has(input[value=contacted]) button")
    page.wait_for_url(f"**/labor/applications/{application.reference}/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CONTACTED

    # Staff count it.
    log_in(page, "staff@platform.example.cn", PASSWORD, "/labor/statistics/")
    journey.check("statistics")

    # The job seeker, later, looks it up and deletes it.
    page.context.clear_cookies()
    page.goto("/labor/my/")
    journey.check("lookup")
    page.fill("#id_reference", application.reference)
    page.fill("#id_mobile", "13812341234")
    page.click("button[name=lookup]")
    page.wait_for_url("**/labor/my/applications/")
    journey.check("my-applications")
    with page.expect_navigation():
        page.click("button[name=delete]")
    application.refresh_from_db()
    assert application.anonymised_at is not None and application.mobile == ""
    assert re.search(application.reference, page.content())  # the confirmation names it
