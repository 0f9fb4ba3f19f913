"""Every call to Stripe, in one module (the only one that imports ``stripe``).

The rest of the platform speaks ``Decimal`` amounts and plain dicts; this module converts to
Stripe's integer minor units (分 / cents), sends an idempotency key with every write, and turns
Stripe's objects back into dicts. Tests replace the HTTP client (``http_client_override``) and
never reach the network.
"""

from __future__ import annotations

import json
import time
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings

#: Set by tests: a ``stripe.HTTPClient`` that answers instead of Stripe's servers.
http_client_override: stripe.HTTPClient | None = None

StripeError = stripe.StripeError
SignatureError = stripe.SignatureVerificationError
#: Errors worth trying again (network, rate limit, Stripe's own 5xx); any other refusal is final.
RETRYABLE = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


def is_configured() -> bool:
    """Online payment is offered only with all three: secret key, publishable key, webhook secret."""
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY and settings.STRIPE_WEBHOOK_SECRET)


def to_minor(amount: Decimal) -> int:
    """Yuan (or Hong Kong dollars) to Stripe's integer minor unit: 12.34 → 1234."""
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_minor(value: int | None) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def _client(*, timeout: int | None = None, retries: int = 2) -> stripe.StripeClient:
    """A client for one call. Background calls wait ``STRIPE_TIMEOUT_SECONDS`` and retry twice; a call
    made while a page loads passes a shorter ``timeout`` and one retry, to answer before the web worker's
    own timeout."""
    if http_client_override is not None:
        return stripe.StripeClient(settings.STRIPE_SECRET_KEY or "sk_test_offline", http_client=http_client_override)
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        http_client=stripe.RequestsClient(timeout=timeout or settings.STRIPE_TIMEOUT_SECONDS),
        max_network_retries=retries,
    )


def _plain(obj) -> dict:
    return obj.to_dict(for_json=True)


def intent_create(*, amount: Decimal, currency: str, order_number: str, payment_id: int, key: str) -> dict:
    """A PaymentIntent for the order; the same ``key`` always answers with the same intent."""
    methods = list(settings.STRIPE_PAYMENT_METHODS)
    params: dict = {
        "amount": to_minor(amount),
        "currency": currency,
        "payment_method_types": methods,
        "description": f"Order {order_number}",
        "metadata": {"order_number": order_number, "payment_id": str(payment_id)},
    }
    if "wechat_pay" in methods:
        params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
    client = _client(timeout=settings.STRIPE_PAGE_TIMEOUT_SECONDS, retries=1)
    intent = client.v1.payment_intents.create(params=params, options={"idempotency_key": key})
    return _plain(intent)


def intent_cancel(*, intent_id: str, key: str) -> dict:
    """Cancel a PaymentIntent that was not paid (raises ``StripeError`` if it can no longer be)."""
    intent = _client().v1.payment_intents.cancel(
        intent_id, params={"cancellation_reason": "abandoned"}, options={"idempotency_key": key}
    )
    return _plain(intent)


def refund_create(*, intent_id: str, amount: Decimal, key: str, metadata: dict) -> dict:
    """Refund ``amount`` of the PaymentIntent's charge; the same ``key`` makes one refund however often sent."""
    refund = _client().v1.refunds.create(
        params={
            "payment_intent": intent_id,
            "amount": to_minor(amount),
            "reason": "requested_by_customer",
            "metadata": {key_: str(value) for key_, value in metadata.items()},
        },
        options={"idempotency_key": key},
    )
    return _plain(refund)


def webhook_event(payload: bytes, signature: str | None) -> dict:
    """The event of a webhook request whose ``Stripe-Signature`` verifies with our secret, as a dict.

    Raises ``SignatureError`` (missing, malformed, wrong secret, altered body, timestamp outside
    ``STRIPE_WEBHOOK_TOLERANCE_SECONDS``) or ``ValueError`` (not JSON, not an event).
    """
    if not signature or not settings.STRIPE_WEBHOOK_SECRET:
        raise SignatureError("No signature", signature or "")
    text = payload.decode("utf-8")
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
    stripe.WebhookSignature.verify_header(text, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance)
    # Stripe's check refuses old timestamps only; one far in the future is as suspect.
    timestamp, _signatures = stripe.WebhookSignature._get_timestamp_and_signatures(signature, "v1")
    if timestamp > time.time() + tolerance:
        raise SignatureError("Timestamp in the future", signature)
    event = json.loads(text)
    if not isinstance(event, dict) or event.get("object") != "event":
        raise ValueError("Not a Stripe event")
    if not all(isinstance(event.get(name), str) and event[name] for name in ("id", "type")):
        raise ValueError("An event without its id or type")
    if not isinstance((event.get("data") or {}).get("object"), dict):
        raise ValueError("An event without its object")
    return event
