"""Background work of cooperative onboarding: the e-mails of each review step (入驻审核通知)."""

from celery import shared_task
from django.core.cache import cache

from partners import emails
from partners.models import ApplicationEvent

SENT_KEY_TIMEOUT = 14 * 24 * 3600


@shared_task(name="partners.tasks.send_application_emails_task")
def send_application_emails_task(event_id: int, language: str | None = None) -> int:
    """Send the e-mails of one application step (see ``partners.emails.mails_for_event``).

    Side effects: e-mails to the applicant and, depending on the step, to county officers or
    platform staff. Idempotent: each message is marked in the cache once sent, so a task
    delivered again (acks_late) sends only what was not sent yet. Returns how many were sent.
    """
    event = (
        ApplicationEvent.objects.select_related("application__county", "application__partner")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    sent = 0
    for mail in emails.mails_for_event(event=event, applicant_language=language):
        key = f"partners:application-mail:{event_id}:{mail.key}"
        if cache.get(key):
            continue
        mail.build().send()
        cache.set(key, True, SENT_KEY_TIMEOUT)
        sent += 1
    return sent
