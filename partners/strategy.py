"""Oscar's pricing and availability strategy (partner app fork): a suspended cooperative sells nothing.

Oscar's default (first stock record, stock required, no tax), and a product whose stock
record belongs to a removed or suspended cooperative is unavailable: it cannot be added to
a basket, and one already in a basket cannot be bought. The shop's lists leave such
products out already (``products.selectors.shop_visible_products``); checkout names the
cooperative when it refuses (``marketplace.checkout.services.basket_check_on_sale``).
"""

from django.utils.translation import gettext_lazy as _
from oscar.apps.partner import availability, strategy


class CooperativeSuspended(availability.Unavailable):
    message = _("Not available: the cooperative is suspended")


class ActiveCooperativeStockRequired(strategy.StockRequired):
    def availability_policy(self, product, stockrecord):
        if stockrecord is not None and not stockrecord.partner.is_active:
            return CooperativeSuspended()
        return super().availability_policy(product, stockrecord)


class Default(strategy.UseFirstStockRecord, ActiveCooperativeStockRequired, strategy.NoTax, strategy.Structured):
    """First stock record, stock required and an active cooperative, no tax (prices include VAT)."""


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return Default(request)
