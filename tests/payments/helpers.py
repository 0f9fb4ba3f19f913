"""Orders paid online, placed through the real checkout."""

from __future__ import annotations

from django.test import Client

from marketplace.payments import services
from marketplace.payments.models import OnlinePayment, StripeEvent
from tests.fulfilment.builders import place_order, two_cooperatives
from tests.fulfilment.helpers import buyer


def online_order(browser_user=None, *, items=None, world=None):
    """A buyer's order of pork (cooperative A) and mango (B), placed to be paid online, its
    PaymentIntent created as the payment page does: (world, user, order, payment)."""
    world = world or two_cooperatives()
    user = browser_user or buyer(email="gba-buyer@example.hk")
    order = place_order(user, items or [(world["pork"], 2), (world["mango"], 1)])
    payment = services.intent_ensure(payment=OnlinePayment.objects.get(order=order))
    return world, user, order, payment


def deliver(client: Client, payload) -> int:
    """Post a signed event to the webhook (the task runs eagerly after commit); the status code."""
    from tests.payments.stripe_fake import post_webhook

    return post_webhook(client, payload).status_code


def apply(payload) -> str:
    """Store and apply an event as the webhook and its task do."""
    services.event_receive(event=payload)
    stored = StripeEvent.objects.get(event_id=payload["id"])
    return services.event_apply(event_id=stored.pk)


def fresh(payment) -> OnlinePayment:
    return OnlinePayment.objects.select_related("order").get(pk=payment.pk)
