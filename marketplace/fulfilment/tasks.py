"""Background work of orders: e-mails of each step, automatic acceptance, settlement statements."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from core.mail import MAIL_TASK_OPTIONS, send_all_once
from marketplace.fulfilment import emails, services
from marketplace.fulfilment.models import Fulfilment

logger = logging.getLogger(__name__)


@shared_task(name="marketplace.fulfilment.tasks.send_fulfilment_email_task", **MAIL_TASK_OPTIONS)
def send_fulfilment_email_task(fulfilment_id: int, kind: str) -> int:
    """Send the e-mails of one fulfilment step (see ``fulfilment.emails.mails_for``).

    Side effects: e-mails to the buyer and/or the cooperative's staff, each recorded in the
    e-mail ledger (``core.mail.send_once``), so a task delivered twice, or retried after an
    SMTP error part way, sends nothing twice. Retried with backoff on SMTP and network
    errors. Returns how many were sent.
    """
    fulfilment = Fulfilment.objects.select_related("order", "order__user", "partner").filter(pk=fulfilment_id).first()
    if fulfilment is None:
        return 0
    return send_all_once(emails.mails_for(fulfilment=fulfilment, kind=kind))


@shared_task(name="marketplace.fulfilment.tasks.auto_accept_fulfilments_task")
def auto_accept_fulfilments_task() -> int:
    """Accept deliveries buyers left unaccepted (see ``services.fulfilments_auto_accept``)."""
    return services.fulfilments_auto_accept()


@shared_task(name="marketplace.fulfilment.tasks.generate_settlement_statement_task")
def generate_settlement_statement_task(statement_id: int) -> str:
    """Build one settlement statement and its XLSX and PDF (see ``services.statement_generate``).

    A failure is recorded on the statement (status "failed" with the error) for staff to retry.
    """
    try:
        statement = services.statement_generate(statement_id=statement_id)
    except Exception as error:  # recorded for staff, then re-raised for the worker's log
        logger.exception("settlement statement %s failed", statement_id)
        services.statement_mark_failed(statement_id=statement_id, error=str(error) or error.__class__.__name__)
        raise
    return statement.status if statement else "missing"


@shared_task(name="marketplace.fulfilment.tasks.generate_monthly_statements_task")
def generate_monthly_statements_task() -> int:
    """On the 1st: last month's statements for every cooperative with sales or returns in it."""
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return services.statements_request_month(period=last_month)
