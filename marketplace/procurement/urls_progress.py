"""Progress of the reserved share: a unit's figures and chart, its subordinates, the subtree export."""

from django.urls import path

from marketplace.procurement import views_progress as views

urlpatterns = [
    path("units/<id:unit>/progress/", views.ProgressView.as_view(), name="progress"),
    path("units/<id:unit>/progress/exports/", views.ProgressExportRequestView.as_view(), name="progress_export"),
    path(
        "units/<id:unit>/progress/exports/<id:pk>/",
        views.ProgressExportDetailView.as_view(),
        name="progress_export_detail",
    ),
    path(
        "units/<id:unit>/progress/exports/<id:pk>/download/",
        views.ProgressExportDownloadView.as_view(),
        name="progress_export_download",
    ),
]
