"""Browser journey: a job seeker on a phone looks for work near their home county, sees their county's
jobs first, opens one and applies.

Meant for tests/e2e/ (its browser fixtures: Chromium, axe-core, no sideways scrolling at 360 px).
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms import models as cms
from labor.models import JobApplication
from tests.factories import CountyFactory, add_page, home_page, labor_post

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _local(jobs, employer, slug, title, county, town, kind, days_ago):
    return add_page(
        jobs,
        labor_post(
            employer=employer,
            slug=slug,
            title=title,
            kind=kind,
            work_city="",
            work_county=county,
            work_town=town,
            work_location=f"{town}安置区",
            pay_min=2200,
            pay_max=3600,
            board_lodging="board",
            organised_transport=False,
            valid_from=timezone.localdate() - datetime.timedelta(days=days_ago),
        ),
    )


def test_job_seeker_finds_work_near_home_and_applies(page, journey):
    jobs = add_page(home_page(), cms.LaborPostIndexPage(title="岗位", slug="jobs", show_in_menus=True))
    tianyang = CountyFactory(name="田阳区", slug="tianyang", prefecture="百色市", assistance_level="former_poverty")
    lingyun = CountyFactory(name="凌云县", slug="lingyun", prefecture="百色市", assistance_level="national")
    bama = CountyFactory(name="巴马瑶族自治县", slug="bama", prefecture="河池市", assistance_level="national")
    employer = cms.Employer.objects.create(
        name="百色市就近就业服务站", city="百色市", contact_name="黄主任", contact_phone="13907760001"
    )
    workshop = _local(jobs, employer, "sewing", "帮扶车间缝纫工", tianyang, "那坡镇", "workshop", 9)
    _local(jobs, employer, "relief", "以工代赈施工工", lingyun, "泗城镇", "work_relief", 1)
    _local(jobs, employer, "tea", "茶叶加工工", bama, "甲篆镇", "local_enterprise", 2)
    add_page(jobs, labor_post(employer=employer, slug="dongguan", title="电子厂普工"))  # newest of all

    # The whole list, newest first.
    page.goto(jobs.url)
    journey.check("list")

    # Near my home county: 田阳区 first, then the rest of 百色市, then elsewhere.
    page.select_option("#id_home_county", str(tianyang.pk))
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert f"home_county={tianyang.pk}" in page.url
    groups = page.locator(".near-group h2")
    expect(groups.nth(0)).to_contain_text("本县")
    expect(groups.nth(1)).to_contain_text("本市")
    expect(groups.nth(2)).to_contain_text("其他")
    first = page.locator(".post-list li:not(.near-group)").first
    expect(first).to_contain_text("帮扶车间缝纫工")
    expect(first).to_contain_text("广西 百色市 田阳区 那坡镇")
    expect(page.locator("#id_home_county")).to_have_value(str(tianyang.pk))
    journey.check("near-home")

    # Opens it and applies.
    page.click("text=帮扶车间缝纫工")
    page.wait_for_url(f"**{workshop.url}")
    expect(page.locator(".place")).to_have_text("广西 百色市 田阳区 那坡镇")
    journey.check("post")
    page.click("#apply-link")
    page.wait_for_url(f"**/labor/apply/{workshop.pk}/")
    page.fill("#id_name", "黄小燕")
    page.fill("#id_mobile", "138 1234 1234")
    page.select_option("#id_home_county", str(tianyang.pk))
    page.check("input[name=poverty_alleviated][value=low_income]")
    page.check("#id_consent")
    journey.check("apply")
    page.click("button[name=apply]")
    page.wait_for_url("**/labor/apply/done/")
    application = JobApplication.objects.get()
    assert application.post_id == workshop.pk and application.home_county == tianyang
    assert application.low_income and not application.poverty_alleviated
    journey.check("done")
