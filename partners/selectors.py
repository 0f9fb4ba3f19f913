"""Reads for cooperative onboarding (供应商入驻): what applicants and reviewers may see."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.access import is_platform_staff
from core.identifiers import reference_normalise
from partners.models import (
    ApplicationEvent,
    ApplicationStatus,
    AssistanceLevel,
    CooperativeApplication,
    County,
)
from partners.validators import normalise_credit_code

#: Statuses in which an application is still being handled: a second one for the same code is refused.
OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.RETURNED,
    ApplicationStatus.RECOMMENDED,
    ApplicationStatus.MORE_INFO,
)
#: Statuses in which the applicant may correct the application and send it again.
CORRECTABLE_STATUSES = (ApplicationStatus.RETURNED, ApplicationStatus.MORE_INFO)
#: Event notes written for the applicant (reasons, requests, their own remarks); the others are internal.
APPLICANT_VISIBLE_NOTES = (
    ApplicationEvent.Action.RETURN,
    ApplicationEvent.Action.REQUEST_INFO,
    ApplicationEvent.Action.REJECT,
    ApplicationEvent.Action.RESUBMIT,
)


def assisted_counties() -> QuerySet[County]:
    """Counties an applicant may register in (帮扶县), by prefecture then name."""
    return County.objects.exclude(assistance_level=AssistanceLevel.NONE).order_by("prefecture", "name")


def counties_grouped_by_prefecture(counties) -> list[tuple[str, list[tuple[int, str]]]]:
    """``[(prefecture, [(pk, name), …]), …]`` for a grouped ``<select>``."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for county in counties:
        groups.setdefault(county.prefecture, []).append((county.pk, county.name))
    return list(groups.items())


def open_application_for_credit_code(
    *, credit_code: str, exclude_pk: int | None = None
) -> CooperativeApplication | None:
    """The application still under review for this credit code, if any."""
    applications = CooperativeApplication.objects.filter(
        credit_code=normalise_credit_code(credit_code), status__in=OPEN_STATUSES
    )
    if exclude_pk is not None:
        applications = applications.exclude(pk=exclude_pk)
    return applications.order_by("created_at").first()


def _phone_e164(value: str) -> str | None:
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def application_for_applicant(*, reference: str, contact: str) -> CooperativeApplication | None:
    """The application with this reference whose contact mobile number or e-mail is ``contact``.

    Returns None for any mismatch, without saying which half was wrong.
    """
    reference = reference_normalise(reference)
    contact = (contact or "").strip()
    if not reference or not contact:
        return None
    application = CooperativeApplication.objects.select_related("county").filter(reference=reference).first()
    if application is None:
        return None
    if "@" in contact:
        matches = contact.casefold() == application.contact_email.strip().casefold()
    else:
        given = _phone_e164(contact)
        matches = given is not None and given == str(application.contact_phone)
    return application if matches else None


@dataclass(frozen=True)
class ApplicantEvent:
    """One line of the history shown to the applicant: no reviewer names, internal notes left out."""

    created_at: object
    action: str
    label: str
    note: str


def application_history_for_applicant(*, application: CooperativeApplication) -> list[ApplicantEvent]:
    """The application's steps as the applicant sees them (notes addressed to them only)."""
    return [
        ApplicantEvent(
            created_at=event.created_at,
            action=event.action,
            label=event.get_action_display(),
            note=event.note if event.action in APPLICANT_VISIBLE_NOTES else "",
        )
        for event in application.events.order_by("created_at", "pk")
    ]


def is_county_officer(user) -> bool:
    """A county officer (县级工作人员) is listed in some county's officers."""
    return bool(user.is_authenticated and user.is_active and user.counties.exists())


def may_review(user) -> bool:
    """Platform staff (平台工作人员) review every application, county officers their counties'."""
    return is_platform_staff(user) or is_county_officer(user)


def applications_for_reviewer(
    *, user, status: str = "", county: County | None = None
) -> QuerySet[CooperativeApplication]:
    """Applications ``user`` may review: all for platform staff, their own counties' for officers."""
    applications = CooperativeApplication.objects.select_related("county")
    if not is_platform_staff(user):
        if not is_county_officer(user):
            return applications.none()
        applications = applications.filter(county__officers=user)
    if status:
        applications = applications.filter(status=status)
    if county is not None:
        applications = applications.filter(county=county)
    return applications.order_by("-created_at", "-pk")


def application_for_reviewer(*, user, reference: str) -> CooperativeApplication | None:
    """The application with ``reference`` if ``user`` may review it, else None."""
    return (
        applications_for_reviewer(user=user)
        .select_related("partner")
        .filter(reference=reference_normalise(reference))
        .first()
    )


def review_filter_counties(*, user) -> QuerySet[County]:
    """Counties offered in the review list's filter."""
    if is_platform_staff(user):
        return County.objects.filter(applications__isnull=False).distinct().order_by("prefecture", "name")
    return user.counties.order_by("prefecture", "name")


def review_actions(*, user, application: CooperativeApplication) -> list[str]:
    """Review steps ``user`` may take on ``application`` now (names of ApplicationEvent.Action)."""
    actions: list[str] = []
    if application.status == ApplicationStatus.SUBMITTED and application.county.officers.filter(pk=user.pk).exists():
        actions += [ApplicationEvent.Action.RECOMMEND, ApplicationEvent.Action.RETURN]
    if application.status == ApplicationStatus.RECOMMENDED and is_platform_staff(user):
        actions += [
            ApplicationEvent.Action.APPROVE,
            ApplicationEvent.Action.REJECT,
            ApplicationEvent.Action.REQUEST_INFO,
        ]
    return actions


def application_events_for_reviewer(*, application: CooperativeApplication) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("created_at", "pk")


def county_officers(*, county: County):
    """Active officers of ``county`` with an e-mail address."""
    return county.officers.filter(is_active=True).exclude(email="")


def platform_reviewers():
    """Active platform staff with an e-mail address (told when a county recommends)."""
    return get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")


# --------------------------------------------------------------------------- priority counties (重点帮扶)
#: Filters by the plan's priority counties, for the shop and the jobs list: value → label.
PRIORITY_CHOICES = (
    ("key", _("Key-assistance county")),
    ("revolutionary", _("Old revolutionary base area")),
    ("ethnic", _("Ethnic autonomous county")),
    ("border", _("Border county")),
)


def priority_county_q(kind: str, *, path: str = "") -> Q:
    """Rows whose county (``path``, e.g. ``"origin_county__"``) is a priority county of ``kind``.

    ``key``: a national or autonomous-region key-assistance county (重点帮扶县). An unknown
    ``kind`` matches everything.
    """
    conditions = {
        "key": Q(**{f"{path}assistance_level": AssistanceLevel.NATIONAL})
        | Q(**{f"{path}regional_key_assistance": True}),
        "revolutionary": Q(**{f"{path}old_revolutionary_area": True}),
        "ethnic": Q(**{f"{path}ethnic_autonomous": True}),
        "border": Q(**{f"{path}border": True}),
    }
    return conditions.get(kind, Q())
