"""Account pages, under /shop/ (included before Oscar's, see ``marketplace.accounts.views``).

The first five patterns have the paths of Oscar's views and take precedence over them;
they carry no names, so ``customer:login`` and the rest keep resolving to the same paths.
"""

from django.urls import path
from oscar.views.decorators import login_forbidden

from marketplace.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginRegistrationView.as_view()),
    path("accounts/register/", views.RegistrationView.as_view()),
    path("accounts/logout/", views.LogoutView.as_view()),
    path("password-reset/", login_forbidden(views.PasswordResetView.as_view())),
    path("password-reset/confirm/<str:uidb64>/<str:token>/", login_forbidden(views.PasswordResetConfirmView.as_view())),
    path("accounts/register/sent/", views.registration_sent, name="registration-sent"),
    path("accounts/register/confirm/<str:token>/", views.registration_confirm, name="registration-confirm"),
]
