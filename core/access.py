"""Who may do what: the platform's roles, platform staff, and one way to refuse.

Django's ``user.is_staff`` stays the source of truth for platform staff (平台工作人员); the
roles are the names of Django groups, kept exactly as existing databases hold them.
Which cooperatives a user works for lives in ``partners.access``.

Kept free of model imports (and of ``django.contrib.auth``, which imports models): the
settings import the dashboard menu's access functions from here.
"""

from __future__ import annotations

import enum
from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.utils.functional import SimpleLazyObject


class Role(enum.StrEnum):
    """Names of the Django groups of the platform's roles (the demo has one account for each).

    The values are stored data, not text to show: never translate or rename them.
    Wagtail's own groups ("Editors", "Moderators") keep Wagtail's names.
    """

    PLATFORM_STAFF = "平台工作人员"
    COUNTY_OFFICER = "县级工作人员"
    COOPERATIVE_STAFF = "合作社工作人员"
    EMPLOYER = "用人单位"
    GBA_BUYER = "大湾区买家"
    BUDGET_UNIT_BUYER = "预算单位采购员"
    BUDGET_UNIT_APPROVER = "预算单位审批人"
    BUDGET_UNIT_MANAGER = "预算单位管理员"
    BUDGET_UNIT_FINANCE = "预算单位财务"


#: The roles of a budget unit's (预算单位) people: their orders are budget-unit purchases.
BUDGET_UNIT_ROLES = (
    Role.BUDGET_UNIT_BUYER,
    Role.BUDGET_UNIT_APPROVER,
    Role.BUDGET_UNIT_MANAGER,
    Role.BUDGET_UNIT_FINANCE,
)


def is_active_user(user) -> bool:
    """Logged in with an active account (``None`` and anonymous users are not)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_platform_staff(user) -> bool:
    """Platform staff (平台工作人员): logged in, active, and ``is_staff``.

    A superuser counts only if ``is_staff`` is set too; ``None`` and anonymous users never.
    """
    return is_active_user(user) and bool(user.is_staff)


def has_role(user, *roles: Role) -> bool:
    """Whether an active, logged-in ``user`` is in the group of any of ``roles``."""
    if not roles or not is_active_user(user):
        return False
    return user.groups.filter(name__in=[str(role) for role in roles]).exists()


def refuse(message=None) -> NoReturn:
    """Refuse the request: a 403 page that shows ``message`` (translated), or the usual text without one."""
    if message is None:
        raise PermissionDenied
    raise PermissionDenied(message)


# --------------------------------------------------------------------------- Oscar's dashboard menu
# ``access_fn`` of OSCAR_DASHBOARD_NAVIGATION entries (Oscar passes the URL name and arguments too).
def cooperative_or_staff(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    """Cooperative entries: platform staff, and users with the cooperative dashboard permission."""
    return is_platform_staff(user) or user.has_perm("partner.dashboard_access")


# --------------------------------------------------------------------------- templates
def access_context(request) -> dict:
    """Context processor: ``platform_staff`` for templates, the same predicate as the code's; lazy,
    so a page that does not ask reads no session."""
    return {"platform_staff": SimpleLazyObject(lambda: is_platform_staff(request.user))}
