"""Cooperative-facing brand pages; mounted under /cooperatives/brands/ by ``marketplace.cooperative_urls``."""

from django.urls import path

from brands import views

urlpatterns = [
    path("", views.AuthorisationListView.as_view(), name="brand-authorisations"),
    path(
        "authorisations/<id:pk>/evidence/",
        views.AuthorisationEvidenceView.as_view(),
        name="brand-authorisation-evidence",
    ),
    path("products/", views.ProductBrandView.as_view(), name="brand-products"),
    path("<id:pk>/evidence/", views.BrandEvidenceView.as_view(), name="brand-evidence"),
]
