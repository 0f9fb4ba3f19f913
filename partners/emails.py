"""E-mails of cooperative onboarding (入驻申请通知): who hears about which step, in which language.

Built by ``partners.tasks.send_application_emails_task`` after the step has committed;
each message has a key in the e-mail ledger (``core.mail``), so it is sent once.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode

from core.mail import Mail, absolute_url, recipient_language
from partners.models import ApplicationEvent, ApplicationStatus, CooperativeApplication
from partners.selectors import APPLICANT_VISIBLE_NOTES, county_officers, platform_reviewers

Action = ApplicationEvent.Action
FOLDER = "partners/emails"


def _status_url(application: CooperativeApplication):
    return lambda: absolute_url(reverse("cooperatives:status") + "?" + urlencode({"reference": application.reference}))


def _review_url(application: CooperativeApplication):
    return lambda: absolute_url(reverse("cooperatives:review-detail", kwargs={"reference": application.reference}))


def _set_password_url(user):
    def build() -> str:
        token = default_token_generator.make_token(user)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return absolute_url(reverse("password-reset-confirm", kwargs={"uidb64": uid, "token": token}))

    return build


def _cooperative_user(application: CooperativeApplication):
    if application.partner is None:
        return None
    return application.partner.users.filter(email__iexact=application.contact_email.strip()).first()


def mails_for_event(*, event: ApplicationEvent, applicant_language: str | None = None) -> list[Mail]:
    """Every e-mail a step sends: the applicant always; officers on a new or returned-and-corrected
    application; platform staff when the county recommends or the applicant answers their request."""
    application = event.application
    applicant_language = recipient_language(applicant_language)
    base = {
        "application": application,
        "event": event,
        "action": event.action,
        "status_label": application.get_status_display,
        "note": event.note if event.action in APPLICANT_VISIBLE_NOTES else "",
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    applicant: dict = {**base, "status_url": _status_url(application)}
    template = "applicant_update"
    if event.action == Action.APPROVE:
        template = "applicant_approved"
        user = _cooperative_user(application)
        applicant["account_email"] = user.email if user else application.contact_email
        applicant["has_password"] = bool(user and user.has_usable_password())
        applicant["login_url"] = lambda: absolute_url(reverse("customer:login"))
        applicant["dashboard_url"] = lambda: absolute_url(reverse("dashboard:index"))
        if user is not None and not user.has_usable_password():
            applicant["set_password_url"] = _set_password_url(user)
    mails = [
        Mail(
            key=f"application-event:{event.pk}:applicant",
            to=application.contact_email,
            language=applicant_language,
            template=template,
            context=applicant,
            folder=FOLDER,
        )
    ]

    reviewers = []
    if event.action == Action.SUBMIT or (
        event.action == Action.RESUBMIT and application.status == ApplicationStatus.SUBMITTED
    ):
        reviewers = list(county_officers(county=application.county))
    elif event.action == Action.RECOMMEND or (
        event.action == Action.RESUBMIT and application.status == ApplicationStatus.RECOMMENDED
    ):
        reviewers = list(platform_reviewers())
    for reviewer in reviewers:
        context = {**base, "reviewer": reviewer, "review_url": _review_url(application)}
        mails.append(
            Mail(
                key=f"application-event:{event.pk}:reviewer:{reviewer.pk}",
                to=reviewer.email,
                language=recipient_language(reviewer.preferred_language),
                template="reviewer_notice",
                context=context,
                folder=FOLDER,
            )
        )
    return mails
