"""Background work of the CMS, run by Celery beat (see CELERY_BEAT_SCHEDULE)."""

import io

from celery import shared_task
from django.core.management import call_command


@shared_task(name="cms.tasks.publish_scheduled_pages_task")
def publish_scheduled_pages_task() -> str:
    """Publish pages whose go-live time has come and unpublish expired ones (labor posts).

    Side effects: page publication state, Wagtail's log entries. Idempotent: a second
    run finds nothing due.
    """
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()
