"""The portal's shared pieces: which units the visitor may open, and the home page."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.access import is_platform_staff, refuse
from marketplace.procurement import access
from marketplace.procurement.models import BudgetUnit


class PortalMixin(LoginRequiredMixin):
    """Views of the portal: a member of a unit (or platform staff). ``get_unit(pk)`` answers 404 for
    a unit the visitor may not read (``access.visible_units``): no page tells another unit's
    members that it exists."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            access.is_unit_member(request.user) or is_platform_staff(request.user)
        ):
            refuse(_("This part of the site is for the people of budget units."))
        return super().dispatch(request, *args, **kwargs)

    def get_unit(self, pk) -> BudgetUnit:
        return get_object_or_404(access.visible_units(self.request.user).select_related("jurisdiction"), pk=pk)

    def require_role(self, unit: BudgetUnit, role: str) -> None:
        """Refuse (403) unless the visitor holds ``role`` in ``unit`` itself."""
        if not access.has_unit_role(self.request.user, unit, role):
            refuse(_("Only a %(role)s of %(unit)s may do that.") % {"role": access.role_label(role), "unit": unit.name})


class PortalHomeView(PortalMixin, TemplateView):
    """The visitor's units and their roles in each, with the way into each area."""

    template_name = "procurement/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = list(access.memberships_of(self.request.user).order_by("unit__path"))
        # Each unit's current-year progress: two queries for all of them (progress.units_progress_summary).
        from marketplace.procurement import progress

        summary = progress.units_progress_summary(
            units=[m.unit for m in context["memberships"]], year=timezone.localdate().year
        )
        for membership in context["memberships"]:
            membership.progress = summary.get(membership.unit_id)
        return context
