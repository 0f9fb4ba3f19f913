"""Account actions: registration confirmed by e-mail, and unlocking an account after a password reset."""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.http import within_limit
from core.outbox import outbox_enqueue
from marketplace.accounts.models import PendingRegistration, User
from marketplace.accounts.selectors import confirmation_period, pending_registration_for_token
from marketplace.accounts.tasks import (
    send_password_reset_task,
    send_registration_exists_task,
    send_registration_link_task,
)
from marketplace.accounts.throttling import login_username

# E-mails one address can receive from the registration form, whatever is typed: the form must
# not become a way to flood someone's mailbox.
MAILS_PER_ADDRESS = 3
MAIL_WINDOW_SECONDS = 3600


def _mail_allowed(email: str) -> bool:
    digest = salted_hmac("accounts:registration-mail", email).hexdigest()  # no address in the cache
    return within_limit(f"accounts:registration-mail:{digest}", limit=MAILS_PER_ADDRESS, window=MAIL_WINDOW_SECONDS)


def registration_request(*, email: str, password: str, next_url: str = "", language: str = "") -> None:
    """Someone asks for an account for ``email`` with ``password`` (checked by the form's validators).

    Whatever the address, the caller answers "check your mailbox", and only the mailbox learns
    more. Side effects, after commit: for an address without an account, a pending registration
    (password hashed, replacing an earlier one for the address) and an e-mail with the link that
    creates the account; for an address with an account, nothing but an e-mail to its owner
    saying someone tried, with the login and password-reset links. Beyond ``MAILS_PER_ADDRESS``
    requests an hour for one address, nothing happens at all. Expired pending registrations are
    removed on the way.
    """
    address = email.strip().lower()
    now = timezone.now()
    PendingRegistration.objects.filter(requested_at__lt=now - confirmation_period()).delete()
    if not _mail_allowed(address):
        return
    hashed = make_password(password)  # for either answer: the time taken must not tell them apart
    user = User.objects.filter(email__iexact=address).order_by("pk").first()
    if user is not None:
        user_id, attempt = user.pk, str(now.timestamp())
        outbox_enqueue(task=send_registration_exists_task, args=(user_id, attempt))
        return
    values = {
        "password": hashed,
        "next_url": next_url[:500],
        "language": language,
        "requested_at": now,
    }
    PendingRegistration(email=address, **values).full_clean(validate_unique=False)
    with transaction.atomic():
        pending, _created = PendingRegistration.objects.update_or_create(email=address, defaults=values)
        outbox_enqueue(task=send_registration_link_task, args=(pending.pk,))


def registration_confirm(*, token: str) -> tuple[User, str] | None:
    """Create the account of the registration whose e-mailed link was followed: (user, page to open next).

    None when the link is altered, expired, superseded or used, or when the address got an
    account meanwhile. Side effects: the new user (active, with the password chosen at
    registration); the pending registration is deleted.
    """
    with transaction.atomic():
        pending = pending_registration_for_token(token, lock=True)
        if pending is None:
            return None
        next_url = pending.next_url
        if User.objects.filter(email__iexact=pending.email).exists():
            pending.delete()
            return None
        user = User(email=pending.email, password=pending.password)
        if pending.language in dict(settings.LANGUAGES):
            user.preferred_language = pending.language
        user.full_clean()
        user.save()
        pending.delete()
    return user, next_url


def login_failures_reset(*, user: User) -> int:
    """Forget the failed logins of ``user``'s account from every address (the owner proved the mailbox).

    Side effect: deletes the account's django-axes access attempts; limits per address stay.
    Returns how many attempt records were deleted.
    """
    return axes_reset(username=login_username(None, {"username": user.email}))


def password_reset_request(*, email: str, confirm_url_name: str) -> None:
    """Someone asked to reset the password of ``email``.

    Side effect, after commit: for each active account of that address with a usable password
    (Django's rule), an e-mail with a one-time link to ``confirm_url_name``, through the outbox.
    Nothing else, and nothing that tells the caller whether the address has an account.
    """
    from django.contrib.auth.forms import PasswordResetForm

    attempt = str(timezone.now().timestamp())
    with transaction.atomic():
        for user in PasswordResetForm().get_users(email):
            outbox_enqueue(task=send_password_reset_task, args=(user.pk, confirm_url_name, attempt))
