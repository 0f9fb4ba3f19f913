"""The outbox (发件箱): side effects recorded with the write, published after the commit.

A write that must start background work (an e-mail, a statement, an import) calls
``outbox_enqueue`` inside its transaction. The task's dotted name and arguments become a
row of that same transaction, so the work exists exactly when the write does. After the
commit the row is published:

* with a broker, the task is sent to it over a fresh connection with a short connect
  timeout (``CELERY_BROKER_CONNECTION_TIMEOUT``), no publish retries and no result
  backend round trip; if the broker is down the row stays pending;
* in the embedded mode (eager Celery) the task runs in-process, once; if it fails (an SMTP
  outage) the row stays pending.

Either way the failure is logged and never reaches the request: the user sees the saved
result. ``outbox_sweep`` (Celery beat every minute; ``manage.py outbox_sweep`` in the
embedded mode, which has no beat) publishes what waits, each message after a pause that
doubles from ``OUTBOX_RETRY_SECONDS`` up to an hour, and gives up after
``OUTBOX_MAX_ATTEMPTS`` (the Django admin lists such messages and sends them again).

Tasks take ids and are idempotent: a message can be published twice (a crash between
publishing it and recording that it was), and e-mail tasks send each message once anyway
(``core.mail.send_once``).
"""

from __future__ import annotations

import datetime
import enum
import logging
import time
from collections.abc import Iterable

from celery import current_app
from celery.app.task import Task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)
MAX_PAUSE = datetime.timedelta(hours=1)
# Broker URL -> monotonic time until which this process does not try it again: after one
# failed publication the other messages of the same request (an order from three
# cooperatives has four) wait for the sweep instead of each waiting for the timeout.
_broker_resting: dict[str, float] = {}


class Publication(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # not pending, not due yet, or taken by another process


def outbox_enqueue(*, task: str | Task, args: Iterable = (), kwargs: dict | None = None) -> OutboxMessage:
    """Record ``task(*args, **kwargs)`` in the current transaction; publish it once that commits.

    Call it inside the transaction of the write (outside one, the row commits at once and
    is published straight away). Arguments must be JSON: ids and short strings.
    Side effects: an ``OutboxMessage``; after the commit, the task on the broker or run in-process.
    """
    message = OutboxMessage(task=task if isinstance(task, str) else task.name, args=list(args), kwargs=kwargs or {})
    message.full_clean()
    message.save()
    message_id = message.pk
    # robust: even a bug in publishing is logged, never turned into an error page after the commit.
    transaction.on_commit(lambda: outbox_publish(message_id=message_id), robust=True)
    return message


def _pause(attempts: int) -> datetime.timedelta:
    pause = datetime.timedelta(seconds=settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0))
    return min(pause, MAX_PAUSE)


def _claim(message_id: int, *, waiting_too: bool) -> OutboxMessage | None:
    """Take a pending message for one attempt, or None if it is not ours to try now.

    The attempt counter is the claim: of two processes that read the same count only one
    updates the row. The next attempt is set before trying, so a process that dies
    mid-attempt leaves a message the sweep picks up after the pause.
    """
    message = OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING).first()
    now = timezone.now()
    if message is None or (message.next_attempt_at > now and not waiting_too):
        return None
    attempt = message.attempts + 1
    taken = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING, attempts=message.attempts).update(
        attempts=attempt, next_attempt_at=now + _pause(attempt)
    )
    if not taken:
        return None
    message.attempts = attempt
    return message


def _deliver(message: OutboxMessage) -> None:
    app = current_app
    if app.conf.task_always_eager:
        # Called directly, a task raises its first error instead of retrying in-process:
        # the outbox is the retry loop of the embedded mode.
        task = app.tasks.get(message.task) or import_string(message.task)
        task(*message.args, **message.kwargs)
        return
    # A fresh connection with the short connect timeout and one quick retry (kombu would
    # otherwise keep retrying for the whole timeout); no publish retries and no result
    # backend (nobody waits for the result): a broker outage costs a refused connection or two.
    timeout = app.conf.broker_connection_timeout
    with app.connection_for_write(transport_options={"socket_timeout": timeout}) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0.1, interval_step=0.1, timeout=timeout)
        app.send_task(
            message.task,
            args=message.args,
            kwargs=message.kwargs,
            connection=connection,
            retry=False,
            ignore_result=True,
        )


