"""货款认领: the unit's finance records bank receipts and matches them to the parts the unit owes.

School A (the ``units`` fixture) buys pork (88.00 + 10.00 shipping = 98.00) from cooperative A and
mango (59.90 + 10.00 = 69.90) from cooperative B in one order; both parts accepted on 2026-03-02.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from marketplace.fulfilment.models import FulfilmentStatus
from marketplace.procurement import payments
from marketplace.procurement.models import Receipt, ReceiptAllocation
from tests.fulfilment.builders import accept, deliver, part, place_order, ship, staff_user, two_cooperatives

pytestmark = pytest.mark.django_db

ACCEPTED = "2026-03-02 04:00:00"  # noon in Shanghai
TODAY = datetime.date(2026, 3, 10)


def utc(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


def accepted_order(user, cooperatives: dict, items: list[tuple], when: str = ACCEPTED):
    """``user`` orders ``items`` for their unit; every part is shipped, delivered and accepted at ``when``."""
    with freeze_time(utc(when) - datetime.timedelta(days=3)):
        order = place_order(user, items)
    with freeze_time(utc(when)):
        for cooperative, member in (
            (cooperatives["a"], cooperatives["a_user"]),
            (cooperatives["b"], cooperatives["b_user"]),
        ):
            if order.lines.filter(partner=cooperative).exists():
                deliver(ship(part(order, cooperative), member), member)
                accept(part(order, cooperative), user)
    return order


def owing_data(units) -> dict:
    """The ``units`` fixture's people, two cooperatives and school A's order accepted on 2026-03-02."""
    data = two_cooperatives()
    data["pork"].stockrecords.update(num_in_stock=100)
    data["mango"].stockrecords.update(num_in_stock=100)
    data["order"] = accepted_order(units["a_buyer"], data, [(data["pork"], 1), (data["mango"], 1)])
    data["pork_part"] = part(data["order"], data["a"])
    data["mango_part"] = part(data["order"], data["b"])
    return {**units, **data}


@pytest.fixture
def owing(units):
    return owing_data(units)


def record(owing, amount="98.00", reference="ICBC-001", user=None, **fields):
    with freeze_time(utc("2026-03-10 04:00")):
        return payments.receipt_record(
            unit=owing["school_a"],
            user=user or owing["a_finance"],
            payer_name=fields.pop("payer_name", "深圳市测试第一中学"),
            payer_kind=fields.pop("payer_kind", "unit"),
            amount=amount,
            received_on=fields.pop("received_on", TODAY),
            reference=reference,
        )


def state() -> tuple:
    """Everything receipts change, to show that a refusal changed nothing."""
    return (
        list(Receipt.objects.order_by("pk").values_list("pk", "amount", "reference")),
        list(ReceiptAllocation.objects.order_by("pk").values_list("receipt_id", "fulfilment_id", "amount")),
    )


def test_finance_records_a_receipt_and_matches_it_to_one_part(owing):
    receipt = record(owing)
    assert (receipt.amount, receipt.recorded_by, receipt.payer_kind) == (Decimal("98.00"), owing["a_finance"], "unit")

    payments.receipt_allocate(receipt=receipt, user=owing["a_finance"], allocations=[(owing["pork_part"], "98.00")])

    owed = {p.fulfilment.pk: p.outstanding for p in payments.parts_owed(units=[owing["school_a"]], today=TODAY)}
    assert owed == {owing["mango_part"].pk: Decimal("69.90")}
    assert payments.receipts_unmatched(unit=owing["school_a"]) == []


def test_partial_payment_leaves_the_remainder_outstanding(owing):
    receipt = record(owing, amount="50.00")
    payments.receipt_allocate(receipt=receipt, user=owing["a_finance"], allocations=[(owing["pork_part"], "30.00")])

    owed = {p.fulfilment.pk: p for p in payments.parts_owed(units=[owing["school_a"]], today=TODAY)}
    assert owed[owing["pork_part"].pk].paid == Decimal("30.00")
    assert owed[owing["pork_part"].pk].outstanding == Decimal("68.00")
    assert payments.unit_outstanding(unit=owing["school_a"]) == Decimal("137.90")


def test_unmatched_receipts_listed_with_what_is_left_of_them(owing):
    whole = record(owing, amount="60.00", reference="ICBC-001")
    partly = record(owing, amount="40.00", reference="UNION-002", payer_name="第一中学工会", payer_kind="union")
    used = record(owing, amount="20.00", reference="STAFF-003", payer_name="张老师", payer_kind="staff")
    payments.receipt_allocate(receipt=partly, user=owing["a_finance"], allocations=[(owing["pork_part"], "15.00")])
    payments.receipt_allocate(receipt=used, user=owing["a_finance"], allocations=[(owing["mango_part"], "20.00")])

    unmatched = payments.receipts_unmatched(unit=owing["school_a"])

    assert [(r.pk, r.remainder) for r in unmatched] == [(whole.pk, Decimal("60.00")), (partly.pk, Decimal("25.00"))]


def test_several_payers_pay_for_one_unit(owing):
    unit_money = record(owing, amount="98.00", reference="ICBC-001")
    union_money = record(owing, amount="69.90", reference="UNION-001", payer_name="第一中学工会", payer_kind="union")
    payments.receipt_allocate(receipt=unit_money, user=owing["a_finance"], allocations=[(owing["pork_part"], "98")])
    payments.receipt_allocate(receipt=union_money, user=owing["a_finance"], allocations=[(owing["mango_part"], "69.9")])
    assert payments.parts_owed(units=[owing["school_a"]], today=TODAY) == []


def test_a_whole_order_is_paid_oldest_due_first(owing, units):
    # given a second order accepted a week later (due later)
    later = accepted_order(units["a_buyer"], owing, [(owing["pork"], 1)], when="2026-03-09 04:00:00")
    receipt = record(owing, amount="100.00")

    payments.receipt_allocate(receipt=receipt, user=owing["a_finance"], allocations=[(owing["order"], "100.00")])

    shares = dict(ReceiptAllocation.objects.values_list("fulfilment_id", "amount"))
    # both parts of the first order are due on 04-01; the one with the smaller id first
    first, second = sorted([owing["pork_part"].pk, owing["mango_part"].pk])
    assert shares[first] + shares.get(second, Decimal("0")) == Decimal("100.00")
    assert part(later, owing["a"]).pk not in shares


def test_a_receipt_larger_than_what_is_due_is_refused(owing):
    before = state()
    with pytest.raises(ValidationError) as refused:
        record(owing, amount="167.91")  # owed: 98.00 + 69.90 = 167.90
    assert "amount" in refused.value.message_dict
    assert "167.90" in refused.value.message_dict["amount"][0]
    assert state() == before
    record(owing, amount="167.90")  # exactly what is due is fine


def test_a_receipt_larger_than_what_is_due_counts_money_received_but_not_yet_matched(owing):
    record(owing, amount="100.00", reference="ICBC-001")
    before = state()
    with pytest.raises(ValidationError):
        record(owing, amount="68.00", reference="ICBC-002")  # 167.90 − 100.00 unmatched = 67.90
    assert state() == before


def test_an_allocation_over_a_parts_outstanding_amount_is_refused(owing):
    receipt = record(owing, amount="150.00")
    before = state()
    with pytest.raises(ValidationError) as refused:
        payments.receipt_allocate(receipt=receipt, user=owing["a_finance"], allocations=[(owing["pork_part"], "98.01")])
    assert "98.00" in refused.value.message_dict["amount"][0]
    # the same part twice in one match, together over its amount
    with pytest.raises(ValidationError):
        payments.receipt_allocate(
            receipt=receipt,
            user=owing["a_finance"],
            allocations=[(owing["pork_part"], "60.00"), (owing["pork_part"], "40.00")],
        )
    assert state() == before


def test_more_than_the_receipts_remainder_is_refused(owing):
    receipt = record(owing, amount="100.00")
    payments.receipt_allocate(receipt=receipt, user=owing["a_finance"], allocations=[(owing["pork_part"], "90.00")])
    before = state()
    with pytest.raises(ValidationError) as refused:
        payments.receipt_allocate(
            receipt=receipt, user=owing["a_finance"], allocations=[(owing["mango_part"], "10.01")]
        )
    assert "10.00" in refused.value.message_dict["amount"][0]
    assert state() == before


def test_the_same_match_sent_twice_is_refused_the_second_time(owing):
    receipt = record(owing, amount="98.00")
    payments.receipt_allocate(receipt=receipt, user=owing["a_finance"], allocations=[(owing["pork_part"], "98.00")])
    before = state()
    with pytest.raises(ValidationError):
        payments.receipt_allocate(receipt=receipt, user=owing["a_finance"], allocations=[(owing["pork_part"], "98.00")])
    assert state() == before


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.001", "NaN", "Infinity"])
def test_bad_amounts_are_refused(owing, amount):
    before = state()
    with pytest.raises(ValidationError) as refused:
        record(owing, amount=amount)
    assert "amount" in refused.value.message_dict
    assert state() == before


def test_a_receipt_dated_in_the_future_or_a_reference_recorded_before_is_refused(owing):
    with pytest.raises(ValidationError) as refused:
        record(owing, amount="10.00", received_on=datetime.date(2026, 3, 11))
    assert "received_on" in refused.value.message_dict
    record(owing, amount="10.00", reference="ICBC-001")
    before = state()
    with pytest.raises(ValidationError) as refused:
        record(owing, amount="10.00", reference=" ICBC-001 ")
    assert "reference" in refused.value.message_dict
    assert state() == before


@pytest.mark.parametrize("who", ["a_buyer", "a_manager", "bureau_manager", "b_buyer"])
def test_only_finance_of_the_unit_itself_may_record_or_match(owing, who):
    receipt = record(owing, amount="50.00")
    before = state()
    with pytest.raises(PermissionDenied):
        record(owing, amount="10.00", reference="OTHER", user=owing[who])
    with pytest.raises(PermissionDenied):
        payments.receipt_allocate(receipt=receipt, user=owing[who], allocations=[(owing["pork_part"], "10.00")])
    assert state() == before


def test_a_member_of_unit_a_cannot_act_on_unit_bs_receipt(owing, units):
    from tests.factories import unit_member

    # given unit B owes for an order and its finance records a receipt
    b_finance = unit_member(units["school_b"], "finance@b.example.cn", roles=("finance",))
    b_order = accepted_order(units["b_buyer"], owing, [(owing["pork"], 2)])
    with freeze_time(utc("2026-03-10 04:00")):
        b_receipt = payments.receipt_record(
            unit=units["school_b"],
            user=b_finance,
            payer_name="第二中学",
            payer_kind="unit",
            amount="100.00",
            received_on=TODAY,
            reference="B-001",
        )
    a_receipt = record(owing, amount="50.00")
    before = state()

    # A's finance cannot match B's receipt, nor put A's money on B's part, nor record for B
    with pytest.raises(PermissionDenied):
        payments.receipt_allocate(
            receipt=b_receipt, user=owing["a_finance"], allocations=[(part(b_order, owing["a"]), "10")]
        )
    with pytest.raises(ValidationError):
        payments.receipt_allocate(
            receipt=a_receipt, user=owing["a_finance"], allocations=[(part(b_order, owing["a"]), "10")]
        )
    with pytest.raises(ValidationError):
        payments.receipt_allocate(receipt=a_receipt, user=owing["a_finance"], allocations=[(b_order, "10")])
    with pytest.raises(PermissionDenied):
        payments.receipt_record(
            unit=units["school_b"],
            user=owing["a_finance"],
            payer_name="x",
            payer_kind="unit",
            amount="1.00",
            received_on=TODAY,
            reference="A-INTO-B",
        )
    assert state() == before

    # nor open it on the pages: 404 for B's receipt through A's unit or B's unit
    browser = Client()
    browser.force_login(owing["a_finance"])
    for unit in (units["school_a"], units["school_b"]):
        url = reverse("procurement:receipt", kwargs={"unit": unit.pk, "pk": b_receipt.pk})
        assert browser.get(url).status_code == 404
        assert browser.post(url, {"fulfilment": part(b_order, owing["a"]).pk, "amount": "10"}).status_code == 404
    assert state() == before


def test_a_returned_part_is_owed_no_more_and_cannot_be_paid(owing):
    from marketplace.fulfilment import services

    services.fulfilment_return(fulfilment=owing["mango_part"], user=staff_user(), reason="质量问题")
    assert [p.fulfilment.pk for p in payments.parts_owed(units=[owing["school_a"]], today=TODAY)] == [
        owing["pork_part"].pk
    ]
    receipt = record(owing, amount="98.00")
    with pytest.raises(ValidationError):
        payments.receipt_allocate(receipt=receipt, user=owing["a_finance"], allocations=[(owing["mango_part"], "10")])
    assert part(owing["order"], owing["b"]).status == FulfilmentStatus.RETURNED
