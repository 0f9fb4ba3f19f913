"""The dashboard product and category views with our forms; the product view hands the user to the form
and saves in one transaction, after which the shop's visibility of the product is announced."""

from django.db import transaction
from oscar.apps.dashboard.catalogue import views as oscar_views

from products import visibility
from products.dashboard.forms import CategoryForm, ProductForm, ProductImageFormSet


class ProductCreateUpdateView(oscar_views.ProductCreateUpdateView):
    form_class = ProductForm
    image_formset = ProductImageFormSet

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def forms_valid(self, form, formsets):
        # The form may change the public flag and the certificates, the stock formset the stock.
        with transaction.atomic():
            response = super().forms_valid(form, formsets)
            visibility.products_edited(product_ids=[self.object.pk])
        return response


class CategoryCreateView(oscar_views.CategoryCreateView):
    form_class = CategoryForm


class CategoryUpdateView(oscar_views.CategoryUpdateView):
    form_class = CategoryForm
