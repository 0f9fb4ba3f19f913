"""Services for certificates (认证证书): format rules, validity defaults, verification, expiry.

The rules per scheme come from DOMAIN.md ("Certification schemes"); where a source is
only a report they check the shape of a number, never more.
"""

import dataclasses
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


@dataclasses.dataclass(frozen=True)
class SchemeRule:
    pattern: str | None  # regular expression the number must match, if the scheme has a known format
    example: str
    years: int | None  # default validity; None = long-term
    requires_expiry: bool = False


SCHEME_RULES = {
    # 绿色食品: GF + 6-digit area code + 2-digit year + 4-digit sequence, 3 years.
    CertificationScheme.GREEN_FOOD: SchemeRule(r"GF\d{12}", "GF451022250001", 3),
    # 有机产品: certificate numbers from the national system; one year.
    CertificationScheme.ORGANIC: SchemeRule(r"[0-9A-Z][0-9A-Z\-]{5,39}", "1052OP2500123", 1),
    # 农产品地理标志: AGI + 5 digits, long-term.
    CertificationScheme.GEOGRAPHICAL_INDICATION: SchemeRule(r"AGI\d{5}", "AGI02001", None),
    # 名特优新: long-term but confirmed every year; a missed confirmation delists.
    CertificationScheme.SPECIALTY: SchemeRule(None, "", 1),
    # 大湾区"菜篮子" base: three years.
    CertificationScheme.GBA_BASE: SchemeRule(None, "", 3),
    # 承诺达标合格证: per package or batch, so the holder gives the end date.
    CertificationScheme.COMPLIANCE: SchemeRule(None, "", None, requires_expiry=True),
}


def normalise_number(number: str) -> str:
    return re.sub(r"\s+", "", number or "").upper()


def default_valid_until(*, scheme: str, valid_from: datetime.date) -> datetime.date | None:
    """The last valid day when the holder gives none: 3 years for 绿色食品, 1 for 有机 …"""
    rule = SCHEME_RULES[scheme]
    if rule.years is None:
        return None
    return valid_from + relativedelta(years=rule.years) - datetime.timedelta(days=1)


def validate_certification(certification: Certification) -> None:
    """Format of the number for its scheme, and a validity window that makes sense."""
    errors = {}
    rule = SCHEME_RULES.get(certification.scheme)
    number = normalise_number(certification.number)
    if rule and rule.pattern and not re.fullmatch(rule.pattern, number):
        errors["number"] = ValidationError(
            _("This is not a %(scheme)s certificate number (expected a number like %(example)s)."),
            code="certificate_number_format",
            params={"scheme": certification.get_scheme_display(), "example": rule.example},
        )
    if rule and rule.requires_expiry and not certification.valid_until:
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
            .values("number", "valid_from", "valid_until", "scan")
            .first()
        )
        stored_scan = before.pop("scan") if before else ""
        if stored_scan and stored_scan != certification.scan.name:
            replaced_scan = stored_scan
        changed = before != {
            "number": certification.number,
            "valid_from": certification.valid_from,
            "valid_until": certification.valid_until,
        }
        if before and (changed or stored_scan != certification.scan.name):
            certification.verified = False
            certification.verified_by = None
            certification.verified_at = None
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


def certificates_for(user):
    """Certificates ``user`` may see and change: platform staff all, cooperative people their cooperatives'."""
    return scope_to_cooperatives(Certification.objects.select_related("holder"), user, path="holder")


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
