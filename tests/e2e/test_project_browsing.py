"""Browser journey: a visitor finds cooperation projects by county and year, opens one with its
gallery and products, and reads it in Traditional Chinese."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.images.models import Image
from wagtail.models import Collection, Locale

from cms import models as cms
from tests.factories import CountyFactory, add_page, home_page, jpeg_bytes, make_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _project(index, slug, title, *, counties, start, end, **fields):
    page = cms.ProjectPage(
        slug=slug,
        title=title,
        cooperation_form=fields.pop("cooperation_form", "industry"),
        guangdong_side=fields.pop("guangdong_side", "深圳市罗湖区"),
        summary=fields.pop("summary", "粤桂协作项目。"),
        start_date=start,
        end_date=end,
        funding_wan=fields.pop("funding_wan", 500),
        **fields,
    )
    page.counties.set(counties)
    return add_page(index, page)


def _root_collection():
    """Wagtail's root collection, put back if a transactional test flushed the kept database
    (as ``tests.factories.home_page`` does for pages)."""
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def test_visitor_finds_a_project_by_county_and_year(page, journey):
    collection = _root_collection()
    index = add_page(home_page(), cms.ProjectIndexPage(title="协作项目", slug="projects", show_in_menus=True))
    bama = CountyFactory(name="巴马瑶族自治县", slug="bama", prefecture="河池市")
    tiandong = CountyFactory(name="田东县", slug="tiandong", prefecture="百色市")
    year = timezone.localdate().year
    mango = make_product(title="百色芒果5斤装", origin_county=tiandong)
    pictures = [
        cms.ProjectGalleryImage(
            image=Image.objects.create(
                title=caption, collection=collection, file=ContentFile(jpeg_bytes((640, 480)), name=f"g{n}.jpg")
            ),
            caption=caption,
        )
        for n, caption in enumerate(["田东芒果采摘", "首批芒果装车发往深圳"])
    ]
    consumption = cms.ProjectPage(
        slug="baise-mango",
        title="百色芒果进湾区消费协作行动",
        cooperation_form="consumption",
        guangdong_side="深圳市消费帮扶中心",
        summary="组织预算单位采购百色芒果。",
        start_date=datetime.date(year - 1, 1, 1),
        end_date=datetime.date(year + 1, 12, 31),
        funding_wan=600,
        jobs_created=150,
        households_linked=2300,
        gallery_images=pictures,
    )
    consumption.counties.set([tiandong])
    consumption.products.set([mango])
    add_page(index, consumption)
    _project(index, "bama-pig", "深圳—巴马香猪全产业链协作项目", counties=[bama],
             start=datetime.date(year - 1, 1, 1), end=None)  # fmt: skip
    _project(index, "old-school", "深圳—田东教育协作", counties=[tiandong], status="completed",
             start=datetime.date(year - 4, 1, 1), end=datetime.date(year - 2, 12, 31))  # fmt: skip

    page.goto("/projects/")
    journey.check("index")
    page.select_option("#id_county", str(tiandong.pk))
    page.select_option("#id_year", str(year))
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/projects/?*county=*")
    titles = page.locator(".card-grid h3").all_inner_texts()
    assert titles == ["百色芒果进湾区消费协作行动"]
    journey.check("filtered")

    page.click("text=百色芒果进湾区消费协作行动")
    page.wait_for_url("**/projects/baise-mango/")
    assert page.locator(".gallery img").count() == 2
    assert page.locator(".gallery img").first.get_attribute("alt") == "田东芒果采摘"
    expect(page.locator("#h-products")).to_be_visible()
    assert page.locator(".product-card h3").inner_text() == "百色芒果5斤装"
    journey.check("project")

    # Hong Kong and Macau readers: a Traditional copy, converted from the Simplified page.
    hant = Locale.objects.create(language_code="zh-hant")
    copy = consumption.copy_for_translation(hant, copy_parents=True)
    copy.save_revision().publish()
    page.goto("/zh-hant/projects/baise-mango/")
    assert page.locator("h1").inner_text() == "百色芒果進灣區消費協作行動"
    assert page.locator(".gallery img").first.get_attribute("alt") == "田東芒果採摘"
    journey.check("traditional")
