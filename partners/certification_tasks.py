"""Celery jobs for certificates: expiry alerts (the listings that follow lapses are the catalogue's: products.tasks)."""

from celery import shared_task
from django.db import transaction

from core.mail import MAIL_TASK_OPTIONS, Mail, recipient_language, send_all_once
from core.outbox import outbox_enqueue
from partners import certifications
from partners.models import CertificationAlert


@shared_task(name="partners.certification_tasks.send_certification_alerts_task")
def send_certification_alerts_task() -> int:
    """Alert each cooperative 90, 30 and 7 days before a certificate expires, once per threshold.

    Side effects: a CertificationAlert row per alert due and, in the same transaction, its
    e-mail task in the outbox. Idempotent (the alert row is unique). Returns how many alerts.
    """
    sent = 0
    for certificate, days in certifications.certificates_due_for_alert():
        with transaction.atomic():
            alert = certifications.certification_alert_record(certification=certificate, days_before=days)
            if alert is None:
                continue
            outbox_enqueue(task=send_certification_alert_task, args=(alert.pk,))
        sent += 1
    return sent


@shared_task(name="partners.certification_tasks.send_certification_alert_task", **MAIL_TASK_OPTIONS)
def send_certification_alert_task(alert_id: int) -> int:
    """E-mail one expiry alert to each active user of the cooperative, in their language.

    Side effects: the e-mails, each recorded in the e-mail ledger (sent once, also when
    the task is retried after an SMTP error). Nothing goes out for an alert about a date the
    certificate no longer has (renewed meanwhile). Returns how many were sent.
    """
    alert = CertificationAlert.objects.select_related("certification__holder").filter(pk=alert_id).first()
    if alert is None or alert.certification.valid_until != alert.valid_until:
        return 0
    certificate = alert.certification
    users = certificate.holder.users.filter(is_active=True).exclude(email="").order_by("pk")
    return send_all_once(
        Mail(
            key=f"certification-alert:{alert.pk}:user:{user.pk}",
            to=user.email,
            language=recipient_language(user.preferred_language),
            template="certificate_expiry",
            context={"certificate": certificate, "days": alert.days_before},
            folder="partners/email",
        )
        for user in users
    )
