"""E-mails about accounts: the registration link, and "someone tried to register with your address"."""

from django.conf import settings
from django.urls import reverse

from marketplace.accounts.models import PendingRegistration, User
from marketplace.accounts.selectors import registration_token
from partners.emails import Mail, absolute_url

FOLDER = "accounts/emails"


def _language(code: str | None) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def registration_link_mail(pending: PendingRegistration) -> Mail:
    """To a new address: the link that creates the account, in the language the form was filled in."""
    token = registration_token(pending)
    return Mail(
        key=f"registration-link:{pending.pk}",
        to=pending.email,
        language=_language(pending.language),
        template="registration_link",
        folder=FOLDER,
        context={
            "site_name": settings.WAGTAIL_SITE_NAME,
            "days": settings.ACCOUNT_CONFIRMATION_DAYS,
            "confirm_url": lambda: absolute_url(reverse("accounts:registration-confirm", kwargs={"token": token})),
        },
    )


def registration_exists_mail(user: User) -> Mail:
    """To the owner of an address that has an account: someone tried to register it; how to log in or reset."""
    return Mail(
        key=f"registration-exists:{user.pk}",
        to=user.email,
        language=_language(user.preferred_language),
        template="registration_exists",
        folder=FOLDER,
        context={
            "site_name": settings.WAGTAIL_SITE_NAME,
            "login_url": lambda: absolute_url(reverse("customer:login")),
            "reset_url": lambda: absolute_url(reverse("password-reset")),
        },
    )
