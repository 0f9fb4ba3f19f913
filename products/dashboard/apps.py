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
        from oscar.apps.dashboard.catalogue import bulk_actions, mixins
        from oscar.apps.dashboard.catalogue import views as oscar_views

        from products.dashboard.utils import partner_product_visibility_q
        from products.dashboard.views import CategoryCreateView, CategoryUpdateView, ProductCreateUpdateView

        for module in (bulk_actions, mixins, oscar_views):
            module.partner_product_visibility_q = partner_product_visibility_q
        self.product_createupdate_view = ProductCreateUpdateView
        self.category_create_view = CategoryCreateView
        self.category_update_view = CategoryUpdateView
