"""Employers' accounts (用人单位) submit their own posts through moderation and see no one else's."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission, WorkflowState

from cms.models import LaborPostIndexPage, LaborPostPage
from core.access import Role
from tests.cms.conftest import add_url, admin_form_data, edit_url, post_fields
from tests.factories import UserFactory, add_page, home_page

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    """The HTML of a page or of a chooser's JSON answer (whose Chinese is escaped)."""
    if response["Content-Type"].startswith("application/json"):
        return response.json()["html"]
    return response.content.decode()


def _submit(client, jobs_index, employer, **overrides):
    url = add_url(jobs_index)
    data = admin_form_data(client, url, **post_fields(employer=employer, **overrides), **{"action-submit": "1"})
    return client.post(url, data)


@pytest.fixture
def submitted_post(client, jobs_index, employer_a):
    """Employer A's account creates a post and submits it for moderation."""
    user, employer = employer_a
    client.force_login(user)
    response = _submit(client, jobs_index, employer, slug="a-injection-moulding", title="注塑普工")
    assert response.status_code == 302, response.context and response.context["form"].errors
    client.logout()
    return LaborPostPage.objects.get(slug="a-injection-moulding")


def test_the_group_has_admin_access_and_only_add_on_the_jobs_index(jobs_index):
    group = Group.objects.get(name=Role.EMPLOYER)
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("wagtailadmin", "access_admin") in codenames
    # Nothing to add, change or delete outside the page tree: no snippets, no employers.
    assert not {codename for _app, codename in codenames if codename.split("_")[0] in {"add", "change", "delete"}}
    permissions = GroupPagePermission.objects.filter(group=group)
    assert {(p.page_id, p.permission.codename) for p in permissions} == {(jobs_index.pk, "add_page")}


def test_a_jobs_index_created_later_is_open_to_employers_too(site_tree):
    LaborPostIndexPage.objects.all().delete()
    index = add_page(home_page(), LaborPostIndexPage(title="岗位", slug="jobs-again"))
    group = Group.objects.get(name=Role.EMPLOYER)
    assert GroupPagePermission.objects.filter(group=group, page=index, permission__codename="add_page").exists()


def test_editors_and_moderators_manage_employers_and_forbidden_wording(editor, moderator):
    for user in (editor, moderator):
        assert user.has_perm("cms.change_forbiddenterm") and user.has_perm("cms.add_employer")


def test_employer_submits_a_draft_and_a_moderator_publishes_it(client, submitted_post, employer_a, moderator):
    user, employer = employer_a
    # given: a draft in moderation, owned by the employer's account
    assert not submitted_post.live
    assert submitted_post.owner == user and submitted_post.employer == employer
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(submitted_post.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert client.get(submitted_post.url or "/jobs/a-injection-moulding/").status_code == 404

    # when: a moderator approves the task
    client.force_login(moderator)
    task_state = state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(submitted_post.pk, "approve", task_state.pk))
    )

    # then: the post is live, with its expiry from "valid until"
    assert response.status_code in (200, 302)
    submitted_post.refresh_from_db()
    assert submitted_post.live
    assert submitted_post.expire_at == submitted_post.closes_at
    client.logout()
    assert client.get("/jobs/a-injection-moulding/").status_code == 200


def test_employer_cannot_publish_without_moderation(client, jobs_index, employer_a):
    user, employer = employer_a
    client.force_login(user)
    url = add_url(jobs_index)
    data = admin_form_data(client, url, **post_fields(employer=employer, slug="a-direct"), **{"action-publish": "1"})
    client.post(url, data)
    assert not LaborPostPage.objects.get(slug="a-direct").live


def test_employer_sees_only_their_own_employer(client, jobs_index, employer_a, employer_b):
    user, employer = employer_a
    _other_user, other = employer_b
    client.force_login(user)
    response = client.get(add_url(jobs_index))
    field = response.context["form"].fields["employer"]
    assert list(field.queryset) == [employer]
    assert response.context["form"].initial["employer"] == employer.pk
    html = response.content.decode()
    assert other.name not in html

    chooser = _body(client.get(reverse("wagtailsnippetchoosers_cms_employer:choose")))
    assert employer.name in chooser and other.name not in chooser
    chosen = client.get(reverse("wagtailsnippetchoosers_cms_employer:chosen", args=(other.pk,)))
    assert chosen.status_code == 404


def test_employer_b_cannot_post_for_employer_a(client, jobs_index, employer_a, employer_b):
    _user_a, employer = employer_a
    user_b, _ = employer_b
    client.force_login(user_b)
    response = _submit(client, jobs_index, employer, slug="b-as-a")
    assert response.status_code == 200
    assert "employer" in response.context["form"].errors
    assert not LaborPostPage.objects.filter(slug="b-as-a").exists()


