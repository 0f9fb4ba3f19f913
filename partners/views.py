"""Cooperative onboarding pages (供应商入驻): apply, follow the status, review.

Thin views: forms check the input, ``partners.services`` decides and writes,
``partners.selectors`` says who may see what.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.access import is_platform_staff, refuse
from core.forms import add_service_errors
from core.http import client_ip_for_limits, within_limit
from core.identifiers import reference_normalise
from partners import selectors, services
from partners.forms import ApplicationForm, ResubmitForm, ReviewFilterForm, ReviewNoteForm, StatusLookupForm
from partners.models import ApplicationEvent, CooperativeApplication

SESSION_KEY = "cooperative_applications"  # ids of applications this browser has proven it may see
LAST_REFERENCE_KEY = "cooperative_application_submitted"
LOOKUP_LIMIT = 10
LOOKUP_WINDOW_SECONDS = 10 * 60
NOT_FOUND = _("We found no application with this reference number and contact. Check both and try again.")
Action = ApplicationEvent.Action


# --------------------------------------------------------------------------- helpers


def _grant(request: HttpRequest, application: CooperativeApplication) -> None:
    granted = set(request.session.get(SESSION_KEY, []))
    granted.add(application.pk)
    request.session[SESSION_KEY] = sorted(granted)


def _granted_application(request: HttpRequest, reference: str) -> CooperativeApplication:
    """The application, if this browser looked it up (or submitted it); else 404."""
    application = (
        CooperativeApplication.objects.select_related("county")
        .filter(reference=reference_normalise(reference), pk__in=request.session.get(SESSION_KEY, []))
        .first()
    )
    if application is None:
        raise Http404
    return application


def _lookup_allowed(request: HttpRequest) -> bool:
    """At most LOOKUP_LIMIT lookups per address in a window, so references cannot be enumerated."""
    return within_limit(
        f"partners:status-lookup:{client_ip_for_limits(request)}", limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW_SECONDS
    )


NOT_A_REVIEWER = _("This page is for county officers and platform staff.")


# --------------------------------------------------------------------------- applicant
@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The public application form (入驻申请): no account needed."""
    posted = request.method == "POST"
    form = ApplicationForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_submit(
                kind=data["kind"],
                name=data["name"],
                credit_code=data["credit_code"],
                county=data["county"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                households_linked=data["households_linked"],
                farmer_linkage=data["farmer_linkage"],
                description=data["description"],
                sells_processed_food=data["sells_processed_food"],
                business_licence=form.new_upload("business_licence"),
                bank_licence=form.new_upload("bank_licence"),
                food_licence=form.new_upload("food_licence"),
                language=get_language(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _grant(request, application)
            request.session[LAST_REFERENCE_KEY] = application.reference
            return redirect("cooperatives:apply-done")
    return render(request, "partners/apply.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def apply_done(request: HttpRequest) -> HttpResponse:
    """The reference number of what was just submitted, and where to follow it."""
    reference = request.session.get(LAST_REFERENCE_KEY)
    if not reference:
        return redirect("cooperatives:apply")
    application = _granted_application(request, reference)
    return render(request, "partners/apply_done.html", {"application": application})


@never_cache
@require_http_methods(["GET", "POST"])
def status_lookup(request: HttpRequest) -> HttpResponse:
    """The applicant gives the reference number and their mobile number or e-mail."""
    form = StatusLookupForm.from_request(request)
    if not (form.is_bound and form.is_valid()):
        return render(request, "partners/status_lookup.html", {"form": form}, status=400 if form.is_bound else 200)
    # Only a well-formed lookup counts against the address: a typo costs nothing.
    if not _lookup_allowed(request):
        return render(
            request,
            "partners/status_lookup.html",
            {"form": StatusLookupForm(initial=request.POST.dict()), "rate_limited": True},
            status=429,
        )
    application = selectors.application_for_applicant(
        reference=form.cleaned_data["reference"], contact=form.cleaned_data["contact"]
    )
    if application is None:
        form.add_error(None, NOT_FOUND)
        return render(request, "partners/status_lookup.html", {"form": form}, status=404)
    _grant(request, application)
    return redirect("cooperatives:status-detail", reference=application.reference)


@never_cache
def status_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """Status and history of one application, for the applicant who looked it up."""
    application = _granted_application(request, reference)
    return render(
        request,
        "partners/status_detail.html",
        {
            "application": application,
            "history": selectors.application_history_for_applicant(application=application),
            "can_correct": application.status in selectors.CORRECTABLE_STATUSES,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def resubmit(request: HttpRequest, reference: str) -> HttpResponse:
    """The applicant corrects a returned application or adds the information asked for."""
    application = _granted_application(request, reference)
    if application.status not in selectors.CORRECTABLE_STATUSES:
        messages.info(request, _("This application cannot be changed now."))
        return redirect("cooperatives:status-detail", reference=application.reference)
    history = selectors.application_history_for_applicant(application=application)
    request_note = next((event.note for event in reversed(history) if event.note and event.action != "resubmit"), "")
    current_status = application.get_status_display()
    posted = request.method == "POST"
    form = ResubmitForm(request.POST if posted else None, request.FILES if posted else None, instance=application)
    if posted and form.is_valid():
        data = form.cleaned_data
        changes = {field: data[field] for field in services.APPLICANT_FIELDS}
        try:
            services.application_resubmit(
                application=application,
                changes=changes,
                business_licence=form.new_upload("business_licence"),
                bank_licence=form.new_upload("bank_licence"),
                food_licence=form.new_upload("food_licence"),
                note=data.get("note", ""),
                language=get_language(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your corrected application has been sent."))
            return redirect("cooperatives:status-detail", reference=application.reference)
    return render(
        request,
        "partners/resubmit.html",
        {"application": application, "form": form, "request_note": request_note, "current_status": current_status},
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- reviewers
@dataclass
class ReviewStep:
    action: str
    slug: str
    button: str
    note_label: str
    note_required: bool
    style: str
    form: ReviewNoteForm | None


ACTION_SLUGS = {
    "recommend": Action.RECOMMEND,
    "return": Action.RETURN,
    "approve": Action.APPROVE,
    "reject": Action.REJECT,
    "request-info": Action.REQUEST_INFO,
}
STEP_TEXT = {
    Action.RECOMMEND: (_("Recommend"), _("Remark (internal, optional)"), False, "btn-success"),
    Action.RETURN: (_("Return for correction"), _("Reason, sent to the applicant"), True, "btn-outline-danger"),
    Action.APPROVE: (_("Approve"), "", False, "btn-success"),
    Action.REJECT: (_("Reject"), _("Reason, sent to the applicant"), True, "btn-outline-danger"),
    Action.REQUEST_INFO: (
        _("Ask for more information"),
        _("What is needed, sent to the applicant"),
        True,
        "btn-outline-secondary",
    ),
}


def _review_steps(user, application, bound: dict | None = None) -> list[ReviewStep]:
    steps = []
    for slug, action in ACTION_SLUGS.items():
        if action not in selectors.review_actions(user=user, application=application):
            continue
        button, note_label, required, style = STEP_TEXT[action]
        form = None
        if note_label:
            form = (bound or {}).get(slug) or ReviewNoteForm(prefix=slug)
            form.fields["note"].label = note_label
            form.fields["note"].required = required
        steps.append(ReviewStep(action, slug, button, note_label, required, style, form))
    return steps


def _render_review_detail(request, application, bound: dict | None = None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "partners/review_detail.html",
        {
            "application": application,
            "events": selectors.application_events_for_reviewer(application=application),
            "steps": _review_steps(request.user, application, bound),
            "is_platform_reviewer": is_platform_staff(request.user),
        },
        status=status,
    )


@never_cache
@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    """Applications to review: officers see their counties', platform staff all, with filters."""
    if not selectors.may_review(request.user):
        refuse(NOT_A_REVIEWER)
    counties = selectors.review_filter_counties(user=request.user)
    filters = ReviewFilterForm(request.GET or None, counties=counties)
    status, county = "", None
    if filters.is_valid():
        status, county = filters.cleaned_data["status"], filters.cleaned_data["county"]
    applications = selectors.applications_for_reviewer(user=request.user, status=status, county=county)
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partners/review_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "query": query.urlencode(),
            "is_platform_reviewer": is_platform_staff(request.user),
        },
    )


@never_cache
@login_required
def review_detail(request: HttpRequest, reference: str) -> HttpResponse:
    if not selectors.may_review(request.user):
        refuse(NOT_A_REVIEWER)
    application = selectors.application_for_reviewer(user=request.user, reference=reference)
    if application is None:
        raise Http404
    return _render_review_detail(request, application)


@never_cache
@login_required
@require_POST
def review_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """One review step: recommend / return (county), approve / reject / request-info (platform)."""
    if action not in ACTION_SLUGS:
        raise Http404
    if not selectors.may_review(request.user):
        refuse(NOT_A_REVIEWER)
    application = selectors.application_for_reviewer(user=request.user, reference=reference)
    if application is None:
        raise Http404
    form = ReviewNoteForm(request.POST, prefix=action)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    user = request.user
    try:
        if action == "recommend":
            services.application_recommend(application=application, officer=user, note=note)
            done = _("Recommended: the platform will review it.")
        elif action == "return":
            services.application_return(application=application, officer=user, reason=note)
            done = _("Returned to the applicant.")
        elif action == "approve":
            partner = services.application_approve(application=application, reviewer=user)
            done = _("Approved: %(name)s can now sell on the platform.") % {"name": partner.name}
        elif action == "reject":
            services.application_reject(application=application, reviewer=user, reason=note)
            done = _("Rejected; the applicant has been told why.")
        else:
            services.application_request_info(application=application, reviewer=user, message=note)
            done = _("The applicant has been asked for more information.")
    except ValidationError as error:
        if hasattr(error, "error_dict") and "note" in error.error_dict:
            form = ReviewNoteForm(request.POST, prefix=action)
            form.is_valid()
            form.add_error("note", error.error_dict["note"])
            application.refresh_from_db()
            return _render_review_detail(request, application, bound={action: form}, status=400)
        for message in error.messages:
            messages.error(request, message)
        return redirect("cooperatives:review-detail", reference=application.reference)
    messages.success(request, done)
    return redirect("cooperatives:review-detail", reference=application.reference)


DOCUMENT_FIELDS = {
    "business-licence": "business_licence",
    "bank-licence": "bank_licence",
    "food-licence": "food_licence",
}
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


@never_cache
@login_required
def review_document(request: HttpRequest, reference: str, document: str) -> FileResponse | HttpResponse:
    """A licence of an application, for its reviewers only (never a public media URL).

    Shown in the browser only when its first bytes say PDF, JPEG or PNG; anything else is
    downloaded as an attachment, so it can never run as a page of this site.
    """
    if document not in DOCUMENT_FIELDS:
        raise Http404
    if not selectors.may_review(request.user):
        refuse(NOT_A_REVIEWER)
    application = selectors.application_for_reviewer(user=request.user, reference=reference)
    field_file = getattr(application, DOCUMENT_FIELDS[document], None) if application else None
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404
    head = handle.read(8)
    handle.seek(0)
    content_type, extension = next(
        ((kind, ext) for magic, kind, ext in SIGNATURES if head.startswith(magic)), ("application/octet-stream", "bin")
    )
    inline = content_type != "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=f"{application.reference}-{document}.{extension}",
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if content_type != "application/pdf":  # Chromium's PDF viewer does not run in a sandbox
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response
