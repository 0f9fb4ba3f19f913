"""Bulk product import, mounted at ``/cooperatives/imports/`` in the ``cooperatives`` namespace."""

from django.urls import path, re_path

from products import import_views

urlpatterns = [
    path("", import_views.ImportListView.as_view(), name="imports"),
    path("<id:pk>/", import_views.ImportDetailView.as_view(), name="import-detail"),
    re_path(r"^template\.(?P<extension>csv|xlsx)$", import_views.ImportTemplateView.as_view(), name="import-template"),
]
