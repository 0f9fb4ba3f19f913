"""Browsing jobs (/jobs/): city, sector, monthly pay, board and lodging, target group, campaign; query budget."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cms.models import CampaignPage, Employer
from tests.factories import add_page, build_site, labor_post

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 15  # as every main page (tests/test_pages.py)


def _post(site, slug, **values):
    return add_page(site["job_index"], labor_post(employer=site["employer"], slug=slug, title=f"岗位{slug}", **values))


@pytest.fixture
def jobs():
    site = build_site(counties=1, posts=0, projects=0)
    other_campaign = add_page(
        site["campaign"].get_parent(),
        CampaignPage(
            title="金秋招聘月",
            slug="autumn",
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + datetime.timedelta(days=30),
            intro="秋季招聘。",
        ),
    )
    posts = {
        "monthly-6500": _post(site, "monthly-6500", pay_max=Decimal("6500"), campaign=site["campaign"]),
        "monthly-4000": _post(
            site, "monthly-4000", pay_min=Decimal("3500"), pay_max=Decimal("4000"), board_lodging="lodging"
        ),
        "daily-300": _post(
            site, "daily-300", pay_unit="day", pay_min=Decimal("250"), pay_max=Decimal("300"), board_lodging="board"
        ),
        "hourly-25": _post(
            site,
            "hourly-25",
            pay_unit="hour",
            pay_min=Decimal("22"),
            pay_max=Decimal("25"),
            board_lodging="none",
            for_poverty_alleviated=False,
            for_low_income=True,
            campaign=other_campaign,
        ),
        "piece": _post(site, "piece", pay_unit="piece", pay_min=Decimal("1"), pay_max=Decimal("2")),
        "guangzhou-care": _post(site, "guangzhou-care", work_city="广州市", sector="care", work_location="天河区"),
    }
    return site, posts, other_campaign


def _listed(client, site, **params) -> set[str]:
    response = client.get(site["job_index"].url, params)
    assert response.status_code == 200
    return {post.slug for post in response.context["posts"]}


def test_no_filter_lists_every_open_post(client, jobs):
    site, posts, _ = jobs
    assert _listed(client, site) == set(posts)


def test_city_and_sector(client, jobs):
    site, _, _ = jobs
    assert _listed(client, site, city="广州市") == {"guangzhou-care"}
    assert _listed(client, site, sector="care") == {"guangzhou-care"}
    assert "guangzhou-care" not in _listed(client, site, city="东莞市", sector="electronics")


def test_minimum_monthly_pay_compares_the_maximum_pay_per_month(client, jobs):
    site, _, _ = jobs
    # 300 a day is 6,525 a month (21.75 days); 25 an hour is 4,350 (174 hours); piece rates have no monthly figure.
    assert _listed(client, site, pay=6000) == {"monthly-6500", "daily-300", "guangzhou-care"}
    assert _listed(client, site, pay=4000) == {
        "monthly-6500",
        "monthly-4000",
        "daily-300",
        "hourly-25",
        "guangzhou-care",
    }
    assert _listed(client, site, pay=6525) == {"daily-300"}
    assert _listed(client, site, pay=6526) == set()


def test_board_and_lodging(client, jobs):
    site, posts, _ = jobs
    both = {slug for slug, post in posts.items() if post.board_lodging == "both"}
    assert _listed(client, site, lodging="both") == both
    assert _listed(client, site, lodging="lodging") == both | {"monthly-4000"}
    assert _listed(client, site, lodging="1") == both | {"monthly-4000"}  # the earlier checkbox's links


def test_target_group(client, jobs):
    site, posts, _ = jobs
    assert _listed(client, site, target="low_income") == {"hourly-25"}
    assert _listed(client, site, target="poverty_alleviated") == set(posts) - {"hourly-25"}


def test_campaign(client, jobs):
    site, _, other_campaign = jobs
    assert _listed(client, site, campaign=site["campaign"].pk) == {"monthly-6500"}
    assert _listed(client, site, campaign=other_campaign.pk) == {"hourly-25"}


def test_wrong_values_are_ignored(client, jobs):
    site, posts, _ = jobs
    assert _listed(client, site, city="纽约", sector="x", pay="lots", lodging="x", target="x", campaign="9999") == set(
        posts
    )


def test_filters_combine_and_survive_paging(client, jobs):
    site, _, _ = jobs
    assert _listed(client, site, city="东莞市", pay=6000, lodging="both") == {"monthly-6500"}
    html = client.get(site["job_index"].url, {"city": "东莞市", "pay": 6000}).content.decode()
    assert '<option value="6000" selected>' in html


def test_the_form_is_plain_labelled_selects_without_script(client, jobs):
    site, _, _ = jobs
    html = client.get(site["job_index"].url).content.decode()
    form = html.split('<form method="get" class="filters"')[1].split("</form>")[0]
    assert "<script" not in form and "onchange" not in form
    for name in ("city", "sector", "pay", "lodging", "target", "campaign"):
        assert f'<label for="id_{name}">' in form, name
        assert f'<select name="{name}"' in form and 'class="form-control"' in form, name
    assert "金秋招聘月" in form and "春风行动" in form


def _many_posts(site, size: int):
    employers = [
        Employer.objects.create(name=f"用人单位{n}", city="东莞市", contact_name="李", contact_phone="13800138000")
        for n in range(3)
    ]
    for n in range(size):
        _post_for(site, employers[n % 3], n)


def _post_for(site, employer, n):
    page = labor_post(
        employer=employer,
        campaign=site["campaign"],
        slug=f"bulk-{n}",
        title=f"普工{n}",
        pay_unit="day" if n % 2 else "month",
        pay_max=Decimal("300") if n % 2 else Decimal("6500"),
        pay_min=Decimal("200") if n % 2 else Decimal("4500"),
    )
    site["job_index"].add_child(instance=page)
    page.save_revision().publish()


@pytest.mark.parametrize("size", [20, 200])
def test_jobs_index_query_budget_does_not_grow(client, size, django_assert_max_num_queries):
    site = build_site(counties=1, posts=0, projects=0)
    _many_posts(site, size)
    url = site["job_index"].url
    filters = [
        {},
        {"city": "东莞市", "sector": "electronics", "pay": 5000, "lodging": "both"},
        {"target": "poverty_alleviated", "campaign": site["campaign"].pk, "page": 2},
    ]
    client.get(url)  # warm the site and menu caches
    for params in filters:
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(url, params)
        assert response.status_code == 200
        assert response.context["posts"].paginator.count == size
