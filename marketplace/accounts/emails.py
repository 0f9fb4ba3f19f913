"""E-mails about accounts: the registration link, and "someone tried to register with your address"."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.mail import Mail, absolute_url, recipient_language
from marketplace.accounts.models import PendingRegistration, User
from marketplace.accounts.selectors import registration_token

FOLDER = "accounts/emails"


def registration_link_mail(pending: PendingRegistration, *, fingerprint: str) -> Mail:
    """To a new address: the link that creates the account, in the language the form was filled in."""
    token = registration_token(pending)
    return Mail(
        key=f"accounts:registration-link:{pending.pk}:{fingerprint}",
        to=pending.email,
        language=recipient_language(pending.language),
        template="registration_link",
        folder=FOLDER,
        context={
            "site_name": settings.WAGTAIL_SITE_NAME,
            "days": settings.ACCOUNT_CONFIRMATION_DAYS,
            "confirm_url": lambda: absolute_url(reverse("accounts:registration-confirm", kwargs={"token": token})),
        },
    )


def registration_exists_mail(user: User, *, attempt: str) -> Mail:
    """To the owner of an address that has an account: someone tried to register it; how to log in or reset."""
    return Mail(
        key=f"accounts:registration-exists:{user.pk}:{attempt}",
        to=user.email,
        language=recipient_language(user.preferred_language),
        template="registration_exists",
        folder=FOLDER,
        context={
            "site_name": settings.WAGTAIL_SITE_NAME,
            "login_url": lambda: absolute_url(reverse("customer:login")),
            "reset_url": lambda: absolute_url(reverse("password-reset")),
        },
    )


def password_reset_mail(user: User, *, confirm_url_name: str, attempt: str) -> Mail:
    """To an account's owner who asked for it: a one-time link to set a new password."""

    def confirm_url() -> str:
        kwargs = {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
        return absolute_url(reverse(confirm_url_name, kwargs=kwargs))

    return Mail(
        key=f"accounts:password-reset:{user.pk}:{attempt}",
        to=user.email,
        language=recipient_language(user.preferred_language),
        template="password_reset",
        folder=FOLDER,
        context={
            "site_name": settings.WAGTAIL_SITE_NAME,
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "confirm_url": confirm_url,
        },
    )
