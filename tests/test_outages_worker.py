"""The outage flows of tests/test_outages.py on PostgreSQL with a real Celery worker on Redis.

The worker (see .ci/run) uses the test database and sends e-mail to an SMTP server on
127.0.0.1:$TEST_CELERY_SMTP_PORT that these tests start and stop: stopped, the port refuses
connections, as a mail server that is down.
"""

import os
import time

import pytest
from django.core.management import call_command

from core.models import OutboxStatus, SentMail
from tests.outage import REFUSED, SmtpSink, celery_broker, outbox_tasks, shop_with_cooperatives
from tests.test_outages import EXPECTED_RECIPIENTS, EXPECTED_TASKS, assert_saved_and_answered, three_writes

pytestmark = [
    pytest.mark.celery,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def smtp_port(celery_worker_app) -> int:
    return int(os.environ.get("TEST_CELERY_SMTP_PORT", "2525"))


def wait_for(condition, *, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not finish in time"
        time.sleep(0.2)


def received_everything(sink: SmtpSink) -> None:
    """Every expected e-mail arrives, then nothing more (a duplicate would arrive within a retry or two)."""
    wait_for(lambda: len(sink.messages) >= len(EXPECTED_RECIPIENTS))
    time.sleep(3)
    assert sink.recipients() == EXPECTED_RECIPIENTS
    assert SentMail.objects.count() == len(EXPECTED_RECIPIENTS)


def test_broker_refusing_connections_with_a_worker(smtp_port):
    # given the broker refuses connections
    data = shop_with_cooperatives()
    with celery_broker(f"redis://{REFUSED}/0"):
        # when the buyer orders, the cooperative ships and a cooperative applies (real commits)
        writes = three_writes(data)

    # then each answers its saved result quickly; the side effects wait in the outbox
    assert_saved_and_answered(data, writes)
    assert outbox_tasks(status=OutboxStatus.PENDING) == EXPECTED_TASKS

    # when the broker is back and the sweep runs, the worker sends every e-mail once
    with SmtpSink(smtp_port) as sink, celery_broker(os.environ["TEST_CELERY_BROKER_URL"]):
        call_command("outbox_sweep", "--all")
        assert outbox_tasks(status=OutboxStatus.SENT) == EXPECTED_TASKS
        received_everything(sink)


def test_mail_server_refusing_connections_with_a_worker(smtp_port):
    # given the broker works and the mail server refuses connections (the sink is not started)
    data = shop_with_cooperatives()
    with celery_broker(os.environ["TEST_CELERY_BROKER_URL"]):
        writes = three_writes(data)

    # then each write answers its saved result and its tasks reach the broker
    assert_saved_and_answered(data, writes)
    assert outbox_tasks(status=OutboxStatus.SENT) == EXPECTED_TASKS
    # and the worker, failing to send, records nothing as sent and retries with backoff
    time.sleep(2)
    assert SentMail.objects.count() == 0

    # when the mail server is back, the retries deliver each e-mail once
    with SmtpSink(smtp_port) as sink:
        received_everything(sink)
