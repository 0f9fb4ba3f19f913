"""Order fulfilment screens.

Cooperative staff list and work their own fulfilments (another cooperative's is a 404);
buyers accept, evaluate or cancel from their order page; platform staff see everything,
filter, export, cancel and record returns; settlement statements for both.
"""

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from openpyxl import Workbook
from openpyxl.styles import Font

from core.access import is_platform_staff, refuse
from core.addresses import address_label
from core.forms import add_service_errors
from core.spreadsheets import append_row, csv_writer
from marketplace.fulfilment import selectors, services
from marketplace.fulfilment.forms import (
    EvaluateForm,
    FulfilmentFilterForm,
    MarkPaidForm,
    OptionalReasonForm,
    ReasonForm,
    ShipForm,
    StatementRequestForm,
)
from marketplace.fulfilment.models import FulfilmentStep, SettlementStatement, StatementStatus
from partners.access import CooperativeMemberMixin

PAGE_SIZE = 30


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class CooperativeAccessMixin(CooperativeMemberMixin):
    """Cooperative staff (their own fulfilments) and platform staff (all)."""

    refusal_message = gettext_lazy("Only cooperative and platform staff can see fulfilments.")

    def get_fulfilment(self, pk):
        return get_object_or_404(selectors.fulfilments_for_cooperative_user(self.request.user), pk=pk)


class FulfilmentListView(CooperativeAccessMixin, View):
    template_name = "fulfilment/list.html"

    def filtered(self, request):
        form = FulfilmentFilterForm(request.GET or None, staff=is_platform_staff(request.user))
        filters = form.cleaned_data if form.is_valid() else {}
        queryset = selectors.fulfilments_for_list(
            user=request.user,
            partner=filters.get("partner"),
            county=filters.get("county"),
            buyer_type=filters.get("buyer_type", ""),
            status=filters.get("status", ""),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            query=(filters.get("q") or "").strip(),
        )
        return form, queryset

    def get(self, request):
        form, queryset = self.filtered(request)
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return export_fulfilments(queryset, export, staff=is_platform_staff(request.user))
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template_name,
            {"form": form, "page_obj": page, "fulfilments": page.object_list, "query": query.urlencode()},
        )


# Column headings of the fulfilment export; short words take a context, as "Status" or
# "Total" mean something else elsewhere in the catalogue.
EXPORT_HEADERS = [
    pgettext_lazy("fulfilment export", "Order"),
    pgettext_lazy("fulfilment export", "Placed"),
    pgettext_lazy("fulfilment export", "Cooperative"),
    pgettext_lazy("fulfilment export", "County"),
    pgettext_lazy("fulfilment export", "Buyer type"),
    pgettext_lazy("fulfilment export", "Status"),
    pgettext_lazy("fulfilment export", "Goods"),
    pgettext_lazy("fulfilment export", "Shipping"),
    pgettext_lazy("fulfilment export", "Total"),
    pgettext_lazy("fulfilment export", "Ship by"),
    pgettext_lazy("fulfilment export", "Carrier"),
    pgettext_lazy("fulfilment export", "Tracking number"),
    pgettext_lazy("fulfilment export", "Accepted"),
]
#: The delivery address, as the courier label reads it (core.addresses.address_label).
ADDRESS_HEADERS = [
    gettext_lazy("Recipient"),
    gettext_lazy("Phone"),
    gettext_lazy("Delivery address"),
    pgettext_lazy("address label", "Postcode"),
]


def _address_cells(address) -> list[str]:
    label = address_label(address)
    return [label.name, label.phone, label.address_line, label.postcode] if label else ["", "", "", ""]


def _export_rows(queryset, staff: bool):
    for f in queryset.select_related("order__shipping_address").iterator(chunk_size=500):
        yield [
            f.order.number,
            timezone.localtime(f.created).strftime("%Y-%m-%d %H:%M"),
            f.partner.name,
            f.partner.county.name if f.partner.county_id else "",
            f.get_buyer_type_display() if staff else "",
            f.get_status_display(),
            f.goods_total,
            f.shipping_cost,
            f.total,
            f.ship_by.isoformat(),
            f.carrier,
            f.tracking_number,
            timezone.localtime(f.accepted_at).strftime("%Y-%m-%d") if f.accepted_at else "",
            *_address_cells(f.order.shipping_address),
        ]


