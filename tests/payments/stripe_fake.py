"""Stripe, offline: an HTTP client the SDK talks to instead of api.stripe.com, and signed webhooks.

``FakeStripe`` answers the calls ``marketplace.payments.gateway`` makes (create and cancel a
PaymentIntent, create a refund) the way Stripe does, honouring idempotency keys (the same key,
the same answer, no second object), and records every request. ``signed`` builds a webhook body
and its ``Stripe-Signature`` header with ``stripe.WebhookSignature.generate_signature_header``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from urllib.parse import parse_qsl, urlsplit

import stripe

WEBHOOK_SECRET = "whsec_test_offline_secret"
SETTINGS = {
    "STRIPE_SECRET_KEY": "sk_test_offline",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_offline",
    "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
}
_ids = itertools.count(1)


class FakeStripe(stripe.HTTPClient):
    name = "fake"

    def __init__(self):
        super().__init__()
        self.requests: list[tuple[str, str, dict, dict]] = []
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.by_key: dict[str, tuple[str, int, dict]] = {}
        self.refund_status = "succeeded"
        self.fail_with: tuple[int, dict] | None = None  # (HTTP status, error body) for the next write
        self.lock = threading.Lock()

    # -- the SDK's interface
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        params = dict(parse_qsl(post_data or "", keep_blank_values=True))
        key = (headers or {}).get("Idempotency-Key", "")
        path = urlsplit(url).path
        with self.lock:
            self.requests.append((method, path, params, dict(headers or {})))
            if key and key in self.by_key:
                body, code, _h = self.by_key[key]
                return body, code, {"request-id": "req_replay"}
            if self.fail_with is not None:
                code, error = self.fail_with
                self.fail_with = None
                body = json.dumps({"error": error})
                if key and code >= 500:  # Stripe keeps a 5xx answer under its key too
                    self.by_key[key] = (body, code, {})
                return body, code, {}
            code, answer = self._answer(method, path, params)
            body = json.dumps(answer)
            if key:
                self.by_key[key] = (body, code, {})
            return body, code, {"request-id": f"req_{next(_ids)}"}

    def close(self):
        pass

    def _answer(self, method, path, params):
        parts = path.strip("/").split("/")
        if method == "post" and parts == ["v1", "payment_intents"]:
            intent_id = f"pi_test_{next(_ids)}"
            intent = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": int(params["amount"]),
                "amount_received": 0,
                "currency": params["currency"],
                "status": "requires_payment_method",
                "client_secret": f"{intent_id}_secret_{next(_ids)}",
                "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
                "payment_method_types": [v for k, v in sorted(params.items()) if k.startswith("payment_method_types")],
                "params": params,
            }
            self.intents[intent_id] = intent
            return 200, intent
        if method == "post" and len(parts) == 4 and parts[:2] == ["v1", "payment_intents"] and parts[3] == "cancel":
            intent = self.intents.get(parts[2])
            if intent is None or intent["status"] == "succeeded":
                return 400, {"error": {"type": "invalid_request_error", "message": "cannot cancel"}}
            intent["status"] = "canceled"
            return 200, intent
        if method == "post" and parts == ["v1", "refunds"]:
            refund_id = f"re_test_{next(_ids)}"
            refund = {
                "id": refund_id,
                "object": "refund",
                "amount": int(params["amount"]),
                "payment_intent": params["payment_intent"],
                "status": self.refund_status,
                "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
            }
            self.refunds[refund_id] = refund
            return 200, refund
        return 404, {"error": {"type": "invalid_request_error", "message": f"no route {method} {path}"}}

    def calls(self, method: str, prefix: str) -> list[dict]:
        return [params for m, path, params, _h in self.requests if m == method and path.startswith(prefix)]


# --------------------------------------------------------------------------- events
def event(kind: str, obj: dict, *, event_id: str | None = None, **extra) -> dict:
    return {
        "id": event_id or f"evt_test_{next(_ids)}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
        **extra,
    }


def intent_object(payment, *, status="succeeded", amount=None, currency=None, error=None) -> dict:
    from marketplace.payments.gateway import to_minor

    minor = to_minor(payment.amount) if amount is None else amount
    obj = {
        "id": payment.intent_id,
        "object": "payment_intent",
        "amount": to_minor(payment.amount),
        "amount_received": minor if status == "succeeded" else 0,
        "currency": currency or payment.currency,
        "status": status,
        "metadata": {"order_number": payment.order.number, "payment_id": str(payment.pk)},
        "payment_method_types": ["card", "alipay", "wechat_pay"],
        "latest_charge": {"id": "ch_test", "payment_method_details": {"type": "alipay"}},
    }
    if error:
        obj["last_payment_error"] = {"message": error, "code": "card_declined"}
    return obj


def succeeded(payment, **kwargs) -> dict:
    return event("payment_intent.succeeded", intent_object(payment, **kwargs))


def failed(payment, message="Your card was declined.") -> dict:
    obj = intent_object(payment, status="requires_payment_method", error=message)
    return event("payment_intent.payment_failed", obj)


def canceled(payment) -> dict:
    obj = intent_object(payment, status="canceled")
    obj["cancellation_reason"] = "abandoned"
    return event("payment_intent.canceled", obj)


def charge_refunded(payment, refunded_minor: int, refunds: list[dict] = ()) -> dict:
    return event(
        "charge.refunded",
        {
            "id": "ch_test",
            "object": "charge",
            "payment_intent": payment.intent_id,
            "amount_refunded": refunded_minor,
            "refunds": {"object": "list", "data": list(refunds)},
        },
    )


def refund_object(payment, refund_id: str, minor: int, status="succeeded", key="") -> dict:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": minor,
        "payment_intent": payment.intent_id,
        "status": status,
        "metadata": {"refund_key": key} if key else {},
    }


def dispute(payment, status="needs_response", kind="charge.dispute.created", minor=1000) -> dict:
    return event(
        kind,
        {"id": "dp_test", "object": "dispute", "payment_intent": payment.intent_id, "status": status, "amount": minor},
    )


def signed(payload: dict | str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return body.encode(), header


def post_webhook(client, payload, **kwargs):
    body, header = signed(payload, **kwargs)
    return client.post(
        "/payments/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
