"""Listing screens: a cooperative's products with their listing state; the staff review queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, View
from oscar.core.loading import get_model

from core.access import is_platform_staff, refuse
from partners.access import CooperativeMemberMixin, scope_to_cooperatives
from products import visibility
from products.models import ListingStatus

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


class ListingsMixin(CooperativeMemberMixin):
    refusal_message = _("Only cooperative staff can manage their products and listings.")

    def products(self):
        """Products with a stock record of the user's cooperatives (any with one for staff)."""
        stock = scope_to_cooperatives(StockRecord.objects.all(), self.request.user)
        return Product.objects.filter(pk__in=stock.values("product_id"))


class ListingListView(ListingsMixin, ListView):
    """Own products (all of them for staff), filterable by listing state."""

    template_name = "products/listings/list.html"
    context_object_name = "products"
    paginate_by = 50

    def get_queryset(self):
        products = self.products()
        status = self.request.GET.get("status")
        if status in ListingStatus.values:
            products = products.filter(listing_status=status)
        return (
            products.select_related("origin_county").prefetch_related("stockrecords__partner").order_by("-date_updated")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = ListingStatus.choices
        context["selected_status"] = self.request.GET.get("status", "")
        return context


class ListingActionView(ListingsMixin, View):
    """POST submit (cooperative), approve or delist (staff)."""

    def post(self, request, pk, action):
        product = get_object_or_404(self.products(), pk=pk)
        try:
            if action == "submit":
                visibility.product_submit_for_review(product=product)
                messages.success(request, _("Sent for review."))
            elif action == "approve":
                visibility.product_approve_listing(product=product, reviewer=request.user)
                messages.success(request, _("Listed."))
            elif action == "delist":
                if not is_platform_staff(request.user):
                    refuse()
                visibility.product_delist(product=product, reason=request.POST.get("reason", "")[:255])
                messages.success(request, _("Delisted."))
            else:
                refuse()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("cooperatives:listings")
