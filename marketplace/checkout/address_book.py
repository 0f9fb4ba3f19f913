"""The buyer's address book (地址簿, /shop/accounts/addresses/): Oscar's views with the Chinese form.

Each view reaches only the signed-in user's own addresses (another's id is a 404). Making an
address the default changes data, so it is a POST (Oscar's is a GET link).
"""

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.apps.customer import views

from core.addresses import address_label
from marketplace.checkout import selectors
from marketplace.checkout.forms import UserAddressForm


def _short(address) -> str:
    return address_label(address).address_line


class AddressListView(views.AddressListView):
    def get_queryset(self):
        return selectors.address_book_for(user=self.request.user)


class AddressCreateView(views.AddressCreateView):
    form_class = UserAddressForm

    def get_success_url(self):
        messages.success(self.request, _("Address '%s' created") % _short(self.object))
        return reverse("customer:address-list")


class AddressUpdateView(views.AddressUpdateView):
    form_class = UserAddressForm

    def get_success_url(self):
        messages.success(self.request, _("Address '%s' updated") % _short(self.object))
        return reverse("customer:address-list")


class AddressDeleteView(views.AddressDeleteView):
    def get_success_url(self):
        messages.success(self.request, _("Address '%s' deleted") % _short(self.object))
        return reverse("customer:address-list")


class AddressChangeStatusView(views.AddressChangeStatusView):
    http_method_names = ["post"]


def dashboard_shipping_address_view():
    """Staff correcting an order's delivery address in Oscar's dashboard get the same Chinese form."""
    from oscar.apps.dashboard.orders.views import ShippingAddressUpdateView

    from marketplace.checkout.forms import ShippingAddressForm

    return type("ShippingAddressUpdateView", (ShippingAddressUpdateView,), {"form_class": ShippingAddressForm})
