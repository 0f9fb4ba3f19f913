"""Background work of reserved-share filings: reminders before the deadline and to late units."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.mail import MAIL_TASK_OPTIONS, Mail, absolute_url, recipient_language, send_all_once
from marketplace.procurement import access, filings
from marketplace.procurement.models import BudgetUnit, FilingEvent, ReservedShareFiling

FOLDER = "procurement/filings/emails"


def _filing_url(unit_id: int, year: int):
    return lambda: absolute_url(reverse("procurement:filing", kwargs={"unit": unit_id, "year": year}))


def filing_reminder_mails(*, today: datetime.date) -> list[Mail]:
    """The reminders due ``today``: to each manager of each active unit that has not submitted its
    filing for a year, once when the deadline is ``PROCUREMENT_FILING_REMINDER_DAYS`` days away or
    nearer, and once after it has passed (unless a late filing is allowed until a later day).

    Years considered: this one and the next (a deadline for next year may fall this year).
    """
    days = settings.PROCUREMENT_FILING_REMINDER_DAYS
    mails = []
    units = list(BudgetUnit.objects.filter(is_active=True).select_related("jurisdiction", "jurisdiction__parent"))
    for year in (today.year, today.year + 1):
        filed = {
            filing.unit_id: filing
            for filing in ReservedShareFiling.objects.filter(year=year).only("unit_id", "status", "extended_until")
        }
        deadlines = {}
        for unit in units:
            if unit.jurisdiction_id not in deadlines:
                row = filings.deadline_for(unit=unit, year=year)
                deadlines[unit.jurisdiction_id] = row.deadline if row else None
            deadline = deadlines[unit.jurisdiction_id]
            filing = filed.get(unit.pk)
            if deadline is None or (filing is not None and filing.status in filings.FILED):
                continue
            if today <= deadline <= today + datetime.timedelta(days=days):
                kind = "reminder"
            elif today > deadline and not (filing and filing.extended_until and filing.extended_until >= today):
                kind = "late"
            else:
                continue
            for user in access.people_to_tell(unit.pk, "manager"):
                mails.append(
                    Mail(
                        key=f"filing:{unit.pk}:{year}:{kind}:user:{user.pk}",
                        to=user.email,
                        language=recipient_language(getattr(user, "preferred_language", None)),
                        template=kind,
                        context={"unit": unit, "year": year, "deadline": deadline, "url": _filing_url(unit.pk, year)},
                        folder=FOLDER,
                    )
                )
    return mails


@shared_task(name="marketplace.procurement.tasks_filings.send_filing_reminders_task", **MAIL_TASK_OPTIONS)
def send_filing_reminders_task() -> int:
    """Daily: remind units' managers of the filing deadline, and tell late units (see
    ``filing_reminder_mails``).

    Side effects: e-mails, each recorded in the e-mail ledger under a unique key
    (``filing:<unit>:<year>:reminder|late:user:<id>``), so each is sent once however often the
    task runs. Returns how many were sent.
    """
    return send_all_once(filing_reminder_mails(today=timezone.localdate()))


def _review_url() -> str:
    return absolute_url(reverse("procurement:filing-review"))


def filing_step_mails(*, event: FilingEvent) -> list[Mail]:
    """Who hears of a filing's step: the managers of the supervising unit of a submission (a top
    unit's is reviewed by platform staff, who work from the review list), the unit's own managers of
    a return, with the reason, and of an approval."""
    filing = event.filing
    unit = filing.unit
    if event.action == FilingEvent.Action.SUBMITTED:
        people = access.people_to_tell(unit.parent_id, "manager")
        url = _review_url
    else:
        people, url = access.people_to_tell(unit.pk, "manager"), _filing_url(unit.pk, filing.year)
    return [
        Mail(
            key=f"filing-event:{event.pk}:user:{user.pk}",
            to=user.email,
            language=recipient_language(getattr(user, "preferred_language", None)),
            template=f"step_{event.action}",
            context={"unit": unit, "year": filing.year, "reason": event.note, "url": url},
            folder=FOLDER,
        )
        for user in people
    ]


@shared_task(name="marketplace.procurement.tasks_filings.send_filing_step_email_task", **MAIL_TASK_OPTIONS)
def send_filing_step_email_task(event_id: int) -> int:
    """The e-mails of one step of a filing (``filing_step_mails``), each sent once (key
    ``filing-event:<event>:user:<id>``). Returns how many were sent."""
    event = FilingEvent.objects.select_related("filing__unit").filter(pk=event_id).first()
    if event is None:
        return 0
    return send_all_once(filing_step_mails(event=event))
