import oscar.apps.dashboard.catalogue.apps as apps


class CatalogueDashboardConfig(apps.CatalogueDashboardConfig):
    """Oscar's catalogue dashboard with our product form.

    Oscar's product form lists its fields explicitly, so the certified-product fields
    (origin county, certificates, storage, shelf life, specification, traceability)
    need a form of our own. Oscar's class loader resolves ``dashboard.*`` classes
    through the ``dashboard`` app, so forking this sub-app alone would not be seen;
    instead ``ready()`` points the product and category views at our subclasses (no models,
    no migrations); their forms check every picture.
    """

    name = "products.dashboard"
    label = "catalogue_dashboard"

    def ready(self):
        super().ready()
        from products.dashboard.views import CategoryCreateView, CategoryUpdateView, ProductCreateUpdateView

        self.product_createupdate_view = ProductCreateUpdateView
        self.category_create_view = CategoryCreateView
        self.category_update_view = CategoryUpdateView
