"""Staff statistics (报名, 联系, 录用, 稳岗 by county, campaign, target group) and the retention purge."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from freezegun import freeze_time

from labor import selectors, services
from labor.models import ApplicationStatus, JobApplication, PhoneAccess
from labor.tasks import purge_expired_applications_task
from tests.labor.conftest import apply, logged_in, publish_post

pytestmark = pytest.mark.django_db
STATISTICS = "/en/labor/statistics/"
Status = ApplicationStatus


@pytest.fixture
def outcomes(jobs, employer, campaign, county, other_county, staff):
    """Seven applications: two posts (one in the campaign), two counties and none, four outcomes."""
    in_campaign = publish_post(jobs, employer=employer, slug="spring-post", campaign=campaign)
    plain = publish_post(jobs, employer=employer, slug="plain-post")
    rows = [
        (in_campaign, county, True, [Status.CONTACTED]),
        (in_campaign, county, True, [Status.HIRED]),
        (in_campaign, county, False, [Status.HIRED, "retain"]),
        (in_campaign, other_county, True, [Status.NOT_SUITABLE]),
        (plain, other_county, False, []),
        (plain, None, True, [Status.CONTACTED, Status.HIRED]),
        (plain, None, False, []),
    ]
    hired_long_ago = []
    for number, (post, home, poor, steps) in enumerate(rows):
        application = apply(post, mobile=f"1370000{number:04d}", county=home, poverty_alleviated=poor)
        for step in steps:
            if step == "retain":
                hired_long_ago.append(application)
                continue
            services.application_outcome_set(application=application, status=step, user=staff)
    JobApplication.objects.filter(pk__in=[a.pk for a in hired_long_ago]).update(
        hired_at=timezone.now() - datetime.timedelta(days=100)
    )
    for application in hired_long_ago:
        application.refresh_from_db()
        services.application_outcome_set(application=application, status=Status.RETAINED, user=staff)
    return {"in_campaign": in_campaign, "plain": plain}


def _by_label(rows):
    return {row.label: (row.applications, row.contacted, row.hired, row.retained, row.not_suitable) for row in rows}


def test_the_numbers(outcomes, county, other_county):
    with translation.override("en"):
        statistics = selectors.application_statistics()
    assert _by_label([statistics.total])[""] == (7, 4, 3, 1, 1)
    assert _by_label(statistics.by_county) == {
        county.name: (3, 3, 2, 1, 0),
        other_county.name: (2, 0, 0, 0, 1),
        "Not given": (2, 1, 1, 0, 0),
    }
    assert _by_label(statistics.by_campaign) == {"春风行动": (4, 3, 2, 1, 1), "No campaign": (3, 1, 1, 0, 0)}
    assert _by_label(statistics.by_target_group) == {
        "Poverty-alleviated workers": (4, 3, 2, 0, 1),
        "Other job seekers": (3, 1, 1, 1, 0),
    }


def test_the_statistics_page_is_for_staff_only(outcomes, staff, employer_user, ordinary_user):
    response = logged_in(staff).get(STATISTICS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "春风行动" in html and "Poverty-alleviated workers" in html
    for name in ("by-county", "by-campaign", "by-target-group"):
        assert f'id="{name}"' in html
    assert logged_in(employer_user).get(STATISTICS).status_code == 403
    assert logged_in(ordinary_user).get(STATISTICS).status_code == 403


def _queries(browser, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_statistics_page_costs_the_same_queries_for_5_or_20_applications(
    jobs, employer, campaign, county, other_county, staff, django_assert_max_num_queries
):
    posts = [
        publish_post(jobs, employer=employer, slug="a", campaign=campaign),
        publish_post(jobs, employer=employer, slug="b"),
    ]
    counties = [county, other_county, None]
    browser = logged_in(staff)

    def add(numbers):
        for number in numbers:
            apply(posts[number % 2], mobile=f"1360000{number:04d}", county=counties[number % 3])

    add(range(5))
    browser.get(STATISTICS)
    with django_assert_max_num_queries(15):
        five = _queries(browser, STATISTICS)
    add(range(5, 20))
    with django_assert_max_num_queries(15):
        twenty = _queries(browser, STATISTICS)
    assert five == twenty


def test_purge_after_retention_keeps_counts_outcomes_and_the_access_log(outcomes, staff):
    plain = outcomes["plain"]
    target = JobApplication.objects.filter(post=plain).order_by("pk").first()
    services.application_phone_reveal(application=target, viewer=staff)
    before = selectors.application_statistics()
    statuses = dict(JobApplication.objects.values_list("pk", "status"))
    closes = plain.valid_until
    days = django_settings.LABOR_APPLICATION_RETENTION_DAYS

    with freeze_time(closes + datetime.timedelta(days=days)):  # the last day they are kept
        assert purge_expired_applications_task.delay().get() == 0
    assert not JobApplication.objects.filter(anonymised_at__isnull=False).exists()

    with freeze_time(closes + datetime.timedelta(days=days + 1)):
        purged = purge_expired_applications_task.delay().get()
        assert purged == JobApplication.objects.filter(post__valid_until=closes).count() == 7
        assert purge_expired_applications_task() == 0  # idempotent
    for application in JobApplication.objects.all():
        assert application.name == "" and application.mobile == "" and application.anonymised_at is not None
        assert application.status == statuses[application.pk]
    assert selectors.application_statistics() == before
    access = PhoneAccess.objects.get()
    assert access.application == target and access.reference == target.reference and access.actor == staff


def test_purge_keeps_applications_of_posts_closed_less_long(jobs, employer, post, settings):
    settings.LABOR_APPLICATION_RETENTION_DAYS = 30
    today = timezone.localdate()
    old = publish_post(jobs, employer=employer, slug="old")
    recent_application, old_application = apply(post), apply(old)
    type(old).objects.filter(pk=old.pk).update(valid_until=today - datetime.timedelta(days=31))
    assert services.applications_purge_expired() == 1
    old_application.refresh_from_db()
    recent_application.refresh_from_db()
    assert old_application.anonymised_at is not None and old_application.mobile == ""
    assert recent_application.anonymised_at is None and recent_application.mobile == "13812341234"


def test_the_purge_runs_daily_from_beat():
    schedule = django_settings.CELERY_BEAT_SCHEDULE["labor-purge-expired-applications"]
    assert schedule["task"] == purge_expired_applications_task.name == "labor.tasks.purge_expired_applications_task"
