"""Writes of the CMS outside the page editor."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.models import GroupPagePermission, Page

from core.access import Role


def employer_group_grant_posting(*, index_page: Page) -> GroupPagePermission:
    """Let employers' accounts add job posts under ``index_page`` (用人单位发布岗位).

    "Add" alone: they create posts and edit the ones they own, submit them for moderation, and
    see no one else's (``cms.permissions``); publishing stays with moderators. Idempotent.
    The group is ``Role.EMPLOYER``; its members also belong to ``Employer.users``.
    Side effects: creates the group if missing, gives it Wagtail admin access and one
    ``GroupPagePermission``.
    """
    group, _ = Group.objects.get_or_create(name=Role.EMPLOYER)
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    group.permissions.add(access_admin)
    add_page, _ = Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Page), codename="add_page", defaults={"name": "Can add page"}
    )
    permission, _ = GroupPagePermission.objects.get_or_create(group=group, page=index_page, permission=add_page)
    return permission
