from django.urls import path

from marketplace.fulfilment import views

app_name = "fulfilment"

urlpatterns = [
    path("", views.FulfilmentListView.as_view(), name="list"),
    path("<id:pk>/", views.FulfilmentDetailView.as_view(), name="detail"),
    path("<id:pk>/buyer/<slug:action>/", views.BuyerActionView.as_view(), name="buyer-action"),
    path("statements/", views.StatementListView.as_view(), name="statements"),
    path("statements/<id:pk>/<slug:kind>/", views.StatementDownloadView.as_view(), name="statement-download"),
    path("statements/<id:pk>/paid", views.StatementPaidView.as_view(), name="statement-paid"),
    path("statements/<id:pk>/retry", views.StatementRetryView.as_view(), name="statement-retry"),
]
