"""Background work of job applications: the retention purge (个人信息到期删除)."""

from celery import shared_task

from labor import services


@shared_task(name="labor.tasks.purge_expired_applications_task")
def purge_expired_applications_task() -> int:
    """Anonymise applications kept past LABOR_APPLICATION_RETENTION_DAYS after their post closed.

    Side effects: names and mobile numbers cleared (see ``services.applications_purge_expired``);
    counts, outcomes and the access log stay. Idempotent. Returns how many were anonymised.
    """
    return services.applications_purge_expired()