def _broker_url() -> str | None:
    """The broker's URL, or None in the embedded mode (tasks run in-process)."""
    app = current_app
    return None if app.conf.task_always_eager else str(app.conf.broker_url)


def outbox_publish(*, message_id: int, waiting_too: bool = False) -> Publication:
    """Publish one pending message if it is due (or waiting, with ``waiting_too``).

    Never raises for a broker or task failure: it is logged and recorded on the message,
    which then waits for the sweep; after ``OUTBOX_MAX_ATTEMPTS`` the message is given up.
    A broker that failed in this process less than ``OUTBOX_BROKER_REST_SECONDS`` ago is
    not tried: the message waits, untouched, for the sweep.
    Side effects: the task on the broker or run in-process; the message's status.
    """
    broker = _broker_url()
    if broker and time.monotonic() < _broker_resting.get(broker, 0.0):
        return Publication.SKIPPED
    message = _claim(message_id, waiting_too=waiting_too)
    if message is None:
        return Publication.SKIPPED
    try:
        _deliver(message)
    except Exception as error:  # an outage of the broker or of what the task talks to
        if broker:
            _broker_resting[broker] = time.monotonic() + settings.OUTBOX_BROKER_REST_SECONDS
        gave_up = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.GAVE_UP if gave_up else OutboxStatus.PENDING,
            last_error=f"{error.__class__.__name__}: {error}"[:2000],
        )
        (logger.error if gave_up else logger.warning)(
            "outbox: %s #%s, attempt %s failed%s: %r",
            message.task,
            message.pk,
            message.attempts,
            " (given up)" if gave_up else "; it waits for the sweep",
            error,
        )
        return Publication.FAILED
    _broker_resting.pop(broker, None)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
    return Publication.SENT


def outbox_sweep(*, waiting_too: bool = False, limit: int = 500) -> dict[str, int]:
    """Publish the pending messages that are due (every pending one with ``waiting_too``).

    With a broker the sweep stops at the first failure: the broker is down and the rest
    would only wait on it too. Sent messages older than ``OUTBOX_KEEP_DAYS`` are deleted.
    Returns how many were sent, failed, are still pending, and were pruned.
    """
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    if not waiting_too:
        pending = pending.filter(next_attempt_at__lte=timezone.now())
    ids = list(pending.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    counts = {"sent": 0, "failed": 0}
    broker = _broker_url()
    if broker:
        _broker_resting.pop(broker, None)  # the sweep always tries: it is the retry
    for message_id in ids:
        result = outbox_publish(message_id=message_id, waiting_too=waiting_too)
        if result != Publication.SKIPPED:
            counts[str(result)] += 1
        if result == Publication.FAILED and broker:
            break
    counts["pending"] = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
    counts["pruned"] = outbox_prune()
    return counts


def outbox_prune() -> int:
    """Delete sent messages older than ``OUTBOX_KEEP_DAYS`` (pending and given-up ones stay)."""
    horizon = timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _by_model = OutboxMessage.objects.filter(status=OutboxStatus.SENT, created_at__lt=horizon).delete()
    return deleted


def outbox_send_again(*, message_ids: Iterable[int]) -> int:
    """Staff: publish these messages now, whatever their state (given up, waiting or sent).

    Safe for sent ones too: tasks are idempotent and e-mails already sent are not sent again.
    Side effects: the messages reset to pending and published. Returns how many left now.
    """
    ids = list(message_ids)
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    return sum(outbox_publish(message_id=pk) == Publication.SENT for pk in ids)
