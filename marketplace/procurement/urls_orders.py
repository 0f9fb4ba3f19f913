"""The portal's orders and approvals (included by ``procurement.urls``)."""

from django.urls import path

from marketplace.procurement import views_orders as views

urlpatterns = [
    path("checkout/unit/", views.UnitPurchaseChooseView.as_view(), name="checkout-unit"),
    path("units/<id:unit>/orders/", views.UnitOrderListView.as_view(), name="orders"),
    path("units/<id:unit>/orders/<id:pk>/", views.UnitOrderDetailView.as_view(), name="order"),
    path(
        "units/<id:unit>/orders/<id:pk>/confirmation.pdf",
        views.OrderConfirmationView.as_view(),
        name="order-confirmation",
    ),
    path(
        "units/<id:unit>/orders/<id:pk>/parts/<id:part>/<slug:action>/",
        views.PartActionView.as_view(),
        name="part-action",
    ),
    path("units/<id:unit>/approvals/", views.ApprovalListView.as_view(), name="approvals"),
    path(
        "units/<id:unit>/approvals/<id:pk>/<slug:action>/",
        views.ApprovalDecideView.as_view(),
        name="approval-decide",
    ),
    path("parts/<id:part>/confirmation.pdf", views.PartConfirmationView.as_view(), name="part-confirmation"),
]
