"""Pages titled in Chinese get pinyin slugs: employers and editors publish without touching the Promote tab."""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from wagtail.fields import StreamField
from wagtail.models import Locale, Page, WorkflowState

from cms.admin_forms import PageForm
from cms.models import (
    CampaignIndexPage,
    CampaignPage,
    CountyIndexPage,
    CountyPage,
    HomePage,
    LaborPostIndexPage,
    LaborPostPage,
    NewsIndexPage,
    NewsPage,
    ProjectIndexPage,
    ProjectPage,
    StandardPage,
)
from core.slugs import pinyin_slugify
from tests.cms.conftest import add_url, admin_form_data, edit_url, post_fields
from tests.factories import CountyFactory, UserFactory, home_page

pytestmark = pytest.mark.django_db
ASCII_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _add(client, parent, model, **values):
    url = reverse("wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk))
    # Stream fields are drawn by the admin's script: an empty one sends only its count.
    streams = {f"{field.name}-count": 0 for field in model._meta.fields if isinstance(field, StreamField)}
    return client.post(url, admin_form_data(client, url, **streams, **values))


def _errors(response) -> dict:
    return response.context["form"].errors if response.context and "form" in response.context else {}


# --------------------------------------------------------------------------- the function
@pytest.mark.parametrize(
    "title, slug",
    [
        ("注塑操作工", "zhu-su-cao-zuo-gong"),
        ("注塑操作員", "zhu-su-cao-zuo-yuan"),  # Traditional characters too
        ("2026年春风行动", "2026-nian-chun-feng-xing-dong"),
        ("iPhone 组装工（白班）", "iphone-zu-zhuang-gong-bai-ban"),
        ("Assembly worker", "assembly-worker"),
    ],
)
def test_titles_become_ascii_pinyin(title, slug):
    assert pinyin_slugify(title) == slug


def test_a_title_with_nothing_to_spell_still_gets_a_slug_and_long_ones_keep_whole_syllables():
    assert pinyin_slugify("！！！🎉🎉", fallback="page") == "page"
    long = pinyin_slugify("注塑操作工" * 30, max_length=40)
    assert len(long) <= 40 and ASCII_SLUG.match(long) and long.endswith("gong")


def test_every_page_type_uses_the_form_that_fills_slugs():
    page_types = [m for m in apps.get_app_config("cms").get_models() if issubclass(m, Page)]
    assert len(page_types) == 12
    for model in page_types:
        assert issubclass(model.get_edit_handler().get_form_class(), PageForm), model


# --------------------------------------------------------------------------- employers' job posts
def test_employer_submits_a_post_titled_in_chinese_without_a_slug_and_it_goes_live(
    client, jobs_index, employer_a, moderator
):
    user, employer = employer_a
    client.force_login(user)

    # when: the admin's script left the slug empty, as it does for a Chinese title
    url = add_url(jobs_index)
    fields = post_fields(employer=employer, title="注塑操作工", slug="")
    response = client.post(url, admin_form_data(client, url, **fields, **{"action-submit": "1"}))

    # then: saved with the title in pinyin and in moderation
    assert response.status_code == 302, _errors(response)
    post = LaborPostPage.objects.get(title="注塑操作工")
    assert post.slug == "zhu-su-cao-zuo-gong" and post.slug.isascii()
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(post.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    # and: once a moderator approves it, its public address works
    client.force_login(moderator)
    client.post(reverse("wagtailadmin_pages:workflow_action", args=(post.pk, "approve", state.current_task_state.pk)))
    client.logout()
    response = client.get("/jobs/zhu-su-cao-zuo-gong/")
    assert response.status_code == 200 and "注塑操作工" in response.content.decode()


def test_a_second_post_with_the_same_title_gets_its_own_slug(client, jobs_index, employer_a):
    user, employer = employer_a
    client.force_login(user)
    url = add_url(jobs_index)
    fields = post_fields(employer=employer, slug="", title="注塑操作工")
    for _ in range(3):
        response = client.post(url, admin_form_data(client, url, **fields))
        assert response.status_code == 302, _errors(response)
    slugs = sorted(LaborPostPage.objects.filter(title="注塑操作工").values_list("slug", flat=True))
    assert slugs == ["zhu-su-cao-zuo-gong", "zhu-su-cao-zuo-gong-2", "zhu-su-cao-zuo-gong-3"]


def test_what_the_admin_script_makes_of_a_chinese_title_is_spelt_out(client, jobs_index, employer_a):
    """2026年注塑操作工 → the script keeps "2026"; the page gets the whole title in pinyin."""
    user, employer = employer_a
    client.force_login(user)
    url = add_url(jobs_index)
    fields = post_fields(employer=employer, title="2026年注塑操作工", slug="2026")
    assert client.post(url, admin_form_data(client, url, **fields)).status_code == 302
    assert LaborPostPage.objects.get(title="2026年注塑操作工").slug == "2026-nian-zhu-su-cao-zuo-gong"


def test_a_slug_the_editor_typed_is_kept_and_a_chinese_one_is_spelt(client, jobs_index, employer_a):
    user, employer = employer_a
    client.force_login(user)
    url = add_url(jobs_index)
    client.post(url, admin_form_data(client, url, **post_fields(employer=employer, title="注塑工", slug="moulding")))
    client.post(url, admin_form_data(client, url, **post_fields(employer=employer, title="质检员", slug="质检")))
    assert LaborPostPage.objects.get(title="注塑工").slug == "moulding"
    assert LaborPostPage.objects.get(title="质检员").slug == "zhi-jian"


def test_a_draft_keeps_its_slug_when_its_title_changes(client, jobs_index, employer_a):
    user, employer = employer_a
    client.force_login(user)
    url = add_url(jobs_index)
    client.post(url, admin_form_data(client, url, **post_fields(employer=employer, title="注塑操作工", slug="")))
    post = LaborPostPage.objects.get(title="注塑操作工")

    response = client.post(edit_url(post), admin_form_data(client, edit_url(post), title="注塑操作工（夜班）"))
    assert response.status_code == 302, _errors(response)
    post.refresh_from_db()
    assert post.get_latest_revision_as_object().title == "注塑操作工（夜班）"
    assert post.slug == "zhu-su-cao-zuo-gong"


def test_a_slug_in_use_is_named_at_the_top_with_its_tab(client, jobs_index, employer_a):
    """A typed slug a sibling already has is refused, and the message says where to look."""
    user, employer = employer_a
    client.force_login(user)
    url = add_url(jobs_index)
    response = client.post(url, admin_form_data(client, url, **post_fields(employer=employer, slug="job-0")))

    assert response.status_code == 200
    form = response.context["form"]
    assert "slug" in form.errors
    summary = " ".join(form.non_field_errors())
    promote = LaborPostPage.get_edit_handler().children[1].heading
    assert str(form.fields["slug"].label) in summary and str(promote) in summary
    shown = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert str(promote) in shown and "job-0" in shown  # the tab and the slug's own error, at the top
    assert not LaborPostPage.objects.filter(title="注塑普工").exists()


# --------------------------------------------------------------------------- editors' pages
@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(email="chief-editor@example.com", is_superuser=True, is_staff=True))
    return client


def _page_cases(site_tree):
    today = timezone.localdate()
    return [
        (site_tree["home"], StandardPage, "关于平台", {"intro": "平台介绍"}, "/guan-yu-ping-tai/"),
        (
            site_tree["county_index"],
            CountyPage,
            "凌云县",
            {"county": CountyFactory(name="凌云县", slug="lingyun").pk, "intro": "县情"},
            "/counties/ling-yun-xian/",
        ),
        (
            site_tree["project_index"],
            ProjectPage,
            "深圳援建茶叶加工厂",
            {"cooperation_form": "industry", "guangdong_side": "深圳市", "summary": "援建茶厂。", "status": "ongoing"},
            "/projects/shen-zhen-yuan-jian-cha-ye-jia-gong-chang/",
        ),
        (
            site_tree["campaign"].get_parent(),
            CampaignPage,
            "金秋招聘月",
            {
                "start_date": today.isoformat(),
                "end_date": (today + datetime.timedelta(days=30)).isoformat(),
                "intro": "金秋招聘。",
            },
            "/campaigns/jin-qiu-zhao-pin-yue/",
        ),
        (
            site_tree["news_index"],
            NewsPage,
            "春风行动启动",
            {"date": today.isoformat(), "intro": "摘要"},
            "/news/chun-feng-xing-dong-qi-dong/",
        ),
    ]


@pytest.mark.parametrize("case", range(5))
def test_editor_publishes_each_page_type_titled_in_chinese_without_a_slug(editor_client, site_tree, case):
    parent, model, title, values, path = _page_cases(site_tree)[case]
    response = _add(editor_client, parent, model, title=title, slug="", **values, **{"action-publish": "1"})
    assert response.status_code == 302, _errors(response)
    page = model.objects.get(title=title)
    assert page.live and ASCII_SLUG.match(page.slug) and page.slug == path.strip("/").split("/")[-1]
    assert editor_client.get(path).status_code == 200


@pytest.mark.parametrize(
    "model, title, slug",
    [
        (CountyIndexPage, "帮扶县", "bang-fu-xian"),
        (ProjectIndexPage, "协作项目", "xie-zuo-xiang-mu"),
        (LaborPostIndexPage, "广东岗位", "guang-dong-gang-wei"),
        (CampaignIndexPage, "招聘活动", "zhao-pin-huo-dong"),
        (NewsIndexPage, "新闻与政策", "xin-wen-yu-zheng-ce"),
    ],
)
def test_editor_adds_each_index_page_without_a_slug(editor_client, model, title, slug):
    home = home_page()
    response = _add(editor_client, home, model, title=title, slug="", **{"action-publish": "1"})
    assert response.status_code == 302, _errors(response)
    assert model.objects.get().slug == slug
    assert editor_client.get(f"/{slug}/").status_code == 200


def test_a_title_of_only_punctuation_or_emoji_still_saves(editor_client, site_tree):
    for _ in range(2):
        response = _add(editor_client, site_tree["home"], StandardPage, title="🎉！！", slug="")
        assert response.status_code == 302, _errors(response)
    assert sorted(StandardPage.objects.values_list("slug", flat=True)) == ["page", "page-2"]


def test_editor_clears_the_home_page_slug_and_gets_it_in_pinyin(editor_client, site_tree):
    home = site_tree["home"]
    url = edit_url(home)
    values = {"title": "粤桂协作", "slug": "", "body-count": 0, "action-publish": "1"}
    response = editor_client.post(url, admin_form_data(editor_client, url, **values))
    assert response.status_code == 302, _errors(response)
    assert HomePage.objects.get(pk=home.pk).slug == "yue-gui-xie-zuo"


def test_a_traditional_copy_keeps_the_pinyin_slug(editor_client, site_tree):
    _add(editor_client, site_tree["news_index"], NewsPage, title="春风行动启动", slug="", intro="摘要")
    news = NewsPage.objects.get(title="春风行动启动")
    hant, _ = Locale.objects.get_or_create(language_code="zh-hant")
    response = editor_client.post(
        reverse("simple_translation:submit_page_translation", args=[site_tree["home"].pk]),
        {"locales": [hant.pk], "include_subtree": "on"},
    )
    assert response.status_code == 302
    copy = NewsPage.objects.get(translation_key=news.translation_key, locale=hant)
    assert copy.title.startswith("春風行動") and copy.slug == news.slug == "chun-feng-xing-dong-qi-dong"
