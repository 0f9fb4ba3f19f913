"""Forbidden wording (违规用语): a staff-kept list; a post using it cannot be saved or published."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cms import selectors
from cms.models import ForbiddenTerm, LaborPostPage
from tests.cms.conftest import admin_form_data, edit_url

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_specific_terms_of_every_kind():
    categories = set(ForbiddenTerm.objects.filter(active=True).values_list("category", flat=True))
    assert categories == {"gender", "ethnicity", "religion", "region", "identity", "hype"}
    expected = [
        "限男性",
        "仅限女性",
        "男性优先",
        "限汉族",
        "限本地户籍",
        "本地户口",
        "不招河南",
        "高薪",
        "保录",
        "日赚",
    ]
    assert set(ForbiddenTerm.objects.filter(term__in=expected).values_list("term", flat=True)) == set(expected)
    assert ForbiddenTerm.objects.filter(term="僅限女性").exists()  # the Traditional form too
    # Bare words that ordinary posts use are not on the list.
    assert not ForbiddenTerm.objects.filter(term__in=["男", "女", "男性", "女工", "户籍", "包过", "本地"]).exists()


@pytest.mark.parametrize(
    "text",
    [
        "男女不限，18至50周岁。",
        "不限户籍，不限本地户籍，无需本地户口。",
        "设女工宿舍，包过年回家车票。",
        "欢迎各民族务工人员。",
        "薪资面议，多劳多得。",
    ],
)
def test_ordinary_wording_passes(text):
    assert selectors.forbidden_wording({"requirements": text}) == {}


def test_wording_is_found_by_field_and_kind_whatever_its_width_or_spacing():
    found = selectors.forbidden_wording(
        {
            "title": "高薪诚聘",
            "job_title": "普工",
            "requirements": "仅限男性，限 本地户籍，ＱＱ群：日赚３００",
            "job_content": "组装",
        }
    )
    assert found == {
        "title": {"hype": ["高薪"]},
        # "仅限男性" is reported, not also the "限男性" inside it.
        "requirements": {"gender": ["仅限男性"], "hype": ["日赚"], "region": ["限本地户籍"]},
    }


def test_inactive_terms_are_not_checked():
    ForbiddenTerm.objects.filter(term="高薪").update(active=False)
    assert selectors.forbidden_wording({"title": "高薪诚聘"}) == {}


def _post(site_tree, **values) -> LaborPostPage:
    page = LaborPostPage.objects.get(pk=site_tree["posts"][0].pk)
    for name, value in values.items():
        setattr(page, name, value)
    return page


def test_staff_can_add_a_term(site_tree):
    ForbiddenTerm.objects.create(term="限35岁以下", category="identity")
    post = _post(site_tree, requirements="限35岁以下")
    with pytest.raises(ValidationError) as error:
        post.clean()
    assert "限35岁以下" in error.value.message_dict["requirements"][0]


def test_clean_quotes_the_words_and_says_what_they_are_on_each_field(site_tree):
    post = _post(site_tree, title="高薪招聘电子厂普工", requirements="男性优先，限汉族，不招河南")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        post.clean()
    errors = error.value.message_dict
    assert set(errors) == {"title", "requirements"}
    assert errors["title"] == [
        "“高薪” is hype (exaggerated pay or hiring promises), which job posts may not contain. "
        "Please remove or rephrase it."
    ]
    requirements = " ".join(errors["requirements"])
    assert "“男性优先” is gender discrimination" in requirements
    assert "“限汉族” is ethnic discrimination" in requirements
    assert "“不招河南” is discrimination by household registration or region" in requirements


def test_a_post_with_forbidden_wording_cannot_be_published(site_tree):
    page = LaborPostPage.objects.get(pk=site_tree["posts"][0].pk)
    page.job_content = "日赚500，保录取。"
    with pytest.raises(ValidationError):
        page.save_revision().publish()
    page.refresh_from_db()
    assert "日赚" not in page.job_content


def test_the_wagtail_editor_refuses_the_post_and_shows_why(client, editor, site_tree):
    """An editor types forbidden wording into the admin edit form: nothing is saved, the field says why."""
    page = site_tree["posts"][0]
    revisions_before = page.revisions.count()
    client.force_login(editor)
    url = edit_url(page)
    data = admin_form_data(client, url, requirements="仅限女性，本地户口优先。", **{"action-publish": "1"})

    response = client.post(url, data)

    assert response.status_code == 200  # the form again, not a redirect
    form = response.context["form"]
    assert "仅限女性" in " ".join(form.errors["requirements"])
    assert "本地户口" in " ".join(form.errors["requirements"])
    html = response.content.decode()
    assert "“仅限女性”" in html and "“本地户口”" in html
    page.refresh_from_db()
    assert page.revisions.count() == revisions_before
    assert "仅限女性" not in page.requirements
