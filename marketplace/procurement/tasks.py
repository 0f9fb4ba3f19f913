"""The portal's Celery tasks live beside each area's services; the worker finds them all here."""

from marketplace.procurement.tasks_filings import send_filing_reminders_task, send_filing_step_email_task
from marketplace.procurement.tasks_orders import (
    expire_unapproved_orders_task,
    notify_late_parts_task,
    send_unit_order_email_task,
)
from marketplace.procurement.tasks_progress import generate_progress_export_task

__all__ = [
    "expire_unapproved_orders_task",
    "generate_progress_export_task",
    "notify_late_parts_task",
    "send_filing_reminders_task",
    "send_filing_step_email_task",
    "send_unit_order_email_task",
]
