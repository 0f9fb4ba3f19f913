"""Background work of cooperative onboarding: the e-mails of each review step (入驻审核通知)."""

from celery import shared_task

from core.mail import MAIL_TASK_OPTIONS, send_all_once
from partners import emails
from partners.models import ApplicationEvent


@shared_task(name="partners.tasks.send_application_emails_task", **MAIL_TASK_OPTIONS)
def send_application_emails_task(event_id: int, language: str | None = None) -> int:
    """Send the e-mails of one application step (see ``partners.emails.mails_for_event``).

    Side effects: e-mails to the applicant and, depending on the step, to county officers or
    platform staff, each recorded in the e-mail ledger (``core.mail.send_once``): a task
    delivered again, or retried after an SMTP error part way, sends only what was not sent.
    Retried with backoff on SMTP and network errors. Returns how many were sent.
    """
    event = (
        ApplicationEvent.objects.select_related("application__county", "application__partner")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    return send_all_once(emails.mails_for_event(event=event, applicant_language=language))