def export_fulfilments(queryset, kind: str, *, staff: bool) -> HttpResponse:
    """The filtered fulfilments as CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX.

    Cells go through ``core.spreadsheets``: what cooperatives and buyers typed (a carrier, a
    tracking number, a delivery address) cannot run as a formula; amounts stay numbers.
    """
    headers = [*EXPORT_HEADERS, *ADDRESS_HEADERS]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if kind == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv_writer(buffer)
        writer.writerow(headers)
        writer.writerows(_export_rows(queryset, staff))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="fulfilments-{stamp}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("fulfilments")
    append_row(sheet, headers, font=Font(bold=True))
    for row in _export_rows(queryset, staff):
        append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="fulfilments-{stamp}.xlsx"'
    return response


class FulfilmentDetailView(CooperativeAccessMixin, View):
    template_name = "fulfilment/detail.html"

    def context(self, fulfilment, **forms):
        staff = is_platform_staff(self.request.user)
        context = {
            "fulfilment": fulfilment,
            "order": fulfilment.order,
            "lines": selectors.fulfilment_lines(fulfilment),
            "address": fulfilment.order.shipping_address,
            "events": fulfilment.events.select_related("actor"),
            "ship_form": forms.get("ship_form") or ShipForm(fulfilment=fulfilment),
            "return_form": forms.get("return_form") or ReasonForm(prefix="return"),
            "cancel_form": forms.get("cancel_form") or ReasonForm(prefix="cancel"),
            "can_ship": fulfilment.allows(FulfilmentStep.SHIP),
            "can_deliver": fulfilment.allows(FulfilmentStep.DELIVER),
            "can_cancel": staff and fulfilment.allows(FulfilmentStep.CANCEL),
            "can_return": staff and fulfilment.allows(FulfilmentStep.RETURN),
        }
        return context

    def get(self, request, pk):
        fulfilment = self.get_fulfilment(pk)
        return render(request, self.template_name, self.context(fulfilment))

    def post(self, request, pk):
        fulfilment = self.get_fulfilment(pk)
        action = request.POST.get("action")
        try:
            if action == "ship":
                form = ShipForm(request.POST, fulfilment=fulfilment)
                if not form.is_valid():
                    return render(request, self.template_name, self.context(fulfilment, ship_form=form), status=400)
                try:
                    services.fulfilment_ship(
                        fulfilment=fulfilment,
                        user=request.user,
                        carrier=form.cleaned_data["carrier"],
                        tracking_number=form.cleaned_data["tracking_number"],
                        shipping_method=form.cleaned_data["shipping_method"],
                        compliance_certificate=form.cleaned_data["compliance_certificate"],
                    )
                except ValidationError as error:
                    if not hasattr(error, "error_dict"):
                        raise  # the fulfilment changed meanwhile (e.g. a colleague shipped it): say so
                    add_service_errors(form, error)
                    return render(request, self.template_name, self.context(fulfilment, ship_form=form), status=400)
                messages.success(request, _("Shipment recorded; the buyer has been told."))
            elif action == "deliver":
                services.fulfilment_mark_delivered(fulfilment=fulfilment, user=request.user)
                messages.success(request, _("Marked delivered; the buyer has been asked to accept."))
            elif action in ("cancel", "return"):
                form = ReasonForm(request.POST, prefix=action)
                if not form.is_valid():
                    return render(
                        request, self.template_name, self.context(fulfilment, **{f"{action}_form": form}), status=400
                    )
                if action == "cancel":
                    if not is_platform_staff(request.user):
                        refuse()
                    services.fulfilment_cancel(
                        fulfilment=fulfilment, user=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Fulfilment cancelled; its stock is available again."))
                else:
                    services.fulfilment_return(
                        fulfilment=fulfilment, user=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Return recorded; the goods are back in stock."))
            else:
                return HttpResponse(status=400)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect("fulfilment:detail", pk=fulfilment.pk)


class BuyerActionView(LoginRequiredMixin, View):
    """Accept, evaluate or cancel a fulfilment of one's own order, from the order page."""

    def post(self, request, pk, action):
        fulfilment = selectors.fulfilment_for_buyer(user=request.user, pk=pk)
        if fulfilment is None:
            raise Http404
        order_url = reverse("customer:order", kwargs={"order_number": fulfilment.order.number})
        name = fulfilment.partner.name
        try:
            if action == "accept":
                services.fulfilment_accept(fulfilment=fulfilment, user=request.user)
                messages.success(request, _("You accepted the delivery from %(name)s. Thank you.") % {"name": name})
            elif action == "evaluate":
                form = EvaluateForm(request.POST)
                if not form.is_valid():
                    for errors in form.errors.values():
                        messages.error(request, " ".join(errors))
                    return redirect(f"{order_url}#fulfilment-{fulfilment.pk}")
                services.fulfilment_evaluate(
                    fulfilment=fulfilment,
                    user=request.user,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, _("Thank you for evaluating %(name)s.") % {"name": name})
            elif action == "cancel":
                form = OptionalReasonForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                services.fulfilment_cancel(fulfilment=fulfilment, user=request.user, reason=reason)
                messages.success(request, _("The part from %(name)s is cancelled.") % {"name": name})
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect(f"{order_url}#fulfilment-{fulfilment.pk}")


class StatementAccessMixin(CooperativeAccessMixin):
    def get_statement(self, pk):
        return get_object_or_404(selectors.statements_for_user(self.request.user), pk=pk)


class StatementListView(StatementAccessMixin, View):
    template_name = "fulfilment/statements.html"

    def render_list(self, request, form=None, status=200):
        statements = selectors.statements_for_user(request.user)
        page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "page_obj": page,
            "statements": selectors.statements_with_figures(page.object_list),
            "paid_form": MarkPaidForm(),
            "preparing": any(s.status == StatementStatus.GENERATING for s in page.object_list),
        }
        if is_platform_staff(request.user):
            context["request_form"] = form or StatementRequestForm()
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_list(request)

    def post(self, request):
        if not is_platform_staff(request.user):
            refuse()
        form = StatementRequestForm(request.POST)
        if not form.is_valid():
            return self.render_list(request, form, status=400)
        month, partner = form.cleaned_data["month"], form.cleaned_data["partner"]
        try:
            if partner:
                services.statement_request(partner=partner, period=month, user=request.user)
                count = 1
            else:
                count = services.statements_request_month(period=month)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_list(request, form, status=400)
        if count:
            messages.success(request, _("%(count)d statement(s) are being prepared.") % {"count": count})
        else:
            messages.info(
                request,
                _("No cooperative had accepted deliveries or returns in %(month)s.") % {"month": f"{month:%Y-%m}"},
            )
        return redirect("fulfilment:statements")


class StatementDownloadView(StatementAccessMixin, View):
    def get(self, request, pk, kind):
        statement = self.get_statement(pk)
        field = {"xlsx": statement.xlsx, "pdf": statement.pdf}.get(kind)
        if not field or statement.status not in (StatementStatus.READY, StatementStatus.PAID):
            raise Http404
        name = f"statement-{statement.partner.code}-{statement.period:%Y-%m}.{kind}"
        return FileResponse(field.open("rb"), as_attachment=True, filename=name)


class StatementPaidView(StatementAccessMixin, View):
    def post(self, request, pk):
        statement = self.get_statement(pk)
        form = MarkPaidForm(request.POST)
        reference = form.cleaned_data["reference"] if form.is_valid() else ""
        try:
            services.statement_mark_paid(statement=statement, user=request.user, reference=reference)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Statement marked paid."))
        return redirect("fulfilment:statements")


class StatementRetryView(StatementAccessMixin, View):
    def post(self, request, pk):
        if not is_platform_staff(request.user):
            refuse()
        statement: SettlementStatement = self.get_statement(pk)
        try:
            services.statement_request(partner=statement.partner, period=statement.period, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The statement is being prepared again."))
        return redirect("fulfilment:statements")
