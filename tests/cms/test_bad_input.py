"""Bad input in the editor: dates the wrong way round, missing fields, scripts in rich text."""

import json

import pytest
from django.urls import reverse

from cms.models import LaborPostPage, NewsPage
from tests.cms.conftest import add_url, admin_form_data, edit_url, post_fields

pytestmark = pytest.mark.django_db

SCRIPT_BODY = (
    '<p onclick="alert(1)">政策解读<script>alert("x")</script></p>'
    '<p><a href="javascript:alert(1)">点击</a> <a href="JaVa&#09;Script:alert(2)">再点</a>'
    '<a href="https://www.gov.cn/">国务院</a><img src="x" onerror="alert(3)"></p>'
    '<style>body{display:none}</style><iframe src="https://evil.example/"></iframe>'
)


def _assert_nothing_unsafe(html: str) -> None:
    lowered = html.lower()
    assert "<script>alert" not in lowered
    assert "javascript:" not in lowered and "java\tscript:" not in lowered
    assert "onclick" not in lowered and "onerror" not in lowered
    assert "<iframe" not in lowered and "<style>body" not in lowered


def test_valid_until_before_valid_from_is_refused_in_the_editor(client, editor, site_tree):
    page = site_tree["posts"][0]
    client.force_login(editor)
    url = edit_url(page)
    data = admin_form_data(client, url, valid_from="2026-05-10", valid_until="2026-05-01")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["valid_until"]


def test_maximum_pay_below_minimum_is_refused(client, editor, site_tree):
    page = site_tree["posts"][0]
    client.force_login(editor)
    url = edit_url(page)
    response = client.post(url, admin_form_data(client, url, pay_min="6000", pay_max="5000"))
    assert response.status_code == 200
    assert response.context["form"].errors["pay_max"]


@pytest.mark.parametrize("missing", ["employer", "job_title", "openings", "requirements", "job_content", "work_city",
                                     "work_location", "pay_min", "pay_max", "valid_from", "valid_until"])  # fmt: skip
def test_a_post_missing_a_required_field_is_not_published(client, moderator, jobs_index, site_tree, missing):
    """Publishing checks every field (Wagtail lets a draft be saved with text fields still empty)."""
    client.force_login(moderator)
    url = add_url(jobs_index)
    fields = post_fields(employer=site_tree["employer"], slug=f"missing-{missing}")
    fields[missing] = ""
    response = client.post(url, admin_form_data(client, url, **fields, **{"action-publish": "1"}))
    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert not LaborPostPage.objects.filter(slug=f"missing-{missing}").exists()


def test_a_complete_post_is_created(client, editor, jobs_index, site_tree):
    client.force_login(editor)
    url = add_url(jobs_index)
    response = client.post(url, admin_form_data(client, url, **post_fields(employer=site_tree["employer"])))
    assert response.status_code == 302
    assert LaborPostPage.objects.get(slug="new-job").employer == site_tree["employer"]


def test_markup_in_a_post_is_shown_as_text(client, site_tree):
    page = LaborPostPage.objects.get(pk=site_tree["posts"][0].pk)
    page.job_content = '<script>alert(1)</script><a href="javascript:alert(2)">x</a>'
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="javascript:' not in html


def test_rich_text_saved_by_code_is_cleaned_and_renders_nothing_unsafe(client, site_tree):
    news = NewsPage.objects.get(pk=site_tree["news"].pk)
    news.body = SCRIPT_BODY
    news.save_revision().publish()
    news.refresh_from_db()
    _assert_nothing_unsafe(news.body)
    assert "政策解读" in news.body and 'href="https://www.gov.cn/"' in news.body
    response = client.get(news.url)
    assert response.status_code == 200
    _assert_nothing_unsafe(response.content.decode().split('<main id="main"')[1].split("</main>")[0])


def test_internal_links_survive_the_cleaning(site_tree):
    job_index = site_tree["job_index"]
    news = NewsPage.objects.get(pk=site_tree["news"].pk)
    news.body = f'<p>见<a linktype="page" id="{job_index.pk}">岗位</a></p>'
    news.save_revision().publish()
    news.refresh_from_db()
    assert f'id="{job_index.pk}"' in news.body and 'linktype="page"' in news.body


def test_rich_text_from_the_editor_is_cleaned_on_save(client, moderator, site_tree):
    """What Draftail posts (contentstate) with a javascript: link and script text stores and renders safely."""
    news = site_tree["news"]
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:edit", args=(news.pk,))
    contentstate = {
        "blocks": [
            {
                "key": "a1b2c",
                "text": "<script>alert(1)</script> 点击这里",
                "type": "unstyled",
                "depth": 0,
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 27, "length": 4, "key": 0}],
                "data": {},
            }
        ],
        "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": "javascript:alert(1)"}}},
    }
    data = admin_form_data(client, url, body=json.dumps(contentstate), **{"documents-count": 0, "action-publish": "1"})
    response = client.post(url, data)
    assert response.status_code == 302
    news.refresh_from_db()
    assert "javascript:" not in news.body
    assert "<script>" not in news.body and "&lt;script&gt;" in news.body
    _assert_nothing_unsafe(client.get(news.url).content.decode().split('<main id="main"')[1].split("</main>")[0])
