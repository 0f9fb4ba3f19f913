"""Writes of job applications (求职报名): apply, record outcomes, show a number, delete, purge.

Each write is one transaction. Nothing here sends mail or enqueues work.
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.i18n import default_language_page
from cms.models import LaborPostPage
from core.identifiers import mainland_mobile, reference_generate
from labor import selectors
from labor.models import ApplicationStatus, JobApplication, PhoneAccess
from partners.models import County

RETENTION_MONTHS = 3  # 稳岗: still employed three months after being hired
_S = ApplicationStatus
#: The timestamp each outcome sets (first time only).
_OUTCOME_TIMESTAMPS = {
    _S.CONTACTED: "contacted_at",
    _S.HIRED: "hired_at",
    _S.RETAINED: "retained_at",
    _S.NOT_SUITABLE: "not_suitable_at",
}


# --------------------------------------------------------------------------- values
def application_reference_generate() -> str:
    """A new, unused reference number (报名编号): ``BM`` + date + four random characters."""
    return reference_generate(
        prefix="BM", taken=lambda reference: JobApplication.objects.filter(reference=reference).exists()
    )


def _months_after(moment: datetime.date, months: int) -> datetime.date:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


# --------------------------------------------------------------------------- job seekers
def application_submit(
    *,
    post: LaborPostPage,
    name: str,
    mobile: str,
    home_county: County | None = None,
    poverty_alleviated: bool,
    low_income: bool = False,
    consented: bool,
    language: str = "",
) -> tuple[JobApplication, bool]:
    """A job seeker applies to a labor post (求职报名); returns the application and whether it is new.

    Checks everything before writing: the post takes applications (not a public-welfare post,
    公益岗位, which the authorities allocate; published, today within its validity), a name, a
    mainland mobile number, an assisted home county if one is given, at most one declared group
    (脱贫劳动力 or 农村低收入人口), and the consent
    (whose text version, ``LABOR_CONSENT_VERSION``, is recorded with the time).
    Applying again to the same post with the same number updates the existing application and
    keeps its reference and outcome (the reference is not shown again to whoever sent the repeat:
    see ``labor.selectors.application_reference_shown``); an application to a translated post is
    recorded against the default-language post. Side effects: one row written or updated; nothing
    is sent.
    """
    errors: dict[str, list[ValidationError]] = {}
    if not post.takes_applications:
        raise ValidationError(selectors.public_welfare_refusal(post), code="public_welfare")
    if not selectors.post_accepts_applications(post):
        errors.setdefault("__all__", []).append(
            ValidationError(_("This job post is not open for applications."), code="post_closed")
        )
    name = " ".join((name or "").split())
    if not name:
        errors.setdefault("name", []).append(ValidationError(_("Enter your name."), code="required"))
    elif len(name) > JobApplication._meta.get_field("name").max_length:
        errors.setdefault("name", []).append(ValidationError(_("The name is too long."), code="max_length"))
    try:
        mobile = mainland_mobile(mobile)
    except ValidationError as error:
        errors.setdefault("mobile", []).append(error)
    if home_county is not None and not home_county.is_assisted:
        errors.setdefault("home_county", []).append(
            ValidationError(_("Choose an assisted county or leave it empty."), code="county_not_assisted")
        )
    if poverty_alleviated and low_income:
        errors.setdefault("low_income", []).append(
            ValidationError(
                _("Choose one: a poverty-alleviated worker or a member of a rural low-income household, not both."),
                code="one_group",
            )
        )
    if not consented:
        errors.setdefault("consent", []).append(
            ValidationError(_("We can pass on your application only with your consent."), code="consent_required")
        )
    if errors:
        raise ValidationError(errors)

    # Every language version of a post collects into one list, the default-language post's.
    post = default_language_page(post)
    values = {
        "name": name,
        "home_county": home_county,
        "poverty_alleviated": bool(poverty_alleviated),
        "low_income": bool(low_income),
        "consent_version": settings.LABOR_CONSENT_VERSION,
        "consented_at": timezone.now(),
        "language": (language or "")[:10],
    }
    with transaction.atomic():
        existing = JobApplication.objects.select_for_update().filter(post=post, mobile=mobile).first()
        if existing is None:
            application = JobApplication(post=post, mobile=mobile, reference=application_reference_generate(), **values)
            application.full_clean(validate_constraints=False)
            try:
                with transaction.atomic():  # a twin request may have created it a moment ago
                    application.save()
                return application, True
            except IntegrityError:
                existing = JobApplication.objects.select_for_update().filter(post=post, mobile=mobile).first()
                if existing is None:
                    raise
        for field, value in values.items():
            setattr(existing, field, value)
        existing.full_clean(validate_constraints=False)
        existing.save(update_fields=[*values, "updated_at"])
    return existing, False


def application_anonymise_by_applicant(*, application: JobApplication) -> JobApplication:
    """The applicant deletes their application (删除个人信息): name and mobile number are cleared.

    Post, home county, target group and outcome stay for the statistics; the access log stays.
    Side effects: the row is updated. Deleting a deleted application changes nothing.
    """
    with transaction.atomic():
        locked = JobApplication.objects.select_for_update().get(pk=application.pk)
        if locked.anonymised_at is None:
            locked.name, locked.mobile, locked.anonymised_at = "", "", timezone.now()
            locked.save(update_fields=["name", "mobile", "anonymised_at", "updated_at"])
    application.name, application.mobile, application.anonymised_at = "", "", locked.anonymised_at
    return locked


# --------------------------------------------------------------------------- employers and staff
def _require_handler(*, user, application: JobApplication) -> None:
    if not selectors.may_handle_application(user=user, application=application):
        raise PermissionDenied(_("Only the post's employer and platform staff can do this."))


def application_phone_reveal(*, application: JobApplication, viewer) -> str:
    """Show the full mobile number to ``viewer`` (查看完整号码) and log it.

    Only the post's employer and platform staff; nothing for an anonymised application.
    Side effects: a PhoneAccess row (who, when, reference, "reveal"). Returns the number.
    """
    _require_handler(user=viewer, application=application)
    with transaction.atomic():
        locked = JobApplication.objects.select_for_update().get(pk=application.pk)
        if not locked.mobile:
            raise ValidationError(_("The applicant's personal data has been deleted."), code="anonymised")
        PhoneAccess.objects.create(
            application=locked,
            reference=locked.reference,
            actor=viewer,
            viewer_email=viewer.email or "",
            action=PhoneAccess.Action.REVEAL,
        )
    return locked.mobile


def application_outcome_set(*, application: JobApplication, status: str, user) -> JobApplication:
    """The employer or staff record what came of an application (就业结果): contacted, hired,
    retained (稳岗, three months after the hire at the earliest) or not suitable.

    Hiring someone not yet marked contacted records the contact too. Side effects: status and
    the outcome's timestamp (the first time it is reached) on the row.
    """
    _require_handler(user=user, application=application)
    with transaction.atomic():
        locked = JobApplication.objects.select_for_update().get(pk=application.pk)
        if status not in selectors.next_outcomes(locked):
            raise ValidationError(
                _("This application is “%(status)s”: “%(outcome)s” cannot be recorded now."),
                code="invalid_transition",
                params={
                    "status": locked.get_status_display(),
                    "outcome": ApplicationStatus(status).label if status in _S.values else status,
                },
            )
        now = timezone.now()
        if status == _S.RETAINED:
            earliest = _months_after(timezone.localtime(locked.hired_at).date(), RETENTION_MONTHS)
            if timezone.localdate() < earliest:
                raise ValidationError(
                    _("Retention can be recorded three months after the hire, from %(date)s."),
                    code="too_early",
                    params={"date": earliest.isoformat()},
                )
        changed = ["status", "updated_at"]
        locked.status = status
        stamp = _OUTCOME_TIMESTAMPS[status]
        if getattr(locked, stamp) is None:
            setattr(locked, stamp, now)
            changed.append(stamp)
        if status == _S.HIRED and locked.contacted_at is None:
            locked.contacted_at = now
            changed.append("contacted_at")
        locked.save(update_fields=changed)
    for field in changed:
        setattr(application, field, getattr(locked, field))
    return locked


# --------------------------------------------------------------------------- retention
def applications_purge_expired(*, today: datetime.date | None = None) -> int:
    """Anonymise applications whose post closed more than LABOR_APPLICATION_RETENTION_DAYS ago.

    Name and mobile number are cleared; post, county, target group and outcome stay for the
    statistics, and the access log is untouched. Side effects: one UPDATE. Idempotent.
    Returns how many applications were anonymised.
    """
    today = today or timezone.localdate()
    closed_before = today - datetime.timedelta(days=settings.LABOR_APPLICATION_RETENTION_DAYS)
    return JobApplication.objects.filter(anonymised_at__isnull=True, post__valid_until__lt=closed_before).update(
        name="", mobile="", anonymised_at=timezone.now(), updated_at=timezone.now()
    )
