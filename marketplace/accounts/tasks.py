"""Background work of accounts: the e-mails of a registration (注册邮件)."""

from celery import shared_task

from core.mail import MAIL_TASK_OPTIONS, send_once
from marketplace.accounts import emails
from marketplace.accounts.models import PendingRegistration, User
from marketplace.accounts.selectors import registration_fingerprint


@shared_task(name="marketplace.accounts.tasks.send_registration_link_task", **MAIL_TASK_OPTIONS)
def send_registration_link_task(pending_id: int) -> int:
    """E-mail a new address the link that creates its account.

    Side effect: one e-mail, recorded in the e-mail ledger (``core.mail.send_once``): a task
    delivered again for the same registration request sends nothing more (registering again is
    a new request, with a new link). Retried with backoff on SMTP and network errors. Returns
    how many e-mails were sent.
    """
    pending = PendingRegistration.objects.filter(pk=pending_id).first()
    if pending is None:
        return 0
    return int(send_once(emails.registration_link_mail(pending, fingerprint=registration_fingerprint(pending))))


@shared_task(name="marketplace.accounts.tasks.send_registration_exists_task", **MAIL_TASK_OPTIONS)
def send_registration_exists_task(user_id: int, attempt: str) -> int:
    """Tell an account's owner that someone tried to register their address, with the login and reset links.

    Side effect: one e-mail, recorded in the e-mail ledger: once per registration attempt
    (``attempt`` names it). Retried with backoff on SMTP and network errors. Returns how many
    e-mails were sent.
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0
    return int(send_once(emails.registration_exists_mail(user, attempt=attempt)))


@shared_task(name="marketplace.accounts.tasks.send_password_reset_task", **MAIL_TASK_OPTIONS)
def send_password_reset_task(user_id: int, confirm_url_name: str, attempt: str) -> int:
    """E-mail an account's owner a one-time link to set a new password.

    The link is made here, not in the request: it stays valid until the password changes or
    ``PASSWORD_RESET_TIMEOUT`` passes. Side effect: one e-mail, recorded in the e-mail ledger
    (once per request, ``attempt`` names it). Retried with backoff on SMTP and network errors.
    Returns how many e-mails were sent.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    return int(send_once(emails.password_reset_mail(user, confirm_url_name=confirm_url_name, attempt=attempt)))
