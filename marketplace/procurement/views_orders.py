"""A budget unit's orders in the portal: the list, approvals, an order with its parts, the
order confirmation PDF; and the unit and ship-by choice of the checkout preview.

Every unit-scoped page finds the unit through ``PortalMixin.get_unit`` (404 for a unit the
visitor may not read) and the order among that unit's own; actions need the role in the unit
itself (403 otherwise) and the services decide again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from oscar.apps.checkout.utils import CheckoutSessionData

from marketplace.fulfilment import selectors as fulfilment_selectors
from marketplace.fulfilment import services as fulfilment_services
from marketplace.fulfilment.models import Fulfilment
from marketplace.procurement import access, approvals, documents_orders, ordering
from marketplace.procurement.forms_orders import (
    EvaluationForm,
    ProblemForm,
    RejectForm,
    UnitOrderFilterForm,
    UnitPurchaseForm,
)
from marketplace.procurement.views import PortalMixin

PAGE_SIZE = 30


def _messages_of(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do that.")


# --------------------------------------------------------------------------- checkout
def unit_purchase_from_post(request, checkout_session) -> str | None:
    """Store the unit and ship-by the budget-unit buyer posted with the preview (if any).

    Returns a refusal for the buyer (nothing stored) or None. A post without the fields keeps
    the choice already in the session (``ordering.unit_purchase_for``).
    """
    if not access.is_unit_buyer(request.user):
        return None
    if "unit" not in request.POST and "ship_within_days" not in request.POST:
        return None
    current = ordering.unit_purchase_for(request.user, checkout_session)
    try:
        purchase = ordering.unit_purchase_choice(
            request.user,
            unit_id=request.POST.get("unit", current.unit.pk if current else None),
            ship_within_days=request.POST.get(
                "ship_within_days", current.ship_within_days if current else ordering.DEFAULT_SHIP_WITHIN_DAYS
            ),
        )
    except ValidationError as error:
        return _messages_of(error)
    ordering.unit_purchase_store(checkout_session, unit_id=purchase.unit.pk, ship_within_days=purchase.ship_within_days)
    return None


def unit_purchase_context(user, checkout_session, ctx: dict, basket) -> dict:
    """What the checkout preview shows a budget unit's buyer: the unit and ship-by form, the unit's
    payment mode, whether the order will wait for approval, and the policy that follows from them."""
    if not access.is_unit_buyer(user):
        return {}
    from marketplace.checkout import payment

    purchase = ordering.unit_purchase_for(user, checkout_session)
    units = ordering.buyer_units(user)
    if purchase is None and units:
        purchase = ordering.UnitPurchase(unit=units[0], ship_within_days=ordering.DEFAULT_SHIP_WITHIN_DAYS)
    total = getattr(ctx.get("order_total"), "incl_tax", None)
    context = {
        "unit_purchase": purchase,
        "unit_purchase_form": UnitPurchaseForm(units=units, purchase=purchase),
    }
    if purchase is not None:
        context["unit_needs_approval"] = total is not None and purchase.needs_approval(total)
        context["payment_policy"] = payment.policy_for(user, basket, purchase, total)
    return context


class UnitPurchaseChooseView(LoginRequiredMixin, View):
    """The preview's "update" button: remember the unit and ship-by, show the preview again."""

    def post(self, request):
        if not access.is_unit_buyer(request.user):
            raise PermissionDenied(_("Only a buyer of a budget unit chooses a unit for the order."))
        refusal = unit_purchase_from_post(request, CheckoutSessionData(request))
        if refusal:
            messages.error(request, refusal)
        return redirect("checkout:preview")


# --------------------------------------------------------------------------- the unit's orders
class UnitOrderListView(PortalMixin, View):
    """The unit's orders with their parts, ship-by dates and late parts; managers above read them."""

    def get(self, request, unit):
        unit = self.get_unit(unit)
        form = UnitOrderFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        queryset = ordering.unit_orders(
            unit=unit, status=filters.get("status", ""), approval=filters.get("approval", "")
        )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "procurement/orders/list.html",
            {
                "unit": unit,
                "form": form,
                "page_obj": page,
                "unit_orders": ordering.with_late_flags(page.object_list),
                "query": query.urlencode(),
                "is_buyer": access.has_unit_role(request.user, unit, "buyer"),
            },
        )


class ApprovalListView(PortalMixin, View):
    """Orders of the unit waiting for its approvers, with approve and reject forms for them."""

    def get(self, request, unit):
        unit = self.get_unit(unit)
        return self.render_page(request, unit)

    def render_page(self, request, unit, *, failed=None, form=None, status=200):
        pending = list(ordering.pending_approvals(unit=unit))
        for unit_order in pending:
            unit_order.reject_form = form if failed == unit_order.pk else RejectForm(prefix=f"reject-{unit_order.pk}")
        return render(
            request,
            "procurement/orders/approvals.html",
            {
                "unit": unit,
                "pending": pending,
                "is_approver": access.has_unit_role(request.user, unit, "approver"),
            },
            status=status,
        )


