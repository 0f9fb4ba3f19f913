"""Due dates and overdue payments (逾期), and the pages that show them: the unit, the managers above
(read only), platform staff; pay-first parts (先款后货) ship only once paid in full."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from marketplace.fulfilment.models import FulfilmentStatus
from marketplace.procurement import payments
from marketplace.procurement.models import Receipt, ReceiptAllocation, UnitOrder
from tests.factories import unit_member
from tests.fulfilment.builders import part, place_order, ship, staff_user
from tests.procurement.test_receipts import TODAY, accepted_order, owing_data, record, state, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def owing(units):
    return owing_data(units)


def test_due_is_acceptance_plus_30_days(owing):
    # accepted 2026-03-02 (Shanghai): due 2026-04-01
    owed = payments.parts_owed(units=[owing["school_a"]], today=TODAY)
    assert {p.due_on for p in owed} == {datetime.date(2026, 4, 1)}
    assert payments.due_on(owing["pork_part"]) == datetime.date(2026, 3, 2) + datetime.timedelta(days=30)


def test_due_follows_the_local_day_of_acceptance(units, owing):
    # accepted at 23:30 in Shanghai on 03-05 (15:30 UTC): due 30 days after 03-05, not 03-06
    order = accepted_order(units["a_buyer"], owing, [(owing["pork"], 1)], when="2026-03-05 15:30:00")
    assert payments.due_on(part(order, owing["a"])) == datetime.date(2026, 4, 4)


def test_a_contract_term_changes_the_due_date_but_never_beyond_60_days(owing):
    UnitOrder.objects.filter(order=owing["order"]).update(payment_term_days=45)
    assert payments.due_on(part(owing["order"], owing["a"])) == datetime.date(2026, 4, 16)
    UnitOrder.objects.filter(order=owing["order"]).update(payment_term_days=90)  # bad data
    assert payments.due_on(part(owing["order"], owing["a"])) == datetime.date(2026, 5, 1)  # 60 days


def test_a_part_is_overdue_the_day_after_its_due_date_until_paid(owing):
    units = [owing["school_a"]]
    assert payments.overdue_parts(units=units, today=datetime.date(2026, 4, 1)) == []
    overdue = payments.overdue_parts(units=units, today=datetime.date(2026, 4, 2))
    assert {p.fulfilment.pk for p in overdue} == {owing["pork_part"].pk, owing["mango_part"].pk}

    receipt = record(owing, amount="98.00")
    payments.receipt_allocate(receipt=receipt, user=owing["a_finance"], allocations=[(owing["pork_part"], "98.00")])
    overdue = payments.overdue_parts(units=units, today=datetime.date(2026, 4, 2))
    assert [p.fulfilment.pk for p in overdue] == [owing["mango_part"].pk]


def test_parts_not_yet_accepted_are_not_owed(units, owing):
    with freeze_time(utc("2026-03-05 04:00")):
        order = place_order(units["a_buyer"], [(owing["pork"], 1)])
        ship(part(order, owing["a"]), owing["a_user"])
    assert part(order, owing["a"]).pk not in {p.fulfilment.pk for p in payments.parts_owed(units=[units["school_a"]])}


# --------------------------------------------------------------------------- pay first
@pytest.fixture
def pay_first(units):
    from tests.fulfilment.builders import two_cooperatives

    unit = units["school_a"]
    unit.payment_mode = "pay_first"
    unit.save()
    data = two_cooperatives()
    with freeze_time(utc("2026-03-03 04:00")):
        order = place_order(units["a_buyer"], [(data["pork"], 1)])
    return {**units, **data, "order": order, "part": part(order, data["a"])}


def test_pay_first_part_ships_only_after_full_payment(pay_first):
    coop_part = pay_first["part"]
    assert coop_part.status == FulfilmentStatus.AWAITING_PAYMENT and not coop_part.allows("ship")
    # owed from placement, due at once — but never "overdue": nothing has shipped yet
    owed = payments.parts_owed(units=[pay_first["school_a"]], today=datetime.date(2026, 3, 20))
    assert [(p.fulfilment.pk, p.due_on, p.outstanding, p.overdue) for p in owed] == [
        (coop_part.pk, datetime.date(2026, 3, 3), Decimal("98.00"), False)
    ]
    from marketplace.procurement.progress import overdue_payments

    assert overdue_payments(unit=pay_first["school_a"], today=datetime.date(2026, 3, 20))["count"] == 0
    receipt = record(pay_first, amount="98.00")

    # a partial payment does not release it
    payments.receipt_allocate(receipt=receipt, user=pay_first["a_finance"], allocations=[(coop_part, "50.00")])
    assert part(pay_first["order"], pay_first["a"]).status == FulfilmentStatus.AWAITING_PAYMENT
    with pytest.raises(ValidationError):
        ship(part(pay_first["order"], pay_first["a"]), pay_first["a_user"])

    # the rest does: the cooperative can ship, within the unit's chosen days from now
    with freeze_time(utc("2026-03-11 04:00")):
        payments.receipt_allocate(receipt=receipt, user=pay_first["a_finance"], allocations=[(coop_part, "48.00")])
    released = part(pay_first["order"], pay_first["a"])
    assert released.status == FulfilmentStatus.TO_SHIP
    assert released.ship_by == datetime.date(2026, 3, 11) + datetime.timedelta(days=15)
    assert list(released.events.values_list("action", flat=True)).count("paid") == 1
    ship(released, pay_first["a_user"])
    assert part(pay_first["order"], pay_first["a"]).status == FulfilmentStatus.SHIPPED
    assert payments.parts_owed(units=[pay_first["school_a"]]) == []


# --------------------------------------------------------------------------- pages
def browser_for(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_units_page_lists_parts_owed_with_due_dates_and_overdue_flags(owing):
    url = reverse("procurement:receipts", kwargs={"unit": owing["school_a"].pk})
    with freeze_time(utc("2026-04-05 04:00")):
        response = browser_for(owing["a_buyer"]).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert owing["order"].number in html and "2026-04-01" in html
    assert [p.overdue for p in response.context["owed"]] == [True, True]
    assert response.context["overdue_total"] == Decimal("167.90")
    assert "¥167.90" in html
    # the buyer reads, but is offered no form
    assert not response.context["is_finance"] and 'name="action" value="record"' not in html


def test_finance_records_and_matches_on_the_page(owing):
    browser = browser_for(owing["a_finance"])
    url = reverse("procurement:receipts", kwargs={"unit": owing["school_a"].pk})
    with freeze_time(utc("2026-03-10 04:00")):
        response = browser.post(
            url,
            {
                "action": "record",
                "receipt-payer_name": "第一中学工会",
                "receipt-payer_kind": "union",
                "receipt-amount": "120.00",
                "receipt-received_on": "2026-03-09",
                "receipt-reference": "UNION-0309",
            },
        )
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert (receipt.amount, receipt.payer_kind, receipt.unit) == (Decimal("120.00"), "union", owing["school_a"])

    with freeze_time(utc("2026-03-10 04:00")):
        page = browser.get(url)
        assert "UNION-0309" in page.content.decode()  # listed as not yet matched
        response = browser.post(
            url,
            {
                "action": "match",
                "match-receipt": receipt.pk,
                "match-target": f"part:{owing['pork_part'].pk}",
                "match-amount": "98.00",
            },
        )
    assert response.status_code == 302
    assert list(ReceiptAllocation.objects.values_list("fulfilment_id", "amount")) == [
        (owing["pork_part"].pk, Decimal("98.00"))
    ]
    detail = browser.get(reverse("procurement:receipt", kwargs={"unit": owing["school_a"].pk, "pk": receipt.pk}))
    assert detail.status_code == 200 and owing["order"].number in detail.content.decode()
    assert detail.context["receipt"].remainder == Decimal("22.00")


def test_a_receipt_larger_than_what_is_due_is_refused_on_the_page_with_a_clear_message(owing):
    browser = browser_for(owing["a_finance"])
    url = reverse("procurement:receipts", kwargs={"unit": owing["school_a"].pk})
    with freeze_time(utc("2026-03-10 04:00")):
        response = browser.post(
            url,
            {
                "action": "record",
                "receipt-payer_name": "第一中学",
                "receipt-payer_kind": "unit",
                "receipt-amount": "500.00",
                "receipt-received_on": "2026-03-09",
                "receipt-reference": "ICBC-500",
            },
        )
    assert response.status_code == 400
    errors = response.context["receipt_form"].errors["amount"]
    assert "167.90" in errors[0]
    assert errors[0] in response.content.decode()
    assert Receipt.objects.count() == 0


@pytest.mark.parametrize("who", ["a_buyer", "a_manager", "bureau_manager"])
def test_non_finance_members_get_403_on_posts(owing, who):
    receipt = record(owing, amount="50.00")
    before = state()
    browser = browser_for(owing[who])
    unit = owing["school_a"].pk
    record_data = {
        "action": "record",
        "receipt-payer_name": "x",
        "receipt-payer_kind": "unit",
        "receipt-amount": "1.00",
        "receipt-received_on": "2026-03-09",
        "receipt-reference": "X-1",
    }
    match_data = {"match-receipt": receipt.pk, "match-target": f"part:{owing['pork_part'].pk}", "match-amount": "1"}
    assert browser.post(reverse("procurement:receipts", kwargs={"unit": unit}), record_data).status_code == 403
    match_url = reverse("procurement:receipt", kwargs={"unit": unit, "pk": receipt.pk})
    assert browser.post(match_url, match_data).status_code == 403
    assert state() == before


@pytest.mark.parametrize("who", ["b_buyer", "b_manager", "other_manager"])
def test_another_unit_and_the_sibling_subtrees_manager_get_404(owing, who):
    receipt = record(owing, amount="50.00")
    before = state()
    browser = browser_for(owing[who])
    unit = owing["school_a"].pk
    urls = [
        reverse("procurement:receipts", kwargs={"unit": unit}),
        reverse("procurement:receipt", kwargs={"unit": unit, "pk": receipt.pk}),
    ]
    for url in urls:
        assert browser.get(url).status_code == 404
        assert browser.post(url, {"action": "record"}).status_code == 404
    # the staff page of every unit's overdue payments
    assert browser.get(reverse("procurement:overdue")).status_code == 403
    assert state() == before


def test_the_manager_above_sees_the_subtrees_overdue_parts_read_only(owing):
    browser = browser_for(owing["bureau_manager"])
    with freeze_time(utc("2026-04-05 04:00")):
        response = browser.get(reverse("procurement:receipts", kwargs={"unit": owing["bureau"].pk}))
    assert response.status_code == 200
    [(unit, parts, total)] = response.context["overdue_below"]
    assert unit == owing["school_a"] and total == Decimal("167.90") and len(parts) == 2
    assert owing["order"].number in response.content.decode()
    assert not response.context["is_finance"]


def test_a_plain_member_of_the_unit_above_does_not_see_the_subtrees_payments(owing):
    """A buyer (a canteen contractor, say) of the bureau reads the bureau, not the schools below it."""
    contractor = unit_member(owing["bureau"], "contractor@bureau.example.cn", roles=("buyer",))
    with freeze_time(utc("2026-04-05 04:00")):
        response = browser_for(contractor).get(reverse("procurement:receipts", kwargs={"unit": owing["bureau"].pk}))
    assert response.status_code == 200 and response.context["overdue_below"] == []
    assert owing["order"].number not in response.content.decode()


def test_platform_staff_see_every_overdue_part_by_unit(owing):
    with freeze_time(utc("2026-04-05 04:00")):
        response = browser_for(staff_user()).get(reverse("procurement:overdue"))
        early = browser_for(staff_user("staff2@platform.example.cn")).get(reverse("procurement:overdue"))
    assert response.status_code == 200
    [(unit, parts, total)] = response.context["groups"]
    assert unit == owing["school_a"] and total == Decimal("167.90")
    assert owing["school_a"].name in response.content.decode()
    assert early.status_code == 200
    # a unit's own member (not staff) is refused
    assert browser_for(owing["a_finance"]).get(reverse("procurement:overdue")).status_code == 403


def test_the_units_page_keeps_to_a_query_budget_however_many_parts_are_owed(owing, django_assert_max_num_queries):
    for _n in range(3):
        accepted_order(owing["a_buyer"], owing, [(owing["pork"], 1), (owing["mango"], 1)])
    record(owing, amount="10.00", reference="ICBC-A")
    record(owing, amount="10.00", reference="ICBC-B")
    browser = browser_for(owing["a_finance"])
    url = reverse("procurement:receipts", kwargs={"unit": owing["school_a"].pk})
    browser.get(url)  # sessions and caches warm
    with django_assert_max_num_queries(20):
        response = browser.get(url)
    assert len(response.context["owed"]) == 8


def test_the_units_page_reads_in_english_and_traditional_chinese(owing):
    from django.utils import translation

    browser = browser_for(owing["a_finance"])
    for language, words in (("en", "Parts owed"), ("zh-hant", "應付貨款"), ("zh-hans", "应付货款")):
        with translation.override(language):
            url = reverse("procurement:receipts", kwargs={"unit": owing["school_a"].pk})
        assert words in browser.get(url).content.decode(), language


def test_money_paid_for_a_cancelled_part_goes_back_to_the_units_receipts(pay_first):
    """A pay-first part paid in part, then cancelled by the buyer: the money is not stuck on it."""
    coop_part = pay_first["part"]
    receipt = record(pay_first, amount="98.00")
    payments.receipt_allocate(receipt=receipt, user=pay_first["a_finance"], allocations=[(coop_part, "50.00")])

    from marketplace.fulfilment import services

    services.fulfilment_cancel(fulfilment=part(pay_first["order"], pay_first["a"]), user=pay_first["a_buyer"])

    assert not ReceiptAllocation.objects.filter(fulfilment=coop_part).exists()
    [unmatched] = payments.receipts_unmatched(unit=pay_first["school_a"])
    assert unmatched.pk == receipt.pk and unmatched.remainder == Decimal("98.00")
    event = part(pay_first["order"], pay_first["a"]).events.get(action="cancelled")
    assert "¥50.00" in event.note


def test_a_returned_part_keeps_its_payment_for_the_settlement_to_deduct(owing):
    """Unlike a cancellation, a return may come after the cooperative was paid: the payment stays
    against the part, so the next statement deducts it (staff refund the unit)."""
    receipt = record(owing)
    payments.receipt_allocate(receipt=receipt, user=owing["a_finance"], allocations=[(owing["pork_part"], "98.00")])

    from marketplace.fulfilment import services

    services.fulfilment_return(fulfilment=owing["pork_part"], user=staff_user(), reason="整批变质")

    assert ReceiptAllocation.objects.get(fulfilment=owing["pork_part"]).amount == Decimal("98.00")
    assert payments.receipts_unmatched(unit=owing["school_a"]) == []
