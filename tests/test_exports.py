"""Spreadsheet exports cannot run what people typed as formulas (CSV/formula injection).

A job seeker's name, a cooperative's carrier or name reach CSV and Excel files that staff,
employers and accountants open in Excel or WPS. Text that starts like a formula is kept as
text (a leading ``'``); amounts stay numbers, negative ones too; dates stay dates.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from cms import models as cms
from core.spreadsheets import MONEY_NUMBER_FORMAT, append_row, csv_writer, safe_cell
from tests.factories import CooperativeFactory, UserFactory, add_page, home_page
from tests.labor.conftest import apply, logged_in, publish_post

ATTACKS = [
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "@SUM(A1)",
    "-2+3",
    "+cmd",
    "\t=1",
    "\r=1",
    "  =1+1",
    "\u3000=1+1",  # an ideographic space first
    "＝1+1",
    "＋86 138",
    "－2+3",
    "＠SUM(A1)",
]
HARMLESS = ["韦小梅", "顺丰速运", "SF1234567890", "a=b", "1-2", "", "'already quoted"]


# --------------------------------------------------------------------------- the rule
@pytest.mark.parametrize("text", ATTACKS)
def test_text_that_could_start_a_formula_gets_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_alone(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    "value",
    [Decimal("-264.00"), Decimal("12.35"), -3, 0, 2.5, True, None, datetime.date(2026, 3, 1)],
)
def test_numbers_dates_and_empty_cells_stay_as_they_are(value):
    assert safe_cell(value) is value


def test_the_csv_writer_quotes_every_cell_that_could_start_a_formula():
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["name", "amount"])
    writer.writerows([[text, Decimal("-12.35")] for text in ATTACKS])

    header, *rows = list(csv.reader(io.StringIO(buffer.getvalue())))

    assert header == ["name", "amount"]
    assert [row[0] for row in rows] == ["'" + text for text in ATTACKS]
    assert {row[1] for row in rows} == {"-12.35"}


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_rows_keep_text_as_text_and_amounts_as_numbers(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("x") if write_only else workbook.active
    for text in ATTACKS:
        append_row(sheet, [text, Decimal("-264.00"), datetime.date(2026, 3, 1), 3])
    append_row(sheet, ["韦小\x07梅"])  # a control character would make openpyxl refuse the file
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = list(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[-1].iter_rows())

    for text, (name, amount, day, count) in zip(ATTACKS, rows, strict=False):
        assert name.data_type == "s" and name.value == "'" + text.replace("\r", "\n")  # XML keeps no bare CR
        assert amount.data_type == "n" and amount.value == -264 and amount.number_format == MONEY_NUMBER_FORMAT
        assert day.is_date and day.value == datetime.datetime(2026, 3, 1)
        assert count.data_type == "n" and count.value == 3
    assert rows[-1][0].value == "韦小梅"


# --------------------------------------------------------------------------- every export
def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_the_job_applications_csv_keeps_a_job_seekers_formula_as_text():
    # given applications whose names are formulas
    jobs = add_page(home_page(), cms.LaborPostIndexPage(title="广东岗位", slug="jobs"))
    employer = cms.Employer.objects.create(
        name="东莞长安精密电子有限公司", city="东莞市", contact_name="李经理", contact_phone="13800138001"
    )
    post = publish_post(jobs, employer=employer, slug="assembly")
    names = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "-2+3", "+cmd"]
    for index, name in enumerate(names):
        apply(post, mobile=f"1381234120{index}", name=name)
    staff = UserFactory(email="staff@platform.example.cn", is_staff=True)

    # when staff export them
    response = logged_in(staff).get(reverse("labor:applications"), {"export": "csv"})

    # then each name is text that starts with a quote
    assert response.status_code == 200
    _header, *rows = csv_rows(response)
    assert sorted(row[4] for row in rows) == sorted("'" + name for name in names)


@pytest.fixture
def shipped_with_formulas():
    """Two parts shipped with formulas for carrier and tracking number, one by a cooperative named like one."""
    from tests.factories import make_product
    from tests.fulfilment.builders import cooperative_user, part, place_order, ship, staff_user
    from tests.fulfilment.helpers import buyer

    cooperative = CooperativeFactory(name="-2+3 合作社", code="formula-coop")
    member = cooperative_user(cooperative, "coop@formula.example.cn")
    customer = buyer(email="canteen@school.example.cn")
    orders = []
    for carrier, tracking in (("=1+1", "@SUM(A1)"), ("+cmd", "\t=1")):
        order = place_order(customer, [(make_product(cooperative=cooperative, price="88.00", with_image=False), 1)])
        ship(part(order, cooperative), member, carrier=carrier, tracking=tracking)
        orders.append(order)
    return {"staff": staff_user(), "cooperative": cooperative, "member": member, "orders": orders}


@pytest.mark.django_db
def test_the_fulfilments_csv_keeps_carriers_and_names_as_text(shipped_with_formulas):
    response = logged_in(shipped_with_formulas["staff"]).get(reverse("fulfilment:list"), {"export": "csv"})

    _header, *rows = csv_rows(response)

    assert {row[2] for row in rows} == {"'-2+3 合作社"}
    assert sorted((row[10], row[11]) for row in rows) == sorted([("'=1+1", "'@SUM(A1)"), ("'+cmd", "'=1")])
    assert {row[8] for row in rows} == {"98.00"}  # 88 + 10 shipping: numbers are untouched


@pytest.mark.django_db
def test_the_fulfilments_xlsx_writes_no_formula_and_numbers_as_numbers(shipped_with_formulas):
    response = logged_in(shipped_with_formulas["member"]).get(reverse("fulfilment:list"), {"export": "xlsx"})

    header, *rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows())

    assert [cell.value for cell in header][:3] == ["订单号", "下单时间", "合作社"]
    assert not [cell.coordinate for row in rows for cell in row if cell.data_type == "f"]
    for row in rows:
        assert row[2].data_type == "s" and row[2].value == "'-2+3 合作社"
        assert row[10].value in ("'=1+1", "'+cmd") and row[11].value in ("'@SUM(A1)", "'=1")
        for amount in row[6:9]:
            assert amount.data_type == "n" and amount.number_format == MONEY_NUMBER_FORMAT
        assert Decimal(str(row[8].value)) == Decimal("98.00")


@pytest.mark.django_db
def test_the_settlement_statement_xlsx_keeps_a_cooperatives_name_as_text_and_returns_negative(
    shipped_with_formulas, django_capture_on_commit_callbacks
):
    from marketplace.fulfilment import services
    from tests.fulfilment.builders import accept, part

    data = shipped_with_formulas
    first, second = (part(order, data["cooperative"]) for order in data["orders"])
    accept(first, first.order.user)
    accept(second, second.order.user)
    services.fulfilment_return(fulfilment=second, user=data["staff"], reason="质量问题")
    with django_capture_on_commit_callbacks(execute=True):
        statement = services.statement_request(partner=data["cooperative"], period=timezone.localdate())
    statement.refresh_from_db()

    rows = list(load_workbook(io.BytesIO(statement.xlsx.read())).active.iter_rows())

    assert not [cell.coordinate for row in rows for cell in row if cell.data_type == "f"]
    name = next(row[1] for row in rows if row[0].value == "合作社")
    assert name.data_type == "s" and name.value == "'-2+3 合作社"
    returned = [row for row in rows if row[2].value == "已退货"]
    assert len(returned) == 1
    assert [Decimal(str(cell.value)) for cell in returned[0][3:6]] == [
        Decimal("-88.00"),
        Decimal("-10.00"),
        Decimal("-98.00"),
    ]
    assert all(cell.data_type == "n" for cell in returned[0][3:6])


def test_the_import_template_is_text_only():
    from products.imports import template_csv, template_xlsx

    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value is not None)
    assert csv_rows_of(template_csv())[1][0] == "TD-101"


def csv_rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def order_of_a_formula_buyer():
    """An order by a buyer whose name and e-mail address start like formulas (both valid input)."""
    from tests.factories import make_product
    from tests.fulfilment.builders import place_order
    from tests.fulfilment.helpers import buyer

    customer = buyer(email="=1+1@school.example.cn", first_name="@SUM(A1)", last_name="")
    order = place_order(customer, [(make_product(price="88.00", with_image=False), 1)])
    superuser = UserFactory(email="root@platform.example.cn", is_staff=True, is_superuser=True)
    return {"order": order, "browser": logged_in(superuser)}


@pytest.mark.django_db
def test_oscars_order_list_csv_keeps_a_buyers_address_as_text(order_of_a_formula_buyer):
    response = order_of_a_formula_buyer["browser"].get(reverse("dashboard:order-list"), {"response_format": "csv"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, *rows = csv_rows(response)
    by_header = dict(zip(header, rows[0], strict=True))
    assert rows[0][0] == order_of_a_formula_buyer["order"].number
    assert "'=1+1@school.example.cn" in by_header.values()
    assert not [cell for row in rows for cell in row if cell and cell[0] in "=+-@"]


@pytest.mark.django_db
def test_oscars_order_report_csv_keeps_a_buyers_name_and_address_as_text(order_of_a_formula_buyer):
    today = timezone.localdate().isoformat()
    response = order_of_a_formula_buyer["browser"].get(
        reverse("dashboard:reports-index"),
        {"report_type": "order_report", "date_from": today, "date_to": today, "download": "true"},
    )

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    _header, row = csv_rows(response)
    assert row[0] == order_of_a_formula_buyer["order"].number
    assert row[1:3] == ["'@SUM(A1)", "'=1+1@school.example.cn"]
