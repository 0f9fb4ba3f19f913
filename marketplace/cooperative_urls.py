"""Every cooperative-facing page, under ``/cooperatives/`` in the ``cooperatives`` namespace: the one
place that mounts them. Partners owns onboarding, review and certificates (``partners.urls``); the
catalogue owns imports, listings and trace pages (``products.urls_cooperative``); brands owns the
requests to use a regional brand (``brands.urls``)."""

from django.urls import include, path

app_name = "cooperatives"

urlpatterns = [
    path("", include("partners.urls")),
    path("", include("products.urls_cooperative")),
    path("brands/", include("brands.urls")),
]
