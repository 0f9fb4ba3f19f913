"""Browser journey: an employer submits a job post, a moderator publishes it, a job seeker finds it, it expires.

Meant for tests/e2e/ (its browser fixtures: Chromium, axe-core, no sideways scrolling at 360 px). Wagtail's
admin pages pass the same checks, so they are steps like the public ones.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from wagtail.models import WorkflowState

from cms import models as cms
from cms.tasks import publish_scheduled_pages_task
from core.access import Role
from tests.cms.conftest import _reference_data  # noqa: F401  (autouse: groups, workflow, wording after a flush)
from tests.factories import UserFactory, add_page, home_page, labor_post

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "journey-pass-2026"
JOB = "电器装配普工"


def _admin_log_in(page, email: str, next_url: str = "/admin/", journey=None) -> None:
    """Log in through Wagtail's login form and land on ``next_url``; the form is a step of ``journey`` if given."""
    page.context.clear_cookies()
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    if journey is not None:
        journey.check("admin-login")
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def _admin_messages_shown(page) -> None:
    """Wait until the admin's messages have slid in, so the screenshot shows them whole."""
    from playwright.sync_api import expect

    expect(page.locator(".messages > ul")).to_have_css("top", "0px")


def _open_tab(page, panel_id: str, *, shows: str) -> None:
    """Click a tab of Wagtail's editor until ``shows`` is visible: a click that lands before the
    tabs' script has started on a busy machine does nothing."""
    for _attempt in range(10):
        page.click(f"[role=tab][aria-controls={panel_id}]")
        try:
            page.locator(shows).wait_for(state="visible", timeout=1500)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the tab {panel_id} never showed {shows}")


