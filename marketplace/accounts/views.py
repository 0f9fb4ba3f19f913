"""Login, registration, logout and the login lockout page of the shop.

Oscar's customer app is not forked: ``marketplace.accounts.urls`` serves these views at the
addresses of Oscar's own (``customer:login``, ``customer:register``, ``customer:logout``,
``password-reset-confirm``), so every link and ``reverse()`` keeps working. Thin views: the
forms check input, ``marketplace.accounts.services`` decides and writes.
"""

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from oscar.apps.customer import views as customer_views

from marketplace.accounts import selectors, services
from marketplace.accounts.forms import PasswordResetForm, RegistrationForm
from marketplace.accounts.throttling import login_username

REGISTERED_EMAIL_KEY = "registration_email"  # the address "check your mailbox" names
SESSION_BACKEND = "marketplace.accounts.backends.EmailBackend"


def _registration_requested(request: HttpRequest, form: RegistrationForm) -> HttpResponse:
    """The same answer for every address: the mailbox says whether an account was made."""
    services.registration_request(
        email=form.cleaned_data["email"],
        password=form.cleaned_data["password1"],
        next_url=form.cleaned_data.get("redirect_url") or "",
        language=get_language(),
    )
    request.session[REGISTERED_EMAIL_KEY] = form.cleaned_data["email"]
    return redirect("accounts:registration-sent")


class LoginRegistrationView(customer_views.AccountAuthView):
    """Oscar's login-or-register page; registering answers "check your mailbox" for any address."""

    registration_form_class = RegistrationForm

    def validate_registration_form(self):
        form = self.get_registration_form(bind_data=True)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(registration_form=form))
        return _registration_requested(self.request, form)


class RegistrationView(customer_views.AccountRegistrationView):
    """Oscar's registration page (the checkout's "create an account"), answering alike for any address."""

    form_class = RegistrationForm

    def form_valid(self, form):
        return _registration_requested(self.request, form)


@never_cache
def registration_sent(request: HttpRequest) -> HttpResponse:
    """Check your mailbox: the link there creates the account (or the e-mail says there is one)."""
    return render(
        request,
        "accounts/registration_sent.html",
        {"email": request.session.get(REGISTERED_EMAIL_KEY, ""), "days": settings.ACCOUNT_CONFIRMATION_DAYS},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def registration_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the registration e-mail: a button creates the account and logs in.

    A button, not the link itself: mail scanners that open links must not use it up.
    """
    if request.method == "GET":
        valid = selectors.pending_registration_for_token(token) is not None
        return render(request, "accounts/registration_confirm.html", {"valid": valid}, status=200 if valid else 404)
    result = services.registration_confirm(token=token)
    if result is None:
        return render(request, "accounts/registration_confirm.html", {"valid": False}, status=404)
    user, next_url = result
    auth_login(request, user, backend=SESSION_BACKEND)
    request.session.pop(REGISTERED_EMAIL_KEY, None)
    messages.success(request, _("Your account is ready and you are logged in."))
    return redirect(resolve_url(next_url or settings.LOGIN_REDIRECT_URL))


@method_decorator(never_cache, name="dispatch")
class LogoutView(View):
    """Logging out takes a POST with the CSRF token: a link or an image elsewhere cannot log anyone out.

    A GET (an old bookmark, a typed address) shows a page with the button.
    """

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(settings.OSCAR_HOMEPAGE)
        return render(request, "accounts/logout.html")

    def post(self, request: HttpRequest) -> HttpResponse:
        auth_logout(request)
        response = redirect(settings.OSCAR_HOMEPAGE)
        for cookie in settings.OSCAR_COOKIES_DELETE_ON_LOGOUT:
            response.delete_cookie(cookie)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Oscar's "forgotten password" page; the e-mail leaves through the outbox (``forms.PasswordResetForm``)."""

    form_class = PasswordResetForm
    success_url = reverse_lazy("password-reset-done")
    template_name = "oscar/registration/password_reset_form.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Oscar's "set a new password" step; a new password also lifts a lockout of the account."""

    form_class = SetPasswordForm
    success_url = reverse_lazy("password-reset-complete")
    template_name = "oscar/registration/password_reset_confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_failures_reset(user=form.user)
        return response


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page for a login refused by django-axes: until when, and how to reset the password."""
    until = selectors.login_locked_until(
        username=login_username(request, credentials), address=getattr(request, "axes_ip_address", None)
    )
    minutes = math.ceil((until - timezone.now()).total_seconds() / 60) if until else None
    response = render(
        request,
        "accounts/locked_out.html",
        {"until": until, "minutes": max(minutes, 1) if minutes is not None else None},
        status=429,
    )
    if until:
        response["Retry-After"] = str(max(int((until - timezone.now()).total_seconds()), 1))
    return response
