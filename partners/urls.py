"""Cooperative pages outside Oscar: onboarding and review, certificates, bulk imports."""

from django.urls import include, path

from partners import certificate_views
from products import listing_views
from products.views import TraceView

app_name = "cooperatives"

urlpatterns = [
    path("", include("partners.urls_onboarding")),
    path("imports/", include("products.urls_imports")),
    path("trace/<str:code>/", TraceView.as_view(), name="trace"),
    path("certificates/", certificate_views.CertificateListView.as_view(), name="certificates"),
    path("certificates/add/", certificate_views.CertificateEditView.as_view(), name="certificate-add"),
    path("certificates/<id:pk>/", certificate_views.CertificateEditView.as_view(), name="certificate-edit"),
    path("certificates/<id:pk>/scan/", certificate_views.CertificateScanView.as_view(), name="certificate-scan"),
    path("certificates/<id:pk>/verify/", certificate_views.CertificateVerifyView.as_view(), name="certificate-verify"),
    path("listings/", listing_views.ListingListView.as_view(), name="listings"),
    path("listings/<id:pk>/<slug:action>/", listing_views.ListingActionView.as_view(), name="listing-action"),
]
