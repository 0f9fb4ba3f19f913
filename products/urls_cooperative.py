"""The catalogue's pages for cooperatives: bulk imports, listings, the public trace page of a batch.

Mounted with partners' pages by ``marketplace.cooperative_urls``.
"""

from django.urls import include, path

from products import listing_views
from products.views import TraceView

urlpatterns = [
    path("imports/", include("products.urls_imports")),
    path("trace/<str:code>/", TraceView.as_view(), name="trace"),
    path("listings/", listing_views.ListingListView.as_view(), name="listings"),
    path("listings/<id:pk>/<slug:action>/", listing_views.ListingActionView.as_view(), name="listing-action"),
]
