"""The jobs list and the project index cost the same SQL queries at 20 and at 2,000 pages.

The pages are created with ``cms.bulk`` (a few batched inserts instead of a publish per page);
the first test checks that what it writes is a sound Wagtail page tree.
"""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import Page

from cms import bulk
from cms.models import (
    PAGE_SIZE,
    BoardLodging,
    CooperationForm,
    Employer,
    LaborPostPage,
    PayUnit,
    ProjectPage,
    ProjectStatus,
    Sector,
)
from tests.factories import add_page, build_site, jpeg_bytes, labor_post

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 15  # as every main page (tests/test_pages.py)
SMALL, LARGE = 20, 2_000
JOBS_PER_PAGE = 20  # LaborPostIndexPage.get_context


@pytest.fixture
def site():
    site = build_site(counties=3, posts=0, projects=0)
    site["employers"] = [
        Employer.objects.create(name=f"用人单位{n}", city="东莞市", contact_name="李经理", contact_phone="13800138000")
        for n in range(3)
    ]
    site["counties"] = [page.county for page in site["county_pages"]]
    return site


def _images() -> list[Image]:
    from django.core.files.base import ContentFile

    return [
        Image.objects.create(title=f"项目图{n}", file=ContentFile(jpeg_bytes((480, 270)), name=f"project-{n}.jpg"))
        for n in range(2)
    ]


