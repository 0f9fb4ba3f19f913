"""Services for certificates (认证证书): format rules, validity defaults, verification, expiry.

The rules per scheme are data (``CertificationScheme`` rows: number format, usual validity,
whether the holder gives the end date), seeded from DOMAIN.md ("Certification schemes");
where a source is only a report they check the shape of a number, never more.

What buyers see is ``Certification.objects.recognised()``: verified by staff and valid. A
certificate added or changed by its holder (a renewal, a correction) waits for staff
verification again, oldest first in the staff's queue (``certificates_awaiting_verification``).
"""

import datetime
import re

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import is_platform_staff
from core.files import delete_after_commit
from partners.access import scope_to_cooperatives
from partners.models import Certification, CertificationAlert, CertificationScheme
from partners.signals import CERTIFICATE_SAVED, CERTIFICATE_VERIFIED, certification_changed

ALERT_DAYS = (90, 30, 7)


def normalise_number(number: str) -> str:
    return re.sub(r"\s+", "", number or "").upper()


def default_valid_until(*, scheme: CertificationScheme, valid_from: datetime.date) -> datetime.date | None:
    """The last valid day when the holder gives none: 3 years for 绿色食品, 1 for 有机 …"""
    if scheme.validity_years is None:
        return None
    return valid_from + relativedelta(years=scheme.validity_years) - datetime.timedelta(days=1)


def schemes_for_new_certificates():
    """Schemes a cooperative may add a certificate of: open ones; per-batch ones go on shipments."""
    return CertificationScheme.objects.filter(active=True, per_batch=False)


def _matches(pattern: str, number: str) -> bool:
    try:
        return re.fullmatch(pattern, number) is not None
    except re.error:  # a pattern staff mistyped checks nothing rather than refusing every number
        return True


def validate_certification(certification: Certification) -> None:
    """Format of the number for its scheme, and a validity window that makes sense."""
    errors = {}
    scheme = certification.scheme if certification.scheme_id else None
    number = normalise_number(certification.number)
    if scheme and scheme.number_pattern and not _matches(scheme.number_pattern, number):
        errors["number"] = ValidationError(
            _("This is not a %(scheme)s certificate number (expected a number like %(example)s)."),
            code="certificate_number_format",
            params={"scheme": scheme.display_name, "example": scheme.number_example},
        )
    if scheme and scheme.requires_expiry and not certification.valid_until:
        errors["valid_until"] = ValidationError(
            _("Give the last day this certificate is valid."), code="certificate_needs_expiry"
        )
    if certification.valid_from and certification.valid_until and certification.valid_until < certification.valid_from:
        errors["valid_until"] = ValidationError(
            _("The certificate cannot expire before it becomes valid."), code="certificate_dates"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def certification_save(*, certification: Certification) -> Certification:
    """Normalise, fill the scheme's default validity, check and save.

    A change of number, dates or scan needs staff verification again.
    Side effects: ``partners.signals.certification_changed`` ("saved") inside the transaction,
    on which the catalogue delists or relists the products depending on it at once; a
    replaced or removed scan is deleted from storage after commit.
    """
    certification.number = normalise_number(certification.number)
    if certification.valid_from and certification.valid_until is None:
        certification.valid_until = default_valid_until(
            scheme=certification.scheme, valid_from=certification.valid_from
        )
    replaced_scan = ""
    if certification.pk:
        before = (
            Certification.objects.filter(pk=certification.pk)
            .values("number", "valid_from", "valid_until", "scan", "scheme")
            .first()
        )
        stored_scan = before.pop("scan") if before else ""
        if stored_scan and stored_scan != certification.scan.name:
            replaced_scan = stored_scan
        changed = before != {
            "scheme": certification.scheme_id,
            "number": certification.number,
            "valid_from": certification.valid_from,
            "valid_until": certification.valid_until,
        }
        if before and (changed or stored_scan != certification.scan.name):
            certification.verified = False
            certification.verified_by = None
            certification.verified_at = None
            certification.changed_at = timezone.now()
    validate_certification(certification)
    certification.full_clean()
    certification.save()
    delete_after_commit(certification.scan.storage, replaced_scan)
    certification_changed.send(sender=Certification, certification_ids=(certification.pk,), change=CERTIFICATE_SAVED)
    return certification


@transaction.atomic
def certification_verify(*, certification: Certification, staff) -> Certification:
    """Staff confirm the certificate against the issuer's register (核验).

    Side effects: ``partners.signals.certification_changed`` ("verified") inside the transaction.
    """
    if not is_platform_staff(staff):
        raise ValidationError(_("Only platform staff can verify certificates."), code="not_staff")
    certification.verified = True
    certification.verified_by = staff
    certification.verified_at = timezone.now()
    certification.save(update_fields=["verified", "verified_by", "verified_at"])
    certification_changed.send(sender=Certification, certification_ids=(certification.pk,), change=CERTIFICATE_VERIFIED)
    return certification


def certificates_awaiting_verification():
    """Certificates staff have not verified (new, renewed or corrected), the oldest change first."""
    return (
        Certification.objects.filter(verified=False)
        .select_related("holder", "holder__county", "scheme")
        .order_by("changed_at", "pk")
    )


def certificates_for(user):
    """Certificates ``user`` may see and change: platform staff all, cooperative people their cooperatives'."""
    return scope_to_cooperatives(Certification.objects.select_related("holder", "scheme"), user, path="holder")


def certificates_due_for_alert(*, today: datetime.date | None = None):
    """(certificate, threshold) pairs whose 90/30/7-day alert is due and not yet sent."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(ALERT_DAYS))
    candidates = Certification.objects.filter(valid_until__gte=today, valid_until__lte=horizon).select_related("holder")
    sent = set(
        CertificationAlert.objects.filter(certification__in=candidates).values_list(
            "certification_id", "days_before", "valid_until"
        )
    )
    due = []
    for certificate in candidates:
        days_left = (certificate.valid_until - today).days
        # The smallest threshold reached: a certificate found 20 days out gets the 30-day alert only.
        reached = [days for days in ALERT_DAYS if days_left <= days]
        if not reached:
            continue
        threshold = min(reached)
        if (certificate.pk, threshold, certificate.valid_until) not in sent:
            due.append((certificate, threshold))
    return due


def certification_alert_record(*, certification: Certification, days_before: int) -> CertificationAlert | None:
    """Record that the alert is due and goes out; None if it already was (so it goes out once)."""
    alert, created = CertificationAlert.objects.get_or_create(
        certification=certification, days_before=days_before, valid_until=certification.valid_until
    )
    return alert if created else None
