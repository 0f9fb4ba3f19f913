"""Listing screens: a cooperative's products with their listing state; the staff review queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, View
from oscar.core.loading import get_model

from partners.certificate_views import CooperativeMixin
from products import visibility
from products.models import ListingStatus

Product = get_model("catalogue", "Product")


class ListingListView(CooperativeMixin, ListView):
    """Own products (all of them for staff), filterable by listing state."""

    template_name = "products/listings/list.html"
    context_object_name = "products"
    paginate_by = 50

    def get_queryset(self):
        products = Product.objects.filter(stockrecords__partner__in=self.cooperatives).distinct()
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


class ListingActionView(CooperativeMixin, View):
    """POST submit (cooperative), approve or delist (staff)."""

    def post(self, request, pk, action):
        product = get_object_or_404(
            Product.objects.filter(stockrecords__partner__in=self.cooperatives).distinct(), pk=pk
        )
        try:
            if action == "submit":
                visibility.product_submit_for_review(product=product)
                messages.success(request, _("Sent for review."))
            elif action == "approve":
                visibility.product_approve_listing(product=product, reviewer=request.user)
                messages.success(request, _("Listed."))
            elif action == "delist":
                if not request.user.is_staff:
                    raise PermissionDenied
                visibility.product_delist(product=product, reason=request.POST.get("reason", "")[:255])
                messages.success(request, _("Delisted."))
            else:
                raise PermissionDenied
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("cooperatives:listings")
