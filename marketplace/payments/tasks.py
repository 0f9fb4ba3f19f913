"""Background work of online payment: applying webhook events, calls to Stripe after commit, the
unpaid-order sweep, e-mails. Every task takes ids and is idempotent."""

from __future__ import annotations

from celery import shared_task

from core.mail import MAIL_TASK_OPTIONS, send_all_once
from marketplace.payments import emails, gateway, services
from marketplace.payments.models import OnlinePayment

#: Network trouble or Stripe's own errors: try again (1, 2, 4 … minutes, at most 10 apart).
STRIPE_RETRY = {
    "autoretry_for": (gateway.stripe.APIConnectionError, gateway.stripe.RateLimitError, gateway.stripe.APIError),
    "retry_backoff": 60,
    "retry_backoff_max": 600,
    "max_retries": 12,
}


@shared_task(
    name="marketplace.payments.tasks.apply_stripe_event_task",
    autoretry_for=(Exception,),
    retry_backoff=10,
    retry_backoff_max=300,
    max_retries=8,
)
def apply_stripe_event_task(event_id: int) -> str:
    """Apply one stored webhook event (``services.event_apply``; applying twice changes nothing). Retried
    on any error (a deadlock, a lost connection); what still fails is taken up by ``expire_unpaid_orders_task``."""
    return services.event_apply(event_id=event_id)


@shared_task(name="marketplace.payments.tasks.send_refund_task", **STRIPE_RETRY)
def send_refund_task(refund_id: int) -> str:
    """Send a recorded refund to Stripe (``services.refund_send``)."""
    return services.refund_send(refund_id=refund_id)


@shared_task(name="marketplace.payments.tasks.cancel_intent_task", **STRIPE_RETRY)
def cancel_intent_task(payment_id: int) -> str:
    """Cancel the PaymentIntent of an order closed unpaid (``services.intent_cancel_send``)."""
    return services.intent_cancel_send(payment_id=payment_id)


@shared_task(name="marketplace.payments.tasks.expire_unpaid_orders_task")
def expire_unpaid_orders_task() -> int:
    """Every few minutes: apply the webhook events and send the refunds left undone
    (``services.stale_work_retry``), then cancel the orders not paid in time (``services.unpaid_orders_expire``)."""
    services.stale_work_retry()
    return services.unpaid_orders_expire()


@shared_task(name="marketplace.payments.tasks.send_payment_email_task", **MAIL_TASK_OPTIONS)
def send_payment_email_task(payment_id: int, kind: str, ref=None) -> int:
    """The e-mails of a payment's event (``emails.mails_for``), each sent once."""
    payment = OnlinePayment.objects.select_related("order", "order__user").filter(pk=payment_id).first()
    if payment is None:
        return 0
    return send_all_once(emails.mails_for(payment=payment, kind=kind, ref=ref))
