"""Reserved-share filings (预留份额填报) in the portal."""

from django.urls import path

from marketplace.procurement import views_filings as views

urlpatterns = [
    path("units/<id:unit>/filings/", views.FilingListView.as_view(), name="filings"),
    path("units/<id:unit>/filings/<id:year>/", views.FilingDetailView.as_view(), name="filing"),
    path("units/<id:unit>/filings/<id:year>/submit/", views.FilingSubmitView.as_view(), name="filing-submit"),
    path("units/<id:unit>/filings/<id:year>/return/", views.FilingReturnView.as_view(), name="filing-return"),
    path("units/<id:unit>/filings/<id:year>/approve/", views.FilingApproveView.as_view(), name="filing-approve"),
    path("units/<id:unit>/filings/<id:year>/extend/", views.FilingExtendView.as_view(), name="filing-extend"),
    path("filings/review/", views.FilingReviewView.as_view(), name="filing-review"),
]
