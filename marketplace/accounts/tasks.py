"""Background work of accounts: the e-mails of a registration (注册邮件)."""

from celery import shared_task
from django.core.cache import cache

from marketplace.accounts import emails
from marketplace.accounts.models import PendingRegistration, User
from marketplace.accounts.selectors import registration_fingerprint

SENT_KEY_TIMEOUT = 7 * 24 * 3600


@shared_task(name="marketplace.accounts.tasks.send_registration_link_task")
def send_registration_link_task(pending_id: int) -> int:
    """E-mail a new address the link that creates its account.

    Side effect: one e-mail. Idempotent: a task delivered again for the same registration
    request sends nothing more (registering again is a new request, with a new link).
    Returns how many e-mails were sent.
    """
    pending = PendingRegistration.objects.filter(pk=pending_id).first()
    if pending is None:
        return 0
    key = f"accounts:registration-link:{pending.pk}:{registration_fingerprint(pending)}"
    if cache.get(key):
        return 0
    emails.registration_link_mail(pending).build().send()
    cache.set(key, True, SENT_KEY_TIMEOUT)
    return 1


@shared_task(name="marketplace.accounts.tasks.send_registration_exists_task")
def send_registration_exists_task(user_id: int, attempt: str) -> int:
    """Tell an account's owner that someone tried to register their address, with the login and reset links.

    Side effect: one e-mail. Idempotent per registration attempt (``attempt`` names it).
    Returns how many e-mails were sent.
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0
    key = f"accounts:registration-exists:{user.pk}:{attempt}"
    if cache.get(key):
        return 0
    emails.registration_exists_mail(user).build().send()
    cache.set(key, True, SENT_KEY_TIMEOUT)
    return 1
