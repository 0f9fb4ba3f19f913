"""Job application pages (求职报名): apply, look up and delete; the employer's list; statistics.

Thin views: forms check the input, ``labor.services`` decides and writes, ``labor.selectors``
says who may see what. A full mobile number leaves the server only in the response to a
"show number" POST by the post's employer or platform staff, and each time is logged.
"""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.access import is_platform_staff, refuse
from core.converters import parse_database_id
from core.forms import add_service_errors
from core.http import client_ip_for_limits, within_limit
from core.identifiers import reference_normalise
from core.spreadsheets import csv_writer
from labor import selectors, services
from labor.forms import ApplicationFilterForm, ApplyForm, LookupForm, OutcomeForm, StatisticsFilterForm
from labor.models import ApplicationStatus, JobApplication

SESSION_KEY = "job_applications"  # ids of applications this browser has proven it may see
LAST_SUBMITTED_KEY = "job_application_submitted"
PAGE_SIZE = 25
NOT_FOUND = gettext_lazy(
    "We found no application with this reference number and mobile number. Check both and try again."
)


# --------------------------------------------------------------------------- helpers


def _grant(request: HttpRequest, applications) -> None:
    granted = set(request.session.get(SESSION_KEY, []))
    granted.update(application.pk for application in applications)
    request.session[SESSION_KEY] = sorted(granted)


def _post_refused(request: HttpRequest, post) -> HttpResponse:
    """A post that takes no applications: say why, and where the open ones are."""
    live = post if post is not None and post.live else None  # an unpublished post is not named
    closed = live is not None and live.valid_until < timezone.localdate()
    return render(
        request,
        "labor/post_closed.html",
        {"post": live, "closed": closed, "jobs": selectors.labor_post_index()},
        status=410 if closed else 404,
    )


# --------------------------------------------------------------------------- job seekers
@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, post_id: int) -> HttpResponse:
    """The application form of one open post (求职报名): no account needed, no script needed."""
    post = selectors.post_for_application(post_id=post_id)
    if post is not None and post.live and not post.takes_applications:
        # 公益岗位: allocated by the authorities; the township office answers, no form is offered.
        return render(request, "labor/public_welfare.html", {"post": post}, status=403)
    if post is None or not selectors.post_accepts_applications(post):
        return _post_refused(request, post)
    if request.method == "GET":
        return render(request, "labor/apply.html", {"post": post, "form": ApplyForm()})

    form = ApplyForm(request.POST)
    context = {"post": post, "form": form}
    if not form.is_valid():
        return render(request, "labor/apply.html", context, status=400)
    data = form.cleaned_data
    # Only a valid application counts: a mistyped number costs the address (a whole carrier's
    # CGNAT address, at times) nothing.
    if not within_limit(
        f"labor:apply:ip:{client_ip_for_limits(request)}",
        limit=settings.LABOR_APPLY_LIMIT_PER_IP,
        window=settings.LABOR_APPLY_WINDOW_SECONDS,
    ) or not within_limit(
        f"labor:apply:mobile:{salted_hmac('labor:apply:mobile', data['mobile']).hexdigest()}",  # no number in cache
        limit=settings.LABOR_APPLY_LIMIT_PER_MOBILE,
        window=settings.LABOR_APPLY_WINDOW_SECONDS,
    ):
        return render(request, "labor/apply.html", {**context, "rate_limited": True}, status=429)
    try:
        application, created = services.application_submit(
            post=post,
            name=data["name"],
            mobile=data["mobile"],
            home_county=data["home_county"],
            poverty_alleviated=data["poverty_alleviated"],
            low_income=data["low_income"],
            consented=data["consent"],
            language=get_language(),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "labor/apply.html", context, status=400)
    # A repeat application grants nothing: whoever typed the number may not be its holder.
    if selectors.application_reference_shown(
        created=created, application=application, granted_ids=request.session.get(SESSION_KEY, [])
    ):
        _grant(request, [application])
    request.session[LAST_SUBMITTED_KEY] = {"id": application.pk, "created": created}
    return redirect("labor:apply-done")


