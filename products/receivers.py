"""Price changes from any writer (Oscar's dashboard, the admin, an import) reach the listing rules;
pictures and import files leave storage with their rows.

A signal is the one place every stock record save passes through, Oscar's dashboard
formsets included, so the re-review rule cannot be bypassed by the form used. Likewise
Oscar's dashboard, the Django admin and cascades delete or replace product and category
pictures without a service of ours: the files (and their thumbnails) are deleted after
commit by ``core.files`` — Oscar's own receiver (OSCAR_DELETE_IMAGE_FILES) deleted them
at once, so a rolled-back change lost its picture.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from core.files import remove_files_with_rows, remove_replaced_files
from products.listings import product_price_changed

StockRecord = get_model("partner", "StockRecord")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductImport = get_model("catalogue", "ProductImport")

remove_files_with_rows(ProductImage, Category, ProductAttributeValue, ProductImport)
remove_replaced_files(ProductImage, Category, ProductAttributeValue)


@receiver(post_save, sender=StockRecord, dispatch_uid="products-price-review")
def stock_record_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    product_price_changed(product=instance.product, new_price=instance.price)
