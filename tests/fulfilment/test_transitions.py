"""The fulfilment transitions table: every step it allows is taken, every other is refused as before, and
the screens offer exactly its steps."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.fulfilment import models, services
from marketplace.fulfilment.models import (
    FULFILMENT_TRANSITIONS,
    Fulfilment,
    FulfilmentStatus,
    FulfilmentStep,
    fulfilment_statuses_allowing,
    fulfilment_steps_from,
)
from tests.fulfilment.builders import part, place_order, snapshot, staff_user, two_cooperatives
from tests.fulfilment.helpers import buyer

pytestmark = pytest.mark.django_db
Status = FulfilmentStatus
Step = FulfilmentStep

#: The refusal each step has always given (``%(status)s`` is the fulfilment's status).
REFUSALS = {
    Step.SHIP: "A fulfilment that is “%(status)s” cannot be shipped.",
    Step.DELIVER: "A fulfilment that is “%(status)s” cannot be marked delivered.",
    Step.ACCEPT: "A fulfilment that is “%(status)s” cannot be accepted.",
    Step.EVALUATE: "Only an accepted fulfilment can be evaluated; this one is “%(status)s”.",
    Step.CANCEL: "A fulfilment that is “%(status)s” can no longer be cancelled.",
    Step.RETURN: "A fulfilment that is “%(status)s” cannot be returned.",
    Step.APPROVE: "A fulfilment that is “%(status)s” cannot be released.",
    Step.APPROVE_FOR_PAYMENT: "A fulfilment that is “%(status)s” cannot be released.",
    Step.PAY: "A fulfilment that is “%(status)s” cannot be released.",
    Step.REPORT_PROBLEM: "A fulfilment that is “%(status)s” cannot have a problem reported.",
}
LONG_AGO = datetime.timedelta(days=365)


@pytest.fixture
def shop():
    data = two_cooperatives()
    data["buyer"] = buyer(email="canteen@school.example.cn")
    data["staff"] = staff_user()
    return data


def part_in(shop, status: str) -> Fulfilment:
    """The pork part of a new order, put in ``status`` (shipped and delivered long ago)."""
    order = place_order(shop["buyer"], [(shop["pork"], 1)])
    fulfilment = part(order, shop["a"])
    Fulfilment.objects.filter(pk=fulfilment.pk).update(
        status=status, shipped_at=timezone.now() - LONG_AGO, delivered_at=timezone.now() - LONG_AGO
    )
    fulfilment.refresh_from_db()
    return fulfilment


def take(step: str, fulfilment: Fulfilment, shop) -> None:
    """``step`` taken on ``fulfilment`` by the person it belongs to."""
    if step == Step.SHIP:
        services.fulfilment_ship(fulfilment=fulfilment, user=shop["a_user"], carrier="顺丰速运", tracking_number="SF1")
    elif step == Step.DELIVER:
        services.fulfilment_mark_delivered(fulfilment=fulfilment, user=shop["a_user"])
    elif step == Step.ACCEPT:
        services.fulfilment_accept(fulfilment=fulfilment, user=shop["buyer"])
    elif step == Step.AUTO_ACCEPT:
        services.fulfilments_auto_accept()
    elif step == Step.EVALUATE:
        services.fulfilment_evaluate(fulfilment=fulfilment, user=shop["buyer"], rating=5)
    elif step in services.RELEASE_ACTIONS:
        services.fulfilment_release(fulfilment=fulfilment, step=step, user=shop["staff"], ship_within_days=15)
    elif step == Step.REPORT_PROBLEM:
        services.fulfilment_report_problem(fulfilment=fulfilment, user=shop["buyer"], problem="芒果有磕碰")
    elif step == Step.CANCEL:
        services.fulfilment_cancel(fulfilment=fulfilment, user=shop["buyer"], reason="买多了")
    elif step == Step.RETURN:
        services.fulfilment_return(fulfilment=fulfilment, user=shop["staff"], reason="包装破损")
    else:
        raise AssertionError(step)


def test_the_table_covers_every_step_and_only_known_statuses():
    steps = {value for name, value in vars(FulfilmentStep).items() if name.isupper()}
    assert set(FULFILMENT_TRANSITIONS) == steps
    for sources, target in FULFILMENT_TRANSITIONS.values():
        assert sources and sources <= set(Status.values) and target in Status.values
    assert fulfilment_steps_from(Status.CANCELLED) == fulfilment_steps_from(Status.RETURNED) == frozenset()
    assert fulfilment_statuses_allowing(Step.CANCEL) == {
        Status.AWAITING_APPROVAL,
        Status.AWAITING_PAYMENT,
        Status.TO_SHIP,
    }


@pytest.mark.parametrize(
    ("step", "status"),
    [(step, status) for step, (sources, _target) in FULFILMENT_TRANSITIONS.items() for status in sorted(sources)],
)
def test_every_allowed_transition_is_taken(shop, step, status):
    fulfilment = part_in(shop, status)
    assert fulfilment.allows(step) and step in fulfilment.steps

    take(step, fulfilment, shop)

    fulfilment.refresh_from_db()
    assert fulfilment.status == FULFILMENT_TRANSITIONS[step][1]
    if step == Step.EVALUATE:
        assert fulfilment.rating == 5


def test_every_other_transition_is_refused_with_its_message_and_changes_nothing(shop):
    fulfilment = part_in(shop, Status.TO_SHIP)
    refused = 0
    for step, message in REFUSALS.items():
        for status in sorted(set(Status.values) - fulfilment_statuses_allowing(step)):
            Fulfilment.objects.filter(pk=fulfilment.pk).update(status=status)
            before = snapshot(fulfilment)
            with translation.override("en"), pytest.raises(ValidationError) as refusal:
                take(step, fulfilment, shop)
            with translation.override("en"):
                expected = translation.gettext(message) % {"status": str(Status(status).label)}
            assert refusal.value.messages == [expected], (step, status)
            assert refusal.value.code == "invalid_state"
            assert snapshot(fulfilment) == before, (step, status)
            refused += 1
    assert refused == sum(len(Status.values) - len(fulfilment_statuses_allowing(step)) for step in REFUSALS)


def test_automatic_acceptance_leaves_every_other_status_alone(shop):
    fulfilment = part_in(shop, Status.TO_SHIP)
    for status in sorted(set(Status.values) - fulfilment_statuses_allowing(Step.AUTO_ACCEPT)):
        Fulfilment.objects.filter(pk=fulfilment.pk).update(status=status)
        assert services.fulfilments_auto_accept() == 0
        assert Fulfilment.objects.get(pk=fulfilment.pk).status == status


# --------------------------------------------------------------------------- the screens follow the table
def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def cooperative_page_steps(shop, fulfilment) -> set[str]:
    """The steps the cooperative page offers platform staff (forms and their flags)."""
    response = logged_in(shop["staff"]).get(reverse("fulfilment:detail", kwargs={"pk": fulfilment.pk}))
    html = response.content.decode()
    offered = set(re.findall(r'name="action" value="(\w+)"', html))
    flags = {step for step in ("ship", "deliver", "cancel", "return") if response.context[f"can_{step}"]}
    assert offered == flags
    return offered


def buyer_url_steps(fulfilment, card_html: str) -> set[str]:
    return {
        step
        for step in ("accept", "evaluate", "cancel")
        if reverse("fulfilment:buyer-action", kwargs={"pk": fulfilment.pk, "action": step}) in card_html
    }


def buyer_card(shop, fulfilment) -> str:
    html = (
        logged_in(shop["buyer"])
        .get(reverse("customer:order", kwargs={"order_number": fulfilment.order.number}))
        .content.decode()
    )
    return re.search(rf'<article[^>]*id="fulfilment-{fulfilment.pk}".*?</article>', html, re.DOTALL).group(0)


def test_each_page_offers_exactly_the_steps_the_status_allows(shop):
    fulfilment = part_in(shop, Status.TO_SHIP)
    for status in Status.values:
        Fulfilment.objects.filter(pk=fulfilment.pk).update(status=status)
        allowed = fulfilment_steps_from(status)
        assert cooperative_page_steps(shop, fulfilment) == allowed & {"ship", "deliver", "cancel", "return"}, status
        # the buyer: one action at a time, accepting before evaluating before cancelling
        expected = next(({step} for step in ("accept", "evaluate", "cancel") if step in allowed), set())
        assert buyer_url_steps(fulfilment, buyer_card(shop, fulfilment)) == expected, status


def test_the_pages_read_the_table_not_a_copy_of_it(shop, monkeypatch):
    """Change the table, and the buttons change with it."""
    fulfilment = part_in(shop, Status.TO_SHIP)
    monkeypatch.setitem(models.FULFILMENT_TRANSITIONS, Step.CANCEL, (frozenset({Status.SHIPPED}), Status.CANCELLED))
    monkeypatch.setitem(models.FULFILMENT_TRANSITIONS, Step.RETURN, (frozenset({Status.TO_SHIP}), Status.RETURNED))

    assert cooperative_page_steps(shop, fulfilment) == {"ship", "return"}
    assert buyer_url_steps(fulfilment, buyer_card(shop, fulfilment)) == set()

    Fulfilment.objects.filter(pk=fulfilment.pk).update(status=Status.SHIPPED)
    assert cooperative_page_steps(shop, fulfilment) == {"deliver", "cancel"}
    assert buyer_url_steps(fulfilment, buyer_card(shop, fulfilment)) == {"accept"}
    # and the services refuse by it too
    with pytest.raises(ValidationError):
        services.fulfilment_cancel(fulfilment=part_in(shop, Status.TO_SHIP), user=shop["buyer"])
