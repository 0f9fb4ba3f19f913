"""Fixtures of job application tests: a jobs page with open, closed and unpublished posts, their
employers' staff, platform staff, assisted counties."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from cms import models as cms
from labor import services
from tests.factories import CountyFactory, UserFactory, add_page, home_page, labor_post


def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def publish_post(jobs, *, employer, slug: str, campaign=None, **overrides) -> cms.LaborPostPage:
    return add_page(jobs, labor_post(employer=employer, campaign=campaign, slug=slug, title=f"岗位{slug}", **overrides))


def apply(post, *, mobile="13812341234", name="韦小梅", county=None, poverty_alleviated=True):
    """An application through the service, as the form would send it."""
    application, _created = services.application_submit(
        post=post,
        name=name,
        mobile=mobile,
        home_county=county,
        poverty_alleviated=poverty_alleviated,
        consented=True,
        language="zh-hans",
    )
    return application


@pytest.fixture
def jobs(db):
    return add_page(home_page(), cms.LaborPostIndexPage(title="广东岗位", slug="jobs"))


@pytest.fixture
def county(db):
    return CountyFactory(name="巴马瑶族自治县", slug="bama", prefecture="河池市")


@pytest.fixture
def other_county(db):
    return CountyFactory(name="融水苗族自治县", slug="rongshui", prefecture="柳州市")


@pytest.fixture
def employer_user(db):
    return UserFactory(email="hr@changan.example.cn")


@pytest.fixture
def employer(employer_user):
    employer = cms.Employer.objects.create(
        name="东莞长安精密电子有限公司", city="东莞市", contact_name="李经理", contact_phone="13800138001"
    )
    employer.users.add(employer_user)
    return employer


@pytest.fixture
def other_employer_user(db):
    return UserFactory(email="hr@shunda.example.cn")


@pytest.fixture
def other_employer(other_employer_user):
    employer = cms.Employer.objects.create(
        name="深圳顺达物流有限公司", city="深圳市", contact_name="陈主管", contact_phone="13800138002"
    )
    employer.users.add(other_employer_user)
    return employer


@pytest.fixture
def ordinary_user(db):
    return UserFactory(email="jobseeker@example.cn")


@pytest.fixture
def campaign(jobs):
    index = add_page(home_page(), cms.CampaignIndexPage(title="招聘活动", slug="campaigns"))
    today = timezone.localdate()
    return add_page(
        index,
        cms.CampaignPage(
            title="春风行动",
            slug="spring",
            start_date=today - datetime.timedelta(days=3),
            end_date=today + datetime.timedelta(days=60),
            intro="岗位对接。",
        ),
    )


@pytest.fixture
def post(jobs, employer):
    return publish_post(jobs, employer=employer, slug="assembly")


@pytest.fixture
def other_post(jobs, other_employer):
    return publish_post(jobs, employer=other_employer, slug="sorter")


@pytest.fixture
def expired_post(jobs, employer):
    """A post that closed yesterday (dates moved after publishing, as time would)."""
    page = publish_post(jobs, employer=employer, slug="expired")
    today = timezone.localdate()
    cms.LaborPostPage.objects.filter(pk=page.pk).update(
        valid_from=today - datetime.timedelta(days=40), valid_until=today - datetime.timedelta(days=1)
    )
    page.refresh_from_db()
    return page


@pytest.fixture
def unpublished_post(jobs, employer):
    page = publish_post(jobs, employer=employer, slug="draft")
    page.unpublish()
    page.refresh_from_db()
    return page
