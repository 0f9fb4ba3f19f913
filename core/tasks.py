"""Background work of the ground floor: the outbox sweep."""

from celery import shared_task

from core.outbox import outbox_sweep


@shared_task(name="core.tasks.sweep_outbox_task")
def sweep_outbox_task() -> dict[str, int]:
    """Publish outbox messages whose first publication failed (broker or mail outage) and are due again.

    Side effects: the waiting tasks on the broker; old sent messages deleted. Idempotent.
    """
    return outbox_sweep()
