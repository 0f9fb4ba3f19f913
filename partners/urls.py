"""Pages of cooperatives and their reviewers that partners owns: onboarding and review, certificates.

Mounted with the catalogue's cooperative pages by ``marketplace.cooperative_urls``.
"""

from django.urls import include, path

from partners import certificate_views

urlpatterns = [
    path("", include("partners.urls_onboarding")),
    path("certificates/", certificate_views.CertificateListView.as_view(), name="certificates"),
    path("certificates/awaiting/", certificate_views.CertificateQueueView.as_view(), name="certificate-queue"),
    path("certificates/add/", certificate_views.CertificateEditView.as_view(), name="certificate-add"),
    path("certificates/<id:pk>/", certificate_views.CertificateEditView.as_view(), name="certificate-edit"),
    path("certificates/<id:pk>/scan/", certificate_views.CertificateScanView.as_view(), name="certificate-scan"),
    path("certificates/<id:pk>/verify/", certificate_views.CertificateVerifyView.as_view(), name="certificate-verify"),
]
