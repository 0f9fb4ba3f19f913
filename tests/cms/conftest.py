"""Fixtures of the labor post publishing rules: a small site, editors, moderators and employers' accounts."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.urls import reverse
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask
from wagtail.test.utils.form_data import querydict_from_html

from cms.models import Employer, ForbiddenTerm
from core.access import Role
from tests.factories import UserFactory, build_site, home_page

WAGTAIL_GROUPS = {"Moderators": ("add", "change", "publish", "lock", "unlock"), "Editors": ("add", "change")}


@pytest.fixture(autouse=True)
def _reference_data(db):
    """What the migrations create, put back if a transactional test flushed the kept test database.

    Wagtail's editors and moderators with their default workflow, the employers' group and the
    forbidden wording: a flush with ``serialized_rollback`` removes them, and ``--reuse-db`` keeps
    the flushed database for the next run (``tests.factories.home_page`` does the same for pages).
    """
    if (
        ForbiddenTerm.objects.exists()
        and Workflow.objects.exists()
        and Group.objects.filter(name=Role.EMPLOYER, permissions__codename="access_admin").exists()
    ):
        return
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)
    root = home_page().get_parent()
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for name, actions in WAGTAIL_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        for action in actions:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{action}_page")
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    if not WorkflowPage.objects.filter(page=root).exists():
        task = GroupApprovalTask.objects.create(name="Moderators approval")
        task.groups.set([Group.objects.get(name="Moderators")])
        workflow = Workflow.objects.create(name="Moderators approval")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(workflow=workflow, page=Page.objects.get(pk=root.pk))
    importlib.import_module("cms.migrations.0005_seed_forbidden_terms").seed_terms(apps, None)
    importlib.import_module("cms.migrations.0006_employer_group_permissions").grant(apps, None)


@pytest.fixture
def site_tree():
    return build_site(counties=1, posts=2, projects=0)


@pytest.fixture
def jobs_index(site_tree):
    return site_tree["job_index"]


@pytest.fixture
def editor():
    user = UserFactory(email="editor@example.com")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator():
    user = UserFactory(email="moderator@example.com")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def _employer_account(email: str, employer_name: str):
    employer = Employer.objects.create(
        name=employer_name, city="佛山市", contact_name="王经理", contact_phone="13900139000"
    )
    user = UserFactory(email=email)
    user.groups.add(Group.objects.get(name=Role.EMPLOYER))
    employer.users.add(user)
    return user, employer


@pytest.fixture
def employer_a(site_tree):
    return _employer_account("hr@factory-a.example.com", "佛山甲电器有限公司")


@pytest.fixture
def employer_b(site_tree):
    return _employer_account("hr@factory-b.example.com", "佛山乙家具有限公司")


def add_url(parent) -> str:
    return reverse("wagtailadmin_pages:add", args=("cms", "laborpostpage", parent.pk))


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def admin_form_data(client, url: str, **values):
    """The page form as the editor's browser would send it: what the admin shows, with ``values`` typed in."""
    response = client.get(url)
    assert response.status_code == 200, url
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    for name, value in values.items():
        if isinstance(value, list | tuple):
            data.setlist(name, [str(item) for item in value])
        else:
            data[name] = str(value)
    return data


def post_fields(*, employer, slug="new-job", title="注塑普工", **overrides) -> dict:
    """Every field of a good job post, as typed into the admin form."""
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    values = {
        "title": title,
        "slug": slug,
        "employer": employer.pk,
        "job_title": title,
        "sector": "manufacturing",
        "openings": 20,
        "requirements": "18至50周岁，身体健康。",
        "job_content": "操作注塑机，两班倒。",
        "work_city": "佛山市",
        "work_location": "顺德区北滘镇",
        "pay_min": "4500",
        "pay_max": "6500",
        "pay_unit": "month",
        "board_lodging": "both",
        "valid_from": today.isoformat(),
        "valid_until": (today + datetime.timedelta(days=30)).isoformat(),
    }
    values.update(overrides)
    return values
