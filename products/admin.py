"""Oscar's catalogue admin, with every picture checked like the rest of the site's uploads.

Pictures uploaded in /django-admin/ (product images, category images, picture attributes)
go through ``core.uploads.SafeImageField``: size, pixel count, real type, generated name.
"""

from django.contrib import admin
from django.db import models
from oscar.apps.catalogue import admin as oscar_admin
from oscar.apps.catalogue.admin import *  # noqa: F403

from core.uploads import SafeImageField
from products import visibility

CHECKED_PICTURES = {models.ImageField: {"form_class": SafeImageField}}


class AttributeInline(oscar_admin.AttributeInline):
    formfield_overrides = CHECKED_PICTURES


class ProductAdmin(oscar_admin.ProductAdmin):
    inlines = [AttributeInline, oscar_admin.CategoryInline, oscar_admin.ProductRecommendationInline]

    def save_related(self, request, form, formsets, change):
        """Listing state, the public flag and certificates can all be edited here."""
        super().save_related(request, form, formsets, change)
        visibility.products_edited(product_ids=[form.instance.pk])


class ProductAttributeValueAdmin(oscar_admin.ProductAttributeValueAdmin):
    formfield_overrides = CHECKED_PICTURES


class CategoryAdmin(oscar_admin.CategoryAdmin):
    formfield_overrides = CHECKED_PICTURES


class ProductImageAdmin(oscar_admin.ProductImageAdmin):
    formfield_overrides = CHECKED_PICTURES


for model, model_admin in (
    (oscar_admin.Product, ProductAdmin),
    (oscar_admin.ProductAttributeValue, ProductAttributeValueAdmin),
    (oscar_admin.Category, CategoryAdmin),
    (oscar_admin.ProductImage, ProductImageAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