@never_cache
def apply_done(request: HttpRequest) -> HttpResponse:
    """What was just sent: its reference number if this browser holds the application, how to see or delete it."""
    submitted = request.session.get(LAST_SUBMITTED_KEY) or {}
    application = (
        selectors.applications_granted(ids=request.session.get(SESSION_KEY, [])).filter(pk=submitted.get("id")).first()
    )
    show_reference = application is not None
    if application is None:  # a repeat application from a browser that does not hold it
        application = selectors.application_submitted(application_id=submitted.get("id"))
    if application is None:
        return redirect("labor:my")
    return render(
        request,
        "labor/apply_done.html",
        {
            "application": application,
            "created": submitted.get("created", True),
            "show_reference": show_reference,
            "retention_days": settings.LABOR_APPLICATION_RETENTION_DAYS,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def my_lookup(request: HttpRequest) -> HttpResponse:
    """The job seeker gives the reference number and mobile number to see their applications."""
    form = LookupForm.from_request(request)
    if not (form.is_bound and form.is_valid()):
        return render(request, "labor/my_lookup.html", {"form": form}, status=400 if form.is_bound else 200)
    # Only a well-formed lookup counts: it is the kind that could guess someone's reference.
    if not within_limit(
        f"labor:lookup:ip:{client_ip_for_limits(request)}",
        limit=settings.LABOR_LOOKUP_LIMIT_PER_IP,
        window=settings.LABOR_LOOKUP_WINDOW_SECONDS,
    ):
        return render(
            request,
            "labor/my_lookup.html",
            {"form": LookupForm(initial={"reference": form.cleaned_data["reference"]}), "rate_limited": True},
            status=429,
        )
    applications = selectors.applications_for_applicant(
        reference=form.cleaned_data["reference"], mobile=form.cleaned_data["mobile"]
    )
    if not applications:
        form.add_error(None, NOT_FOUND)
        return render(request, "labor/my_lookup.html", {"form": form}, status=404)
    _grant(request, applications)
    return redirect("labor:my-applications")


@never_cache
def my_applications(request: HttpRequest) -> HttpResponse:
    """The applications this browser looked up: post, employer, outcome, and a way to delete each."""
    applications = list(selectors.applications_granted(ids=request.session.get(SESSION_KEY, [])))
    if not applications:
        return redirect("labor:my")
    return render(request, "labor/my_applications.html", {"applications": applications})


@never_cache
@require_POST
def my_delete(request: HttpRequest, reference: str) -> HttpResponse:
    """The job seeker deletes one application they looked up (name and number are erased)."""
    application = (
        selectors.applications_granted(ids=request.session.get(SESSION_KEY, []))
        .filter(reference=reference_normalise(reference))
        .first()
    )
    if application is None:
        raise Http404
    services.application_anonymise_by_applicant(application=application)
    messages.success(
        request,
        _("Application %(reference)s is deleted: your name and mobile number have been erased.")
        % {"reference": application.reference},
    )
    return redirect("labor:my-applications")


# --------------------------------------------------------------------------- employers and staff
def _require_viewer(request: HttpRequest) -> None:
    if not selectors.may_see_applications(request.user):
        refuse(_("This page is for employers with job posts and for platform staff."))


@never_cache
@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    """Applications to the viewer's posts (staff: all), filtered by post and outcome; CSV export."""
    _require_viewer(request)
    filters = ApplicationFilterForm(request.GET or None, posts=selectors.posts_for_viewer(user=request.user))
    post_id, status = None, ""
    if filters.is_valid():
        post_id, status = filters.cleaned_data["post"], filters.cleaned_data["status"]
    applications = selectors.applications_for_viewer(user=request.user, post_id=post_id, status=status)
    if request.GET.get("export") == "csv":
        return _export_csv(applications)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "labor/application_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "applications": page.object_list,
            "query": query.urlencode(),
        },
    )


EXPORT_HEADERS = (
    gettext_lazy("Reference number"),
    gettext_lazy("Applied at"),
    gettext_lazy("Job post"),
    gettext_lazy("Employer"),
    gettext_lazy("Job seeker"),
    gettext_lazy("Mobile number"),
    gettext_lazy("Home county"),
    gettext_lazy("Poverty-alleviated worker"),
    gettext_lazy("Rural low-income household"),
    gettext_lazy("Outcome"),
)


