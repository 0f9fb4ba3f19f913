"""Cooperation projects: filters by form, county, status and year; gallery; products on sale."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images.models import Image

from cms import models as cms
from tests.factories import CountyFactory, add_page, build_site, jpeg_bytes, make_product

pytestmark = pytest.mark.django_db


def _project(index, slug, *, counties=(), start=None, end=None, **fields):
    values = {
        "title": f"项目{slug}",
        "cooperation_form": "industry",
        "guangdong_side": "深圳市",
        "summary": "协作项目。",
        "status": "ongoing",
        "funding_wan": Decimal("10.00"),
        "start_date": start,
        "end_date": end,
    }
    values.update(fields)
    page = cms.ProjectPage(slug=slug, **values)
    page.counties.set(list(counties))
    return add_page(index, page)


@pytest.fixture
def projects():
    site = build_site(counties=0, posts=0, projects=0)
    index = site["project_index"]
    bama, tiandong, unused = CountyFactory(name="巴马瑶族自治县"), CountyFactory(name="田东县"), CountyFactory()
    year = timezone.localdate().year
    pages = {
        "past": _project(
            index, "past", counties=[bama], start=datetime.date(year - 4, 3, 1), end=datetime.date(year - 2, 6, 30),
            status="completed",
        ),
        "now": _project(
            index, "now", counties=[bama, tiandong], start=datetime.date(year - 1, 1, 1), end=None,
            cooperation_form="consumption",
        ),
        "next": _project(
            index, "next", counties=[tiandong], start=datetime.date(year + 1, 1, 1),
            end=datetime.date(year + 2, 12, 31), status="planned",
        ),
        "undated": _project(index, "undated", counties=[]),
    }  # fmt: skip
    return {"index": index, "pages": pages, "bama": bama, "tiandong": tiandong, "unused": unused, "year": year}


def _titles(response) -> set[str]:
    return {project.slug for project in response.context["projects"]}


def test_projects_filter_by_county(client, projects):
    url = projects["index"].url
    assert _titles(client.get(url, {"county": projects["bama"].pk})) == {"past", "now"}
    assert _titles(client.get(url, {"county": projects["tiandong"].pk})) == {"now", "next"}


def test_projects_filter_by_year_keeps_projects_running_that_year(client, projects):
    url, year = projects["index"].url, projects["year"]
    assert _titles(client.get(url, {"year": year - 3})) == {"past"}
    assert _titles(client.get(url, {"year": year})) == {"now"}  # open-ended: still running
    assert _titles(client.get(url, {"year": year + 2})) == {"now", "next"}


def test_projects_filters_combine(client, projects):
    url = projects["index"].url
    params = {"county": projects["tiandong"].pk, "year": projects["year"] + 1, "form": "consumption"}
    assert _titles(client.get(url, params)) == {"now"}
    assert _titles(client.get(url, {**params, "status": "planned"})) == set()


def test_filter_offers_only_counties_and_years_with_projects(client, projects):
    response = client.get(projects["index"].url)
    form = response.context["filter_form"]
    county_ids = {pk for _group, options in form.fields["county"].choices[1:] for pk, _name in options}
    assert county_ids == {projects["bama"].pk, projects["tiandong"].pk}
    year = projects["year"]
    years = [value for value, _label in form.fields["year"].choices[1:]]
    assert years == list(range(year + 2, year - 5, -1))
    html = response.content.decode()
    assert '<label for="id_county">' in html and '<label for="id_year">' in html
    assert projects["unused"].name not in html


@pytest.mark.parametrize("params", [{"county": "abc"}, {"year": "20x6"}, {"county": 999999}, {"year": 1900}])
def test_wrong_filter_values_are_ignored(client, projects, params):
    response = client.get(projects["index"].url, params)
    assert response.status_code == 200
    assert _titles(response) == {"past", "now", "next", "undated"}


def test_filtered_project_list_keeps_filters_in_page_links(client, projects):
    index = projects["index"]
    for n in range(13):
        _project(index, f"extra-{n}", counties=[projects["bama"]], start=datetime.date(projects["year"], 1, 1))
    response = client.get(index.url, {"county": projects["bama"].pk})
    assert response.context["projects"].paginator.count == 15
    assert f"county={projects['bama'].pk}&amp;page=2" in response.content.decode()


# --------------------------------------------------------------------------- project page


def _image(title):
    return Image.objects.create(title=title, file=ContentFile(jpeg_bytes((320, 240)), name=f"{title}.jpg"))


def test_gallery_shows_pictures_with_captions_as_alt_text(client, projects):
    page = projects["pages"]["now"]
    page.gallery_images = [
        cms.ProjectGalleryImage(image=_image("pig"), caption="养殖小区"),
        cms.ProjectGalleryImage(image=_image("mango"), caption="芒果装车"),
    ]
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert 'alt="养殖小区"' in html and 'alt="芒果装车"' in html
    assert html.index("养殖小区") < html.index("芒果装车")
    assert "<figcaption>养殖小区</figcaption>" in html
    assert ".max-1200x1200." in html and ".fill-320x240." in html  # thumbnail linking to the large picture


def _queries_for(client, page) -> int:
    client.get(page.url)  # renditions and caches are made on the first view
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page.url).status_code == 200
    return len(queries)


def test_project_page_queries_do_not_grow_with_pictures_and_products(client, projects):
    page = projects["pages"]["now"]
    page.gallery_images = [cms.ProjectGalleryImage(image=_image("one"), caption="一")]
    page.products.set([make_product()])
    page.save_revision().publish()
    small = _queries_for(client, page)
    page.gallery_images = [cms.ProjectGalleryImage(image=_image(f"p{n}"), caption=f"图{n}") for n in range(5)]
    page.products.set([make_product() for _ in range(5)])
    page.save_revision().publish()
    assert _queries_for(client, page) == small


def test_a_gallery_picture_needs_a_caption(client, projects):
    item = cms.ProjectGalleryImage(page=projects["pages"]["now"], image=_image("x"), caption="")
    with pytest.raises(Exception) as error:
        item.full_clean()
    assert "caption" in str(error.value)


def test_consumption_project_shows_only_products_on_sale(client, projects):
    on_sale = make_product(title="百色芒果5斤装")
    delisted = make_product(title="下架的芒果干", listing_status="delisted")
    page = projects["pages"]["now"]
    page.products.set([on_sale, delisted])
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "百色芒果5斤装" in html and on_sale.get_absolute_url() in html
    assert "下架的芒果干" not in html


def test_project_without_products_or_gallery_shows_neither_section(client, projects):
    html = client.get(projects["pages"]["undated"].url).content.decode()
    assert 'id="h-gallery"' not in html and 'id="h-products"' not in html


def test_filter_choices_are_kept_until_a_project_is_published(client, projects, django_assert_num_queries):
    url = projects["index"].url
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    new_county = CountyFactory(name="凌云县")
    _project(projects["index"], "later", counties=[new_county], start=datetime.date(projects["year"] + 5, 1, 1))
    response = client.get(url)
    county_ids = {
        pk for _group, options in response.context["filter_form"].fields["county"].choices[1:] for pk, _ in options
    }
    assert new_county.pk in county_ids
    assert response.context["filter_form"].fields["year"].choices[1][0] == projects["year"] + 5
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert len(again) == len(warm)
    assert not any("MIN(" in q["sql"].upper() for q in again.captured_queries)
