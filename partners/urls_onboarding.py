"""Onboarding and review of cooperatives, under /cooperatives/ (namespace "cooperatives")."""

from django.urls import path

from partners import views

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/submitted/", views.apply_done, name="apply-done"),
    path("status/", views.status_lookup, name="status"),
    path("status/<str:reference>/", views.status_detail, name="status-detail"),
    path("status/<str:reference>/correct/", views.resubmit, name="resubmit"),
    path("review/", views.review_list, name="review-list"),
    path("review/<str:reference>/", views.review_detail, name="review-detail"),
    path("review/<str:reference>/documents/<slug:document>/", views.review_document, name="review-document"),
    path("review/<str:reference>/<slug:action>/", views.review_action, name="review-action"),
]
