"""A site translated page by page: each language shows its translations where they are live and
the Simplified page everywhere else — every page reachable, every list without duplicates."""

import datetime

import pytest
from django.core.cache import cache
from wagtail.models import Locale

from cms import models as cms
from labor.models import JobApplication
from labor.services import application_submit
from tests.factories import add_page, build_site, labor_post

pytestmark = pytest.mark.django_db


def translate(page, locale, **fields):
    """What an editor does with "Translate" and "Publish": a live copy in ``locale`` with new text."""
    copy = page.specific.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    copy.refresh_from_db()
    return copy


@pytest.fixture
def site():
    cache.clear()
    site = build_site(counties=1, posts=2, projects=1)
    site["news_2"] = add_page(site["news_index"], cms.NewsPage(title="劳务协作简报", slug="brief", intro="摘要"))
    site["hant"] = Locale.objects.create(language_code="zh-hant")
    return site


def test_untranslated_pages_are_served_in_simplified_under_the_traditional_prefix(client, site):
    translate(site["news"], site["hant"], title="政策解讀", intro="繁體摘要")  # home and news index become aliases

    for url in ("/zh-hant/", "/zh-hant/projects/", "/zh-hant/jobs/", "/zh-hant/news/brief/", "/zh-hant/counties/"):
        assert client.get(url).status_code == 200, url
    assert client.get(site["projects"][0].url.replace("/", "/zh-hant/", 1)).status_code == 200
    body = client.get("/zh-hant/news/policy/").content.decode()
    assert "政策解讀" in body and "繁體摘要" in body
    assert client.get("/zh-hant/news/no-such-page/").status_code == 404


def test_lists_show_each_page_once_in_the_visitors_language(client, site):
    translate(site["news"], site["hant"], title="政策解讀")

    traditional = client.get("/zh-hant/news/")
    titles = [article.title for article in traditional.context["articles"]]
    assert sorted(titles) == sorted(["政策解讀", "劳务协作简报"])
    simplified = client.get("/news/")
    assert sorted(a.title for a in simplified.context["articles"]) == sorted(["政策解读", "劳务协作简报"])
    home = client.get("/zh-hant/")
    assert [n.title for n in home.context["news"]].count("政策解讀") == 1
    assert "政策解读" not in [n.title for n in home.context["news"]]
    assert "政策解讀" not in [n.title for n in client.get("/").context["news"]]


def test_menu_links_keep_the_prefix_and_use_translated_titles(client, site):
    translate(site["news_index"], site["hant"], title="新聞與政策")
    html = client.get("/zh-hant/").content.decode()
    assert 'href="/zh-hant/news/"' in html and "新聞與政策" in html
    assert 'href="/zh-hant/jobs/"' in html and 'href="/zh-hant/projects/"' in html
    assert "新聞與政策" not in client.get("/").content.decode()


def test_jobs_list_counts_a_translated_post_once_and_keeps_untranslated_ones(client, site):
    post, other = site["posts"]
    translate(post, site["hant"], title="電子廠普工", job_title="普工")
    response = client.get("/zh-hant/jobs/")
    titles = sorted(p.title for p in response.context["posts"])
    assert titles == sorted(["電子廠普工", other.title])
    assert response.context["posts"].paginator.count == 2


def test_campaign_filter_and_campaign_page_find_posts_of_any_language_version(client, site):
    campaign = translate(site["campaign"], site["hant"], title="春風行動", intro="崗位對接。")
    translate(site["posts"][0], site["hant"], title="電子廠普工")
    jobs = client.get("/zh-hant/jobs/", {"campaign": campaign.pk})
    assert jobs.context["posts"].paginator.count == 2  # the posts name the Simplified campaign
    assert [label for _pk, label in jobs.context["filter_form"].fields["campaign"].choices[1:]] == ["春風行動"]
    page = client.get("/zh-hant/campaigns/spring/")
    assert sorted(p.title for p in page.context["posts"]) == sorted(["電子廠普工", site["posts"][1].title])


def test_an_application_to_a_translated_post_joins_the_posts_list(site):
    post = site["posts"][0]
    copy = translate(post, site["hant"], title="電子廠普工")
    first, created = application_submit(
        post=copy, name="韦小梅", mobile="13812341234", poverty_alleviated=True, consented=True
    )
    again, created_again = application_submit(
        post=post, name="韦小梅", mobile="13812341234", poverty_alleviated=True, consented=True
    )
    assert created and not created_again
    assert first.pk == again.pk and first.post_id == post.pk
    assert JobApplication.objects.count() == 1


def test_a_post_created_after_translation_appears_in_every_language(client, site):
    translate(site["job_index"], site["hant"], title="廣東崗位")
    new = add_page(site["job_index"], labor_post(employer=site["employer"], slug="late", title="物流分拣员"))
    assert "物流分拣员" in [p.title for p in client.get("/zh-hant/jobs/").context["posts"]]
    assert client.get(new.url.replace("/", "/zh-hant/", 1)).status_code == 200


# --------------------------------------------------------------------------- Traditional copies


def test_a_traditional_copy_starts_converted_from_simplified(client, site):
    project = site["projects"][0]
    project.summary = "共建香猪养殖小区与冷链中心。"
    project.body = [("paragraph", "<p>产品直供深圳机关食堂。</p>"), ("heading", "发展历程")]
    project.updates = [cms.ProjectUpdate(date=datetime.date(2026, 3, 1), text="冷链分拣中心通过验收。")]
    project.save_revision().publish()
    project.refresh_from_db()

    copy = project.copy_for_translation(site["hant"], copy_parents=True)

    copy = cms.ProjectPage.objects.get(pk=copy.pk)
    assert copy.title == "協作項目0" and copy.summary == "共建香豬養殖小區與冷鏈中心。"
    assert [block.block_type for block in copy.body] == ["paragraph", "heading"]
    assert "產品直供深圳機關食堂" in str(copy.body[0].value) and copy.body[1].value == "發展歷程"
    assert [update.text for update in copy.updates.all()] == ["冷鏈分揀中心通過驗收。"]
    assert copy.cooperation_form == project.cooperation_form and copy.slug == project.slug
    # what the editor opens is the converted text, ready to correct and publish
    assert copy.get_latest_revision_as_object().summary == "共建香豬養殖小區與冷鏈中心。"
    assert not copy.live
    assert cms.ProjectPage.objects.get(pk=project.pk).summary == "共建香猪养殖小区与冷链中心。"


def test_a_post_copy_keeps_its_chosen_city_and_an_english_copy_is_not_converted(site):
    post = site["posts"][0]
    copy = post.copy_for_translation(site["hant"], copy_parents=True)
    copy = cms.LaborPostPage.objects.get(pk=copy.pk)
    assert copy.work_city == post.work_city  # a choice, not free text
    assert copy.title != post.title  # converted
    english = Locale.objects.create(language_code="en")
    en_copy = cms.LaborPostPage.objects.get(pk=post.copy_for_translation(english, copy_parents=True).pk)
    assert en_copy.title == post.title


def test_a_translated_index_serves_its_untranslated_children_in_simplified(client, site):
    translate(site["county_index"], site["hant"], title="幫扶縣")
    county_page = site["county_pages"][0]
    response = client.get(f"/zh-hant/counties/{county_page.slug}/")
    assert response.status_code == 200
    assert response.context["page"].pk == county_page.pk
    assert client.get("/zh-hant/counties/").context["county_pages"][0].pk == county_page.pk
    assert client.get("/zh-hant/counties/no-such-county/").status_code == 404
