"""Celery jobs for certificates: expiry alerts and listings that follow lapses and renewals."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from partners import certifications
from partners.models import Certification
from products.listings import listings_sync


@shared_task(name="partners.certification_tasks.send_certification_alerts_task")
def send_certification_alerts_task() -> int:
    """E-mail each cooperative 90, 30 and 7 days before a certificate expires, once per threshold.

    Side effects: CertificationAlert rows, e-mails. Idempotent (the alert row is unique).
    """
    sent = 0
    for certificate, days in certifications.certificates_due_for_alert():
        recipients = [user.email for user in certificate.holder.users.all() if user.email]
        with transaction.atomic():
            if not certifications.certification_alert_record(certification=certificate, days_before=days):
                continue
            if recipients:
                transaction.on_commit(
                    lambda pk=certificate.pk, days=days, to=recipients: send_certification_alert_task.delay(
                        pk, days, to
                    )
                )
        sent += 1
    return sent


@shared_task(name="partners.certification_tasks.send_certification_alert_task")
def send_certification_alert_task(certification_id: int, days_before: int, recipients: list[str]) -> None:
    """One alert e-mail, in Simplified Chinese (the cooperatives' language)."""
    certificate = Certification.objects.select_related("holder").get(pk=certification_id)
    with translation.override(settings.LANGUAGE_CODE):
        context = {"certificate": certificate, "days": days_before}
        subject = render_to_string("partners/email/certificate_expiry_subject.txt", context).strip()
        body = render_to_string("partners/email/certificate_expiry_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


@shared_task(name="partners.certification_tasks.sync_certified_listings_task")
def sync_certified_listings_task() -> dict[str, int]:
    """Write down today's lapses and renewals in product listings. Idempotent."""
    return listings_sync()
