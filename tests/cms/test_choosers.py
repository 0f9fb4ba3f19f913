"""Choosers in the job post editor: each one works for an employer's account and shows no one else's drafts.

An employer (用人单位) sees live public pages and its own employer's pages; drafts of other
employers, of editors, a pending change of title and private pages stay out of every chooser,
its search and its pagination.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission, Locale, Page, PageViewRestriction

from cms.models import Employer, LaborPostPage, NewsPage
from core.access import Role
from tests.cms.conftest import add_url, admin_form_data, post_fields
from tests.factories import UserFactory, labor_post

pytestmark = pytest.mark.django_db

OTHERS_DRAFT = "乙厂未发布岗位"
EDITORS_DRAFT = "未发布新闻草稿"
PENDING_TITLE = "已发布岗位改名草稿"
PRIVATE = "内部通知"
OWN_DRAFT = "甲厂注塑普工"
PUBLIC = "电子厂普工0"


def _body(response) -> str:
    """The HTML of a page or of a chooser's JSON answer (whose Chinese is escaped)."""
    if response["Content-Type"].startswith("application/json"):
        data = response.json()
        return data.get("html") or str(data)
    return response.content.decode()


@pytest.fixture
def pages(client, site_tree, employer_a, employer_b):
    """Employer A's own draft; employer B's draft; an editor's draft news; a live post with a
    pending new title; a private news page."""
    user_a, employer = employer_a
    client.force_login(user_a)
    url = add_url(site_tree["job_index"])
    response = client.post(url, admin_form_data(client, url, **post_fields(employer=employer, title=OWN_DRAFT)))
    assert response.status_code == 302
    client.logout()

    user_b, employer_b_ = employer_b
    others = labor_post(employer=employer_b_, slug="b-draft", title=OTHERS_DRAFT, owner=user_b)
    site_tree["job_index"].add_child(instance=others)
    others.unpublish()
    news_draft = NewsPage(title=EDITORS_DRAFT, slug="draft-news", intro="草稿", live=False)
    site_tree["news_index"].add_child(instance=news_draft)
    private = NewsPage(title=PRIVATE, slug="internal", intro="内部")
    site_tree["news_index"].add_child(instance=private)
    private.save_revision().publish()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    renamed = site_tree["posts"][1]
    renamed.title = PENDING_TITLE
    renamed.save_revision()  # a draft of a live post: the live title stays 电子厂普工1
    return {"others": others, "news_draft": news_draft, "private": private, "renamed": renamed}


@pytest.fixture
def employer_client(client, employer_a, pages):
    client.force_login(employer_a[0])
    return client


HIDDEN = (OTHERS_DRAFT, EDITORS_DRAFT, PENDING_TITLE, PRIVATE)


def _chooser_urls(site_tree, pages):
    link = "allow_external_link=true&allow_email_link=true&allow_phone_link=true&allow_anchor_link=true"
    jobs, news, home = site_tree["job_index"].pk, site_tree["news_index"].pk, site_tree["home"].pk
    return [
        reverse("wagtailadmin_choose_page"),
        reverse("wagtailadmin_choose_page_child", args=(home,)),
        reverse("wagtailadmin_choose_page_child", args=(jobs,)),
        reverse("wagtailadmin_choose_page_child", args=(news,)),
        reverse("wagtailadmin_choose_page_child", args=(jobs,)) + "?p=1",
        # The database search matches Chinese from the start of a title: each hidden title is searched.
        reverse("wagtailadmin_choose_page_search") + "?q=乙厂",
        reverse("wagtailadmin_choose_page_search") + "?q=未发布",
        reverse("wagtailadmin_choose_page_search") + "?q=已发布",
        reverse("wagtailadmin_choose_page_search") + "?q=内部",
        reverse("wagtailadmin_choose_page_search") + "?q=乙厂&p=1",
        reverse("wagtailadmin_choose_page_search") + "?q=乙厂&page_type=cms.laborpostpage",
        reverse("wagtailadmin_choose_page") + "?page_type=cms.campaignpage",
        reverse("wagtailadmin_choose_page_search") + "?q=春风&page_type=cms.campaignpage",
        reverse("wagtailadmin_choose_page") + "?" + link,
        reverse("wagtailadmin_choose_page_child", args=(news,)) + "?" + link,
        reverse("wagtailadmin_choose_page_search") + "?q=未发布&" + link,
    ]


def test_every_page_and_link_chooser_works_and_hides_drafts_of_others(employer_client, site_tree, pages):
    for url in _chooser_urls(site_tree, pages):
        response = employer_client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        for title in HIDDEN:
            assert title not in body, (url, title)


def test_the_employer_still_finds_live_pages_and_its_own_draft(employer_client, site_tree):
    search = reverse("wagtailadmin_choose_page_search")
    assert OWN_DRAFT in _body(employer_client.get(search + "?q=甲厂"))
    assert PUBLIC in _body(employer_client.get(search + "?q=电子厂"))
    children = _body(employer_client.get(reverse("wagtailadmin_choose_page_child", args=(site_tree["news_index"].pk,))))
    assert "政策解读" in children


def test_a_live_page_with_a_pending_title_waits_until_it_is_published(employer_client, pages):
    """The chooser shows a page's latest title: while a new title is a draft, the page stays out."""
    search = reverse("wagtailadmin_choose_page_search")
    assert "电子厂普工1" not in _body(employer_client.get(search + "?q=电子厂"))
    pages["renamed"].get_latest_revision().publish()
    assert PENDING_TITLE in _body(employer_client.get(search + "?q=已发布"))