def _export_csv(applications) -> HttpResponse:
    """The filtered applications as CSV (UTF-8 with BOM, so Excel shows Chinese); numbers masked."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv_writer(buffer)  # names typed by job seekers cannot run as formulas
    writer.writerow(EXPORT_HEADERS)
    for application in applications.iterator(chunk_size=500):
        writer.writerow(
            [
                application.reference,
                timezone.localtime(application.created_at).strftime("%Y-%m-%d %H:%M"),
                application.post.title,
                application.post.employer.name,
                application.name,
                application.masked_mobile,
                application.home_county.name if application.home_county_id else "",
                _("Yes") if application.poverty_alleviated else _("No"),
                _("Yes") if application.low_income else _("No"),
                application.get_status_display(),
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="job-applications-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _viewer_application(request: HttpRequest, reference: str) -> JobApplication:
    application = selectors.application_for_viewer(user=request.user, reference=reference)
    if application is None:
        raise Http404
    return application


def _render_detail(request: HttpRequest, application: JobApplication, *, revealed_mobile: str = "") -> HttpResponse:
    response = render(
        request,
        "labor/application_detail.html",
        {
            "application": application,
            "revealed_mobile": revealed_mobile,
            "outcomes": [ApplicationStatus(value) for value in selectors.next_outcomes(application)],
            "may_handle": selectors.may_handle_application(user=request.user, application=application),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
def application_detail(request: HttpRequest, reference: str) -> HttpResponse:
    _require_viewer(request)
    return _render_detail(request, _viewer_application(request, reference))


@never_cache
@login_required
@require_POST
def application_reveal(request: HttpRequest, reference: str) -> HttpResponse:
    """Show the full number to this viewer, in this response only (logged by the service)."""
    _require_viewer(request)
    application = _viewer_application(request, reference)
    try:
        mobile = services.application_phone_reveal(application=application, viewer=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("labor:application", reference=application.reference)
    return _render_detail(request, application, revealed_mobile=mobile)


@never_cache
@login_required
@require_POST
def application_outcome(request: HttpRequest, reference: str) -> HttpResponse:
    """Record an outcome: contacted, hired, retained (稳岗) or not suitable."""
    _require_viewer(request)
    application = _viewer_application(request, reference)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome."))
        return redirect("labor:application", reference=application.reference)
    try:
        services.application_outcome_set(application=application, status=form.cleaned_data["status"], user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Outcome recorded: %(outcome)s.") % {"outcome": application.get_status_display()},
        )
    return redirect("labor:application", reference=application.reference)


@never_cache
@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Applications, contacts, hires and retention by home county, campaign and target group (staff),
    for one year (this year unless another, or all years, is chosen)."""
    if not is_platform_staff(request.user):
        refuse(_("This page is for platform staff."))
    years = selectors.statistics_years()
    form = StatisticsFilterForm(request.GET or None, years=years)
    year = form.chosen_year()
    if not (form.is_bound and form.is_valid()):  # a wrong year is not an error: this year is shown
        form = StatisticsFilterForm(None, years=years, initial={"year": str(year)})
    return render(
        request,
        "labor/statistics.html",
        {"statistics": selectors.application_statistics(year=year), "filter_form": form},
    )


# --------------------------------------------------------------------------- cooperatives
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cooperative_posting(request: HttpRequest) -> HttpResponse:
    """A cooperative's people post seasonal work for their own cooperative (合作社季节性用工).

    POST enables the cooperative's employer account for this user (``cms.services``) and opens the
    admin's job post form, with its moderation and wording rules. Another cooperative's id is not
    found and changes nothing.
    """
    from cms.services import cooperative_employer_enable
    from partners.access import cooperatives_of

    cooperatives = cooperatives_of(request.user).select_related("county").order_by("name")
    if not cooperatives:
        refuse(_("This page is for the people of an active cooperative."))
    jobs = selectors.labor_post_index_default_language()
    if request.method == "POST":
        cooperative = cooperatives.filter(pk=parse_database_id(request.POST.get("cooperative"))).first()
        if cooperative is None:
            raise Http404
        if jobs is None:
            messages.error(request, _("The jobs pages are not set up yet. Please ask the platform staff."))
            return redirect("labor:cooperative-posting")
        try:
            cooperative_employer_enable(cooperative=cooperative, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("labor:cooperative-posting")
        return redirect("wagtailadmin_pages:add", "cms", "laborpostpage", jobs.pk)
    return render(request, "labor/cooperative_posting.html", {"cooperatives": cooperatives})
