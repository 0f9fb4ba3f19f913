"""Pages of reserved-share filings (预留份额填报): the unit's filings, one year's filing, and the
supervising unit's review. Thin: the rules and the permissions live in ``filings``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from core.access import is_platform_staff, refuse
from marketplace.procurement import access, filings
from marketplace.procurement.forms_filings import ExtendForm, FilingForm, ReturnForm
from marketplace.procurement.models import FilingStatus, ReservedShareFiling
from marketplace.procurement.views import PortalMixin

FIRST_YEAR = 2020


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404
    return year


def _years_to_file() -> list[int]:
    """The years a unit may fill in now: this one and the next."""
    this_year = timezone.localdate().year
    return [this_year, this_year + 1]


class FilingListView(PortalMixin, TemplateView):
    """The unit's filings by year, with the way to fill in this year's and next year's."""

    template_name = "procurement/filings/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.get_unit(kwargs["unit"])
        unit_filings = list(filings.filings_of_unit(unit=unit))
        filed_years = {filing.year for filing in unit_filings}
        context.update(
            unit=unit,
            filings=unit_filings,
            may_file=filings.may_file(self.request.user, unit),
            years_to_file=[year for year in _years_to_file() if year not in filed_years],
            reviews=filings.reviewed_units(self.request.user).exists(),
        )
        return context


class FilingDetailView(PortalMixin, TemplateView):
    """One year's filing: the form for the unit's managers while it is a draft or returned, the
    review forms for its reviewers, its history."""

    template_name = "procurement/filings/detail.html"

    def setup_filing(self, unit_pk, year):
        self.unit = self.get_unit(unit_pk)
        self.year = _year_or_404(year)
        self.filing = filings.filing_of(unit=self.unit, year=self.year)
        self.minimum = filings.minimum_ratio_for(unit=self.unit, year=self.year)
        self.may_file = filings.may_file(self.request.user, self.unit)

    def editable(self) -> bool:
        return self.may_file and (self.filing is None or self.filing.status in filings.EDITABLE)

    def get(self, request, unit, year):
        self.setup_filing(unit, year)
        form = None
        if self.editable():
            form = FilingForm(unit=self.unit, filing=self.filing, minimum=self.minimum)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, unit, year):
        self.setup_filing(unit, year)
        if not self.may_file:
            refuse(_("Only a manager of %(unit)s may fill in its filing.") % {"unit": self.unit.name})
        form = FilingForm(request.POST, unit=self.unit, filing=self.filing, minimum=self.minimum)
        if form.is_valid():
            try:
                filings.filing_save(unit=self.unit, year=self.year, user=request.user, data=form.to_data())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The filing for %(year)s is saved.") % {"year": self.year})
                return redirect("procurement:filing", unit=self.unit.pk, year=self.year)
        return self.render_to_response(self.get_context_data(form=form), status=200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filing = self.filing
        may_review = filings.may_review(self.request.user, self.unit)
        context.update(
            unit=self.unit,
            year=self.year,
            filing=filing,
            minimum=self.minimum,
            minimum_percent=filings.percent(self.minimum.minimum_ratio) if self.minimum else None,
            filing_minimum_percent=filings.percent(filing.minimum_ratio)
            if filing and filing.minimum_ratio is not None
            else None,
            filing_percent=filings.percent(filing.ratio) if filing else None,
            window=filings.submit_window(unit=self.unit, year=self.year, filing=filing),
            may_file=self.may_file,
            may_submit=self.may_file and filing is not None and filing.status in filings.EDITABLE,
            may_review=may_review and filing is not None and filing.status == FilingStatus.SUBMITTED,
            may_extend=may_review and (filing is None or filing.status in filings.EDITABLE),
            events=list(filings.filing_events(filing=filing)) if filing else [],
            shared_with=list(filings.units_shared_with(unit=self.unit, year=self.year)),
            return_form=ReturnForm(),
            extend_form=ExtendForm(),
        )
        return context


class FilingActionMixin(PortalMixin):
    """A POST on one year's filing of a unit the visitor may read; back to the page it came from."""

    def get_filing(self, unit_pk, year) -> ReservedShareFiling:
        unit = self.get_unit(unit_pk)
        return get_object_or_404(ReservedShareFiling.objects.select_related("unit"), unit=unit, year=year)

    def back(self, filing_or_unit, year):
        if self.request.POST.get("next") == "review":
            return redirect("procurement:filing-review")
        return redirect("procurement:filing", unit=filing_or_unit.pk, year=year)


class FilingSubmitView(FilingActionMixin, View):
    def post(self, request, unit, year):
        filing = self.get_filing(unit, year)
        try:
            filings.filing_submit(filing=filing, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The filing for %(year)s is submitted for review.") % {"year": year})
        return self.back(filing.unit, year)


class FilingReturnView(FilingActionMixin, View):
    def post(self, request, unit, year):
        filing = self.get_filing(unit, year)
        form = ReturnForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
        try:
            filings.filing_return(filing=filing, user=request.user, reason=reason)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request, _("The filing of %(unit)s is returned with your reason.") % {"unit": filing.unit.name}
            )
        return self.back(filing.unit, year)


class FilingApproveView(FilingActionMixin, View):
    def post(self, request, unit, year):
        filing = self.get_filing(unit, year)
        try:
            filings.filing_approve(filing=filing, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The filing of %(unit)s is approved.") % {"unit": filing.unit.name})
        return self.back(filing.unit, year)


class FilingExtendView(FilingActionMixin, View):
    def post(self, request, unit, year):
        unit_obj = self.get_unit(unit)
        year = _year_or_404(year)
        form = ExtendForm(request.POST)
        if not form.is_valid():
            if not filings.may_review(request.user, unit_obj):
                refuse(_("Only a reviewer of %(unit)s may allow a late filing.") % {"unit": unit_obj.name})
            messages.error(request, _("Enter the date until which the late filing is allowed."))
            return self.back(unit_obj, year)
        try:
            filings.filing_extend(unit=unit_obj, year=year, user=request.user, until=form.cleaned_data["until"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("%(unit)s may file for %(year)s until %(until)s.")
                % {"unit": unit_obj.name, "year": year, "until": form.cleaned_data["until"].isoformat()},
            )
        return self.back(unit_obj, year)


class FilingReviewView(PortalMixin, TemplateView):
    """Filings of the units the visitor reviews that await review, and those units that have not
    filed for the year."""

    template_name = "procurement/filings/review.html"

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and not is_platform_staff(request.user)
            and not access.memberships_of(request.user, "manager").exists()
        ):
            refuse(_("Only the managers of budget units review filings."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        this_year = timezone.localdate().year
        try:
            year = int(self.request.GET.get("year", this_year))
        except ValueError:
            year = this_year
        if not FIRST_YEAR <= year <= this_year + 1:
            year = this_year
        context.update(
            year=year,
            years=list(range(this_year + 1, FIRST_YEAR - 1, -1)),
            awaiting=list(filings.filings_awaiting_review(self.request.user)),
            not_filed=filings.units_not_filed(self.request.user, year=year),
            return_form=ReturnForm(),
        )
        return context