def test_a_colleague_sees_the_employers_draft_in_choosers(client, site_tree, employer_a, pages):
    _owner, employer = employer_a
    colleague = UserFactory(email="hr2@factory-a.example.com")
    colleague.groups.add(Group.objects.get(name=Role.EMPLOYER))
    employer.users.add(colleague)
    client.force_login(colleague)
    assert OWN_DRAFT in _body(client.get(reverse("wagtailadmin_choose_page_search") + "?q=甲厂"))


def test_choosing_or_browsing_into_a_hidden_page_tells_nothing(employer_client, pages):
    for page in (pages["others"], pages["news_draft"], pages["private"]):
        browse = employer_client.get(reverse("wagtailadmin_choose_page_child", args=(page.pk,)))
        assert browse.status_code == 404 or page.title not in _body(browse), page.title
        chosen = employer_client.get(reverse("wagtailadmin_choose_page_chosen_multiple") + f"?id={page.pk}")
        assert page.title not in _body(chosen), page.title


def test_editors_still_choose_every_page(client, editor, site_tree, pages):
    client.force_login(editor)
    body = _body(client.get(reverse("wagtailadmin_choose_page_child", args=(site_tree["job_index"].pk,))))
    assert OTHERS_DRAFT in body and OWN_DRAFT in body
    body = _body(client.get(reverse("wagtailadmin_choose_page_search") + "?q=未发布"))
    assert EDITORS_DRAFT in body and OTHERS_DRAFT not in body  # 乙厂未发布岗位 starts with 乙厂


def test_other_page_lists_hide_drafts_of_others_too(employer_client, site_tree):
    for url in (
        reverse("wagtailadmin_explore", args=(site_tree["job_index"].pk,)),
        reverse("wagtailadmin_explore", args=(site_tree["job_index"].pk,)) + "?q=乙厂",
        reverse("wagtailadmin_pages:search") + "?q=乙厂",
        reverse("wagtailadmin_pages:search") + "?q=未发布",
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
        reverse("wagtailadmin_reports:aging_pages"),
        reverse("wagtailadmin_home"),
    ):
        response = employer_client.get(url)
        assert response.status_code in (200, 302), url
        body = _body(response)
        for title in HIDDEN:
            assert title not in body, (url, title)


# --------------------------------------------------------------------------- other choosers of the job post editor
def test_the_employer_chooser_searches_only_own_employers(employer_client, employer_a, employer_b):
    _user, employer = employer_a
    _other_user, other = employer_b
    Employer.objects.create(name="佛山丙陶瓷有限公司", city="佛山市", contact_name="赵", contact_phone="13900139001")
    results = reverse("wagtailsnippetchoosers_cms_employer:choose_results")
    for query in ("佛山", "甲", "乙", "电器"):
        response = employer_client.get(results + f"?q={query}")
        assert response.status_code == 200, query
        body = _body(response)
        assert other.name not in body and "佛山丙陶瓷有限公司" not in body
    assert employer.name in _body(employer_client.get(results + "?q=佛山"))
    assert employer_client.get(results + "?p=1").status_code == 200


@pytest.mark.parametrize(
    "url_name, query",
    [
        ("wagtailimages_chooser:choose", ""),
        ("wagtailimages_chooser:choose_results", "?q=巴马"),
        ("wagtailimages_chooser:choose_results", "?q=a&p=1"),
        ("wagtaildocs_chooser:choose", ""),
        ("wagtaildocs_chooser:choose_results", "?q=政策"),
        ("wagtailsnippetchoosers_cms_employer:choose", ""),
        ("wagtailsnippetchoosers_cms_employer:choose_results", "?q=东莞&p=1"),
    ],
)
def test_image_document_and_snippet_choosers_work_for_employers(employer_client, url_name, query):
    assert employer_client.get(reverse(url_name) + query).status_code == 200


def test_a_live_post_of_another_employer_is_choosable_like_any_public_page(employer_client, pages):
    """Live posts of others are public anyway: once published, the post is in the chooser."""
    others = LaborPostPage.objects.get(pk=pages["others"].pk)
    others.save_revision().publish()
    body = _body(employer_client.get(reverse("wagtailadmin_choose_page_search") + "?q=乙厂"))
    assert OTHERS_DRAFT in body  # published now: the same title the public sees
    assert Page.objects.filter(title=OTHERS_DRAFT, live=True).exists()


@pytest.fixture
def jobs_in_two_languages(site_tree):
    """As on the real site: a Traditional jobs page too, so the employers' group may add in two places
    and Wagtail makes the tree's root their explorable root."""
    hant, _ = Locale.objects.get_or_create(language_code="zh-hant")
    copy = site_tree["job_index"].copy_for_translation(hant, copy_parents=True)
    copy.save_revision().publish()
    assert GroupPagePermission.objects.filter(page=copy, group__name=Role.EMPLOYER).exists()
    return copy


def test_exploring_a_hidden_page_by_id_tells_nothing(employer_client, pages, jobs_in_two_languages):
    for page in (pages["others"], pages["news_draft"], pages["private"]):
        for name in ("wagtailadmin_explore", "wagtailadmin_explore_results"):
            response = employer_client.get(reverse(name, args=(page.pk,)))
            assert page.title not in _body(response), (name, page.title)
    own_jobs = employer_client.get(reverse("wagtailadmin_explore", args=(jobs_in_two_languages.pk,)))
    assert own_jobs.status_code == 200


def test_the_admin_page_api_searches_for_employers_without_drafts_of_others(employer_client):
    for query in ("乙厂", "未发布", "内部", "甲厂"):
        response = employer_client.get(reverse("wagtailadmin_api:pages:listing") + f"?search={query}")
        assert response.status_code == 200, query
        for title in HIDDEN:
            assert title not in response.content.decode("unicode_escape"), (query, title)
