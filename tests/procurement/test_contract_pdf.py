"""The order confirmation (订单确认书) PDF: what it says, and who may download which version."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from marketplace.procurement import approvals
from marketplace.procurement.documents_orders import order_confirmation_pdf
from marketplace.procurement.models import UnitOrder
from tests.fulfilment.builders import part, place_order, staff_user, two_cooperatives

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(units):
    """School A (invoice details filled in, approval above ¥100) orders pork from A and mango from B; approved."""
    shop = two_cooperatives()
    unit = units["school_a"]
    unit.approval_threshold = Decimal("100.00")
    unit.invoice_title = "深圳市测试第一中学食堂"
    unit.tax_number = "12440300MB2C12345X"
    unit.bank_name = "中国银行深圳分行"
    unit.bank_account = "7410 0000 1234"
    unit.save()
    shop["a"].credit_code = "93451027MA5N000011"
    shop["a"].save()
    order = place_order(units["a_buyer"], [(shop["pork"], 2), (shop["mango"], 1)])
    unit_order = UnitOrder.objects.get(order=order)
    approvals.order_approve(unit_order=unit_order, user=units["a_approver"])
    unit_order.refresh_from_db()
    return {**shop, "unit_order": unit_order}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_confirmation_names_parties_lines_totals_ship_by_payment_and_approval(confirmed, units):
    unit_order = confirmed["unit_order"]
    text = pdf_text(order_confirmation_pdf(unit_order))

    assert unit_order.order.number in text
    assert "深圳市测试第一中学食堂" in text and "12440300MB2C12345X" in text and "7410 0000 1234" in text
    assert "巴马瑶山香猪合作社" in text and "93451027MA5N000011" in text and "田东芒果合作社" in text
    assert "巴马香猪五花肉" in text and "田东芒果" in text
    assert "¥176.00" in text and "¥59.90" in text  # the two parts' goods
    assert "¥235.90" in text  # the order's total (both ship free)
    pork_part = part(unit_order.order, confirmed["a"])
    assert pork_part.ship_by.isoformat() in text
    assert units["a_approver"].email in text
    assert "30" in text  # payment term


def test_a_cooperative_sees_only_its_own_part(confirmed):
    unit_order = confirmed["unit_order"]
    text = pdf_text(order_confirmation_pdf(unit_order, partner=confirmed["a"]))

    assert "巴马香猪五花肉" in text and "深圳市测试第一中学" in text
    assert "田东芒果" not in text and "田东芒果合作社" not in text
    assert "¥59.90" not in text and "¥235.90" not in text


def test_downloads_for_members_cooperatives_and_staff(confirmed, units):
    unit_order = confirmed["unit_order"]
    whole = reverse("procurement:order-confirmation", kwargs={"unit": units["school_a"].pk, "pk": unit_order.pk})
    pork_part = part(unit_order.order, confirmed["a"])
    own_part = reverse("procurement:part-confirmation", kwargs={"part": pork_part.pk})

    for user in (units["a_buyer"], units["a_finance"], units["bureau_manager"], staff_user()):
        browser = Client()
        browser.force_login(user)
        response = browser.get(whole)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"

    cooperative = Client()
    cooperative.force_login(confirmed["a_user"])
    response = cooperative.get(own_part)
    assert response.status_code == 200
    assert "田东芒果" not in pdf_text(response.content)
    assert cooperative.get(whole).status_code == 403  # not a member of the unit

    other = Client()
    other.force_login(confirmed["b_user"])
    assert other.get(own_part).status_code == 404  # another cooperative's part


def test_a_waiting_part_has_no_confirmation_for_the_cooperative(units):
    shop = two_cooperatives()
    units["school_a"].approval_threshold = Decimal("1.00")
    units["school_a"].save()
    order = place_order(units["a_buyer"], [(shop["pork"], 1)])
    browser = Client()
    browser.force_login(shop["a_user"])

    response = browser.get(reverse("procurement:part-confirmation", kwargs={"part": part(order, shop["a"]).pk}))

    assert response.status_code == 404


def test_the_cooperatives_fulfilment_page_links_its_part_confirmation(confirmed):
    pork_part = part(confirmed["unit_order"].order, confirmed["a"])
    browser = Client()
    browser.force_login(confirmed["a_user"])

    page = browser.get(reverse("fulfilment:detail", kwargs={"pk": pork_part.pk})).content.decode()

    assert reverse("procurement:part-confirmation", kwargs={"part": pork_part.pk}) in page


MARKUP_TITLE = (
    '香猪<img src="http://127.0.0.1:9/probe.png" width="1" height="1"/><a href="https://evil.example/pay">点此付款</a>'
)


def test_markup_typed_into_a_product_title_is_printed_as_text_and_fetches_nothing(units, monkeypatch):
    """ReportLab reads a paragraph as markup: a cooperative's title must not make the server fetch an
    address, put a link into the unit's contract, or break the document."""
    from reportlab.lib import utils

    fetched = []
    monkeypatch.setattr(utils, "open_for_read", lambda name, *args, **kwargs: fetched.append(name) or 1 / 0)
    shop = two_cooperatives()
    shop["pork"].title = MARKUP_TITLE
    shop["pork"].save()
    order = place_order(units["a_buyer"], [(shop["pork"], 1)])
    unit_order = UnitOrder.objects.get(order=order)

    content = order_confirmation_pdf(unit_order)

    assert fetched == [] and b"/URI" not in content
    assert "点此付款" in pdf_text(content) and "<img" in pdf_text(content)
