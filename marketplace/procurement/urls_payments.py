"""货款认领 and overdue payments of the budget-unit portal (``views_payments``)."""

from django.urls import path

from marketplace.procurement import views_payments

urlpatterns = [
    path("units/<id:unit>/receipts/", views_payments.ReceiptsView.as_view(), name="receipts"),
    path("units/<id:unit>/receipts/<id:pk>/", views_payments.ReceiptDetailView.as_view(), name="receipt"),
    path("payments/overdue/", views_payments.OverdueView.as_view(), name="overdue"),
    path(
        "fulfilments/<id:pk>/payment-request.pdf",
        views_payments.PaymentRequestView.as_view(),
        name="payment-request",
    ),
]
