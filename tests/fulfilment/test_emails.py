"""E-mails of each step: after commit, to the right people, in their language, each once."""

import datetime

import pytest
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.utils import translation
from freezegun import freeze_time

from core.models import SentMail
from marketplace.fulfilment import services
from marketplace.fulfilment.tasks import auto_accept_fulfilments_task, send_fulfilment_email_task
from tests.factories import UserFactory
from tests.fulfilment.builders import (
    accept,
    cooperative_user,
    deliver,
    part,
    place_order,
    ship,
    staff_user,
    two_cooperatives,
)
from tests.fulfilment.helpers import buyer

pytestmark = pytest.mark.django_db
BUYER_EMAIL = "canteen@school.example.cn"


def translated(language: str, msgid: str, **values) -> str:
    with translation.override(language):
        return translation.gettext(msgid) % values


def site() -> str:
    """Scheme and domain of links in e-mails (the Sites framework's; http on a local machine)."""
    domain = Site.objects.get_current().domain
    return ("http://" if domain.split(":")[0] in ("127.0.0.1", "localhost") else "https://") + domain


def recipients(mails) -> list[str]:
    return sorted(address for message in mails for address in message.to)


def only_mail_to(mails, address: str):
    found = [message for message in mails if address in message.to]
    assert len(found) == 1, [(m.to, m.subject) for m in mails]
    return found[0]


