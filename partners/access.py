"""Which cooperatives a user works for, and what that lets them see.

One meaning everywhere: a user works for the *active* cooperatives whose ``users`` include
them (a deactivated cooperative's people lose its pages; platform staff keep them). Platform
staff (``core.access.is_platform_staff``) are no member of anything here; ``scope_to_cooperatives``
is where they see everything. A cooperative's page that shows another cooperative's object
answers 404 (the scoped queryset has no such row), never a 403 that would confirm it exists.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.access import is_active_user, is_platform_staff, refuse
from partners.models import Partner


def cooperatives_of(user) -> QuerySet[Partner]:
    """The active cooperatives ``user`` works for (none for anonymous or inactive users)."""
    if not is_active_user(user):
        return Partner.objects.none()
    return Partner.objects.filter(users=user, is_active=True)


def is_cooperative_member(user) -> bool:
    """Whether ``user`` works for at least one active cooperative."""
    return cooperatives_of(user).exists()


def scope_to_cooperatives(queryset: QuerySet, user, path: str = "partner") -> QuerySet:
    """``queryset`` as ``user`` may see it: all of it for platform staff, the rows whose ``path``
    (a cooperative, e.g. ``"holder"``, ``"stockrecords__partner"``, ``"pk"`` on cooperatives)
    is one of ``cooperatives_of(user)`` for its people, nothing for anyone else.

    A path across a many-valued relation can repeat rows: add ``.distinct()``.
    """
    if is_platform_staff(user):
        return queryset
    if not is_active_user(user):
        return queryset.none()
    return queryset.filter(**{f"{path}__in": cooperatives_of(user)})


def may_act_for(user, cooperative_id) -> bool:
    """Platform staff, or one of the people of cooperative ``cooperative_id`` (active)."""
    return is_platform_staff(user) or cooperatives_of(user).filter(pk=cooperative_id).exists()


def suspension_notice(user) -> str | None:
    """What a person of a suspended cooperative is told instead of its pages (why, since when)."""
    if not is_active_user(user):
        return None
    suspended = Partner.objects.filter(users=user, is_active=False).order_by("pk").first()
    if suspended is None:
        return None
    if suspended.suspended_at is None:
        return _("%(cooperative)s is suspended on the platform.") % {"cooperative": suspended.name}
    return _("%(cooperative)s is suspended on the platform since %(date)s: %(reason)s") % {
        "cooperative": suspended.name,
        "date": date_format(timezone.localtime(suspended.suspended_at), "DATE_FORMAT"),
        "reason": suspended.suspension_reason,
    }


class CooperativeMemberMixin(LoginRequiredMixin):
    """Cooperative pages: platform staff and the people of an active cooperative get in.

    Anonymous users go to the login page; anyone else is refused (403) with
    ``refusal_message`` (none: the usual text). ``self.cooperatives`` holds the cooperatives
    the user may act for (every cooperative for platform staff).
    """

    refusal_message = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not (is_platform_staff(request.user) or is_cooperative_member(request.user)):
            refuse(suspension_notice(request.user) or self.refusal_message)
        self.cooperatives = scope_to_cooperatives(Partner.objects.all(), request.user, path="pk")
        return super().dispatch(request, *args, **kwargs)
