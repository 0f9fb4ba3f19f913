from django.urls import path

from labor import views

app_name = "labor"

urlpatterns = [
    path("apply/<id:post_id>/", views.apply, name="apply"),
    path("apply/done/", views.apply_done, name="apply-done"),
    path("my/", views.my_lookup, name="my"),
    path("my/applications/", views.my_applications, name="my-applications"),
    path("my/<str:reference>/delete/", views.my_delete, name="my-delete"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<str:reference>/", views.application_detail, name="application"),
    path("applications/<str:reference>/reveal/", views.application_reveal, name="reveal"),
    path("applications/<str:reference>/outcome/", views.application_outcome, name="outcome"),
    path("statistics/", views.statistics, name="statistics"),
    path("cooperative/", views.cooperative_posting, name="cooperative-posting"),
]
