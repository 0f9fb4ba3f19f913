"""The dashboard product and category views with our forms; the product view hands the user to the form."""

from oscar.apps.dashboard.catalogue import views as oscar_views

from products.dashboard.forms import CategoryForm, ProductForm, ProductImageFormSet


class ProductCreateUpdateView(oscar_views.ProductCreateUpdateView):
    form_class = ProductForm
    image_formset = ProductImageFormSet

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


class CategoryCreateView(oscar_views.CategoryCreateView):
    form_class = CategoryForm


class CategoryUpdateView(oscar_views.CategoryUpdateView):
    form_class = CategoryForm
