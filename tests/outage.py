"""Outage helpers: a broker and a mail server that refuse connections, one that comes back,
and the three writes that must survive them (placing an order, shipping, a cooperative's application)."""

from __future__ import annotations

import email
import socketserver
import threading
import time
from contextlib import contextmanager, nullcontext

from django.test import Client
from django.urls import reverse

from core.models import OutboxMessage
from tests.factories import CountyFactory, UserFactory
from tests.fulfilment.builders import two_cooperatives
from tests.fulfilment.helpers import add_to_basket, buyer, ensure_checkout_data, start_checkout, submit_order
from tests.partners.helpers import BAMA_DIVISION, application_data

REFUSED = "127.0.0.1:1"  # nothing listens on port 1
BUYER_EMAIL = "canteen@school.example.cn"
APPLICANT_EMAIL = "wei@coop.example.cn"
OFFICER_EMAIL = "officer@bama.example.cn"


@contextmanager
def celery_broker(url: str):
    """The project's Celery app sends tasks to ``url`` instead of running them in-process."""
    from marketplace.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, url
    try:
        yield app
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved


def queued_task_names(app) -> list[str]:
    """Take every message off the default queue of ``app``'s broker (the in-memory one): their task names."""
    names = []
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue("celery", no_ack=True)
        while True:
            try:
                names.append(queue.get(timeout=0.1).headers["task"])
            except queue.Empty:
                return names


def outbox_tasks(**filters) -> list[str]:
    return sorted(OutboxMessage.objects.filter(**filters).values_list("task", flat=True))


class Timed:
    """The response of a request and how long it took, after-commit work included.

    In a test inside a transaction nothing commits: ``capture`` (pytest-django's
    ``django_capture_on_commit_callbacks``) then runs the request's after-commit callbacks
    as its commit would, and they are timed with it.
    """

    def __init__(self, send, capture=None):
        started = time.perf_counter()
        with capture(execute=True) if capture else nullcontext():
            self.response = send()
        self.seconds = time.perf_counter() - started


def shop_with_cooperatives():
    """Two cooperatives with one staff user each, a buyer, an assisted county with its officer."""
    data = two_cooperatives()
    data["buyer"] = buyer(email=BUYER_EMAIL)
    data["county"] = CountyFactory(name="巴马瑶族自治县", slug="bama-county", division_code=BAMA_DIVISION)
    data["officer"] = UserFactory(email=OFFICER_EMAIL)
    data["county"].officers.add(data["officer"])
    return data


def place_order(data, capture=None) -> Timed:
    """The buyer checks out pork (cooperative A) and mango (B); the "place order" request is timed."""
    browser = Client(raise_request_exception=False)
    browser.force_login(data["buyer"])
    ensure_checkout_data()
    add_to_basket(browser, data["pork"], 2)
    add_to_basket(browser, data["mango"], 1)
    basket_id = start_checkout(browser)
    return Timed(lambda: submit_order(browser, basket_id), capture)


def ship(fulfilment, user, capture=None) -> Timed:
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    form = {
        "action": "ship",
        "shipping_method": fulfilment.shipping_method_id,
        "carrier": "顺丰速运",
        "tracking_number": "SF1001",
    }
    return Timed(lambda: browser.post(reverse("fulfilment:detail", kwargs={"pk": fulfilment.pk}), form), capture)


def apply_as_cooperative(county, capture=None) -> Timed:
    """A cooperative applies without an account; the page it lands on is in the response."""
    browser = Client(raise_request_exception=False)
    return Timed(lambda: browser.post(reverse("cooperatives:apply"), application_data(county), follow=True), capture)


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpSink:
    """A small SMTP server on 127.0.0.1:``port`` keeping every message it accepts (a mail server that
    can be started and stopped: stopped, the port refuses connections)."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[email.message.Message] = []
        self._server: socketserver.ThreadingTCPServer | None = None

    def __enter__(self) -> SmtpSink:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 sink ESMTP\r\n")
                lines, in_data = [], False
                while line := self.rfile.readline():
                    if in_data:
                        if line.rstrip(b"\r\n") == b".":
                            sink.messages.append(email.message_from_bytes(b"".join(lines)))
                            lines, in_data = [], False
                            self.wfile.write(b"250 OK\r\n")
                        else:
                            lines.append(line[1:] if line.startswith(b"..") else line)
                        continue
                    command = line[:4].upper()
                    if command in (b"EHLO", b"HELO"):
                        self.wfile.write(b"250 sink\r\n")
                    elif command == b"DATA":
                        in_data = True
                        self.wfile.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    elif command == b"QUIT":
                        self.wfile.write(b"221 Bye\r\n")
                        return
                    else:  # MAIL, RCPT, RSET, NOOP
                        self.wfile.write(b"250 OK\r\n")

        self._server = _Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()

    def recipients(self) -> list[str]:
        return sorted(message["To"] for message in self.messages)
