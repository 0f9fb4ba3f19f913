"""E-mail (邮件): messages rendered in the recipient's language, links to the public site, sent once.

``Mail`` describes one message to one address under a unique key; ``send_once`` sends it
unless the ledger (``core.models.SentMail``) already holds the key. E-mail tasks take
``MAIL_TASK_OPTIONS``: Celery retries them with exponential backoff on SMTP and network
errors, and a retry sends only the messages not yet recorded.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation

from core.models import SentMail

logger = logging.getLogger(__name__)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver"}

# Celery options of every task that sends e-mail: an SMTP or network error (refused, timed
# out, temporary failure) retries the task with exponential backoff; a retry skips what was sent.
MAIL_TASK_OPTIONS = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": settings.MAIL_RETRY_BACKOFF_SECONDS,
    "retry_backoff_max": settings.MAIL_RETRY_BACKOFF_MAX_SECONDS,
    "retry_jitter": False,
    "max_retries": settings.MAIL_MAX_RETRIES,
}


def site_url() -> str:
    """Scheme and host of links that leave the site: ``DJANGO_SITE_URL``, else the Sites framework's
    domain (https except on a local machine), which is what the demo and the tests use."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    domain = Site.objects.get_current().domain
    scheme = "http" if domain.split(":")[0] in LOCAL_HOSTS else "https"
    return f"{scheme}://{domain}"


def absolute_url(path: str) -> str:
    """``path`` on the public site, for e-mails."""
    return site_url() + path


def recipient_language(code: str | None) -> str:
    """The recipient's interface language if we have it, else the site's (Simplified Chinese)."""
    codes = {language for language, _name in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def render_plain(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping: ``&`` and quotes stay as typed."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


@dataclass
class Mail:
    """One e-mail to one address, rendered in ``language`` from ``<folder>/<template>_subject.txt`` and
    ``_body.txt`` (plain text, not escaped) and, if it exists, ``_body.html`` (escaped as any page).

    ``key`` names the message uniquely (``fulfilment:12:shipped:buyer``): it is sent once.
    Callables in ``context`` (URLs) are called in the recipient's language.
    """

    key: str
    to: str
    language: str
    template: str
    context: dict = field(default_factory=dict)
    folder: str = ""

    def build(self) -> EmailMultiAlternatives:
        name = f"{self.folder}/{self.template}" if self.folder else self.template
        with translation.override(self.language):
            context = {key: value() if callable(value) else value for key, value in self.context.items()}
            subject = render_plain(f"{name}_subject.txt", context)
            body = render_plain(f"{name}_body.txt", context)
            try:
                html = get_template(f"{name}_body.html").render(context)
            except TemplateDoesNotExist:
                html = None
        message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=[self.to])
        if html is not None:
            message.attach_alternative(html, "text/html")
        return message


def send_once(mail: Mail) -> bool:
    """Send ``mail`` unless the ledger holds its key; True if it was sent now.

    The ledger row and the sending share one transaction: if sending fails there is no row
    and a retry sends the message; a second sender of the same key waits for the first and
    then finds the row. Errors of the mail server are raised (the task retries).
    Side effects: the e-mail; a ``SentMail`` row.
    """
    if SentMail.objects.filter(key=mail.key).exists():
        return False
    message = mail.build()
    try:
        with transaction.atomic():
            SentMail.objects.create(key=mail.key)
            message.send()
    except IntegrityError:
        return False
    return True


def send_all_once(mails: Iterable[Mail]) -> int:
    """``send_once`` each mail; how many were sent now.

    An address the mail server refuses for good is logged and skipped (retrying would not
    help, and the other recipients still get theirs); any other error stops and is raised.
    """
    sent = 0
    for mail in mails:
        try:
            sent += send_once(mail)
        except smtplib.SMTPRecipientsRefused as refused:
            logger.warning("e-mail %s refused by the mail server: %s", mail.key, refused.recipients)
    return sent
