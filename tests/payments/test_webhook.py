"""The webhook's door: only a request Stripe signed, recently, with our secret, carrying an event,
is stored (once) and applied; anything else is a 400 that writes nothing."""

from __future__ import annotations

import json
import time

import pytest
from django.core import mail
from django.test import Client

from core.models import OutboxMessage, SentMail
from marketplace.fulfilment.models import Fulfilment, FulfilmentEvent, FulfilmentStatus
from marketplace.payments.models import OnlinePayment, PaymentEvent, PaymentStatus, StripeEvent
from tests.fulfilment.builders import stock
from tests.payments import stripe_fake
from tests.payments.helpers import fresh, online_order

pytestmark = pytest.mark.django_db
URL = "/payments/stripe/webhook/"
TOLERANCE = 300


@pytest.fixture
def world(fake_stripe, settings):
    settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS = TOLERANCE
    world, user, order, payment = online_order()
    return {**world, "user": user, "order": order, "payment": payment}


def post(body: bytes | str, header: str | None = None, *, url: str = URL, client: Client | None = None):
    client = client or Client(enforce_csrf_checks=True)
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return client.post(url, data=body, content_type="application/json", **extra)


def state(world) -> dict:
    """Everything a webhook could write: the payment, its parts and stock, the inbox, outbox, mail ledger, logs."""
    payment = OnlinePayment.objects.get(pk=world["payment"].pk)
    values = {field.attname: getattr(payment, field.attname) for field in OnlinePayment._meta.concrete_fields}
    values.pop("updated")
    return {
        "payment": values,
        "parts": sorted(Fulfilment.objects.filter(order=world["order"]).values_list("pk", "status")),
        "stock": (stock(world["pork"]), stock(world["mango"])),
        "stripe_events": StripeEvent.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "sent_mail": SentMail.objects.count(),
        "payment_events": PaymentEvent.objects.count(),
        "fulfilment_events": FulfilmentEvent.objects.count(),
    }


def body_and_signature(payment, **kwargs) -> tuple[bytes, str]:
    return stripe_fake.signed(stripe_fake.succeeded(payment), **kwargs)


def tampered(payment) -> tuple[bytes, str]:
    """Signed for the full amount, then the amount received changed in the body."""
    event = stripe_fake.succeeded(payment)
    body, header = stripe_fake.signed(event)
    event["data"]["object"]["amount_received"] += 1
    return json.dumps(event).encode(), header


def valid_signature_of(body: bytes) -> str:
    return stripe_fake.signed(body.decode())[1].split(",")[1]  # "v1=…"


BAD_REQUESTS = {
    "missing header": lambda p: (body_and_signature(p)[0], None),
    "empty header": lambda p: (body_and_signature(p)[0], ""),
    "garbage header": lambda p: (body_and_signature(p)[0], "garbage"),
    "timestamp not a number": lambda p: (
        (body := body_and_signature(p)[0]),
        "t=abc," + valid_signature_of(body),
    ),
    "timestamp without v1": lambda p: (body_and_signature(p)[0], "t=123"),
    "only a v0 signature": lambda p: (
        (signed := body_and_signature(p))[0],
        signed[1].replace("v1=", "v0="),
    ),
    "signed with a wrong secret": lambda p: body_and_signature(p, secret="whsec_someone_else"),
    "body tampered after signing": tampered,
    "stale timestamp": lambda p: body_and_signature(p, timestamp=int(time.time()) - TOLERANCE - 30),
    "timestamp far in the future": lambda p: body_and_signature(p, timestamp=int(time.time()) + TOLERANCE + 600),
}


@pytest.mark.parametrize("kind", list(BAD_REQUESTS))
def test_a_request_without_a_good_signature_is_refused_and_writes_nothing(
    world, kind, django_capture_on_commit_callbacks
):
    payment = world["payment"]
    before = state(world)
    body, header = BAD_REQUESTS[kind](payment)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(body, header)

    assert response.status_code == 400, kind
    assert state(world) == before, kind
    assert not callbacks
    assert not mail.outbox
    assert fresh(payment).status == PaymentStatus.REQUIRES_PAYMENT


def test_the_good_signature_of_the_same_body_is_accepted(world, django_capture_on_commit_callbacks):
    """The control of the cases above: the very body they send, signed now with our secret, is stored."""
    body, header = body_and_signature(world["payment"])
    with django_capture_on_commit_callbacks(execute=True):
        assert post(body, header).status_code == 200
    assert StripeEvent.objects.count() == 1
    assert fresh(world["payment"]).status == PaymentStatus.SUCCEEDED