class ApprovalDecideView(ApprovalListView):
    """Approve (``approve``) or reject with a reason (``reject``) one pending order of the unit."""

    def get(self, request, unit, pk, action):
        raise Http404

    def post(self, request, unit, pk, action):
        unit = self.get_unit(unit)
        unit_order = ordering.unit_order_of(unit=unit, pk=pk)
        if unit_order is None or action not in ("approve", "reject"):
            raise Http404
        self.require_role(unit, "approver")
        form = None
        try:
            if action == "approve":
                approvals.order_approve(unit_order=unit_order, user=request.user)
                messages.success(request, _("Order %(number)s approved.") % {"number": unit_order.order.number})
            else:
                form = RejectForm(request.POST, prefix=f"reject-{unit_order.pk}")
                if not form.is_valid():
                    return self.render_page(request, unit, failed=unit_order.pk, form=form, status=400)
                approvals.order_reject(unit_order=unit_order, user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Order %(number)s rejected.") % {"number": unit_order.order.number})
        except ValidationError as error:
            messages.error(request, _messages_of(error))
        return redirect("procurement:approvals", unit=unit.pk)


class UnitOrderDetailView(PortalMixin, View):
    """One order of the unit: its parts and their lines; the unit's buyers accept, report a
    problem with, and evaluate each delivered part."""

    def get_unit_order(self, unit, pk):
        unit_order = ordering.unit_order_of(unit=unit, pk=pk)
        if unit_order is None:
            raise Http404
        return unit_order

    def get(self, request, unit, pk):
        unit = self.get_unit(unit)
        return self.render_page(request, unit, self.get_unit_order(unit, pk))

    def render_page(self, request, unit, unit_order, *, failed=None, forms=None, status=200):
        parts = fulfilment_selectors.fulfilments_of_order(unit_order.order)
        late = set(ordering.late_parts().filter(pk__in=[p.pk for p in parts]).values_list("pk", flat=True))
        for part in parts:
            part.is_late = part.pk in late
            given = forms if failed == part.pk else {}
            part.problem_form = given.get("problem") or ProblemForm(prefix=f"problem-{part.pk}")
            part.evaluation_form = given.get("evaluate") or EvaluationForm(prefix=f"evaluate-{part.pk}")
        return render(
            request,
            "procurement/orders/detail.html",
            {
                "unit": unit,
                "unit_order": unit_order,
                "order": unit_order.order,
                "parts": parts,
                "is_buyer": access.has_unit_role(request.user, unit, "buyer"),
            },
            status=status,
        )


PART_FORMS = {"problem": ProblemForm, "evaluate": EvaluationForm}


class PartActionView(UnitOrderDetailView):
    """A buyer of the unit accepts (``accept``), reports a problem with (``problem``) or
    evaluates (``evaluate``) one part of the unit's order."""

    def get(self, request, unit, pk, part, action):
        raise Http404

    def post(self, request, unit, pk, part, action):
        unit = self.get_unit(unit)
        unit_order = self.get_unit_order(unit, pk)
        if action not in ("accept", "problem", "evaluate"):
            raise Http404
        fulfilment = get_object_or_404(Fulfilment.objects.select_related("order"), pk=part, order=unit_order.order)
        self.require_role(unit, "buyer")
        form = None
        if action in PART_FORMS:
            form = PART_FORMS[action](request.POST, prefix=f"{action}-{fulfilment.pk}")
            if not form.is_valid():
                return self.render_page(
                    request, unit, unit_order, failed=fulfilment.pk, forms={action: form}, status=400
                )
        try:
            if action == "accept":
                fulfilment_services.fulfilment_accept(fulfilment=fulfilment, user=request.user)
                messages.success(request, _("Delivery from %(name)s accepted.") % {"name": fulfilment.partner.name})
            elif action == "problem":
                fulfilment_services.fulfilment_report_problem(
                    fulfilment=fulfilment, user=request.user, problem=form.cleaned_data["problem"]
                )
                messages.success(
                    request,
                    _(
                        "Problem recorded; the cooperative has been told by e-mail and platform staff see it in "
                        "their list of deliveries."
                    ),
                )
            else:
                fulfilment_services.fulfilment_evaluate(
                    fulfilment=fulfilment,
                    user=request.user,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, _("Thank you for your evaluation."))
        except ValidationError as error:
            messages.error(request, _messages_of(error))
        return redirect("procurement:order", unit=unit.pk, pk=unit_order.pk)


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class OrderConfirmationView(UnitOrderDetailView):
    """The whole order's confirmation PDF, for those who may read the unit (and platform staff)."""

    def get(self, request, unit, pk):
        unit = self.get_unit(unit)
        unit_order = self.get_unit_order(unit, pk)
        return _pdf_response(
            documents_orders.order_confirmation_pdf(unit_order), f"order-confirmation-{unit_order.order.number}.pdf"
        )


class PartConfirmationView(LoginRequiredMixin, View):
    """A cooperative's version of the order confirmation: the unit, itself, its own lines only.
    A part it may not see (another cooperative's, or one still awaiting approval) is a 404."""

    def get(self, request, part):
        fulfilment = get_object_or_404(
            fulfilment_selectors.fulfilments_for_cooperative_user(request.user).select_related(
                "order__unit_order__unit"
            ),
            pk=part,
        )
        unit_order = getattr(fulfilment.order, "unit_order", None)
        if unit_order is None:
            raise Http404
        return _pdf_response(
            documents_orders.order_confirmation_pdf(unit_order, partner=fulfilment.partner),
            f"order-confirmation-{fulfilment.reference}.pdf",
        )
