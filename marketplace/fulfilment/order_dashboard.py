"""Oscar's order dashboard, for platform staff only.

Oscar lets partner users into its order screens, where an order touching their
cooperative shows every line, buyer and total of it. Cooperatives instead work their
fulfilments at /fulfilments/, which shows only their own lines; here the partner
alternative is simply removed from each view's permissions (no fork, no migrations).
"""

from oscar.apps.dashboard.orders import apps


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    def configure_permissions(self):
        super().configure_permissions()
        self.permissions_map = {name: alternatives[:1] for name, alternatives in self.permissions_map.items()}
