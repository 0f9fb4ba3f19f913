"""Settlement follows money: a budget unit's part is payable to the cooperative in the month the unit's
payment for it is fully received; until then the statement lists it apart, not included. Consumers'
parts count when accepted, advanced by the platform."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook
from pypdf import PdfReader

from marketplace.fulfilment import services
from marketplace.fulfilment.models import StatementLine
from marketplace.procurement import payments
from tests.fulfilment.builders import part, place_order, staff_user
from tests.fulfilment.helpers import buyer
from tests.fulfilment.test_settlement import accepted_at, prepare
from tests.procurement.test_receipts import accepted_order, utc

pytestmark = pytest.mark.django_db
MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
AWAITING_LABEL = "已验收、待买方付款（不计入）"


def pay(data, receipt_ref: str, amount: str, target, when: str):
    """The unit's finance records ``amount`` and matches it to ``target`` at ``when`` (UTC)."""
    with freeze_time(utc(when)):
        receipt = payments.receipt_record(
            unit=data["school_a"],
            user=data["a_finance"],
            payer_name="深圳市测试第一中学",
            payer_kind="unit",
            amount=amount,
            received_on=utc(when).date(),
            reference=receipt_ref,
        )
        payments.receipt_allocate(receipt=receipt, user=data["a_finance"], allocations=[(target, amount)])
    return receipt


@pytest.fixture
def money(units):
    from tests.fulfilment.builders import two_cooperatives

    data = {**units, **two_cooperatives()}
    data["pork"].stockrecords.update(num_in_stock=100)
    # the unit's pork part (98.00) accepted on 03-02
    data["unit_order"] = accepted_order(units["a_buyer"], data, [(data["pork"], 1)])
    data["unit_part"] = part(data["unit_order"], data["a"])
    # a consumer's pork part (98.00) accepted on 03-05
    consumer = buyer(email="family@example.cn")
    with freeze_time(utc("2026-03-01 04:00")):
        data["consumer_order"] = place_order(consumer, [(data["pork"], 1)])
    accepted_at(data["consumer_order"], data["a"], consumer, data["a_user"], "2026-03-05 03:00")
    return data


def kinds(statement) -> dict:
    return {(line.fulfilment_id, line.kind): (line.day, line.amount) for line in statement.lines.all()}


def test_a_budget_unit_part_accepted_in_march_and_paid_in_april_appears_in_april_not_march(
    money, django_capture_on_commit_callbacks
):
    pay(money, "ICBC-0403", "98.00", money["unit_part"], "2026-04-03 04:00")

    march = prepare(money["a"], MARCH, capture=django_capture_on_commit_callbacks, at="2026-04-05 04:00:00")
    april = prepare(money["a"], APRIL, capture=django_capture_on_commit_callbacks, at="2026-04-05 04:00:00")

    unit_part, consumer_part = money["unit_part"].pk, part(money["consumer_order"], money["a"]).pk
    # March: the consumer's part (advanced by the platform); the unit's part is listed as awaiting
    assert kinds(march) == {
        (consumer_part, StatementLine.Kind.SALE): (datetime.date(2026, 3, 5), Decimal("98.00")),
        (unit_part, StatementLine.Kind.AWAITING): (datetime.date(2026, 3, 2), Decimal("98.00")),
    }
    assert march.amount_due == Decimal("98.00") and march.advanced_total == Decimal("98.00")
    assert (march.awaiting_count, march.awaiting_total) == (1, Decimal("98.00"))
    # April: the unit's part, on the day it was paid in full
    assert kinds(april) == {(unit_part, StatementLine.Kind.SALE): (datetime.date(2026, 4, 3), Decimal("98.00"))}
    assert (april.amount_due, april.advanced_total, april.awaiting_total) == (
        Decimal("98.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_a_partly_paid_part_is_not_included(money, django_capture_on_commit_callbacks):
    pay(money, "ICBC-0320", "50.00", money["unit_part"], "2026-03-20 04:00")

    march = prepare(money["a"], MARCH, capture=django_capture_on_commit_callbacks)

    assert (money["unit_part"].pk, StatementLine.Kind.SALE) not in kinds(march)
    assert (money["unit_part"].pk, StatementLine.Kind.AWAITING) in kinds(march)
    assert march.amount_due == Decimal("98.00")  # the consumer's part only
    assert march.awaiting_total == Decimal("98.00")


def test_the_month_of_full_payment_counts_not_the_first_instalment(money, django_capture_on_commit_callbacks):
    pay(money, "ICBC-0320", "50.00", money["unit_part"], "2026-03-20 04:00")
    pay(money, "ICBC-0410", "48.00", money["unit_part"], "2026-04-10 04:00")
    april = prepare(money["a"], APRIL, capture=django_capture_on_commit_callbacks, at="2026-04-12 04:00:00")
    assert kinds(april) == {
        (money["unit_part"].pk, StatementLine.Kind.SALE): (datetime.date(2026, 4, 10), Decimal("98.00"))
    }


def test_a_return_after_settlement_still_deducts(money, django_capture_on_commit_callbacks):
    pay(money, "ICBC-0320", "98.00", money["unit_part"], "2026-03-20 04:00")
    march = prepare(money["a"], MARCH, capture=django_capture_on_commit_callbacks)
    assert march.amount_due == Decimal("196.00")  # both parts, the unit's paid in March
    staff = staff_user()
    with freeze_time(utc("2026-04-08 04:00")):
        services.fulfilment_return(fulfilment=money["unit_part"], user=staff, reason="质量问题")
        services.fulfilment_return(fulfilment=part(money["consumer_order"], money["a"]), user=staff, reason="质量问题")

    april = prepare(money["a"], APRIL, capture=django_capture_on_commit_callbacks, at="2026-04-10 04:00:00")

    assert april.returns_count == 2 and april.returns_total == Decimal("196.00")
    assert april.amount_due == Decimal("-196.00")


def test_a_unit_part_returned_before_it_was_paid_deducts_nothing(money, django_capture_on_commit_callbacks):
    with freeze_time(utc("2026-03-25 04:00")):
        services.fulfilment_return(fulfilment=money["unit_part"], user=staff_user(), reason="质量问题")
    march = prepare(money["a"], MARCH, capture=django_capture_on_commit_callbacks)
    assert march.returns_count == 0 and march.awaiting_count == 0
    assert march.amount_due == Decimal("98.00")


def test_the_page_the_xlsx_and_the_pdf_show_what_awaits_the_units_payment(money, django_capture_on_commit_callbacks):
    march = prepare(money["a"], MARCH, capture=django_capture_on_commit_callbacks)
    order_number = money["unit_order"].number

    html = Client()
    html.force_login(staff_user())
    page = html.get(reverse("fulfilment:statements")).content.decode()
    assert AWAITING_LABEL in page and "1 · ¥98.00" in page and "其中平台垫付" in page and "¥98.00" in page

    sheet = load_workbook(io.BytesIO(march.xlsx.read())).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    summary = {row[0]: row[1] for row in rows[1:14]}
    assert summary["应结金额"] == pytest.approx(98.00)
    assert summary[AWAITING_LABEL] == pytest.approx(98.00)
    heading = next(i for i, row in enumerate(rows) if row[0] == AWAITING_LABEL and row[1] is None)
    assert rows[heading + 2][1] == order_number and rows[heading + 2][5] == pytest.approx(98.00)
    main_lines = [row[1] for row in rows[:heading]]
    assert order_number not in main_lines

    text = PdfReader(io.BytesIO(march.pdf.read())).pages[0].extract_text()
    assert "待买方付款" in text and order_number in text