def _measure(client, url: str, params: dict):
    """The response to a warm request (site, menu and renditions cached by a first one) and its query count."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, params
    return response, len(queries)


def _tree_is_sound() -> None:
    evil_chars, bad_steplen, orphans, wrong_depth, wrong_numchild = Page.find_problems()
    assert (evil_chars, bad_steplen, orphans, wrong_depth, wrong_numchild) == ([], [], [], [], [])


# --------------------------------------------------------------------------- the bulk creator


def test_bulk_pages_are_a_sound_live_tree_after_pages_added_the_usual_way(client, site):
    # given an index that already has children added one by one
    jobs, projects = site["job_index"], site["project_index"]
    usual = add_page(jobs, labor_post(employer=site["employers"][0], slug="usual"))
    today = timezone.localdate()

    # when pages are added in bulk, twice, then once more the usual way
    posts = bulk.bulk_labor_posts(
        jobs, 150, employers=site["employers"], campaign=site["campaign"], home_counties=site["counties"]
    )
    posts += bulk.bulk_labor_posts(jobs, 30, employers=site["employers"])
    made = bulk.bulk_projects(projects, 120, counties=site["counties"], images=_images())
    after = add_page(jobs, labor_post(employer=site["employers"][0], slug="after"))

    # then the tree has no problem and the paths follow on from the existing children
    _tree_is_sound()
    paths = [usual.path, *(post.path for post in posts), Page.objects.get(pk=after.pk).path]
    assert paths == sorted(paths) and len(set(paths)) == len(paths)
    assert [Page._str2int(path[-4:]) for path in paths] == list(range(1, 183))
    assert Page.objects.get(pk=jobs.pk).numchild == 182
    assert Page.objects.get(pk=projects.pk).numchild == 120
    assert [post.slug for post in posts] == [f"post-{n}" for n in range(1, 181)]

    # and every page is a live, published page of its own type and locale, with its own translation key
    stored = LaborPostPage.objects.child_of(jobs).exclude(pk__in=[usual.pk, after.pk])
    assert stored.live().count() == 180
    assert stored.filter(locale_id=jobs.locale_id, first_published_at__isnull=False).count() == 180
    published = [post.first_published_at for post in posts[:150]]
    assert published == sorted(set(published))  # one after the other: no ties in "newest first"
    keys = Page.objects.filter(pk__in=[post.pk for post in posts] + [p.pk for p in made]).values("translation_key")
    assert keys.distinct().count() == 300
    post = stored.get(slug="post-7")
    assert post.url_path == f"{jobs.url_path}post-7/" and post.draft_title == post.title
    assert post.specific_class is LaborPostPage and post.expire_at == post.closes_at
    assert post.valid_from <= today < post.valid_until
    assert post.home_counties.count() in (1, 2) and not posts[-1].home_counties.exists()
    assert ProjectPage.objects.child_of(projects).live().filter(counties__isnull=False).distinct().count() == 120

    # and they are served like published pages
    assert client.get(post.url).status_code == 200
    assert client.get(made[0].url).status_code == 200
    listed = client.get(jobs.url).context["posts"]
    assert listed.paginator.count == 182


def test_bulk_refuses_a_slug_already_used(site):
    add_page(site["project_index"], ProjectPage(title="项目", slug="project-x", cooperation_form="labor",
                                                     guangdong_side="深圳市", summary="。"))  # fmt: skip
    pages = [ProjectPage(title="重复", slug="project-x", cooperation_form="labor", guangdong_side="深圳市")]
    with pytest.raises(ValueError, match="project-x"):
        bulk.bulk_add_live_children(site["project_index"], pages)
    _tree_is_sound()


def test_bulk_variations_cover_every_choice(site):
    posts = bulk.bulk_labor_posts(site["job_index"], 300, employers=site["employers"])
    projects = bulk.bulk_projects(site["project_index"], 100, counties=site["counties"])
    assert {p.sector for p in posts} == set(Sector.values)
    assert {p.pay_unit for p in posts} == set(PayUnit.values)
    assert {p.board_lodging for p in posts} == set(BoardLodging.values)
    assert {(p.work_city, p.sector) for p in posts if p.work_city == "深圳市"} == {
        ("深圳市", sector) for sector in Sector.values
    }
    assert {p.cooperation_form for p in projects} == set(CooperationForm.values)
    assert {p.status for p in projects} == set(ProjectStatus.values)
    assert len({p.start_date.year for p in projects}) >= 5
    assert any(p.end_date is None for p in projects)


# --------------------------------------------------------------------------- query budgets


def _job_filters(site, sample: LaborPostPage, total: int) -> dict[str, dict]:
    return {
        "no filter": {},
        "city and sector": {"city": sample.work_city, "sector": sample.sector},
        "pay and lodging": {"pay": 5000, "lodging": "lodging"},
        "target, campaign, page 2": {"target": "poverty_alleviated", "campaign": site["campaign"].pk, "page": 2},
        "every filter": {
            "city": sample.work_city,
            "sector": sample.sector,
            "pay": 3000,
            "lodging": "lodging",
            "target": "poverty_alleviated",
            "campaign": site["campaign"].pk,
        },
        "last page": {"page": math.ceil(total / JOBS_PER_PAGE)},
    }


def _queries_at_both_sizes(client, url: str, *, grow, filters, list_name: str, check) -> None:
    """Grow the index to SMALL, then LARGE pages (``grow(size)``); at each size load every filter
    variant (``filters(size)``) within the budget and ``check(size, name, params, page)`` the list;
    then every variant must have cost the same number of queries at both sizes."""
    measured = {}
    for size in (SMALL, LARGE):
        grow(size)
        for name, params in filters(size).items():
            response, queries = _measure(client, url, params)
            assert queries <= QUERY_BUDGET, (size, name, queries)
            measured[size, name] = queries
            page = response.context[list_name]
            assert len(page) > 0, (size, name)
            check(size, name, params, page)
    for name in filters(SMALL):
        assert measured[SMALL, name] == measured[LARGE, name], (name, measured)


def test_jobs_index_queries_are_the_same_at_20_and_2000_posts(client, site):
    jobs = site["job_index"]
    options = {"employers": site["employers"], "campaign": site["campaign"], "home_counties": site["counties"]}
    posts = bulk.bulk_labor_posts(jobs, SMALL, **options)
    sample = posts[3]

    def grow(size):
        posts.extend(bulk.bulk_labor_posts(jobs, size - len(posts), **options))

    def check(size, name, params, page):
        if name == "no filter":
            assert page.paginator.count == size
        if name == "city and sector":
            matching = [p for p in posts if (p.work_city, p.sector) == (sample.work_city, sample.sector)]
            assert page.paginator.count == len(matching)
        if name == "last page":
            assert page.number == page.paginator.num_pages
            assert len(page) == size - JOBS_PER_PAGE * (page.number - 1)

    _queries_at_both_sizes(
        client, jobs.url, grow=grow, filters=lambda size: _job_filters(site, sample, size), list_name="posts",
        check=check,
    )  # fmt: skip


def _project_filters(sample: ProjectPage, county_id: int, total: int) -> dict[str, dict]:
    return {
        "no filter": {},
        "form": {"form": sample.cooperation_form},
        "status": {"status": sample.status},
        "form and status, page 2": {"form": sample.cooperation_form, "status": sample.status, "page": 2},
        "county": {"county": county_id},
        "year": {"year": sample.start_date.year},
        "county, year and form": {
            "county": county_id,
            "year": sample.start_date.year,
            "form": sample.cooperation_form,
        },
        "last page": {"page": math.ceil(total / PAGE_SIZE)},
    }


def _expected_projects(projects: list[ProjectPage], params: dict) -> int | None:
    """How many projects the list should hold: only for no filter and the form and status filters."""
    if set(params) - {"form", "status", "page"}:
        return None
    return sum(
        1
        for p in projects
        if params.get("form", p.cooperation_form) == p.cooperation_form and params.get("status", p.status) == p.status
    )


def test_project_index_queries_are_the_same_at_20_and_2000_projects(client, site):
    index = site["project_index"]
    options = {"counties": site["counties"], "images": _images()}
    projects = bulk.bulk_projects(index, SMALL, **options)
    sample, county_id = projects[5], projects[5].counties.values_list("pk", flat=True).first()

    def grow(size):
        projects.extend(bulk.bulk_projects(index, size - len(projects), **options))

    def check(size, name, params, page):
        expected = _expected_projects(projects, params)
        if expected is not None:
            assert page.paginator.count == expected, (size, name)
        if name == "last page":
            assert page.number == page.paginator.num_pages
            assert len(page) == size - PAGE_SIZE * (page.number - 1)

    _queries_at_both_sizes(
        client, index.url, grow=grow, filters=lambda size: _project_filters(sample, county_id, size),
        list_name="projects", check=check,
    )  # fmt: skip