@pytest.fixture
def shop(mailoutbox, django_capture_on_commit_callbacks):
    """A's user reads English, B's Simplified Chinese; the buyer reads English. The order is placed, mail sent."""
    data = two_cooperatives()
    data["a_user"].preferred_language = "en"
    data["a_user"].save()
    data["buyer"] = buyer(email=BUYER_EMAIL, preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        data["order"] = place_order(data["buyer"], [(data["pork"], 2), (data["mango"], 1)])
        data["mails_before_commit"] = len(mailoutbox)
    data["placement_mails"] = list(mailoutbox)
    data["pork_part"] = part(data["order"], data["a"])
    data["mango_part"] = part(data["order"], data["b"])
    return data


def step(capture, outbox, action) -> list:
    """Run one step, commit, and return the e-mails it sent."""
    already = len(outbox)
    with capture(execute=True):
        action()
        assert len(outbox) == already  # nothing leaves before the commit
    return outbox[already:]


def test_placing_an_order_mails_the_buyer_and_each_cooperative_its_own_part(shop):
    number, pork_part, mango_part = shop["order"].number, shop["pork_part"], shop["mango_part"]
    mails = shop["placement_mails"]
    assert shop["mails_before_commit"] == 0
    assert recipients(mails) == sorted([BUYER_EMAIL, "pork@coop.example.cn", "mango@coop.example.cn"])

    confirmation = only_mail_to(mails, BUYER_EMAIL)
    assert confirmation.subject == f"Order {number} received"
    assert "巴马瑶山香猪合作社" in confirmation.body and "田东芒果合作社" in confirmation.body
    assert f"{site()}/en/shop/accounts/orders/{number}/" in confirmation.body

    to_a = only_mail_to(mails, "pork@coop.example.cn")  # English
    assert to_a.subject == f"New order {number} to ship"
    assert f"{site()}/en/fulfilments/{pork_part.pk}/" in to_a.body
    assert "176.00" in to_a.body
    assert "田东芒果" not in to_a.body and "59.90" not in to_a.body  # only A's own part

    to_b = only_mail_to(mails, "mango@coop.example.cn")  # Simplified Chinese
    assert to_b.subject == translated("zh-hans", "New order %(number)s to ship", number=number)
    assert f"{site()}/fulfilments/{mango_part.pk}/" in to_b.body
    assert "巴马" not in to_b.body and "176.00" not in to_b.body


def test_each_step_mails_the_right_people_in_their_language(
    shop, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.FULFILMENT_AUTO_ACCEPT_DAYS = 5
    capture = django_capture_on_commit_callbacks
    number, pork_part, mango_part, customer = shop["order"].number, shop["pork_part"], shop["mango_part"], shop["buyer"]
    order_url = f"{site()}/en/shop/accounts/orders/{number}/"

    # shipped: the buyer, with carrier and tracking number
    mails = step(capture, mailoutbox, lambda: ship(pork_part, shop["a_user"], carrier="顺丰速运", tracking="SF1001"))
    assert recipients(mails) == [BUYER_EMAIL]
    assert mails[0].subject == f"Order {number}: 巴马瑶山香猪合作社 has shipped"
    assert "顺丰速运" in mails[0].body and "SF1001" in mails[0].body and order_url in mails[0].body

    # delivered: the buyer is asked to accept within the configured days
    mails = step(capture, mailoutbox, lambda: deliver(pork_part, shop["a_user"]))
    assert recipients(mails) == [BUYER_EMAIL]
    assert mails[0].subject == f"Order {number}: please accept the delivery from 巴马瑶山香猪合作社"
    assert "after 5 days" in mails[0].body and order_url in mails[0].body

    # accepted: A's staff, not the buyer, not B
    mails = step(capture, mailoutbox, lambda: accept(pork_part, customer))
    assert recipients(mails) == ["pork@coop.example.cn"]
    assert mails[0].subject == f"Order {number}: delivery accepted"
    assert "The buyer has accepted" in mails[0].body and "176.00" in mails[0].body
    assert f"{site()}/en/fulfilments/{pork_part.pk}/" in mails[0].body

    # evaluated: nobody
    mails = step(
        capture, mailoutbox, lambda: services.fulfilment_evaluate(fulfilment=pork_part, user=customer, rating=5)
    )
    assert mails == []

    # cancelled by the buyer: the buyer (English) and B's staff (Chinese), each with the reason
    mails = step(
        capture,
        mailoutbox,
        lambda: services.fulfilment_cancel(fulfilment=mango_part, user=customer, reason="买多了"),
    )
    assert recipients(mails) == sorted([BUYER_EMAIL, "mango@coop.example.cn"])
    to_buyer, to_b = only_mail_to(mails, BUYER_EMAIL), only_mail_to(mails, "mango@coop.example.cn")
    assert to_buyer.subject == f"Order {number}: the part from 田东芒果合作社 is cancelled"
    assert "Reason: 买多了" in to_buyer.body
    assert to_b.subject == translated("zh-hans", "Order %(number)s cancelled: do not ship", number=number)
    assert translated("zh-hans", "Reason") + ": 买多了" in to_b.body
    assert f"{site()}/fulfilments/{mango_part.pk}/" in to_b.body

    # returned, recorded by staff: the buyer and A's staff
    mails = step(
        capture,
        mailoutbox,
        lambda: services.fulfilment_return(fulfilment=pork_part, user=staff_user(), reason="运输途中解冻"),
    )
    assert recipients(mails) == sorted([BUYER_EMAIL, "pork@coop.example.cn"])
    assert only_mail_to(mails, "pork@coop.example.cn").subject == f"Order {number}: return recorded"
    assert "Reason: 运输途中解冻" in only_mail_to(mails, BUYER_EMAIL).body

    # when every task runs a second time (a redelivered message): nothing is sent twice
    sent, keys = len(mailoutbox), SentMail.objects.count()
    with capture(execute=True):
        repeats = [
            send_fulfilment_email_task.delay(fulfilment.pk, kind).get()
            for fulfilment, kinds in (
                (pork_part, ("new", "order_placed", "shipped", "delivered", "accepted", "returned")),
                (mango_part, ("new", "order_placed", "cancelled")),
            )
            for kind in kinds
        ]
    assert repeats == [0] * len(repeats)
    assert len(mailoutbox) == sent and SentMail.objects.count() == keys


def test_a_refused_step_sends_nothing(shop, mailoutbox, django_capture_on_commit_callbacks):
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            ship(shop["pork_part"], shop["a_user"], tracking="")
        with pytest.raises(ValidationError):
            accept(shop["mango_part"], shop["buyer"])
    assert callbacks == [] and len(mailoutbox) == sent


@pytest.mark.parametrize(
    "language, prefix",
    [("zh-hans", ""), ("zh-hant", "/zh-hant"), ("en", "/en")],
)
def test_the_buyer_reads_the_confirmation_in_their_language(
    mailoutbox, django_capture_on_commit_callbacks, language, prefix
):
    data = two_cooperatives()
    customer = buyer(email=BUYER_EMAIL, preferred_language=language)
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(customer, [(data["pork"], 1)])
    confirmation = only_mail_to(mailoutbox, BUYER_EMAIL)
    assert confirmation.subject == translated(language, "Order %(number)s received", number=order.number)
    assert f"{site()}{prefix}/shop/accounts/orders/{order.number}/" in confirmation.body


def test_every_active_user_of_the_cooperative_gets_the_message_once(mailoutbox, django_capture_on_commit_callbacks):
    data = two_cooperatives()
    second = cooperative_user(data["a"], "pork-2@coop.example.cn", language="en")
    inactive = cooperative_user(data["a"], "left@coop.example.cn")
    inactive.is_active = False
    inactive.save()
    data["a"].users.add(UserFactory(email=""))  # no address: skipped, not an error
    customer = buyer(email=BUYER_EMAIL)

    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(customer, [(data["pork"], 1)])

    assert recipients(mailoutbox) == sorted([BUYER_EMAIL, "pork@coop.example.cn", second.email])
    pork_part = part(order, data["a"])
    assert send_fulfilment_email_task.delay(pork_part.pk, "new").get() == 0
    assert len(mailoutbox) == 3


def test_automatic_acceptance_tells_the_cooperative_once(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.FULFILMENT_AUTO_ACCEPT_DAYS = 3
    start = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)
    data = two_cooperatives()
    data["a_user"].preferred_language = "en"
    data["a_user"].save()
    customer = buyer(email=BUYER_EMAIL)
    with freeze_time(start):
        order = place_order(customer, [(data["pork"], 1)])
        ship(part(order, data["a"]), data["a_user"])
        deliver(part(order, data["a"]), data["a_user"])
    mailoutbox.clear()

    with freeze_time(start + datetime.timedelta(days=3, hours=1)):
        for _run in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                auto_accept_fulfilments_task.delay()

    assert recipients(mailoutbox) == ["pork@coop.example.cn"]
    assert "was accepted automatically" in mailoutbox[0].body
    assert mailoutbox[0].subject == f"Order {order.number}: delivery accepted"
