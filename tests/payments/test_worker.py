"""A real Celery worker applies a stored webhook event (the CI's PostgreSQL pass with a worker on Redis)."""

import pytest

from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus
from marketplace.payments.models import PaymentStatus, StripeEvent
from tests.payments import stripe_fake
from tests.payments.helpers import fresh, online_order


@pytest.mark.celery
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_applies_a_success_and_releases_the_order(celery_worker_app, fake_stripe):
    world, user, order, payment = online_order()
    payload = stripe_fake.succeeded(payment)
    # stored as the webhook stores it; the worker, not this process, applies it
    event = StripeEvent.objects.create(event_id=payload["id"], type=payload["type"], payload=payload, payment=payment)

    result = celery_worker_app.send_task("marketplace.payments.tasks.apply_stripe_event_task", args=(event.pk,))
    assert result.get(timeout=60) == "paid"

    assert fresh(payment).status == PaymentStatus.SUCCEEDED
    assert set(Fulfilment.objects.filter(order=order).values_list("status", flat=True)) == {FulfilmentStatus.TO_SHIP}
    event.refresh_from_db()
    assert event.processed_at is not None and event.outcome == "paid"
    # sent again (a redelivery), the worker changes nothing
    again = celery_worker_app.send_task("marketplace.payments.tasks.apply_stripe_event_task", args=(event.pk,))
    assert again.get(timeout=60) == "paid"
    assert fresh(payment).paid_at is not None
