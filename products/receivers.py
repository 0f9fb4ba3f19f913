"""What the catalogue does when something happens elsewhere; each receiver hands over to a service.

- Stock records: a signal is the one place every stock record save passes through —
  Oscar's dashboard formsets, the admin, checkout's allocations — so the price re-review
  rule and the availability announcement cannot be bypassed by the form used.
- Products edited or deleted in Oscar's dashboard, the admin or by a cascade leave the shop
  through ``products.visibility`` too.
- Certificates and cooperatives: partners says what happened (``partners.signals``); the
  listings and the shop follow here, in the same transaction.
- Pictures and import files: Oscar's dashboard, the Django admin and cascades delete or
  replace product and category pictures without a service of ours: the files (and their
  thumbnails) are deleted after commit by ``core.files`` — Oscar's own receiver
  (OSCAR_DELETE_IMAGE_FILES) deleted them at once, so a rolled-back change lost its picture.
- Regional brands: brands says which products' brand mark may have changed
  (``brands.signals``); the shop is told through ``products.visibility.brands_changed``.
- The shop's county and brand filters forget their cached choices when visibility changes.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from brands.signals import brand_products_changed
from core.files import remove_files_with_rows, remove_replaced_files
from partners.signals import certification_changed, cooperative_activation_changed
from products import selectors, visibility
from products.signals import product_visibility_changed

StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductImport = get_model("catalogue", "ProductImport")

remove_files_with_rows(ProductImage, Category, ProductAttributeValue, ProductImport)
remove_replaced_files(ProductImage, Category, ProductAttributeValue)


@receiver(pre_save, sender=StockRecord, dispatch_uid="products-stock-before")
def stock_record_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not {"num_in_stock", "num_allocated"} & set(update_fields)):
        return
    visibility.stock_record_saving(record=instance)


@receiver(post_save, sender=StockRecord, dispatch_uid="products-price-review")
def stock_record_saved(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    if raw:
        return
    visibility.product_price_changed(product=instance.product, new_price=instance.price)
    if update_fields is None or {"num_in_stock", "num_allocated"} & set(update_fields):
        visibility.stock_record_saved(record=instance, created=created)


@receiver(post_delete, sender=StockRecord, dispatch_uid="products-stock-deleted")
def stock_record_deleted(sender, instance, **kwargs):
    visibility.stock_record_deleted(record=instance)


@receiver(post_delete, sender=Product, dispatch_uid="products-product-deleted")
def product_deleted(sender, instance, **kwargs):
    visibility.products_deleted(product_ids=[instance.pk])


@receiver(certification_changed, dispatch_uid="products-certification-changed")
def certification_changed_received(sender, certification_ids, change, **kwargs):
    visibility.certifications_changed(certification_ids=certification_ids)


@receiver(cooperative_activation_changed, dispatch_uid="products-cooperative-activation")
def cooperative_activation_received(sender, cooperative_ids, suspended_since=None, **kwargs):
    visibility.cooperatives_activation_changed(cooperative_ids=cooperative_ids, suspended_since=suspended_since)


@receiver(brand_products_changed, dispatch_uid="products-brands-changed")
def brand_products_changed_received(sender, product_ids, **kwargs):
    visibility.brands_changed(product_ids=product_ids)


@receiver(product_visibility_changed, dispatch_uid="products-county-filter")
def forget_counties_with_products(sender, **kwargs):
    cache.delete_many([selectors.COUNTIES_WITH_PRODUCTS_KEY, selectors.BRANDS_WITH_PRODUCTS_KEY])