def test_employer_b_cannot_edit_or_see_a_post_of_employer_a(client, submitted_post, employer_b, jobs_index):
    user_b, employer_b_ = employer_b
    client.force_login(user_b)

    response = client.get(edit_url(submitted_post))
    assert response.status_code in (302, 403)
    response = client.post(edit_url(submitted_post), {"title": "改掉", "employer": employer_b_.pk})
    assert response.status_code in (302, 403)
    submitted_post.refresh_from_db()
    assert submitted_post.title == "注塑普工"

    for url in (
        reverse("wagtailadmin_explore", args=(jobs_index.pk,)),
        reverse("wagtailadmin_pages:search") + "?q=注塑",
        reverse("wagtailadmin_choose_page_child", args=(jobs_index.pk,)),
        reverse("wagtailadmin_reports:site_history"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "注塑普工" not in _body(response), url
    for url in (
        reverse("wagtailadmin_pages:history", args=(submitted_post.pk,)),
        reverse("wagtailadmin_pages:preview_on_edit", args=(submitted_post.pk,)),
        reverse("wagtailadmin_pages:revisions_index", args=(submitted_post.pk,)),
    ):
        assert client.get(url).status_code in (302, 403, 404), url


def test_employer_a_sees_and_edits_their_own_post(client, submitted_post, employer_a, jobs_index):
    user, _ = employer_a
    client.force_login(user)
    assert "注塑普工" in client.get(reverse("wagtailadmin_explore", args=(jobs_index.pk,))).content.decode()
    assert client.get(edit_url(submitted_post)).status_code == 200
    html = client.get(reverse("wagtailadmin_explore", args=(jobs_index.pk,))).content.decode()
    assert "电子厂普工0" not in html  # the posts built by editors are not theirs


def test_editors_still_see_every_post(client, submitted_post, editor, jobs_index):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_explore", args=(jobs_index.pk,))).content.decode()
    assert "注塑普工" in html and "电子厂普工0" in html


def test_employers_get_no_snippet_screens(client, employer_a):
    user, employer = employer_a
    client.force_login(user)
    for url in (
        reverse("wagtailsnippets_cms_employer:list"),
        reverse("wagtailsnippets_cms_employer:edit", args=(employer.pk,)),
        reverse("wagtailsnippets_cms_forbiddenterm:list"),
    ):
        assert client.get(url).status_code in (302, 403), url


def test_a_colleague_at_the_same_employer_sees_edits_and_submits_the_draft(client, jobs_index, employer_a):
    """Posts belong to the employer: a second account of employer A carries on with A's draft."""
    owner, employer = employer_a
    client.force_login(owner)
    url = add_url(jobs_index)
    response = client.post(url, admin_form_data(client, url, **post_fields(employer=employer, slug="a-draft")))
    assert response.status_code == 302
    draft = LaborPostPage.objects.get(slug="a-draft")
    colleague = UserFactory(email="hr2@factory-a.example.com")
    colleague.groups.add(Group.objects.get(name=Role.EMPLOYER))
    employer.users.add(colleague)
    client.force_login(colleague)

    html = client.get(reverse("wagtailadmin_explore", args=(jobs_index.pk,))).content.decode()
    assert "注塑普工" in html and "电子厂普工0" not in html
    url = edit_url(draft)
    data = admin_form_data(client, url, title="注塑普工（夜班）", **{"action-submit": "1"})
    response = client.post(url, data)
    assert response.status_code == 302, [str(m) for m in response.context["messages"]]
    draft.refresh_from_db()
    assert draft.get_latest_revision_as_object().title == "注塑普工（夜班）"
    assert not draft.live and draft.current_workflow_state is not None  # moderators still publish
    assert draft.owner == owner


def test_a_colleague_may_delete_a_draft_but_not_a_live_post(submitted_post, employer_a):
    _owner, employer = employer_a
    colleague = UserFactory(email="hr2@factory-a.example.com")
    colleague.groups.add(Group.objects.get(name=Role.EMPLOYER))
    employer.users.add(colleague)
    assert submitted_post.permissions_for_user(colleague).can_delete()
    submitted_post.save_revision().publish()
    submitted_post.refresh_from_db()
    assert not submitted_post.permissions_for_user(colleague).can_delete()


def test_an_account_of_another_employer_still_cannot_touch_the_post(client, submitted_post, employer_b):
    user_b, _ = employer_b
    tester = submitted_post.permissions_for_user(user_b)
    assert not tester.can_edit() and not tester.can_delete()
