"""Employers' accounts (用人单位) post jobs through moderation; editors keep employers and forbidden wording.

The "用人单位" group gets Wagtail admin access and "add" on the jobs index: its members create
posts and edit the ones they own, and submit them to the default moderation workflow; editors
and moderators publish. No snippet rights: they choose their own employer in the post form.
A jobs index created later (seed_demo, a new site) gets the same permission from
``cms.services.employer_group_grant_posting``.
"""

from django.db import migrations

EMPLOYER_GROUP = "用人单位"
CONTENT_GROUPS = ("Editors", "Moderators")
MANAGED_MODELS = {"employer": "employer", "forbiddenterm": "forbidden term"}
ACTIONS = ("add", "change", "delete", "view")


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    LaborPostIndexPage = apps.get_model("cms", "LaborPostIndexPage")

    employers, _ = Group.objects.get_or_create(name=EMPLOYER_GROUP)
    employers.permissions.add(_permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"))
    add_page = _permission(apps, "wagtailcore", "page", "add_page", "Can add page")
    for index in LaborPostIndexPage.objects.all():
        GroupPagePermission.objects.get_or_create(group=employers, page_id=index.pk, permission=add_page)

    managed = [
        _permission(apps, "cms", model, f"{action}_{model}", f"Can {action} {name}")
        for model, name in MANAGED_MODELS.items()
        for action in ACTIONS
    ]
    for group in Group.objects.filter(name__in=CONTENT_GROUPS):
        group.permissions.add(*managed)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(group__name=EMPLOYER_GROUP, permission__codename="add_page").delete()
    access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.filter(name=EMPLOYER_GROUP):
        group.permissions.remove(*access)
    managed = Permission.objects.filter(
        content_type__app_label="cms", codename__in=[f"{a}_{m}" for m in MANAGED_MODELS for a in ACTIONS]
    )
    for group in Group.objects.filter(name__in=CONTENT_GROUPS):
        group.permissions.remove(*managed)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_seed_forbidden_terms"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
