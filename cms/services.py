"""Writes of the CMS outside the page editor."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupPagePermission, Page

from cms.models import Employer
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


def cooperative_employer_enable(*, cooperative, user) -> Employer:
    """Let ``user``, one of the people of ``cooperative``, post seasonal jobs for it (合作社季节性用工).

    The cooperative posts through its own employer row (``Employer.cooperative``), with the same
    admin form, moderation and wording rules as any employer; ``user`` joins that row's staff
    accounts and the employers' group. Only a member of the cooperative, while it is active
    (``partners.access.cooperatives_of``); platform staff act in the admin instead. Idempotent.
    Side effects: may create the employer row and the group, adds ``user`` to both.
    Raises ``PermissionDenied`` for anyone else, ``ValidationError`` when the cooperative has no
    contact phone for job seekers.
    """
    from partners.access import cooperatives_of

    if not cooperatives_of(user).filter(pk=cooperative.pk).exists():
        raise PermissionDenied(_("Only the people of an active cooperative can post jobs for it."))
    with transaction.atomic():
        employer = Employer.objects.select_for_update().filter(cooperative=cooperative).first()
        if employer is None:
            if not cooperative.contact_phone:
                raise ValidationError(
                    _("Add your cooperative's contact phone first: job seekers and moderators need it."),
                    code="no_contact_phone",
                )
            county = cooperative.county
            employer = Employer(
                cooperative=cooperative,
                name=cooperative.name[: Employer._meta.get_field("name").max_length],
                credit_code=cooperative.credit_code,
                city=f"{county.prefecture}{county.name}" if county else "",
                contact_name=cooperative.contact_name or cooperative.name[:64],
                contact_phone=cooperative.contact_phone,
                description=cooperative.description,
            )
            employer.full_clean()
            employer.save()
        employer.users.add(user)
        group, _created = Group.objects.get_or_create(name=Role.EMPLOYER)
        user.groups.add(group)
    return employer
