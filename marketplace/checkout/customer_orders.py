"""The buyer's order pages of Oscar's account area, less a budget unit's orders.

A budget unit's order belongs to the unit, not to the person who placed it: it is read and worked
in the unit's portal (``procurement:order``) by whoever is a member of the unit now. Oscar's pages
would show it to its placer for ever, also after they left the unit, and let them reorder from it;
so the list leaves unit orders out, and the detail and line pages send a current member to the
portal and answer 404 to anyone else.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from oscar.core.loading import get_class

from marketplace.procurement.access import visible_units
from marketplace.procurement.models import UnitOrder

OscarOrderHistoryView = get_class("customer.views", "OrderHistoryView")
OscarOrderDetailView = get_class("customer.views", "OrderDetailView")
OscarOrderLineView = get_class("customer.views", "OrderLineView")


class OrderHistoryView(OscarOrderHistoryView):
    def get_queryset(self):
        return super().get_queryset().filter(unit_order__isnull=True)


class UnitOrdersInPortalMixin:
    def dispatch(self, request, *args, **kwargs):
        unit_order = UnitOrder.objects.select_related("order").filter(order__number=kwargs.get("order_number")).first()
        if unit_order is None:
            return super().dispatch(request, *args, **kwargs)
        if request.user.is_authenticated and visible_units(request.user).filter(pk=unit_order.unit_id).exists():
            return redirect("procurement:order", unit=unit_order.unit_id, pk=unit_order.pk)
        raise Http404


class OrderDetailView(UnitOrdersInPortalMixin, OscarOrderDetailView):
    pass


class OrderLineView(UnitOrdersInPortalMixin, OscarOrderLineView):
    pass
