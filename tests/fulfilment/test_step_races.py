"""Steps after placement racing on PostgreSQL: two parts finishing at once, ship against cancel,
a double click on "accept", statements prepared twice at once.

Each race is run several times (threads released together by a barrier, each with its own
database connection), so that an interleaving that breaks a rule has its chances to show.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.models import SentMail
from marketplace.fulfilment import services
from marketplace.fulfilment.models import (
    Fulfilment,
    FulfilmentEvent,
    FulfilmentStatus,
    SettlementStatement,
    StatementStatus,
)
from tests.fulfilment.builders import (
    accept,
    order_status,
    part,
    place_order,
    ship,
    stock,
    two_cooperatives,
)
from tests.fulfilment.helpers import buyer
from tests.fulfilment.threads import THREAD_TIMEOUT, Crowd, unexpected

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
Status = FulfilmentStatus
Action = FulfilmentEvent.Action
ROUNDS = 8


@pytest.fixture
def shop():
    data = two_cooperatives()
    for product in (data["pork"], data["mango"]):
        product.stockrecords.update(num_in_stock=1000)
    data["buyer"] = buyer(email="canteen@school.example.cn")
    return data


def both_parts(shop) -> tuple[Fulfilment, Fulfilment]:
    """A new order of pork (cooperative A) and mango (cooperative B), both parts shipped."""
    order = place_order(shop["buyer"], [(shop["pork"], 2), (shop["mango"], 1)])
    pork, mango = part(order, shop["a"]), part(order, shop["b"])
    return ship(pork, shop["a_user"]), ship(mango, shop["b_user"])


def test_two_parts_accepted_at_the_same_moment_complete_the_order(shop):
    """Each acceptance recomputes the order's status from its parts; without the order row
    locked, each saw the other part still shipped and both left the order "in progress"."""
    with Crowd(2) as crowd:
        for round_number in range(1, ROUNDS + 1):
            # given an order whose two parts were shipped
            parts = both_parts(shop)

            # when the buyer accepts both at once (two tabs, or the automatic acceptance)
            outcomes = crowd.race(lambda fulfilment: accept(fulfilment, shop["buyer"]), prepare=parts.__getitem__)

            # then both are accepted and the order is completed
            assert not unexpected(outcomes), f"round {round_number}:\n" + unexpected(outcomes)
            statuses = {Fulfilment.objects.get(pk=f.pk).status for f in parts}
            assert statuses == {Status.ACCEPTED}
            assert order_status(parts[0].order) == "completed", f"round {round_number}"


def test_the_automatic_acceptance_and_the_buyer_finishing_two_parts_at_once_complete_the_order(shop):
    with Crowd(2) as crowd:
        for round_number in range(1, ROUNDS + 1):
            # given an order whose pork part was delivered long ago, and whose mango part was shipped
            pork, mango = both_parts(shop)
            Fulfilment.objects.filter(pk=pork.pk).update(
                status=Status.DELIVERED, delivered_at=timezone.now() - datetime.timedelta(days=30)
            )

            # when the nightly job accepts the pork part while the buyer accepts the mango part
            steps = (services.fulfilments_auto_accept, lambda f=mango: accept(f, shop["buyer"]))
            outcomes = crowd.race(lambda step: step(), prepare=steps.__getitem__)

            # then the order is completed
            assert not unexpected(outcomes), f"round {round_number}:\n" + unexpected(outcomes)
            assert {Fulfilment.objects.get(pk=f.pk).status for f in (pork, mango)} == {Status.ACCEPTED}
            assert order_status(pork.order) == "completed", f"round {round_number}"


def test_two_parts_cancelled_at_the_same_moment_cancel_the_order(shop):
    with Crowd(2) as crowd:
        for round_number in range(1, ROUNDS + 1):
            order = place_order(shop["buyer"], [(shop["pork"], 1), (shop["mango"], 1)])
            parts = (part(order, shop["a"]), part(order, shop["b"]))

            outcomes = crowd.race(
                lambda fulfilment: services.fulfilment_cancel(fulfilment=fulfilment, user=shop["buyer"]),
                prepare=parts.__getitem__,
            )

            assert not unexpected(outcomes), f"round {round_number}:\n" + unexpected(outcomes)
            assert order_status(order) == "cancelled", f"round {round_number}"


def test_ship_and_cancel_of_the_same_part_at_once_exactly_one_wins_and_stock_agrees(shop):
    with Crowd(2) as crowd:
        for round_number in range(1, ROUNDS + 1):
            # given a part of 2 units waiting to ship
            order = place_order(shop["buyer"], [(shop["pork"], 2)])
            fulfilment = part(order, shop["a"])
            in_stock, allocated = stock(shop["pork"])

            # when the cooperative ships it while the buyer cancels it
            steps = (
                lambda f=fulfilment: ship(f, shop["a_user"]),
                lambda f=fulfilment: services.fulfilment_cancel(fulfilment=f, user=shop["buyer"], reason="买错了"),
            )
            outcomes = crowd.race(lambda step: step(), prepare=steps.__getitem__)

            # then one of them happened, the other was refused, and stock says which
            assert not unexpected(outcomes, (ValidationError,)), f"round {round_number}:\n" + unexpected(
                outcomes, (ValidationError,)
            )
            assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Fulfilment", "ValidationError"]
            fresh = Fulfilment.objects.get(pk=fulfilment.pk)
            actions = list(fresh.events.exclude(action=Action.CREATED).values_list("action", flat=True))
            if fresh.status == Status.SHIPPED:
                assert stock(shop["pork"]) == (in_stock - 2, allocated - 2), f"round {round_number}"
                assert actions == [Action.SHIPPED] and order_status(order) == "in_progress"
            else:
                assert fresh.status == Status.CANCELLED, f"round {round_number}"
                assert stock(shop["pork"]) == (in_stock, allocated - 2), f"round {round_number}"
                assert actions == [Action.CANCELLED] and order_status(order) == "cancelled"


def accepted_mail_keys(fulfilment) -> list[str]:
    return list(
        SentMail.objects.filter(key__startswith=f"fulfilment:{fulfilment.pk}:accepted:").values_list("key", flat=True)
    )


def test_accepting_the_same_part_four_times_at_once_accepts_it_once_with_one_email(shop):
    with Crowd(4) as crowd:
        for round_number in range(1, ROUNDS + 1):
            # given a shipped part
            order = place_order(shop["buyer"], [(shop["pork"], 1)])
            fulfilment = ship(part(order, shop["a"]), shop["a_user"])
            mail.outbox.clear()

            # when the buyer's four clicks arrive at once
            outcomes = crowd.race(lambda _index, f=fulfilment: accept(f, shop["buyer"]))

            # then one acceptance, three refusals, one event, one e-mail to the cooperative
            refused = (ValidationError,)
            assert not unexpected(outcomes, refused), f"round {round_number}:\n" + unexpected(outcomes, refused)
            assert Counter(type(outcome).__name__ for outcome in outcomes) == {"Fulfilment": 1, "ValidationError": 3}
            assert fulfilment.events.filter(action=Action.ACCEPTED).count() == 1
            assert accepted_mail_keys(fulfilment) == [f"fulfilment:{fulfilment.pk}:accepted:user:{shop['a_user'].pk}"]
            assert [message.to for message in mail.outbox] == [[shop["a_user"].email]], f"round {round_number}"
            assert order_status(order) == "completed"


def test_preparing_statements_twice_at_once_gives_one_statement_per_cooperative_and_month(shop):
    # given parts of both cooperatives accepted this month
    for _ in range(2):
        for fulfilment in both_parts(shop):
            accept(fulfilment, shop["buyer"])
    month = timezone.localdate().replace(day=1)
    expected_due = {
        shop["a"].pk: 2 * (2 * shop["pork"].stockrecords.get().price),  # 176.00 each, free shipping
        shop["b"].pk: 2 * (shop["mango"].stockrecords.get().price + 10),  # 69.90 each with shipping
    }

    with Crowd(2) as crowd:
        # when staff prepare one cooperative's statement twice at once, then every cooperative's twice
        first = crowd.race(lambda _index: services.statement_request(partner=shop["a"], period=month))
        second = crowd.race(lambda _index: services.statements_request_month(period=month))

    # then one statement per cooperative and month, ready, each fulfilment on it once
    assert not unexpected(first + second), unexpected(first + second)
    assert second == [2, 2]
    statements = SettlementStatement.objects.all()
    assert sorted(statements.values_list("partner_id", "period")) == sorted(
        [(shop["a"].pk, month), (shop["b"].pk, month)]
    )
    for statement in statements:
        assert statement.status == StatementStatus.READY
        assert statement.amount_due == expected_due[statement.partner_id]
        assert statement.sales_count == statement.lines.count() == 2
        assert statement.xlsx and statement.pdf


def test_a_step_does_not_wait_for_other_work_of_the_same_cooperative(shop):
    """Steps lock their fulfilment and its order, not the cooperative's row. A checkout holds
    the stock rows it allocated and, when it commits, takes a key-share lock on the cooperative
    of each new fulfilment; a step that had locked the cooperative's row and then waited for those
    stock rows deadlocked with it (one of the two then failed)."""
    # given a part to ship, and another transaction holding what a checkout holds on the cooperative
    order = place_order(shop["buyer"], [(shop["pork"], 1)])
    fulfilment = part(order, shop["a"])
    holding, release = threading.Event(), threading.Event()

    def checkout_in_progress():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                table = connection.ops.quote_name(shop["a"]._meta.db_table)
                cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE", [shop["a"].pk])  # noqa: S608
                holding.set()
                release.wait(THREAD_TIMEOUT)
        finally:
            connection.close()

    other = threading.Thread(target=checkout_in_progress, daemon=True)
    other.start()
    assert holding.wait(THREAD_TIMEOUT)
    try:
        # when the cooperative ships meanwhile (waiting at most 3 s for any lock)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")
            ship(fulfilment, shop["a_user"])
    finally:
        release.set()
        other.join(THREAD_TIMEOUT)

    # then it shipped without waiting
    assert Fulfilment.objects.get(pk=fulfilment.pk).status == Status.SHIPPED