def test_post_publishing(page, journey):
    jobs = add_page(home_page(), cms.LaborPostIndexPage(title="广东岗位", slug="jobs", show_in_menus=True))
    employer = cms.Employer.objects.create(
        name="佛山顺德美家电器有限公司", city="佛山市", contact_name="王经理", contact_phone="13900139000"
    )
    employer_user = UserFactory(email="hr@meijia.example.cn", first_name="王经理", password=PASSWORD)
    employer_user.groups.add(Group.objects.get(name=Role.EMPLOYER))
    employer.users.add(employer_user)
    moderator = UserFactory(email="moderator@platform.example.cn", first_name="内容审核", password=PASSWORD)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    neighbour = cms.Employer.objects.create(
        name="佛山南海精工五金厂", city="佛山市", contact_name="陈主管", contact_phone="13700137000"
    )
    similar = add_page(
        jobs,
        labor_post(
            employer=neighbour,
            slug="hardware-assembly",
            title="五金装配工",
            sector="manufacturing",
            work_city="佛山市",
            work_location="南海区狮山镇",
        ),
    )
    elsewhere = add_page(
        jobs,
        labor_post(
            employer=neighbour, slug="warehouse-sorting", title="仓库分拣员", sector="logistics", work_city="广州市"
        ),
    )
    today = timezone.localdate()

    # The employer's account logs into the admin, opens the jobs page and adds a post…
    _admin_log_in(page, employer_user.email, f"/admin/pages/{jobs.pk}/", journey)
    assert similar.title not in page.content()  # another employer's posts stay out of sight
    journey.check("jobs-in-admin")
    page.click(f"a[href='/admin/pages/{jobs.pk}/add_subpage/']")
    page.wait_for_url(f"**/admin/pages/add/cms/laborpostpage/{jobs.pk}/")
    assert page.locator("#id_employer").input_value() == str(employer.pk)
    page.fill("#id_title", JOB)
    page.fill("#id_job_title", JOB)
    page.select_option("#id_sector", "manufacturing")
    page.fill("#id_openings", "30")
    page.fill("#id_requirements", "仅限男性，18至45周岁，身体健康，能适应两班倒。")
    page.fill("#id_job_content", "小家电流水线装配与包装，按件计酬另有加班费。")
    page.select_option("#id_work_city", "佛山市")
    page.fill("#id_work_location", "顺德区北滘镇")
    page.fill("#id_pay_min", "5000")
    page.fill("#id_pay_max", "7000")
    page.select_option("#id_pay_unit", "month")
    page.select_option("#id_board_lodging", "both")
    page.fill("#id_valid_from", today.isoformat())
    page.fill("#id_valid_until", (today + datetime.timedelta(days=30)).isoformat())
    promote_tab = page.locator("[role=tabpanel]:has(#id_slug)").get_attribute("id")  # its id follows the language
    _open_tab(page, promote_tab, shows="#id_slug")
    page.fill("#id_slug", "appliance-assembly")
    page.click("footer .w-dropdown__toggle")
    with page.expect_navigation():
        page.click("button[name=action-submit]")
    _admin_messages_shown(page)
    error = page.locator("[data-contentpath=requirements] .error-message")
    assert "“仅限男性”" in error.inner_text()
    assert page.locator("#id_requirements").get_attribute("aria-invalid") == "true"
    assert not cms.LaborPostPage.objects.filter(slug="appliance-assembly").exists()
    journey.check("wording-refused")

    # …rewords it and submits it for moderation: a draft waiting for the moderators, not public.
    page.fill("#id_requirements", "男女不限，18至45周岁，身体健康，能适应两班倒。")
    page.click("footer .w-dropdown__toggle")
    page.click("button[name=action-submit]")
    page.wait_for_url(f"**/admin/pages/{jobs.pk}/")
    post = cms.LaborPostPage.objects.get(slug="appliance-assembly")
    assert not post.live and post.owner == employer_user and post.employer == employer
    assert post.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert post.expire_at == post.closes_at
    assert JOB in page.locator(".messages .success").inner_text()
    _admin_messages_shown(page)
    journey.check("submitted")

    # Nobody outside sees it yet.
    page.context.clear_cookies()
    response = page.goto("/jobs/appliance-assembly/")
    assert response.status == 404
    journey.check("not-public-yet")
    page.goto("/jobs/")
    listed = page.locator(".post-list").inner_text()
    assert JOB not in listed and similar.job_title in listed
    journey.check("not-listed-yet")

    # A moderator approves it from the dashboard.
    _admin_log_in(page, moderator.email)
    review = page.locator("#awaiting-review-section tr", has_text=JOB)
    assert review.locator("td", has_text=employer_user.first_name).count() == 1  # who submitted it
    journey.check("moderator-dashboard")
    task_state = post.current_workflow_task_state
    review.locator(".w-dropdown__toggle").click()
    with page.expect_navigation():
        page.click(f"[data-workflow-action-url='/admin/pages/workflow/action/{post.pk}/approve/{task_state.pk}/']")
    page.wait_for_url("**/admin/")
    assert page.locator("#awaiting-review-section").count() == 0  # nothing left to review
    post.refresh_from_db()
    assert post.live and post.current_workflow_state is None
    assert post.expire_at == post.closes_at
    journey.check("approved")

    # A job seeker filters the jobs by city and sector, finds it and opens it.
    page.context.clear_cookies()
    page.goto("/jobs/")
    page.select_option("#id_city", "佛山市")
    page.select_option("#id_sector", "manufacturing")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"/jobs/\?.*city="))
    results = page.locator(".post-list")
    assert results.get_by_role("link", name=JOB).count() == 1
    assert results.get_by_role("link", name=similar.job_title).count() == 1
    assert elsewhere.job_title not in results.inner_text()
    journey.check("jobs-filtered")
    results.get_by_role("link", name=JOB).click()
    page.wait_for_url("**/jobs/appliance-assembly/")
    assert page.locator("h1").inner_text() == JOB
    assert "男女不限" in page.locator("#main").inner_text() and employer.name in page.locator("#main").inner_text()
    journey.check("post")

    # The beat task leaves it open until its last day is over.
    publish_scheduled_pages_task()
    post.refresh_from_db()
    assert post.live

    # Its dates move into the past (saving sets the expiry, as the editor does), and the beat task unpublishes it.
    post.valid_from = today - datetime.timedelta(days=31)
    post.valid_until = today - datetime.timedelta(days=1)
    post.save()
    assert post.expire_at == post.closes_at < timezone.now()
    publish_scheduled_pages_task()
    post.refresh_from_db()
    similar.refresh_from_db()
    assert not post.live and post.expired and similar.live

    # The job seeker's link now says the job has closed (410) and offers the similar open one.
    response = page.goto("/jobs/appliance-assembly/")
    assert response.status == 410
    similar_jobs = page.locator("section[aria-labelledby=similar-jobs]")
    assert similar_jobs.get_by_role("link", name=similar.job_title).get_attribute("href") == "/jobs/hardware-assembly/"
    assert elsewhere.job_title not in similar_jobs.inner_text()
    journey.check("closed")
