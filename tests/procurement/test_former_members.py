"""A unit's order stays with the unit: the person who placed it loses it when they leave the unit."""

import pytest
from django.urls import reverse

from marketplace.fulfilment.models import FulfilmentStatus
from marketplace.procurement.models import UnitOrder, UnitYearTotals
from marketplace.procurement.units import membership_set
from tests.fulfilment.builders import deliver, part, place_order, ship, two_cooperatives
from tests.fulfilment.helpers import buyer

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(units):
    shop = two_cooperatives()
    # a consumer's order first, so that the order's and the unit order's ids differ
    place_order(buyer(email="family@example.cn"), [(shop["mango"], 1)])
    order = place_order(units["a_buyer"], [(shop["pork"], 1)])
    deliver(ship(part(order, shop["a"]), shop["a_user"]), shop["a_user"])
    return {**shop, "order": order, "part": part(order, shop["a"])}


def test_the_buyer_who_left_cannot_accept_see_or_reorder_the_units_order(client, units, delivered):
    order, fulfilment = delivered["order"], delivered["part"]
    colleague = units["a_buyer"]
    membership_set(unit=units["school_a"], user=colleague)  # leaves the unit
    client.force_login(colleague)

    accept = client.post(reverse("fulfilment:buyer-action", kwargs={"pk": fulfilment.pk, "action": "accept"}))
    detail = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    history = client.get(reverse("customer:order-list"))

    assert accept.status_code == 404 and detail.status_code == 404
    assert order.number not in history.content.decode()
    fulfilment.refresh_from_db()
    assert fulfilment.status == FulfilmentStatus.DELIVERED
    assert UnitYearTotals.objects.get(unit=units["school_a"]).completed == 0
    assert UnitOrder.objects.get(order=order).unit == units["school_a"]  # the unit stays on the order


def test_a_buyer_of_the_unit_now_accepts_it_and_is_sent_to_the_portal(client, units, delivered):
    order, fulfilment = delivered["order"], delivered["part"]
    successor = units["a_approver"]
    membership_set(unit=units["school_a"], user=successor, approver=True, buyer=True)
    client.force_login(successor)

    detail = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    client.post(reverse("fulfilment:buyer-action", kwargs={"pk": fulfilment.pk, "action": "accept"}))

    assert detail.status_code == 302
    unit_order = UnitOrder.objects.get(order=order)
    assert unit_order.pk != order.pk
    portal = reverse("procurement:order", kwargs={"unit": units["school_a"].pk, "pk": unit_order.pk})
    assert detail["Location"] == portal
    fulfilment.refresh_from_db()
    assert fulfilment.status == FulfilmentStatus.ACCEPTED
