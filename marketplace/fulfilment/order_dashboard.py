"""Oscar's order screens and dashboard home, without one cooperative seeing another's sales.

Oscar lets partner users into its order screens, where an order touching their
cooperative shows every line, buyer and total of it. Cooperatives instead work their
fulfilments at /fulfilments/, which shows only their own lines; here the partner
alternative is removed from each order view's permissions, and the dashboard home counts
a cooperative's revenue from its own fulfilments instead of whole orders
(``dashboard_views.IndexView``). The order list's and the reports' CSV downloads go through
``core.spreadsheets`` like every export. No fork, no migrations: the ``ready()`` route of DESIGN.md.
"""

from oscar.apps.dashboard import apps as dashboard_apps
from oscar.apps.dashboard.orders import apps
from oscar.apps.dashboard.reports import apps as reports_apps


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    def ready(self):
        super().ready()
        from marketplace.checkout.address_book import dashboard_shipping_address_view
        from marketplace.fulfilment.dashboard_views import OrderListView

        # The order's delivery address is corrected in the Chinese address form, not Oscar's Western one.
        self.shipping_address_view = dashboard_shipping_address_view()
        self.order_list_view = OrderListView  # its CSV export cannot run what buyers typed

    def configure_permissions(self):
        super().configure_permissions()
        self.permissions_map = {name: alternatives[:1] for name, alternatives in self.permissions_map.items()}


class ReportsDashboardConfig(reports_apps.ReportsDashboardConfig):
    def ready(self):
        super().ready()
        from marketplace.fulfilment.dashboard_views import ReportsIndexView

        self.index_view = ReportsIndexView  # CSV reports cannot run what buyers typed


class DashboardConfig(dashboard_apps.DashboardConfig):
    def ready(self):
        super().ready()
        from marketplace.fulfilment.dashboard_views import IndexView

        self.index_view = IndexView
