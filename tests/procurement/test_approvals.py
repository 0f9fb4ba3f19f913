"""Approval of a budget unit's order (订单审批): who decides, what approval and rejection do to the
parts and their stock, expiry, and who is told."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from core.models import SentMail
from marketplace.fulfilment import selectors
from marketplace.fulfilment.models import FulfilmentStatus
from marketplace.procurement import approvals
from marketplace.procurement.models import ApprovalStatus, PaymentMode, UnitOrder
from marketplace.procurement.tasks_orders import expire_unapproved_orders_task
from tests.fulfilment.builders import part, place_order, ship, staff_user, stock, two_cooperatives

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(units):
    """School A approves orders above ¥100; the pork (¥88) comes from cooperative A, mango (¥59.90) from B."""
    data = two_cooperatives()
    units["school_a"].approval_threshold = Decimal("100.00")
    units["school_a"].save()
    return data


def waiting_order(shop, units, *, pork=2, mango=1):
    order = place_order(units["a_buyer"], [(shop["pork"], pork), (shop["mango"], mango)])
    return UnitOrder.objects.get(order=order)


def snapshot(unit_order):
    fresh = UnitOrder.objects.get(pk=unit_order.pk)
    parts = sorted(fresh.order.fulfilments.values_list("pk", "status", "ship_by"))
    return (fresh.approval_status, fresh.decided_by_id, fresh.decided_at, fresh.rejection_reason, parts)


def test_approval_above_threshold_only(shop, units):
    above = waiting_order(shop, units)  # 2 × 88 + 59.90 = 235.90
    below = UnitOrder.objects.get(order=place_order(units["a_buyer"], [(shop["mango"], 1)]))  # 59.90 + 10 shipping

    assert above.approval_status == ApprovalStatus.PENDING
    assert set(above.order.fulfilments.values_list("status", flat=True)) == {FulfilmentStatus.AWAITING_APPROVAL}
    assert below.approval_status == ApprovalStatus.NOT_REQUIRED
    assert set(below.order.fulfilments.values_list("status", flat=True)) == {FulfilmentStatus.TO_SHIP}


def test_nobody_ships_before_approval(shop, units, client):
    unit_order = waiting_order(shop, units)
    pork_part = part(unit_order.order, shop["a"])

    assert not selectors.fulfilments_for_cooperative_user(shop["a_user"]).filter(pk=pork_part.pk).exists()
    client.force_login(shop["a_user"])
    listing = client.get(reverse("fulfilment:list"))
    assert listing.status_code == 200
    assert unit_order.order.number not in listing.content.decode()
    assert client.get(reverse("fulfilment:detail", kwargs={"pk": pork_part.pk})).status_code == 404
    with pytest.raises(ValidationError):
        ship(pork_part, shop["a_user"])
    assert part(unit_order.order, shop["a"]).status == FulfilmentStatus.AWAITING_APPROVAL
    assert stock(shop["pork"]) == (10, 2)


def test_approval_releases_parts_and_ship_by_15_days_from_approval(shop, units):
    with freeze_time("2026-11-02 10:00"):
        unit_order = waiting_order(shop, units)
    with freeze_time("2026-11-05 09:59"):  # a minute before the 72 hours run out
        approvals.order_approve(unit_order=unit_order, user=units["a_approver"])
        today = timezone.localdate()

    unit_order.refresh_from_db()
    assert unit_order.approval_status == ApprovalStatus.APPROVED
    assert unit_order.decided_by == units["a_approver"]
    for cooperative in (shop["a"], shop["b"]):
        fulfilment = part(unit_order.order, cooperative)
        assert fulfilment.status == FulfilmentStatus.TO_SHIP
        assert fulfilment.ship_by == today + datetime.timedelta(days=15)
    assert selectors.fulfilments_for_cooperative_user(shop["a_user"]).filter(order=unit_order.order).exists()


def test_pay_first_unit_approval_waits_for_payment(shop, units):
    units["school_a"].payment_mode = PaymentMode.PAY_FIRST
    units["school_a"].save()
    unit_order = waiting_order(shop, units)

    approvals.order_approve(unit_order=unit_order, user=units["a_approver"])

    assert set(unit_order.order.fulfilments.values_list("status", flat=True)) == {FulfilmentStatus.AWAITING_PAYMENT}


@pytest.mark.parametrize("who", ["a_buyer", "bureau_manager", "a_manager", "b_buyer", "staff"])
def test_only_an_approver_of_that_very_unit_decides(shop, units, who):
    unit_order = waiting_order(shop, units)
    user = staff_user() if who == "staff" else units[who]
    before = snapshot(unit_order)

    with pytest.raises(PermissionDenied):
        approvals.order_approve(unit_order=unit_order, user=user)
    with pytest.raises(PermissionDenied):
        approvals.order_reject(unit_order=unit_order, user=user, reason="太贵")

    assert snapshot(unit_order) == before


def test_an_approver_of_another_unit_may_not_decide(shop, units):
    from tests.factories import unit_member

    other_approver = unit_member(units["school_b"], "approver@b.example.cn", roles=("approver",))
    unit_order = waiting_order(shop, units)
    before = snapshot(unit_order)

    with pytest.raises(PermissionDenied):
        approvals.order_approve(unit_order=unit_order, user=other_approver)

    assert snapshot(unit_order) == before


def test_rejection_needs_a_reason(shop, units):
    unit_order = waiting_order(shop, units)
    before = snapshot(unit_order)

    with pytest.raises(ValidationError) as refused:
        approvals.order_reject(unit_order=unit_order, user=units["a_approver"], reason="   ")

    assert "reason" in refused.value.message_dict
    assert snapshot(unit_order) == before


def test_rejection_releases_stock(shop, units):
    unit_order = waiting_order(shop, units)
    assert stock(shop["pork"]) == (10, 2)

    approvals.order_reject(unit_order=unit_order, user=units["a_approver"], reason="超出本月预算")

    unit_order.refresh_from_db()
    assert unit_order.approval_status == ApprovalStatus.REJECTED
    assert unit_order.rejection_reason == "超出本月预算"
    assert unit_order.decided_by == units["a_approver"] and unit_order.decided_at
    assert stock(shop["pork"]) == (10, 0) and stock(shop["mango"]) == (10, 0)
    assert set(unit_order.order.fulfilments.values_list("status", flat=True)) == {FulfilmentStatus.CANCELLED}


def test_a_decided_order_is_not_decided_again(shop, units):
    unit_order = waiting_order(shop, units)
    approvals.order_approve(unit_order=unit_order, user=units["a_approver"])
    before = snapshot(unit_order)

    with pytest.raises(ValidationError):
        approvals.order_approve(unit_order=unit_order, user=units["a_approver"])
    with pytest.raises(ValidationError):
        approvals.order_reject(unit_order=unit_order, user=units["a_approver"], reason="点错了")

    assert snapshot(unit_order) == before
    assert stock(shop["pork"]) == (10, 2)


def test_expiry_releases_stock_once(shop, units):
    with freeze_time("2026-11-02 10:00"):
        unit_order = waiting_order(shop, units)
    assert unit_order.approval_expires_at == unit_order.placed_at + datetime.timedelta(hours=72)

    early = approvals.orders_expire_unapproved(now=unit_order.approval_expires_at - datetime.timedelta(minutes=1))
    assert early == 0 and stock(shop["pork"]) == (10, 2)

    later = unit_order.approval_expires_at + datetime.timedelta(minutes=1)
    assert approvals.orders_expire_unapproved(now=later) == 1
    assert approvals.orders_expire_unapproved(now=later) == 0

    unit_order.refresh_from_db()
    assert unit_order.approval_status == ApprovalStatus.EXPIRED
    assert stock(shop["pork"]) == (10, 0) and stock(shop["mango"]) == (10, 0)
    pork_part = part(unit_order.order, shop["a"])
    assert pork_part.status == FulfilmentStatus.CANCELLED
    assert list(pork_part.events.filter(action="cancelled").values_list("action", flat=True)) == ["cancelled"]
    with pytest.raises(ValidationError):
        approvals.order_approve(unit_order=unit_order, user=units["a_approver"])


def test_expiry_task_runs_the_sweep(shop, units):
    unit_order = waiting_order(shop, units)
    UnitOrder.objects.filter(pk=unit_order.pk).update(approval_expires_at=timezone.now() - datetime.timedelta(hours=1))

    assert expire_unapproved_orders_task() == 1
    assert expire_unapproved_orders_task() == 0


def test_expiry_sweep_is_on_celery_beat():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["procurement-expire-unapproved-orders"]
    assert entry["task"] == expire_unapproved_orders_task.name
    assert entry["schedule"] == 15 * 60


def test_approvers_are_told_an_order_awaits_them_and_the_buyer_of_the_decision(
    shop, units, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import unit_member

    other_approver = unit_member(units["school_b"], "approver@b.example.cn", roles=("approver",))
    with django_capture_on_commit_callbacks(execute=True):
        unit_order = waiting_order(shop, units)
    assert not [m for m in mailoutbox if other_approver.email in m.to]
    to_approver = [m for m in mailoutbox if units["a_approver"].email in m.to]
    assert len(to_approver) == 1 and unit_order.order.number in to_approver[0].subject
    assert f"/procurement/units/{units['school_a'].pk}/approvals/" in to_approver[0].body
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        approvals.order_reject(unit_order=unit_order, user=units["a_approver"], reason="超出本月预算")

    decision = [m for m in mailoutbox if units["a_buyer"].email in m.to and "超出本月预算" in m.body]
    assert len(decision) == 1
    assert SentMail.objects.filter(key=f"unit_order:{unit_order.pk}:rejected:buyer").count() == 1
    assert not [m for m in mailoutbox if shop["a_user"].email in m.to]  # the cooperative never saw it


def test_the_unit_stays_on_the_order_after_its_buyer_leaves_the_unit(shop, units):
    unit_order = waiting_order(shop, units)
    units["a_buyer"].unit_memberships.all().delete()

    approvals.order_approve(unit_order=unit_order, user=units["a_approver"])

    unit_order.refresh_from_db()
    assert unit_order.unit == units["school_a"]
    assert unit_order.approval_status == ApprovalStatus.APPROVED


# --------------------------------------------------------------------------- races (PostgreSQL)
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_on_approve_decides_once(units):
    from collections import Counter

    from tests.fulfilment.threads import Crowd, unexpected

    data = two_cooperatives()
    units["school_a"].approval_threshold = Decimal("100.00")
    units["school_a"].save()
    unit_order = waiting_order(data, units)

    with Crowd(4) as crowd:
        outcomes = crowd.race(lambda _index: approvals.order_approve(unit_order=unit_order, user=units["a_approver"]))

    refused = (ValidationError,)
    assert not unexpected(outcomes, refused), unexpected(outcomes, refused)
    assert Counter(type(outcome).__name__ for outcome in outcomes) == {"UnitOrder": 1, "ValidationError": 3}
    pork_part = part(unit_order.order, data["a"])
    assert pork_part.status == FulfilmentStatus.TO_SHIP
    assert pork_part.events.filter(action="approved").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_approve_and_reject_at_once_one_decision_and_stock_agrees(units):
    from tests.fulfilment.threads import Crowd

    data = two_cooperatives()
    units["school_a"].approval_threshold = Decimal("100.00")
    units["school_a"].save()
    unit_order = waiting_order(data, units)

    def decide(index):
        if index == 0:
            return approvals.order_approve(unit_order=unit_order, user=units["a_approver"])
        return approvals.order_reject(unit_order=unit_order, user=units["a_approver"], reason="超出预算")

    with Crowd(2) as crowd:
        crowd.race(decide)

    unit_order.refresh_from_db()
    statuses = set(unit_order.order.fulfilments.values_list("status", flat=True))
    if unit_order.approval_status == ApprovalStatus.APPROVED:
        assert statuses == {FulfilmentStatus.TO_SHIP} and stock(data["pork"]) == (10, 2)
    else:
        assert unit_order.approval_status == ApprovalStatus.REJECTED
        assert statuses == {FulfilmentStatus.CANCELLED} and stock(data["pork"]) == (10, 0)


def test_an_approval_after_the_time_ran_out_is_refused_and_the_order_expires(shop, units):
    with freeze_time("2026-11-02 10:00"):
        unit_order = waiting_order(shop, units)
    with freeze_time("2026-11-05 10:01"), pytest.raises(ValidationError) as refusal:  # 72 hours and a minute
        approvals.order_approve(unit_order=unit_order, user=units["a_approver"])

    assert refusal.value.code == "expired"
    unit_order.refresh_from_db()
    assert unit_order.approval_status == ApprovalStatus.EXPIRED and unit_order.decided_by is None
    assert stock(shop["pork"]) == (10, 0)
    assert set(unit_order.order.fulfilments.values_list("status", flat=True)) == {FulfilmentStatus.CANCELLED}


def test_the_person_who_placed_an_order_does_not_approve_it(shop, units):
    """Four eyes: a buyer who is also an approver of the unit needs another approver."""
    from marketplace.procurement.units import membership_set

    membership_set(unit=units["school_a"], user=units["a_buyer"], buyer=True, approver=True)
    unit_order = waiting_order(shop, units)
    before = snapshot(unit_order)

    with pytest.raises(PermissionDenied):
        approvals.order_approve(unit_order=unit_order, user=units["a_buyer"])
    assert snapshot(unit_order) == before
    approvals.order_approve(unit_order=unit_order, user=units["a_approver"])
    assert UnitOrder.objects.get(pk=unit_order.pk).approval_status == ApprovalStatus.APPROVED
