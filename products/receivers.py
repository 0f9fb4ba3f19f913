"""Price changes from any writer (Oscar's dashboard, the admin, an import) reach the listing rules.

A signal is the one place every stock record save passes through, Oscar's dashboard
formsets included, so the re-review rule cannot be bypassed by the form used.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from products.listings import product_price_changed

StockRecord = get_model("partner", "StockRecord")


@receiver(post_save, sender=StockRecord, dispatch_uid="products-price-review")
def stock_record_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    product_price_changed(product=instance.product, new_price=instance.price)
