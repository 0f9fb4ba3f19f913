"""A statement with cents shows every figure to the cent: on the page, in the XLSX and in the PDF.

The month of a cooperative (shipping 12.35 a parcel, never free):

    sale     199.90 + 12.35 = 212.25
    sale     159.50 + 12.35 = 171.85
    sale      45.60 + 12.35 =  57.95, returned the same month: −57.95
    accepted 3: goods 405.00, shipping 37.05, together 442.05; returned 1: 57.95; due 384.10

Adding goods and shipping in the template (``|add:``) made integers of them: ¥442.00.
"""

import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from core.spreadsheets import MONEY_NUMBER_FORMAT
from marketplace.fulfilment.models import ShippingMethod, StatementStatus
from tests.factories import CooperativeFactory, CountyFactory, make_product
from tests.fulfilment.builders import cooperative_user, place_order, staff_user
from tests.fulfilment.helpers import buyer, ensure_checkout_data
from tests.fulfilment.test_settlement import accepted_at, prepare, returned_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(django_capture_on_commit_callbacks):
    # given a parcel method that always charges 12.35
    ensure_checkout_data()
    ShippingMethod.objects.update(is_active=False)
    ShippingMethod.objects.filter(code="parcel").update(is_active=True, charge=Decimal("12.35"), free_over=None)
    cooperative = CooperativeFactory(
        name="田东芒果合作社", code="tiandong-mango", county=CountyFactory(name="田东县", slug="tiandong")
    )
    member = cooperative_user(cooperative, "mango@coop.example.cn")
    customer = buyer(email="canteen@school.example.cn")
    staff = staff_user()
    orders = {
        price: place_order(customer, [(make_product(cooperative=cooperative, price=price, with_image=False), 1)])
        for price in ("199.90", "159.50", "45.60")
    }
    # when three parts are accepted in March and one of them comes back
    accepted_at(orders["199.90"], cooperative, customer, member, "2026-03-03 03:00")
    accepted_at(orders["159.50"], cooperative, customer, member, "2026-03-09 03:00")
    accepted_at(orders["45.60"], cooperative, customer, member, "2026-03-12 03:00")
    returned_at(orders["45.60"], cooperative, staff, "2026-03-20 03:00")
    prepared = prepare(cooperative, capture=django_capture_on_commit_callbacks)
    assert prepared.status == StatementStatus.READY
    return {"statement": prepared, "orders": orders, "staff": staff}


def cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


def test_the_statement_page_shows_every_figure_to_the_cent(statement):
    browser = Client()
    browser.force_login(statement["staff"])

    html = browser.get(reverse("fulfilment:statements")).content.decode()

    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S).group(1)
    assert cells(row)[:6] == ["2026-03", "田东芒果合作社", "3 · ¥442.05", "1 · ¥57.95", "0 · ¥0.00", "¥384.10"]


def test_the_statement_page_in_english_and_traditional_shows_the_same_figures(statement):
    browser = Client()
    browser.force_login(statement["staff"])
    for language in ("en", "zh-hant"):
        with translation.override(language):
            url = reverse("fulfilment:statements")
        html = browser.get(url).content.decode()
        row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S).group(1)
        assert cells(row)[2:6] == ["3 · ¥442.05", "1 · ¥57.95", "0 · ¥0.00", "¥384.10"], language


def test_the_statement_xlsx_holds_exact_numbers_shown_in_yuan_under_chinese_headings(statement):
    sheet = load_workbook(io.BytesIO(statement["statement"].xlsx.read())).active
    rows = [list(row) for row in sheet.iter_rows()]

    # the summary: label, then the figure as a number formatted in yuan (counts as plain numbers)
    summary = {row[0].value: row[1] for row in rows[1:12]}
    expected = {
        "合作社": "田东芒果合作社",
        "结算月份": "2026-03",
        "已验收分单": 3,
        "货款": Decimal("405.00"),
        "运费": Decimal("37.05"),
        "验收合计": Decimal("442.05"),
        "退货笔数": 1,
        "退货金额": Decimal("57.95"),
        "应结金额": Decimal("384.10"),
    }
    for label, value in expected.items():
        cell = summary[label]
        if isinstance(value, Decimal):
            assert cell.data_type == "n" and Decimal(str(cell.value)) == value, label
            assert cell.number_format == MONEY_NUMBER_FORMAT, label
        else:
            assert cell.value == value, label

    # the lines: the status column reads 状态 (not 主体类型), returns are negative numbers
    header_index = next(i for i, row in enumerate(rows) if row[0].value == "日期")
    assert [cell.value for cell in rows[header_index]] == ["日期", "订单号", "状态", "货款", "运费", "金额"]
    lines = [
        (row[1].value, row[2].value, *(Decimal(str(cell.value)) for cell in row[3:6]))
        for row in rows[header_index + 1 :]
    ]
    orders = statement["orders"]
    assert lines == [
        (orders["199.90"].number, "已验收", Decimal("199.90"), Decimal("12.35"), Decimal("212.25")),
        (orders["159.50"].number, "已验收", Decimal("159.50"), Decimal("12.35"), Decimal("171.85")),
        (orders["45.60"].number, "已验收", Decimal("45.60"), Decimal("12.35"), Decimal("57.95")),
        (orders["45.60"].number, "已退货", Decimal("-45.60"), Decimal("-12.35"), Decimal("-57.95")),
    ]
    for row in rows[header_index + 1 :]:
        assert all(cell.data_type == "n" and cell.number_format == MONEY_NUMBER_FORMAT for cell in row[3:6])


def test_the_statement_pdf_prints_every_figure_as_the_page_does(statement):
    text = PdfReader(io.BytesIO(statement["statement"].pdf.read())).pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines() if line.strip()]

    def after(label: str) -> str:
        return lines[lines.index(label) + 1]

    assert after("货款") == "¥405.00"
    assert after("运费") == "¥37.05"
    assert after("验收合计") == "¥442.05"
    assert after("退货笔数") == "1"
    assert after("退货金额") == "¥57.95"
    assert after("应结金额") == "¥384.10"
    orders = statement["orders"]
    start = lines.index("金额", lines.index("状态")) + 1  # after the column headings
    assert lines[start:] == [
        "2026-03-03",
        orders["199.90"].number,
        "已验收",
        "¥199.90",
        "¥12.35",
        "¥212.25",
        "2026-03-09",
        orders["159.50"].number,
        "已验收",
        "¥159.50",
        "¥12.35",
        "¥171.85",
        "2026-03-12",
        orders["45.60"].number,
        "已验收",
        "¥45.60",
        "¥12.35",
        "¥57.95",
        "2026-03-20",
        orders["45.60"].number,
        "已退货",
        "-¥45.60",
        "-¥12.35",
        "-¥57.95",
    ]


def test_statement_headings_have_their_own_translation(statement):
    """The words "Kind" and "Status" mean other things elsewhere: statement headings carry a context."""
    with translation.override("zh-hans"):
        assert translation.pgettext("settlement statement", "Status") == "状态"
        assert translation.gettext("Kind") == "主体类型"  # a cooperative's legal form, untouched
    with translation.override("zh-hant"):
        assert translation.pgettext("settlement statement", "Status") == "狀態"
