"""订单请款证明: the PDF of an accepted budget-unit part, for its cooperative, the unit and staff only."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from tests.factories import CooperativeFactory
from tests.fulfilment.builders import cooperative_user, part, place_order, ship, staff_user
from tests.procurement.test_receipts import owing_data, record, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def owing(units):
    return owing_data(units)


def url_of(fulfilment) -> str:
    return reverse("procurement:payment-request", kwargs={"pk": fulfilment.pk})


def get(user, fulfilment):
    browser = Client()
    browser.force_login(user)
    return browser.get(url_of(fulfilment))


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_cooperative_downloads_the_certificate_with_both_parties_and_the_amounts(owing):
    unit = owing["school_a"]
    unit.invoice_title = "深圳市测试第一中学"
    unit.tax_number = "12440300MB2C12345X"
    unit.registered_address = "深圳市南山区学府路1号"
    unit.registered_phone = "0755-12345678"
    unit.bank_name = "中国工商银行深圳南山支行"
    unit.bank_account = "4000021234567890123"
    unit.save()
    owing["a"].credit_code = "93451121MA5N123456"
    owing["a"].save()
    payments_receipt = record(owing, amount="30.00")
    from marketplace.procurement import payments

    payments.receipt_allocate(
        receipt=payments_receipt, user=owing["a_finance"], allocations=[(owing["pork_part"], "30.00")]
    )

    with freeze_time(utc("2026-03-10 04:00")):
        response = get(owing["a_user"], owing["pork_part"])

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response)
    for expected in (
        "订单请款证明",
        "巴马瑶山香猪合作社",
        "93451121MA5N123456",
        "深圳市测试第一中学",
        "12440300MB2C12345X",
        "深圳市南山区学府路1号",
        "0755-12345678",
        "中国工商银行深圳南山支行",
        "4000021234567890123",
        owing["order"].number,
        "巴马香猪五花肉",
        "2026-03-02",  # accepted
        "2026-04-01",  # due
        "¥98.00",  # total
        "¥68.00",  # requested: 98.00 less 30.00 paid
    ):
        assert expected in text, expected
    assert "田东芒果" not in text  # the other cooperative's line


def test_the_fulfilment_page_links_to_it_for_an_accepted_budget_unit_part(owing):
    browser = Client()
    browser.force_login(owing["a_user"])
    page = browser.get(reverse("fulfilment:detail", kwargs={"pk": owing["pork_part"].pk})).content.decode()
    assert url_of(owing["pork_part"]) in page


@pytest.mark.parametrize("who", ["a_buyer", "a_finance", "bureau_manager", "staff"])
def test_the_unit_its_supervisors_and_staff_download_it(owing, who):
    user = staff_user() if who == "staff" else owing[who]
    assert get(user, owing["pork_part"]).status_code == 200


@pytest.mark.parametrize("who", ["b_user", "other_coop", "b_buyer", "b_manager", "other_manager"])
def test_other_cooperatives_and_other_units_get_404(owing, who):
    user = (
        cooperative_user(CooperativeFactory(name="凌云白毫茶合作社"), "tea@coop.example.cn")
        if who == "other_coop"
        else owing[who]
    )
    assert get(user, owing["pork_part"]).status_code == 404


def test_refused_before_acceptance_and_for_a_consumers_part(owing, units):
    from tests.fulfilment.helpers import buyer

    with freeze_time(utc("2026-03-05 04:00")):
        order = place_order(units["a_buyer"], [(owing["pork"], 1)])
        shipped = ship(part(order, owing["a"]), owing["a_user"])
        consumer_order = place_order(buyer(email="family@example.cn"), [(owing["pork"], 1)])
    assert get(owing["a_user"], shipped).status_code == 404
    browser = Client()
    browser.force_login(owing["a_user"])
    page = browser.get(reverse("fulfilment:detail", kwargs={"pk": shipped.pk})).content.decode()
    assert url_of(shipped) not in page
    assert get(staff_user(), part(consumer_order, owing["a"])).status_code == 404
