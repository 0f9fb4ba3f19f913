"""Each cooperative's part of an order, step by step: stock moves once, refused steps change nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from freezegun import freeze_time

from marketplace.fulfilment import services
from marketplace.fulfilment.models import Fulfilment, FulfilmentEvent, FulfilmentStatus, ShippingMethod
from marketplace.fulfilment.tasks import auto_accept_fulfilments_task
from tests.factories import CooperativeFactory, make_product
from tests.fulfilment.builders import (
    accept,
    budget_unit_buyer,
    deliver,
    order_status,
    part,
    place_order,
    ship,
    snapshot,
    staff_user,
    stock,
    two_cooperatives,
)
from tests.fulfilment.helpers import buyer

pytestmark = pytest.mark.django_db
Status = FulfilmentStatus
Action = FulfilmentEvent.Action


@pytest.fixture
def shop():
    """Cooperatives A (pork) and B (mango); the canteen ordered 2 pork and 1 mango in one order."""
    data = two_cooperatives()
    data["buyer"] = buyer(email="canteen@school.example.cn")
    data["order"] = place_order(data["buyer"], [(data["pork"], 2), (data["mango"], 1)])
    data["pork_part"] = part(data["order"], data["a"])
    data["mango_part"] = part(data["order"], data["b"])
    return data


def events(fulfilment) -> list[str]:
    return list(FulfilmentEvent.objects.filter(fulfilment=fulfilment).values_list("action", flat=True))


# --------------------------------------------------------------------------- happy path
def test_ship_deliver_accept_evaluate_moves_stock_once_and_the_order_status_along(shop):
    pork_part, mango_part, customer = shop["pork_part"], shop["mango_part"], shop["buyer"]
    # given: an order just placed, stock allocated, nothing shipped
    assert stock(shop["pork"]) == (10, 2) and stock(shop["mango"]) == (10, 1)
    assert order_status(shop["order"]) == "placed"
    assert {pork_part.status, mango_part.status} == {Status.TO_SHIP}

    # when A ships: the allocation leaves the warehouse, B's stock does not move
    shipped = ship(pork_part, shop["a_user"], carrier=" 顺丰速运 ", tracking=" SF1001 ")
    assert stock(shop["pork"]) == (8, 0) and stock(shop["mango"]) == (10, 1)
    pork_part.refresh_from_db()
    assert pork_part.status == Status.SHIPPED and shipped.status == Status.SHIPPED
    assert (pork_part.carrier, pork_part.tracking_number) == ("顺丰速运", "SF1001")
    assert pork_part.shipped_at is not None and pork_part.delivered_at is None
    assert order_status(shop["order"]) == "in_progress"

    # when the carrier reports delivery: nothing moves in stock
    deliver(pork_part, shop["a_user"])
    pork_part.refresh_from_db()
    assert pork_part.status == Status.DELIVERED and pork_part.delivered_at is not None
    assert stock(shop["pork"]) == (8, 0)
    assert order_status(shop["order"]) == "in_progress"

    # when the buyer accepts A's part: the order is still in progress, B has not shipped
    accept(pork_part, customer)
    pork_part.refresh_from_db()
    assert pork_part.status == Status.ACCEPTED and pork_part.accepted_at is not None
    assert pork_part.auto_accepted is False
    assert order_status(shop["order"]) == "in_progress"

    # when B ships and the buyer accepts straight from "shipped": the order is completed
    ship(mango_part, shop["b_user"], carrier="京东物流", tracking="JD0002")
    assert stock(shop["mango"]) == (9, 0)
    accept(mango_part, customer)
    mango_part.refresh_from_db()
    assert mango_part.status == Status.ACCEPTED
    assert mango_part.delivered_at == mango_part.accepted_at  # accepted on arrival
    assert order_status(shop["order"]) == "completed"

    # when the buyer evaluates A
    services.fulfilment_evaluate(fulfilment=pork_part, user=customer, rating="4", comment="  肉质很好 ")
    pork_part.refresh_from_db()
    assert (pork_part.rating, pork_part.comment) == (4, "肉质很好") and pork_part.evaluated_at is not None
    assert events(pork_part) == [Action.CREATED, Action.SHIPPED, Action.DELIVERED, Action.ACCEPTED, Action.EVALUATED]
    assert FulfilmentEvent.objects.get(fulfilment=pork_part, action=Action.SHIPPED).actor == shop["a_user"]
    assert FulfilmentEvent.objects.get(fulfilment=pork_part, action=Action.ACCEPTED).actor == customer
    # and the stock is where shipping left it
    assert stock(shop["pork"]) == (8, 0) and stock(shop["mango"]) == (9, 0)


def test_platform_staff_may_ship_for_a_cooperative(shop):
    ship(shop["mango_part"], staff_user())
    assert part(shop["order"], shop["b"]).status == Status.SHIPPED
    assert stock(shop["mango"]) == (9, 0)


# --------------------------------------------------------------------------- cancellation
def test_cancelling_releases_the_allocation_exactly_once(shop):
    # given: another buyer holds 3 mangoes, so a double release would show
    other_order = place_order(buyer(email="hospital@example.cn"), [(shop["mango"], 3)])
    assert stock(shop["mango"]) == (10, 4)

    # when the canteen cancels its mango part
    services.fulfilment_cancel(fulfilment=shop["mango_part"], user=shop["buyer"], reason=" 买多了 ")

    # then only its one mango is released, and the pork part is untouched
    mango_part = part(shop["order"], shop["b"])
    assert mango_part.status == Status.CANCELLED and mango_part.cancelled_at is not None
    assert mango_part.reason == "买多了"
    assert stock(shop["mango"]) == (10, 3) and stock(shop["pork"]) == (10, 2)
    assert order_status(shop["order"]) == "placed"  # the pork part is still to ship
    before = snapshot(mango_part)

    # when it is cancelled again, by the buyer or by staff: refused, nothing moves
    with pytest.raises(ValidationError):
        services.fulfilment_cancel(fulfilment=mango_part, user=shop["buyer"])
    with pytest.raises(ValidationError):
        services.fulfilment_cancel(fulfilment=mango_part, user=staff_user())
    assert stock(shop["mango"]) == (10, 3)
    assert snapshot(mango_part) == before
    assert part(other_order, shop["b"]).status == Status.TO_SHIP


def test_an_order_whose_parts_are_all_cancelled_is_cancelled(shop):
    services.fulfilment_cancel(fulfilment=shop["mango_part"], user=shop["buyer"])
    services.fulfilment_cancel(fulfilment=shop["pork_part"], user=staff_user(), reason="缺货")
    assert order_status(shop["order"]) == "cancelled"
    assert stock(shop["pork"]) == (10, 0) and stock(shop["mango"]) == (10, 0)


def test_a_shipped_part_can_no_longer_be_cancelled(shop):
    ship(shop["pork_part"], shop["a_user"])
    before = snapshot(shop["pork_part"])
    with pytest.raises(ValidationError):
        services.fulfilment_cancel(fulfilment=shop["pork_part"], user=shop["buyer"])
    assert snapshot(shop["pork_part"]) == before
    assert stock(shop["pork"]) == (8, 0)


def test_shipping_a_cancelled_part_is_refused_and_changes_nothing(shop):
    services.fulfilment_cancel(fulfilment=shop["mango_part"], user=shop["buyer"])
    before = snapshot(shop["mango_part"])

    with pytest.raises(ValidationError):
        ship(shop["mango_part"], shop["b_user"], carrier="顺丰速运", tracking="SF-LATE")

    assert snapshot(shop["mango_part"]) == before
    mango_part = part(shop["order"], shop["b"])
    assert (mango_part.carrier, mango_part.tracking_number, mango_part.shipped_at) == ("", "", None)
    assert stock(shop["mango"]) == (10, 0)


# --------------------------------------------------------------------------- returns
def test_a_return_restocks_once(shop):
    staff = staff_user()
    ship(shop["pork_part"], shop["a_user"])
    accept(shop["pork_part"], shop["buyer"])
    assert stock(shop["pork"]) == (8, 0)

    services.fulfilment_return(fulfilment=shop["pork_part"], user=staff, reason=" 运输途中解冻 ")

    pork_part = part(shop["order"], shop["a"])
    assert pork_part.status == Status.RETURNED and pork_part.returned_at is not None
    assert pork_part.reason == "运输途中解冻"
    assert pork_part.accepted_at is not None  # still known for settlement
    assert stock(shop["pork"]) == (10, 0)
    assert order_status(shop["order"]) == "in_progress"  # the mango part is still to ship
    before = snapshot(pork_part)

    with pytest.raises(ValidationError):
        services.fulfilment_return(fulfilment=pork_part, user=staff, reason="再退一次")
    assert stock(shop["pork"]) == (10, 0)
    assert snapshot(pork_part) == before


def test_a_return_needs_a_reason_and_goods_that_left(shop):
    staff = staff_user()
    # nothing has left the farm yet: nothing to return
    to_ship = snapshot(shop["mango_part"])
    with pytest.raises(ValidationError):
        services.fulfilment_return(fulfilment=shop["mango_part"], user=staff, reason="未发货")
    assert snapshot(shop["mango_part"]) == to_ship and stock(shop["mango"]) == (10, 1)

    ship(shop["pork_part"], shop["a_user"])
    shipped = snapshot(shop["pork_part"])
    with pytest.raises(ValidationError) as refused:
        services.fulfilment_return(fulfilment=shop["pork_part"], user=staff, reason="   ")
    assert "reason" in refused.value.message_dict
    assert snapshot(shop["pork_part"]) == shipped and stock(shop["pork"]) == (8, 0)


def test_a_return_of_a_part_shipped_and_never_accepted_restocks(shop):
    ship(shop["mango_part"], shop["b_user"])
    services.fulfilment_return(fulfilment=shop["mango_part"], user=staff_user(), reason="拒收")
    assert part(shop["order"], shop["b"]).status == Status.RETURNED
    assert stock(shop["mango"]) == (10, 0)


# --------------------------------------------------------------------------- shipping rules
def test_a_cold_chain_part_cannot_ship_by_a_method_without_cold_chain(client):
    frozen_coop = CooperativeFactory(name="巴马冷鲜肉合作社")
    frozen_pork = make_product(title="冷冻香猪排骨", cooperative=frozen_coop, storage_type="frozen", stock=5)
    customer = buyer(email="canteen@school.example.cn")
    order = place_order(customer, [(frozen_pork, 1)])
    fulfilment = part(order, frozen_coop)
    assert fulfilment.cold_chain and fulfilment.shipping_method.code == "cold-chain"
    before = snapshot(fulfilment)

    with pytest.raises(ValidationError) as refused:
        ship(fulfilment, staff_user(), method=ShippingMethod.objects.get(code="parcel"))

    assert "shipping_method" in refused.value.message_dict
    assert snapshot(fulfilment) == before
    assert stock(frozen_pork) == (5, 1)

    # by cold chain it ships
    ship(
        fulfilment, staff_user("other-staff@platform.example.cn"), method=ShippingMethod.objects.get(code="cold-chain")
    )
    assert part(order, frozen_coop).status == Status.SHIPPED and stock(frozen_pork) == (4, 0)


def test_shipping_needs_a_carrier_and_a_tracking_number(shop):
    before = snapshot(shop["pork_part"])
    with pytest.raises(ValidationError) as refused:
        ship(shop["pork_part"], shop["a_user"], carrier="  ", tracking="")
    assert {"carrier", "tracking_number"} <= set(refused.value.message_dict)
    assert snapshot(shop["pork_part"]) == before
    assert stock(shop["pork"]) == (10, 2)


def test_shipping_twice_consumes_stock_once_and_keeps_the_first_tracking(shop):
    ship(shop["pork_part"], shop["a_user"], tracking="SF-FIRST")
    with pytest.raises(ValidationError):
        ship(shop["pork_part"], shop["a_user"], tracking="SF-SECOND")
    pork_part = part(shop["order"], shop["a"])
    assert pork_part.tracking_number == "SF-FIRST"
    assert stock(shop["pork"]) == (8, 0)
    assert events(pork_part).count(Action.SHIPPED) == 1


def test_steps_out_of_order_are_refused(shop):
    before = snapshot(shop["pork_part"])
    with pytest.raises(ValidationError):
        deliver(shop["pork_part"], shop["a_user"])  # not shipped yet
    with pytest.raises(ValidationError):
        accept(shop["pork_part"], shop["buyer"])  # nothing to inspect yet
    with pytest.raises(ValidationError):
        services.fulfilment_evaluate(fulfilment=shop["pork_part"], user=shop["buyer"], rating=5)
    assert snapshot(shop["pork_part"]) == before


def test_the_wrong_person_is_refused_each_step(shop):
    pork_part = shop["pork_part"]
    before = snapshot(pork_part)
    with pytest.raises(PermissionDenied):
        ship(pork_part, shop["b_user"])  # the other cooperative
    with pytest.raises(PermissionDenied):
        ship(pork_part, shop["buyer"])  # the buyer
    assert snapshot(pork_part) == before and stock(shop["pork"]) == (10, 2)

    ship(pork_part, shop["a_user"])
    shipped = snapshot(pork_part)
    with pytest.raises(PermissionDenied):
        deliver(pork_part, shop["b_user"])
    with pytest.raises(PermissionDenied):
        accept(pork_part, shop["a_user"])  # the cooperative cannot accept its own delivery
    with pytest.raises(PermissionDenied):
        accept(pork_part, staff_user())  # nor staff on the buyer's behalf
    with pytest.raises(PermissionDenied):
        accept(pork_part, buyer(email="someone-else@example.cn"))
    with pytest.raises(PermissionDenied):
        services.fulfilment_return(fulfilment=pork_part, user=shop["a_user"], reason="想退")
    with pytest.raises(PermissionDenied):
        services.fulfilment_cancel(fulfilment=shop["mango_part"], user=shop["b_user"], reason="不想发")
    assert snapshot(pork_part) == shipped and stock(shop["pork"]) == (8, 0)
    assert part(shop["order"], shop["b"]).status == Status.TO_SHIP and stock(shop["mango"]) == (10, 1)


# --------------------------------------------------------------------------- evaluation
@pytest.fixture
def accepted(shop):
    ship(shop["pork_part"], shop["a_user"])
    accept(shop["pork_part"], shop["buyer"])
    return shop


@pytest.mark.parametrize("rating", [1, 5, "3"])
def test_ratings_from_one_to_five_are_kept(accepted, rating):
    services.fulfilment_evaluate(fulfilment=accepted["pork_part"], user=accepted["buyer"], rating=rating)
    assert part(accepted["order"], accepted["a"]).rating == int(rating)


@pytest.mark.parametrize("rating", [0, 6, -1, 10, "abc", "", None, "4.5"])
def test_a_rating_outside_one_to_five_is_refused(accepted, rating):
    before = snapshot(accepted["pork_part"])
    with pytest.raises(ValidationError) as refused:
        services.fulfilment_evaluate(fulfilment=accepted["pork_part"], user=accepted["buyer"], rating=rating)
    assert "rating" in refused.value.message_dict
    assert snapshot(accepted["pork_part"]) == before


def test_a_comment_over_a_thousand_characters_is_refused(accepted):
    before = snapshot(accepted["pork_part"])
    with pytest.raises(ValidationError):
        services.fulfilment_evaluate(
            fulfilment=accepted["pork_part"], user=accepted["buyer"], rating=5, comment="好" * 1001
        )
    assert snapshot(accepted["pork_part"]) == before


def test_evaluating_twice_is_refused(accepted):
    services.fulfilment_evaluate(fulfilment=accepted["pork_part"], user=accepted["buyer"], rating=5, comment="好")
    first = snapshot(accepted["pork_part"])
    with pytest.raises(ValidationError):
        services.fulfilment_evaluate(fulfilment=accepted["pork_part"], user=accepted["buyer"], rating=1, comment="差")
    assert snapshot(accepted["pork_part"]) == first
    assert part(accepted["order"], accepted["a"]).rating == 5


# --------------------------------------------------------------------------- automatic acceptance
PLACED = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai


@pytest.fixture
def auto_shop(settings):
    """Both parts shipped at PLACED; only A is marked delivered, a day later; a third part never ships."""
    settings.FULFILMENT_AUTO_ACCEPT_DAYS = 3
    with freeze_time(PLACED):
        data = two_cooperatives()
        data["buyer"] = buyer(email="canteen@school.example.cn")
        data["order"] = place_order(data["buyer"], [(data["pork"], 2), (data["mango"], 1)])
        data["waiting_order"] = place_order(data["buyer"], [(data["mango"], 1)])
        ship(part(data["order"], data["a"]), data["a_user"])
        ship(part(data["order"], data["b"]), data["b_user"])
    with freeze_time(PLACED + datetime.timedelta(days=1)):
        deliver(part(data["order"], data["a"]), data["a_user"])
    return data


def run_auto_accept(at: datetime.datetime) -> int:
    with freeze_time(at):
        return auto_accept_fulfilments_task.delay().get()


def test_a_delivered_part_is_accepted_automatically_after_n_days_once(auto_shop):
    delivered = PLACED + datetime.timedelta(days=1)
    # not a minute before the N days are up
    assert run_auto_accept(delivered + datetime.timedelta(days=3, minutes=-1)) == 0
    assert part(auto_shop["order"], auto_shop["a"]).status == Status.DELIVERED

    # when N days have passed since delivery
    due = delivered + datetime.timedelta(days=3)
    assert run_auto_accept(due) == 1

    pork_part = part(auto_shop["order"], auto_shop["a"])
    assert pork_part.status == Status.ACCEPTED and pork_part.auto_accepted is True
    assert pork_part.accepted_at == due
    event = FulfilmentEvent.objects.get(fulfilment=pork_part, action=Action.AUTO_ACCEPTED)
    assert event.actor is None
    # B only shipped: not yet (it waits twice as long)
    assert part(auto_shop["order"], auto_shop["b"]).status == Status.SHIPPED
    assert order_status(auto_shop["order"]) == "in_progress"

    # running again changes nothing
    assert run_auto_accept(due + datetime.timedelta(minutes=5)) == 0
    assert events(pork_part).count(Action.AUTO_ACCEPTED) == 1
    assert part(auto_shop["order"], auto_shop["a"]).accepted_at == due


def test_a_shipped_part_never_marked_delivered_is_accepted_after_twice_n_days(auto_shop):
    assert run_auto_accept(PLACED + datetime.timedelta(days=6, minutes=-1)) == 1  # only A (delivered)
    assert part(auto_shop["order"], auto_shop["b"]).status == Status.SHIPPED

    due = PLACED + datetime.timedelta(days=6)
    assert run_auto_accept(due) == 1

    mango_part = part(auto_shop["order"], auto_shop["b"])
    assert mango_part.status == Status.ACCEPTED and mango_part.auto_accepted
    assert mango_part.accepted_at == due and mango_part.delivered_at == due
    assert order_status(auto_shop["order"]) == "completed"
    assert run_auto_accept(due + datetime.timedelta(days=1)) == 0
    assert events(mango_part).count(Action.AUTO_ACCEPTED) == 1


def test_auto_accept_leaves_unshipped_accepted_and_cancelled_parts_alone(auto_shop):
    cancelled_order = place_order(auto_shop["buyer"], [(auto_shop["pork"], 1)])
    services.fulfilment_cancel(fulfilment=part(cancelled_order, auto_shop["a"]), user=auto_shop["buyer"])
    accept(part(auto_shop["order"], auto_shop["a"]), auto_shop["buyer"])

    assert run_auto_accept(PLACED + datetime.timedelta(days=60)) == 1  # only B's shipped part

    assert part(auto_shop["order"], auto_shop["b"]).auto_accepted is True
    assert part(auto_shop["order"], auto_shop["a"]).auto_accepted is False  # the buyer's own acceptance stays
    assert part(auto_shop["waiting_order"], auto_shop["b"]).status == Status.TO_SHIP
    assert part(cancelled_order, auto_shop["a"]).status == Status.CANCELLED
    assert Fulfilment.objects.filter(auto_accepted=True).count() == 1


def test_a_buyer_may_evaluate_an_automatically_accepted_part(auto_shop):
    run_auto_accept(PLACED + datetime.timedelta(days=4))
    services.fulfilment_evaluate(fulfilment=part(auto_shop["order"], auto_shop["a"]), user=auto_shop["buyer"], rating=3)
    assert part(auto_shop["order"], auto_shop["a"]).rating == 3


def test_a_budget_units_part_is_never_accepted_automatically(settings, client):
    """履约验收: the unit's buyer inspects and accepts; no sweep accepts for them, however late."""
    settings.FULFILMENT_AUTO_ACCEPT_DAYS = 3
    with freeze_time(PLACED):
        data = two_cooperatives()
        unit_buyer = budget_unit_buyer("canteen@agency.example.cn")
        consumer = buyer(email="family@example.cn")
        unit_order = place_order(unit_buyer, [(data["pork"], 1)])
        consumer_order = place_order(consumer, [(data["pork"], 1)])
        for order in (unit_order, consumer_order):
            ship(part(order, data["a"]), data["a_user"])
            deliver(part(order, data["a"]), data["a_user"])
    unit_part = part(unit_order, data["a"])
    assert unit_part.buyer_type == "budget_unit" and "auto_accept" not in unit_part.steps

    assert run_auto_accept(PLACED + datetime.timedelta(days=90)) == 1  # the consumer's part only
    assert part(consumer_order, data["a"]).auto_accepted
    unit_part = part(unit_order, data["a"])
    assert unit_part.status == Status.DELIVERED and unit_part.accepted_at is None

    client.force_login(unit_buyer)
    page = client.get(reverse("customer:order", kwargs={"order_number": unit_order.number}), follow=True)
    assert page.request["PATH_INFO"].startswith("/procurement/")  # the unit's order is read in its portal
    assert "单位的履约验收不会自动完成" in page.content.decode()
    accept(unit_part, unit_buyer)
    assert part(unit_order, data["a"]).status == Status.ACCEPTED and not part(unit_order, data["a"]).auto_accepted
