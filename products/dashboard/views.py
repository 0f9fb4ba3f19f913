"""The dashboard product view with our form; it hands the user to the form."""

from oscar.apps.dashboard.catalogue import views as oscar_views

from products.dashboard.forms import ProductForm


class ProductCreateUpdateView(oscar_views.ProductCreateUpdateView):
    form_class = ProductForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs
