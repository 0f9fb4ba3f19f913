"""Reads of job applications (求职报名): which posts take them, who may see which, statistics."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.i18n import in_visitor_locale
from cms.models import LaborPostIndexPage, LaborPostPage
from cms.selectors import employers_of
from core.access import is_platform_staff
from core.identifiers import reference_normalise
from labor.models import ApplicationStatus, JobApplication

_S = ApplicationStatus
#: Outcome → the outcomes that may follow it. Hiring implies contact; retention (稳岗) follows a hire;
#: "not suitable" may be reconsidered. Retained is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    _S.NEW: (_S.CONTACTED, _S.HIRED, _S.NOT_SUITABLE),
    _S.CONTACTED: (_S.HIRED, _S.NOT_SUITABLE),
    _S.HIRED: (_S.RETAINED,),
    _S.NOT_SUITABLE: (_S.CONTACTED,),
    _S.RETAINED: (),
}


# --------------------------------------------------------------------------- posts
def post_accepts_applications(post: LaborPostPage, *, today=None) -> bool:
    """A post takes applications while it is published and today lies in its validity window."""
    today = today or timezone.localdate()
    return bool(post.takes_applications and post.live and post.valid_from <= today <= post.valid_until)


def public_welfare_refusal(post: LaborPostPage) -> str:
    """Why a public-welfare post (公益岗位) takes no application, and whom to ask instead."""
    return _(
        "Public-welfare posts are allocated by the authorities to eligible people: they take no applications "
        "here. Ask the township office of %(town)s: %(name)s, %(phone)s."
    ) % {
        "town": f"{post.work_county.name if post.work_county_id else ''}{post.work_town}",
        "name": post.township_contact_name,
        "phone": post.township_contact_phone.as_national if post.township_contact_phone else "",
    }


def post_for_application(*, post_id: int) -> LaborPostPage | None:
    """The labor post ``post_id`` (published or not) with its employer and place, or None."""
    return LaborPostPage.objects.select_related("employer", "work_county").filter(pk=post_id).first()


def labor_post_index() -> LaborPostIndexPage | None:
    """The page listing open posts (/jobs/) in the visitor's language, where a refused applicant is sent."""
    return in_visitor_locale(LaborPostIndexPage.objects.live()).first()


def labor_post_index_default_language() -> LaborPostIndexPage | None:
    """The jobs index in the default language, under which employers and cooperatives add posts."""
    from cms.i18n import locale_ids

    _active, default = locale_ids()
    pages = LaborPostIndexPage.objects.all()
    if default is not None:
        pages = pages.filter(locale_id=default)
    return pages.order_by("path").first()


# --------------------------------------------------------------------------- applicants
def applications_for_applicant(*, reference: str, mobile: str) -> list[JobApplication]:
    """The applications of the person who holds ``reference`` and ``mobile`` (normalised).

    Empty for any mismatch, without saying which half was wrong. When the pair matches,
    every application with that mobile number is returned, the looked-up one first.
    """
    reference = reference_normalise(reference)
    if not reference or not mobile:
        return []
    if not JobApplication.objects.filter(reference=reference, mobile=mobile, anonymised_at__isnull=True).exists():
        return []
    applications = list(
        JobApplication.objects.select_related("post", "post__employer", "post__work_county")
        .filter(mobile=mobile, anonymised_at__isnull=True)
        .order_by("-created_at", "-pk")
    )
    applications.sort(key=lambda application: application.reference != reference)
    return applications


def applications_granted(*, ids) -> QuerySet[JobApplication]:
    """Applications this browser proved it may see (by ids kept in its session), not anonymised."""
    return (
        JobApplication.objects.select_related("post", "post__employer", "post__work_county")
        .filter(pk__in=list(ids or []), anonymised_at__isnull=True)
        .order_by("-created_at", "-pk")
    )


def application_reference_shown(*, created: bool, application: JobApplication, granted_ids) -> bool:
    """Whether the browser that just sent ``application`` may be shown its reference number.

    Reference and mobile number together open the application (see it, delete it), and anyone
    may type anyone's number into the form. So the reference is shown to a new application, and
    to a repeat only in a browser that already holds the application (it applied before, or
    looked it up with the reference). Any other repeat — the applicant on another phone, or
    someone who knows their number — learns only that the application was updated.
    """
    return bool(created) or application.pk in set(granted_ids or ())


def application_submitted(*, application_id) -> JobApplication | None:
    """The application this browser has just sent (id from its session), not anonymised, or None.

    For the confirmation page only, which shows its post and masked number, not its reference.
    """
    if not isinstance(application_id, int):
        return None
    return (
        JobApplication.objects.select_related("post", "post__employer", "post__work_county")
        .filter(pk=application_id, anonymised_at__isnull=True)
        .first()
    )


# --------------------------------------------------------------------------- employers and staff
def is_employer_user(user) -> bool:
    """A person in some employer's staff accounts (Employer.users, 用人单位)."""
    return employers_of(user).exists()


def may_see_applications(user) -> bool:
    """Platform staff (``core.access.is_platform_staff``) see every application, employers' people their posts'."""
    return is_platform_staff(user) or is_employer_user(user)


def may_handle_application(*, user, application: JobApplication) -> bool:
    """Whether ``user`` may see the full number and record outcomes: staff, or the post's employer."""
    if is_platform_staff(user):
        return True
    # Not cached: access is checked fresh (a cooperative's people lose it when they leave it).
    return employers_of(user).filter(pk=application.post.employer_id).exists()


def applications_for_viewer(*, user, post_id: int | None = None, status: str = "") -> QuerySet[JobApplication]:
    """Applications ``user`` may see: all for platform staff, their employers' posts' for employer users."""
    applications = JobApplication.objects.select_related("post", "post__employer", "home_county")
    if not is_platform_staff(user):
        if not (user.is_authenticated and user.is_active):
            return applications.none()
        applications = applications.filter(post__employer__in=employers_of(user))
    if post_id:
        applications = applications.filter(post_id=post_id)
    if status:
        applications = applications.filter(status=status)
    return applications.order_by("-created_at", "-pk")


def application_for_viewer(*, user, reference: str) -> JobApplication | None:
    """The application with ``reference`` if ``user`` may see it, else None (another employer's is None)."""
    return applications_for_viewer(user=user).filter(reference=reference_normalise(reference)).first()


def posts_for_viewer(*, user) -> QuerySet[LaborPostPage]:
    """Posts offered in the applications filter: those with applications the user may see."""
    posts = LaborPostPage.objects.filter(applications__isnull=False)
    if not is_platform_staff(user):
        posts = posts.filter(employer__in=employers_of(user))
    return posts.distinct().order_by("-valid_from", "title")


def next_outcomes(application: JobApplication) -> list[str]:
    """Outcomes that may be recorded next on ``application``."""
    return list(TRANSITIONS.get(application.status, ()))


# --------------------------------------------------------------------------- statistics
@dataclass(frozen=True)
class OutcomeCounts:
    """Applications and how far they got (报名, 已联系, 已录用, 稳岗)."""

    label: str
    applications: int
    contacted: int
    hired: int
    retained: int
    not_suitable: int
    poverty_alleviated: int = 0
    low_income: int = 0


def _outcome_counts() -> dict:
    return {
        "applications": Count("pk"),
        "contacted": Count("pk", filter=Q(contacted_at__isnull=False)),
        "hired": Count("pk", filter=Q(hired_at__isnull=False)),
        "retained": Count("pk", filter=Q(retained_at__isnull=False)),
        "not_suitable": Count("pk", filter=Q(status=ApplicationStatus.NOT_SUITABLE)),
        "poverty_alleviated_count": Count("pk", filter=Q(poverty_alleviated=True)),
        "low_income_count": Count("pk", filter=Q(low_income=True)),
    }


def _row(label: str, values: dict) -> OutcomeCounts:
    return OutcomeCounts(
        label=label,
        applications=values["applications"],
        contacted=values["contacted"],
        hired=values["hired"],
        retained=values["retained"],
        not_suitable=values["not_suitable"],
        poverty_alleviated=values["poverty_alleviated_count"],
        low_income=values["low_income_count"],
    )


#: (poverty-alleviated, low-income) → the group's label, in the order the table lists them.
TARGET_GROUPS = {
    (True, False): _("Poverty-alleviated workers"),
    (False, True): _("Rural low-income people"),
    (False, False): _("Other job seekers"),
}


@dataclass(frozen=True)
class ApplicationStatistics:
    year: int | None
    total: OutcomeCounts
    by_county: list[OutcomeCounts]
    by_campaign: list[OutcomeCounts]
    by_target_group: list[OutcomeCounts]


def application_statistics(*, year: int | None = None) -> ApplicationStatistics:
    """Counts of applications, contacted, hired and retained (稳岗): in all, by home county, by
    campaign and by target group (脱贫劳动力, 农村低收入人口, others); every row also counts the
    applicants of each group. Four queries whatever the number of rows.

    ``year`` keeps the applications made in that year (Beijing time); None counts every year.
    Anonymised applications count too: only their name and number are gone.
    """
    applications = JobApplication.objects.order_by()
    if year:
        applications = applications.filter(created_at__year=year)
    counts = _outcome_counts()
    total = _row("", applications.aggregate(**counts))
    by_county = [
        _row(row["home_county__name"] or str(_("Not given")), row)
        for row in applications.values("home_county_id", "home_county__name")
        .annotate(**counts)
        .order_by("home_county__prefecture", "home_county__name")
    ]
    by_campaign = [
        _row(row["post__campaign__title"] or str(_("No campaign")), row)
        for row in applications.values("post__campaign_id", "post__campaign__title")
        .annotate(**counts)
        .order_by("-post__campaign__start_date", "post__campaign__title")
    ]
    order = list(TARGET_GROUPS)
    groups = applications.values("poverty_alleviated", "low_income").annotate(**counts)
    by_target_group = [
        _row(str(TARGET_GROUPS[key]), row)
        for key, row in sorted(
            (((row["poverty_alleviated"], row["low_income"]), row) for row in groups),
            key=lambda pair: order.index(pair[0]),
        )
    ]
    return ApplicationStatistics(
        year=year, total=total, by_county=by_county, by_campaign=by_campaign, by_target_group=by_target_group
    )


def statistics_years() -> list[int]:
    """Years that have applications, newest first, and always this year (for the statistics filter)."""
    from django.db.models.functions import ExtractYear

    years = set(
        JobApplication.objects.order_by()
        .annotate(year=ExtractYear("created_at"))
        .values_list("year", flat=True)
        .distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)