def test_a_signature_just_inside_the_tolerance_is_accepted(world, django_capture_on_commit_callbacks):
    body, header = body_and_signature(world["payment"], timestamp=int(time.time()) - TOLERANCE + 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(body, header).status_code == 200
    assert StripeEvent.objects.count() == 1


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT"])
def test_other_methods_are_refused(world, method):
    before = state(world)
    body, header = body_and_signature(world["payment"])
    response = Client().generic(method, URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 405
    assert state(world) == before


NOT_EVENTS = {
    "not JSON": "this is not json {",
    "a JSON list": "[]",
    "a JSON string": '"evt_1"',
    "an object that is not an event": json.dumps({"id": "ch_1", "object": "charge", "type": "charge.refunded"}),
    "an event without an id": json.dumps(
        {"object": "event", "type": "payment_intent.succeeded", "data": {"object": {}}}
    ),
    "an event without a type": json.dumps({"id": "evt_no_type", "object": "event", "data": {"object": {}}}),
    "an event without its object": json.dumps({"id": "evt_no_obj", "object": "event", "type": "charge.refunded"}),
    "an event whose object is a list": json.dumps(
        {"id": "evt_list", "object": "event", "type": "charge.refunded", "data": {"object": []}}
    ),
    "an event whose id is a number": json.dumps(
        {"id": 12345, "object": "event", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_x"}}}
    ),
    "an event whose type is a list": json.dumps(
        {"id": "evt_type_list", "object": "event", "type": ["charge.refunded"], "data": {"object": {"id": "ch_1"}}}
    ),
}


@pytest.mark.parametrize("kind", list(NOT_EVENTS))
def test_a_signed_body_that_is_not_an_event_is_refused(world, kind, django_capture_on_commit_callbacks):
    before = state(world)
    body, header = stripe_fake.signed(NOT_EVENTS[kind])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(body, header)
    assert response.status_code == 400, kind
    assert state(world) == before, kind


def test_a_signed_body_that_is_not_utf8_is_refused(world):
    before = state(world)
    body = b'{"id": "evt_\xff", "object": "event"}'
    header = stripe_fake.signed(body.decode("latin-1"))[1]
    assert post(body, header).status_code == 400
    assert state(world) == before


def test_a_body_too_large_is_refused_before_anything_else(world):
    before = state(world)
    event = stripe_fake.succeeded(world["payment"])
    event["padding"] = "x" * (512 * 1024)
    body, header = stripe_fake.signed(event)
    assert post(body, header).status_code == 400
    assert state(world) == before


def test_without_online_payment_configured_the_webhook_refuses_even_a_good_signature(world, settings):
    before = state(world)
    body, header = body_and_signature(world["payment"])
    settings.STRIPE_PUBLISHABLE_KEY = ""
    assert post(body, header).status_code == 400
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_offline"
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post(body, header).status_code == 400
    assert state(world) == before


def test_a_valid_event_is_stored_once_and_applied_once(world, django_capture_on_commit_callbacks):
    payment, order = world["payment"], world["order"]
    event = stripe_fake.succeeded(payment)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = post(*stripe_fake.signed(event))
    assert first.status_code == 200
    assert first.json() == {"received": True, "duplicate": False}
    stored = StripeEvent.objects.get()
    assert stored.event_id == event["id"]
    assert stored.type == "payment_intent.succeeded"
    assert stored.payment_id == payment.pk
    assert stored.processed_at is not None
    assert stored.outcome == "paid"
    after_first = state(world)
    assert after_first["payment"]["status"] == PaymentStatus.SUCCEEDED
    assert {status for _pk, status in after_first["parts"]} == {FulfilmentStatus.TO_SHIP}

    # Stripe retries the same event (a new signature, a later timestamp): stored once, applied once.
    for delay in (0, 5):
        with django_capture_on_commit_callbacks(execute=True):
            again = post(*stripe_fake.signed(event, timestamp=int(time.time()) + delay))
        assert again.status_code == 200
        assert again.json() == {"received": True, "duplicate": True}

    assert StripeEvent.objects.count() == 1
    assert state(world) == after_first
    assert PaymentEvent.objects.filter(payment=payment, action=PaymentEvent.Action.SUCCEEDED).count() == 1
    assert FulfilmentEvent.objects.filter(fulfilment__order=order, action=FulfilmentEvent.Action.PAID).count() == 2
    assert SentMail.objects.filter(key=f"payment:{payment.pk}:paid").count() == 1
    assert [m.to for m in mail.outbox].count([order.email]) == 1


def test_no_csrf_token_is_needed(world, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(*body_and_signature(world["payment"]), client=client)
    assert response.status_code == 200
    assert fresh(world["payment"]).status == PaymentStatus.SUCCEEDED


@pytest.mark.parametrize("prefix", ["/en", "/zh-hant", "/zh-hans"])
def test_the_webhook_has_no_language_prefix(world, prefix, django_capture_on_commit_callbacks):
    """Under a language prefix there is no webhook: a page of the site (404 without CSRF checks, 403 with them)."""
    before = state(world)
    body, header = body_and_signature(world["payment"])
    with django_capture_on_commit_callbacks(execute=True):
        assert post(body, header, url=prefix + URL, client=Client()).status_code == 404
        assert post(body, header, url=prefix + URL, client=Client(enforce_csrf_checks=True)).status_code == 403
    assert state(world) == before
