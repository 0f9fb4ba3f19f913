"""Account pages, under /shop/ (included before Oscar's, see ``marketplace.accounts.views``).

The logout pattern has the path of Oscar's view and takes precedence over it; it carries no
name, so ``customer:logout`` keeps resolving to the same path.
"""

from django.urls import path

from marketplace.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/logout/", views.LogoutView.as_view()),
]
