"""Outages never turn a saved write into an error page, and no e-mail is lost or sent twice.

The broker refusing connections (tasks not eager), then coming back; the mail server
refusing connections in the embedded mode (eager tasks), then coming back. The same
flows with a real worker on PostgreSQL are in tests/test_outages_worker.py.
"""

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model

from core.models import OutboxMessage, OutboxStatus, SentMail
from core.outbox import outbox_send_again
from marketplace.fulfilment.models import FulfilmentStatus
from partners.models import CooperativeApplication
from tests.fulfilment.builders import part
from tests.outage import (
    APPLICANT_EMAIL,
    BUYER_EMAIL,
    OFFICER_EMAIL,
    REFUSED,
    apply_as_cooperative,
    celery_broker,
    outbox_tasks,
    place_order,
    queued_task_names,
    ship,
    shop_with_cooperatives,
)

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")

FULFILMENT_MAIL = "marketplace.fulfilment.tasks.send_fulfilment_email_task"
APPLICATION_MAIL = "partners.tasks.send_application_emails_task"
# The three writes leave five messages: a new order for each cooperative and the buyer's
# confirmation, the shipment, the application.
EXPECTED_TASKS = sorted([FULFILMENT_MAIL] * 4 + [APPLICATION_MAIL])
# ... and six e-mails: the application goes to the applicant and the county's officer.
EXPECTED_RECIPIENTS = sorted(
    [BUYER_EMAIL, BUYER_EMAIL, "pork@coop.example.cn", "mango@coop.example.cn", APPLICANT_EMAIL, OFFICER_EMAIL]
)
QUICK = 5.0  # seconds; the broker's retry loops took 19.5 s before


def three_writes(data, capture=None) -> dict:
    """Place an order, ship cooperative A's part, and apply as a new cooperative; the timed answers."""
    placed = place_order(data, capture)
    order = Order.objects.get(user=data["buyer"])
    shipped = ship(part(order, data["a"]), data["a_user"], capture)
    applied = apply_as_cooperative(data["county"], capture)
    return {"placed": placed, "shipped": shipped, "applied": applied, "order": order}


def assert_saved_and_answered(data, writes) -> None:
    """Each write answered with its saved result, quickly, and nothing is lost."""
    placed, shipped, applied, order = writes["placed"], writes["shipped"], writes["applied"], writes["order"]
    assert placed.response.status_code == 302 and placed.response["Location"].endswith("/checkout/thank-you/")
    assert order.fulfilments.count() == 2
    assert shipped.response.status_code == 302
    assert part(order, data["a"]).status == FulfilmentStatus.SHIPPED
    application = CooperativeApplication.objects.get()
    assert applied.response.status_code == 200
    assert application.reference in applied.response.content.decode()  # the reference is shown
    assert max(placed.seconds, shipped.seconds, applied.seconds) < QUICK, (
        placed.seconds,
        shipped.seconds,
        applied.seconds,
    )


def test_broker_refusing_connections(django_capture_on_commit_callbacks, mailoutbox):
    # given the broker refuses connections and tasks are not run in-process
    data = shop_with_cooperatives()
    with celery_broker(f"redis://{REFUSED}/0"):
        # when the buyer orders, the cooperative ships and a cooperative applies
        writes = three_writes(data, django_capture_on_commit_callbacks)

    # then each answers its saved result at once, the reference number included
    assert_saved_and_answered(data, writes)
    # and every side effect waits in the outbox; the broker was tried (and refused), then left
    # alone for a few seconds, so the other jobs did not each wait for it; nothing was sent
    assert outbox_tasks(status=OutboxStatus.PENDING) == EXPECTED_TASKS
    tried = OutboxMessage.objects.filter(attempts__gt=0)
    assert tried.exists() and all("refused" in message.last_error.lower() for message in tried)
    assert mailoutbox == []

    # when the broker is back and the sweep runs
    with celery_broker("memory://") as app:
        call_command("outbox_sweep", "--all")
        queued = queued_task_names(app)
        # then each task is on the broker once, and a second sweep publishes nothing more
        assert sorted(queued) == EXPECTED_TASKS
        assert outbox_tasks(status=OutboxStatus.SENT) == EXPECTED_TASKS
        call_command("outbox_sweep", "--all")
        assert queued_task_names(app) == []


def test_mail_server_refusing_connections_in_the_embedded_mode(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    # given tasks run in-process (eager) and the mail server refuses connections
    host, port = REFUSED.split(":")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = host, int(port), 2
    data = shop_with_cooperatives()

    # when the buyer orders, the cooperative ships and a cooperative applies
    writes = three_writes(data, django_capture_on_commit_callbacks)

    # then each answers its saved result (no error page after the commit)
    assert_saved_and_answered(data, writes)
    # and the e-mail tasks wait in the outbox, nothing recorded as sent
    assert outbox_tasks(status=OutboxStatus.PENDING) == EXPECTED_TASKS
    assert SentMail.objects.count() == 0

    # when the mail server is back and the embedded mode's sweep runs
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("outbox_sweep", "--all")

    # then every e-mail goes out once
    assert sorted(address for message in mailoutbox for address in message.to) == EXPECTED_RECIPIENTS
    assert SentMail.objects.count() == len(EXPECTED_RECIPIENTS)
    assert outbox_tasks(status=OutboxStatus.SENT) == EXPECTED_TASKS
    # and sweeping again, or running every task again, sends nothing more
    call_command("outbox_sweep", "--all")
    outbox_send_again(message_ids=OutboxMessage.objects.values_list("pk", flat=True))
    assert len(mailoutbox) == len(EXPECTED_RECIPIENTS)
