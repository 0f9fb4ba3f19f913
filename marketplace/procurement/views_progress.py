"""Pages of the reserved-share progress (预留份额完成进度): thin views over ``progress`` and ``exports``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from core.access import refuse
from marketplace.procurement import exports, progress
from marketplace.procurement.models import ExportStatus, ProgressExport
from marketplace.procurement.views import PortalMixin


def chosen_year(request) -> int:
    """The year asked for (``?year=``) if it is one of the list, else the current year."""
    years = progress.progress_years()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if year in years else timezone.localdate().year


def bars(figures: progress.Progress) -> list[dict]:
    """The chart's bars: label, percentage of the reserved amount (uncapped), width class step."""
    rows = [
        (pgettext("progress", "Placed"), figures.placed_percent, "placed"),
        (pgettext("progress", "Completed"), figures.completed_percent, "completed"),
        (pgettext("progress", "Year elapsed"), figures.elapsed_percent, "elapsed"),
    ]
    return [
        {"label": label, "percent": value, "step": progress.bar_step(value), "kind": kind, "over": (value or 0) > 100}
        for label, value, kind in rows
    ]


class ProgressView(PortalMixin, TemplateView):
    """A unit's figures for a year, its chart, and for those who oversee it, its subordinates ranked."""

    template_name = "procurement/progress/unit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.get_unit(self.kwargs["unit"])
        year = chosen_year(self.request)
        figures = progress.reserved_share_progress(unit=unit, year=year)
        oversees = progress.may_oversee(self.request.user, unit)
        report = progress.subtree_progress(unit=unit, year=year) if oversees else None
        context.update(
            unit=unit,
            year=year,
            years=progress.progress_years(),
            figures=figures,
            bars=bars(figures),
            oversees=oversees,
            report=report,
            subordinates=[(item, bars(item)) for item in report.subordinates] if report else [],
            exports=(
                ProgressExport.objects.filter(unit=unit, requested_by=self.request.user).order_by("-created")[:5]
                if oversees
                else []
            ),
        )
        return context


class OverseeMixin(PortalMixin):
    def get_overseen_unit(self):
        unit = self.get_unit(self.kwargs["unit"])
        if not progress.may_oversee(self.request.user, unit):
            refuse(_("Only a manager of %(unit)s or of a unit above it may export its progress.") % {"unit": unit.name})
        return unit


class ProgressExportRequestView(OverseeMixin, View):
    def post(self, request, unit):
        unit = self.get_overseen_unit()
        try:
            export = exports.progress_export_request(unit=unit, year=chosen_year(request), user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("procurement:progress", unit=unit.pk)
        messages.success(request, _("The spreadsheet is being prepared."))
        return redirect("procurement:progress_export_detail", unit=unit.pk, pk=export.pk)


class ExportAccessMixin(PortalMixin):
    def get_export(self) -> ProgressExport:
        unit = self.get_unit(self.kwargs["unit"])
        export = get_object_or_404(ProgressExport.objects.select_related("unit"), pk=self.kwargs["pk"], unit=unit)
        if not exports.may_download(self.request.user, export):
            raise Http404
        return export


class ProgressExportDetailView(ExportAccessMixin, TemplateView):
    """The state of an export; reloads itself every few seconds until it is ready or has failed."""

    template_name = "procurement/progress/export.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        export = self.get_export()
        context.update(
            unit=export.unit,
            export=export,
            waiting=export.status in (ExportStatus.PENDING, ExportStatus.RUNNING),
        )
        return context


class ProgressExportDownloadView(ExportAccessMixin, View):
    def get(self, request, unit, pk):
        export = self.get_export()
        if export.status != ExportStatus.READY or not export.file:
            raise Http404
        name = f"progress-{export.unit.pk}-{export.year}.xlsx"
        return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)
