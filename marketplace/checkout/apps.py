import oscar.apps.checkout.apps as apps
import oscar.apps.customer.apps as customer_apps
from django.urls import path


class CheckoutConfig(apps.CheckoutConfig):
    """Oscar checkout fork: places the order with safe stock allocation, creates one fulfilment
    per cooperative in the same transaction, and answers a repeated submission with the order
    it already placed (``services.order_place``, called by ``mixins.OrderPlacementMixin``); how
    the buyer pays is a payment policy (``payment``). The delivery address is a Chinese one
    (``forms``), its cities and districts served by ``views.RegionChildrenView``."""

    name = "marketplace.checkout"

    def ready(self):
        super().ready()
        from marketplace.checkout.views import RegionChildrenView

        self.region_children_view = RegionChildrenView

    def get_urls(self):
        urls = super().get_urls()
        urls.append(path("regions/", self.region_children_view.as_view(), name="regions"))
        return urls


class CustomerConfig(customer_apps.CustomerConfig):
    """Oscar's customer app (not forked): its address book uses the Chinese address form, and
    making an address the default is a POST (``address_book``); a budget unit's orders are read in
    the unit's portal (``customer_orders``). The ``ready()`` route of DESIGN.md."""

    def ready(self):
        super().ready()
        from marketplace.checkout import address_book, customer_orders

        self.address_list_view = address_book.AddressListView
        self.address_create_view = address_book.AddressCreateView
        self.address_update_view = address_book.AddressUpdateView
        self.address_delete_view = address_book.AddressDeleteView
        self.address_change_status_view = address_book.AddressChangeStatusView
        # A budget unit's orders are the unit's: read and worked in its portal (``customer_orders``).
        self.order_history_view = customer_orders.OrderHistoryView
        self.order_detail_view = customer_orders.OrderDetailView
        self.order_line_view = customer_orders.OrderLineView
