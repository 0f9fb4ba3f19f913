import oscar.apps.catalogue.apps as apps
from django.urls import path


class CatalogueConfig(apps.CatalogueConfig):
    """Oscar catalogue fork: certified products with origin county and storage type."""

    name = "products"

    def ready(self):
        super().ready()
        from oscar.apps.analytics import receivers as analytics_receivers
        from oscar.apps.catalogue.signals import product_viewed

        from products import receivers, views  # noqa: F401  (receivers connect on import)

        # Oscar counts every product view with a database write; a plain page
        # view must not write, so view statistics are left to the statistics work.
        product_viewed.disconnect(analytics_receivers.receive_product_view)
        self.cooperative_view = views.CooperativeView
        self.schemes_view = views.SchemesView

    def get_urls(self):
        urls = super().get_urls()
        urls += [
            path("cooperative/<slug:code>/", self.cooperative_view.as_view(), name="cooperative"),
            path("certifications/", self.schemes_view.as_view(), name="schemes"),
        ]
        return self.post_process_urls(urls)
