"""The outbox: recorded with the write, published after commit, retried by the sweep, visible to staff."""

import datetime

import pytest
from celery import shared_task
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from core.models import OutboxMessage, OutboxStatus
from core.outbox import Publication, outbox_enqueue, outbox_publish, outbox_sweep
from tests.factories import UserFactory
from tests.outage import REFUSED, celery_broker, queued_task_names

pytestmark = pytest.mark.django_db
CALLS: list = []
FAILURES_LEFT = {"count": 0}


@shared_task(name="tests.core.test_outbox.remember_task")
def remember_task(value: int) -> None:
    """Test task: remembers its argument; fails while FAILURES_LEFT says so (a mail server that is down)."""
    if FAILURES_LEFT["count"]:
        FAILURES_LEFT["count"] -= 1
        raise ConnectionRefusedError(111, "Connection refused")
    CALLS.append(value)


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()
    FAILURES_LEFT["count"] = 0


def message() -> OutboxMessage:
    return OutboxMessage.objects.get()


def test_recorded_with_the_write_and_published_only_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            recorded = outbox_enqueue(task=remember_task, args=(7,))
            assert message().status == OutboxStatus.PENDING and message().task == "tests.core.test_outbox.remember_task"
        assert CALLS == []  # not before the commit
    assert CALLS == [7]
    assert message().pk == recorded.pk and message().status == OutboxStatus.SENT and message().sent_at is not None


def test_a_write_rolled_back_leaves_no_side_effect(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox_enqueue(task=remember_task, args=(7,))
        raise RuntimeError("the write failed")
    assert callbacks == [] and CALLS == [] and not OutboxMessage.objects.exists()


def test_a_failure_waits_with_growing_pauses_and_is_never_raised(django_capture_on_commit_callbacks, caplog):
    # given a task that fails three times (embedded mode: run in-process)
    FAILURES_LEFT["count"] = 3
    start = timezone.now()
    with freeze_time(start):
        with django_capture_on_commit_callbacks(execute=True):
            outbox_enqueue(task=remember_task, args=(1,))
        # then the error is logged, not raised, and the message waits a minute
        failed = message()
        assert (failed.status, failed.attempts) == (OutboxStatus.PENDING, 1)
        assert "ConnectionRefusedError" in failed.last_error and "it waits for the sweep" in caplog.text
        assert failed.next_attempt_at == start + datetime.timedelta(minutes=1)
        # and a sweep before then leaves it alone
        assert outbox_sweep() == {"sent": 0, "failed": 0, "pending": 1, "pruned": 0}

    # when the sweep runs at each due time, the pause doubles until the task goes through
    pauses = []
    for _attempt in range(3):
        due = message().next_attempt_at
        pauses.append(due - (start if not pauses else start + sum(pauses, datetime.timedelta())))
        with freeze_time(due):
            outbox_sweep()
    assert pauses == [datetime.timedelta(minutes=n) for n in (1, 2, 4)]
    assert message().status == OutboxStatus.SENT and message().attempts == 4 and CALLS == [1]


def test_given_up_after_the_last_attempt_and_sent_again_by_staff(settings, client, django_capture_on_commit_callbacks):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    FAILURES_LEFT["count"] = 5
    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task=remember_task, args=(3,))
    outbox_sweep(waiting_too=True)
    assert message().status == OutboxStatus.GAVE_UP and message().attempts == 2
    assert outbox_sweep(waiting_too=True)["sent"] == 0  # the sweep leaves it to staff

    # the Django admin lists it; staff send it again once the outage is over
    FAILURES_LEFT["count"] = 0
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:core_outboxmessage_changelist")
    page = client.get(changelist, {"status__exact": "gave_up"})
    assert page.status_code == 200 and "tests.core.test_outbox.remember_task" in page.content.decode()
    client.post(changelist, {"action": "send_again", "_selected_action": [message().pk]})
    assert message().status == OutboxStatus.SENT and CALLS == [3]


def test_only_staff_with_permission_see_the_outbox_and_the_ledger(client):
    for user in (UserFactory(), UserFactory(is_staff=True)):  # a buyer; staff without the model permission
        client.force_login(user)
        for name in ("admin:core_outboxmessage_changelist", "admin:core_sentmail_changelist"):
            assert client.get(reverse(name)).status_code in (302, 403)


def test_a_message_is_published_once_however_often_it_is_asked(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        recorded = outbox_enqueue(task=remember_task, args=(5,))
    assert outbox_publish(message_id=recorded.pk) == Publication.SKIPPED  # already sent
    assert outbox_publish(message_id=recorded.pk, waiting_too=True) == Publication.SKIPPED
    call_command("outbox_sweep", "--all")
    assert CALLS == [5]


def test_with_the_broker_down_the_sweep_stops_at_the_first_failure(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_BROKER_REST_SECONDS = 0
    with celery_broker(f"redis://{REFUSED}/0"):
        for value in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                outbox_enqueue(task=remember_task, args=(value,))
        assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 1, 1]
        counts = outbox_sweep(waiting_too=True)
    assert counts["failed"] == 1 and counts["pending"] == 3
    assert sorted(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 1, 2]

    with celery_broker("memory://") as app:
        assert outbox_sweep(waiting_too=True)["sent"] == 3
        assert queued_task_names(app) == ["tests.core.test_outbox.remember_task"] * 3


def test_sent_messages_are_pruned_after_the_keeping_period(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_KEEP_DAYS = 30
    with freeze_time(timezone.now() - datetime.timedelta(days=31)), django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task=remember_task, args=(1,))
    FAILURES_LEFT["count"] = 100
    with freeze_time(timezone.now() - datetime.timedelta(days=31)), django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task=remember_task, args=(2,))  # keeps failing: waits, never pruned
    assert outbox_sweep()["pruned"] == 1
    assert list(OutboxMessage.objects.values_list("args", flat=True)) == [[2]]


def test_after_a_failure_the_broker_is_left_alone_for_a_few_seconds(settings, django_capture_on_commit_callbacks):
    """An order from three cooperatives records four jobs: with the broker down only the first waits for it."""
    settings.OUTBOX_BROKER_REST_SECONDS = 5
    with celery_broker(f"redis://{REFUSED}/0"):
        with django_capture_on_commit_callbacks(execute=True):
            for value in range(4):
                outbox_enqueue(task=remember_task, args=(value,))
        assert sorted(OutboxMessage.objects.values_list("attempts", flat=True)) == [0, 0, 0, 1]
        assert outbox_sweep(waiting_too=True)["failed"] == 1  # the sweep tries anyway (then stops)
    with celery_broker("memory://") as app:  # another broker (back, or a second one) is not affected
        assert outbox_sweep(waiting_too=True)["sent"] == 4
        assert len(queued_task_names(app)) == 4
