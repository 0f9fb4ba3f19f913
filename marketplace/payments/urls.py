from django.urls import path

from marketplace.payments import views

app_name = "payments"

urlpatterns = [
    path("order/<str:number>/", views.PayView.as_view(), name="pay"),
    path("order/<str:number>/return/", views.ReturnView.as_view(), name="return"),
    path("order/<str:number>/status/", views.StatusView.as_view(), name="status"),
    path("staff/<id:pk>/", views.StaffOrderPaymentView.as_view(), name="staff-order"),
]
