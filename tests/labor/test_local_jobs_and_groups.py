"""Public-welfare posts take no applications; applicants declare 脱贫劳动力 or 农村低收入人口; the
statistics count both groups, for one year or all years."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import override

from cms.models import Employer, LaborPostKind
from labor import selectors, services
from labor.models import JobApplication
from tests.labor.conftest import apply, logged_in, publish_post

pytestmark = pytest.mark.django_db

STATISTICS = "/en/labor/statistics/"


def apply_url(post) -> str:
    return f"/en/labor/apply/{post.pk}/"


def form_data(**overrides) -> dict:
    data = {"name": "韦小梅", "mobile": "138 1234 1234", "poverty_alleviated": "yes", "consent": "on"}
    data.update(overrides)
    return data


@pytest.fixture
def public_welfare(jobs, county):
    township = Employer.objects.create(
        name="巴马瑶族自治县甲篆镇人民政府", city="河池市巴马瑶族自治县", contact_name="蓝主任",
        contact_phone="13907780004",
    )  # fmt: skip
    return publish_post(
        jobs, employer=township, slug="cleaner", kind=LaborPostKind.PUBLIC_WELFARE, work_city="",
        work_county=county, work_town="甲篆镇", township_contact_name="蓝主任", township_contact_phone="13907780004",
    )  # fmt: skip


# --------------------------------------------------------------------------- public-welfare posts


def test_the_apply_view_refuses_a_public_welfare_post_and_saves_nothing(client, public_welfare):
    for response in (client.get(apply_url(public_welfare)), client.post(apply_url(public_welfare), form_data())):
        assert response.status_code == 403
        html = response.content.decode()
        assert "is a public-welfare post" in html and "139 0778 0004" in html and "蓝主任" in html
        assert 'id="apply-form"' not in html and 'name="mobile"' not in html
    assert not JobApplication.objects.exists()


def test_the_service_refuses_a_public_welfare_post(public_welfare):
    with pytest.raises(ValidationError) as caught, override("en"):
        apply(public_welfare)
    assert caught.value.code == "public_welfare"
    assert "Ask the township office of 巴马瑶族自治县甲篆镇: 蓝主任, 139 0778 0004." in caught.value.messages[0]
    assert not JobApplication.objects.exists()
    assert not selectors.post_accepts_applications(public_welfare)


def test_the_apply_view_refuses_in_chinese_too(client, public_welfare):
    html = client.get(f"/labor/apply/{public_welfare.pk}/").content.decode()
    assert "是公益岗位" in html and "不接受网上报名" in html


# --------------------------------------------------------------------------- the declared group


def test_an_applicant_declares_a_rural_low_income_household(client, post):
    response = client.post(apply_url(post), form_data(poverty_alleviated="low_income"))
    assert response.status_code == 302
    application = JobApplication.objects.get()
    assert application.low_income is True and application.poverty_alleviated is False


def test_the_form_offers_the_two_groups_or_neither(client, post):
    html = client.get(f"/labor/apply/{post.pk}/").content.decode()
    assert "脱贫劳动力" in html and "农村低收入人口" in html and "都不是" in html
    assert 'value="low_income"' in html


def test_both_groups_at_once_are_refused_by_the_service_and_the_database(post):
    with pytest.raises(ValidationError) as caught:
        services.application_submit(
            post=post, name="韦小梅", mobile="13812341234", poverty_alleviated=True, low_income=True, consented=True
        )
    assert "low_income" in caught.value.message_dict
    assert not JobApplication.objects.exists()
    application = apply(post)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobApplication.objects.filter(pk=application.pk).update(low_income=True)


# --------------------------------------------------------------------------- statistics


@pytest.fixture
def both_years(jobs, employer, county, staff):
    """This year: a poverty-alleviated, a low-income and another applicant; last year: two low-income."""
    post = publish_post(jobs, employer=employer, slug="stats")
    for number, (poor, low) in enumerate([(True, False), (False, True), (False, False)]):
        services.application_submit(
            post=post, name="甲", mobile=f"1370000{number:04d}", home_county=county, poverty_alleviated=poor,
            low_income=low, consented=True,
        )  # fmt: skip
    old = []
    for number in range(2):
        application, _ = services.application_submit(
            post=post, name="乙", mobile=f"1360000{number:04d}", poverty_alleviated=False, low_income=True,
            consented=True,
        )  # fmt: skip
        old.append(application.pk)
    last_year = timezone.now().replace(year=timezone.localdate().year - 1, month=6, day=15)
    JobApplication.objects.filter(pk__in=old).update(created_at=last_year)
    return post


def _by_label(rows):
    return {row.label: (row.applications, row.poverty_alleviated, row.low_income) for row in rows}


def test_statistics_count_both_groups_by_year(both_years, county):
    this_year = timezone.localdate().year
    with override("en"):
        now = selectors.application_statistics(year=this_year)
        before = selectors.application_statistics(year=this_year - 1)
        every = selectors.application_statistics()
    assert (now.total.applications, now.total.poverty_alleviated, now.total.low_income) == (3, 1, 1)
    assert _by_label(now.by_target_group) == {
        "Poverty-alleviated workers": (1, 1, 0),
        "Rural low-income people": (1, 0, 1),
        "Other job seekers": (1, 0, 0),
    }
    assert _by_label(now.by_county) == {county.name: (3, 1, 1)}
    assert (before.total.applications, before.total.low_income) == (2, 2)
    assert (every.total.applications, every.total.low_income) == (5, 3)


def test_the_statistics_page_shows_this_year_unless_asked(both_years, staff):
    browser = logged_in(staff)
    this_year = timezone.localdate().year
    response = browser.get(STATISTICS)
    assert response.context["statistics"].year == this_year
    assert response.context["statistics"].total.applications == 3
    html = response.content.decode()
    assert f'<option value="{this_year}" selected>' in html and f'<option value="{this_year - 1}"' in html
    assert 'id="total-low-income">1<' in html
    assert browser.get(STATISTICS, {"year": "all"}).context["statistics"].total.applications == 5
    assert browser.get(STATISTICS, {"year": this_year - 1}).context["statistics"].total.applications == 2
    wrong = browser.get(STATISTICS, {"year": "1999"})  # a year without applications: this year, no error
    assert wrong.status_code == 200 and wrong.context["statistics"].year == this_year


def test_the_year_filter_is_for_staff_only_as_the_page(both_years, employer_user):
    assert logged_in(employer_user).get(STATISTICS, {"year": "all"}).status_code == 403


def test_the_date_window_of_a_year_is_beijing_time(jobs, employer, staff):
    """An application made at 00:30 on 1 January Beijing time counts in the new year."""
    post = publish_post(jobs, employer=employer, slug="new-year")
    application = apply(post)
    year = timezone.localdate().year
    just_after = datetime.datetime(year, 1, 1, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    JobApplication.objects.filter(pk=application.pk).update(created_at=just_after)
    assert selectors.application_statistics(year=year).total.applications == 1
    assert selectors.application_statistics(year=year - 1).total.applications == 0
