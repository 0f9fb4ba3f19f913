"""The basket's shipping: each cooperative ships its own part, by a method fit for its goods."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import Base
from oscar.core import prices


class PerCooperativeShipping(Base):
    """Sum of one charge per cooperative in the basket (see ``fulfilment.selectors.shipment_plan``)."""

    code = "per-cooperative"
    name = _("Shipped by each cooperative")
    description = _("Chilled and frozen products travel by cold chain.")

    def calculate(self, basket):
        from marketplace.fulfilment.selectors import shipment_plan

        total = sum((shipment.charge for shipment in shipment_plan(basket)), start=Decimal("0.00"))
        return prices.Price(currency=basket.currency, excl_tax=total, incl_tax=total)
