"""Pages of the money a unit owes and pays (应付货款, 货款认领, 逾期, 请款证明).

- ``units/<unit>/receipts/``: the unit's parts owed with due dates and overdue flags, its receipts
  not yet matched, and for its finance the forms to record and match; overdue parts of the units
  below (read only) for whoever may read the unit (a manager above sees them too).
- ``units/<unit>/receipts/<pk>/``: one receipt and what it paid.
- ``payments/overdue/``: every overdue part of every unit, for platform staff.
- ``fulfilments/<pk>/payment-request.pdf``: the 订单请款证明 of an accepted budget-unit part.

Reading follows ``PortalMixin.get_unit`` (404 for a unit the visitor may not read); every POST
needs the finance role in that very unit (403 otherwise).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from oscar.core.loading import get_model

from core.access import is_platform_staff, refuse
from core.forms import add_service_errors
from marketplace.fulfilment.models import BuyerType, Fulfilment, FulfilmentStatus
from marketplace.procurement import access, payments
from marketplace.procurement.documents_payments import payment_request_pdf
from marketplace.procurement.forms_payments import MatchForm, ReceiptForm
from marketplace.procurement.models import BudgetUnit
from marketplace.procurement.views import PortalMixin
from partners.access import may_act_for

Order = get_model("order", "Order")


def _match(request, unit, form) -> bool:
    """Match as the form says; errors go on the form. True when matched."""
    if not form.is_valid():
        return False
    receipt = payments.receipt_for(unit=unit, pk=form.cleaned_data["receipt"])
    if receipt is None:
        raise Http404
    kind, pk = form.target_kind_and_pk()
    if kind == "order":
        target = Order.objects.filter(pk=pk, unit_order__unit=unit).first()
    else:
        target = Fulfilment.objects.filter(pk=pk, order__unit_order__unit=unit).first()
    if target is None:
        form.add_error("target", _("Choose a part or an order of this unit."))
        return False
    try:
        payments.receipt_allocate(
            receipt=receipt, user=request.user, allocations=[(target, form.cleaned_data["amount"])]
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, _("Payment matched."))
    return True


class ReceiptsView(PortalMixin, View):
    template_name = "procurement/payments/receipts.html"

    def context(self, unit, *, receipt_form=None, match_form=None):
        today = timezone.localdate()
        owed = payments.parts_owed(units=[unit], today=today)
        unmatched = payments.receipts_unmatched(unit=unit)
        # the units below, for those who oversee them (not a buyer or finance of this unit only)
        below = BudgetUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)
        if not access.oversees(self.request.user, unit):
            below = below.none()
        return {
            "unit": unit,
            "today": today,
            "is_finance": access.has_unit_role(self.request.user, unit, "finance"),
            "owed": owed,
            "owed_total": sum((p.outstanding for p in owed), payments.ZERO),
            "overdue_total": sum((p.outstanding for p in owed if p.overdue), payments.ZERO),
            "unmatched": unmatched,
            "receipts": payments.receipts_of(unit=unit)[:50],
            "overdue_below": payments.overdue_by_unit(units=below, today=today) if below.exists() else [],
            "receipt_form": receipt_form or ReceiptForm(prefix="receipt", initial={"received_on": today}),
            "match_form": match_form or MatchForm(receipts=unmatched, parts=owed),
        }

    def get(self, request, unit):
        unit = self.get_unit(unit)
        return render(request, self.template_name, self.context(unit))

    def post(self, request, unit):
        unit = self.get_unit(unit)
        self.require_role(unit, "finance")
        action = request.POST.get("action")
        if action == "record":
            form = ReceiptForm(request.POST, prefix="receipt")
            if form.is_valid():
                try:
                    payments.receipt_record(unit=unit, user=request.user, **form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("Payment recorded. Match it to the parts it pays for."))
                    return redirect("procurement:receipts", unit=unit.pk)
            return render(request, self.template_name, self.context(unit, receipt_form=form), status=400)
        if action == "match":
            context = self.context(unit)
            form = MatchForm(request.POST, receipts=context["unmatched"], parts=context["owed"])
            if _match(request, unit, form):
                return redirect("procurement:receipts", unit=unit.pk)
            context["match_form"] = form
            return render(request, self.template_name, context, status=400)
        return HttpResponse(status=400)


class ReceiptDetailView(PortalMixin, View):
    template_name = "procurement/payments/receipt.html"

    def get_receipt(self, unit, pk):
        receipt = payments.receipt_for(unit=unit, pk=pk)
        if receipt is None:
            raise Http404
        return receipt

    def context(self, unit, receipt, match_form=None):
        owed = payments.parts_owed(units=[unit])
        return {
            "unit": unit,
            "receipt": receipt,
            "allocations": payments.receipt_allocations(receipt=receipt),
            "is_finance": access.has_unit_role(self.request.user, unit, "finance"),
            "match_form": match_form or MatchForm(receipts=[receipt], parts=owed, fixed_receipt=receipt),
            "owed": owed,
        }

    def get(self, request, unit, pk):
        unit = self.get_unit(unit)
        receipt = self.get_receipt(unit, pk)
        return render(request, self.template_name, self.context(unit, receipt))

    def post(self, request, unit, pk):
        unit = self.get_unit(unit)
        receipt = self.get_receipt(unit, pk)
        self.require_role(unit, "finance")
        form = MatchForm(
            request.POST, receipts=[receipt], parts=payments.parts_owed(units=[unit]), fixed_receipt=receipt
        )
        if _match(request, unit, form):
            return redirect("procurement:receipt", unit=unit.pk, pk=receipt.pk)
        return render(request, self.template_name, self.context(unit, receipt, form), status=400)


class OverdueView(PortalMixin, View):
    """Every overdue budget-unit part, by unit: for platform staff."""

    template_name = "procurement/payments/overdue.html"

    def get(self, request):
        if not is_platform_staff(request.user):
            refuse(_("Only platform staff see every unit's overdue payments."))
        today = timezone.localdate()
        groups = payments.overdue_by_unit(units=BudgetUnit.objects.all(), today=today)
        return render(request, self.template_name, {"groups": groups, "today": today})


def may_download_payment_request(user, fulfilment: Fulfilment) -> bool:
    """The part's cooperative, the people of the unit that ordered it (and managers above), staff."""
    if may_act_for(user, fulfilment.partner_id):
        return True
    unit_id = fulfilment.order.unit_order.unit_id
    return access.visible_units(user).filter(pk=unit_id).exists()


class PaymentRequestView(LoginRequiredMixin, View):
    """订单请款证明 of one accepted budget-unit part: 404 before acceptance and to anyone else."""

    def get(self, request, pk):
        fulfilment = (
            Fulfilment.objects.select_related("order", "order__unit_order", "order__unit_order__unit", "partner")
            .filter(pk=pk, buyer_type=BuyerType.BUDGET_UNIT, status=FulfilmentStatus.ACCEPTED)
            .exclude(order__unit_order=None)
            .first()
        )
        if fulfilment is None or not may_download_payment_request(request.user, fulfilment):
            raise Http404
        response = HttpResponse(payment_request_pdf(fulfilment), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="payment-request-{fulfilment.reference}.pdf"'
        return response
