"""Monthly settlement statements (结算单): accepted parts of the month, less returns of accepted parts."""

import datetime
import io
import os
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time
from openpyxl import load_workbook

from core.models import OutboxMessage, OutboxStatus
from marketplace.fulfilment import services
from marketplace.fulfilment.models import SettlementStatement, StatementLine, StatementStatus
from marketplace.fulfilment.tasks import generate_monthly_statements_task
from tests.factories import CooperativeFactory, make_product
from tests.fulfilment.builders import accept, part, place_order, ship, staff_user, two_cooperatives
from tests.fulfilment.helpers import buyer

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
APRIL_2ND = "2026-04-02 04:00:00"  # noon in Shanghai


def utc(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


def accepted_at(order, cooperative, customer, cooperative_user, when: str):
    """Ship and accept one part at ``when`` (UTC)."""
    with freeze_time(utc(when)):
        return accept(ship(part(order, cooperative), cooperative_user), customer)


def returned_at(order, cooperative, staff, when: str):
    with freeze_time(utc(when)):
        return services.fulfilment_return(fulfilment=part(order, cooperative), user=staff, reason="质量问题")


@pytest.fixture
def month(settings):
    """Cooperative A's parts around March 2026, each a separate order of the canteen:

    sale     accepted 03-05                                      176.00 (2 × 88, free shipping)
    sale     accepted 03-31 23:30 Shanghai (15:30 UTC)            98.00 (88 + 10 shipping)
    sale     accepted 03-12, returned 03-20 (both in March)       98.00 and −98.00
    return   accepted 02-20, returned 03-10                      −264.00 (3 × 88, free shipping)
    (none)   accepted 04-01 00:30 Shanghai (03-31 16:30 UTC)     April's
    (none)   shipped, never accepted, returned 03-15             never sold
    (none)   B's mango accepted 03-06                            B's statement
    """
    data = two_cooperatives()
    data["pork"].stockrecords.update(num_in_stock=100)
    customer = data["buyer"] = buyer(email="canteen@school.example.cn")
    staff = data["staff"] = staff_user()
    a, a_user = data["a"], data["a_user"]
    with freeze_time(utc("2026-02-10 02:00")):
        orders = {
            name: place_order(customer, [(data["pork"], quantity)])
            for name, quantity in (
                ("sale", 2),
                ("last_evening", 1),
                ("same_month_return", 1),
                ("february_sale", 3),
                ("april", 1),
                ("never_accepted", 1),
            )
        }
        orders["mango"] = place_order(customer, [(data["mango"], 1)])
    accepted_at(orders["february_sale"], a, customer, a_user, "2026-02-20 03:00")
    accepted_at(orders["sale"], a, customer, a_user, "2026-03-05 03:00")
    accepted_at(orders["mango"], data["b"], customer, data["b_user"], "2026-03-06 03:00")
    returned_at(orders["february_sale"], a, staff, "2026-03-10 03:00")
    accepted_at(orders["same_month_return"], a, customer, a_user, "2026-03-12 03:00")
    with freeze_time(utc("2026-03-14 03:00")):
        ship(part(orders["never_accepted"], a), a_user)
    returned_at(orders["never_accepted"], a, staff, "2026-03-15 03:00")
    returned_at(orders["same_month_return"], a, staff, "2026-03-20 03:00")
    accepted_at(orders["last_evening"], a, customer, a_user, "2026-03-31 15:30")
    accepted_at(orders["april"], a, customer, a_user, "2026-03-31 16:30")
    data["orders"] = orders
    return data


def prepare(partner, period=MARCH, *, capture, at: str = APRIL_2ND) -> SettlementStatement:
    """Request a statement and run the generation task after commit, as the worker would."""
    with freeze_time(utc(at)), capture(execute=True):
        statement = services.statement_request(partner=partner, period=period)
    statement.refresh_from_db()
    return statement


def statement_files() -> list[str]:
    folder = os.path.join(settings.PRIVATE_MEDIA_ROOT, "statements")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def workbook_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def test_statement_counts_the_months_accepted_parts_less_returns_of_accepted_parts(
    month, django_capture_on_commit_callbacks
):
    orders = month["orders"]

    statement = prepare(month["a"], capture=django_capture_on_commit_callbacks)

    assert statement.status == StatementStatus.READY and statement.period == MARCH
    assert statement.generated_at == utc(APRIL_2ND)
    lines = {(line.fulfilment.order.number, line.kind): line for line in statement.lines.select_related("fulfilment")}
    sale, ret = StatementLine.Kind.SALE, StatementLine.Kind.RETURN
    assert set(lines) == {
        (orders["sale"].number, sale),
        (orders["last_evening"].number, sale),
        (orders["same_month_return"].number, sale),
        (orders["same_month_return"].number, ret),
        (orders["february_sale"].number, ret),
    }
    assert lines[(orders["sale"].number, sale)].amount == Decimal("176.00")
    evening = lines[(orders["last_evening"].number, sale)]
    assert (evening.goods, evening.shipping, evening.amount) == (Decimal("88.00"), Decimal("10.00"), Decimal("98.00"))
    assert evening.day == datetime.date(2026, 3, 31)  # the local date, not UTC's
    february = lines[(orders["february_sale"].number, ret)]
    assert (february.goods, february.amount, february.day) == (
        Decimal("-264.00"),
        Decimal("-264.00"),
        datetime.date(2026, 3, 10),
    )
    assert statement.sales_count == 3 and statement.returns_count == 2
    assert statement.goods_total == Decimal("176.00") + Decimal("88.00") + Decimal("88.00")
    assert statement.shipping_total == Decimal("20.00")
    assert statement.returns_total == Decimal("264.00") + Decimal("98.00")
    assert statement.amount_due == Decimal("372.00") - Decimal("362.00") == Decimal("10.00")


def test_april_statement_takes_the_part_accepted_after_midnight_in_shanghai(month, django_capture_on_commit_callbacks):
    statement = prepare(month["a"], datetime.date(2026, 4, 1), capture=django_capture_on_commit_callbacks)
    assert [line.fulfilment.order.number for line in statement.lines.all()] == [month["orders"]["april"].number]
    assert statement.amount_due == Decimal("98.00")


def test_statement_files_open_and_hold_the_orders_and_totals(month, django_capture_on_commit_callbacks):
    orders = month["orders"]
    statement = prepare(month["a"], capture=django_capture_on_commit_callbacks)

    rows = workbook_rows(statement.xlsx.read())
    values = [value for row in rows for value in row if value is not None]
    for name in ("sale", "last_evening", "same_month_return", "february_sale"):
        assert orders[name].number in values
    for name in ("april", "never_accepted", "mango"):
        assert orders[name].number not in values
    assert "巴马瑶山香猪合作社" in values and "2026-03" in values
    summary = [row[1] for row in rows[1:12]]  # cooperative … refunds online, amount due
    assert summary[0] == "巴马瑶山香猪合作社" and summary[-1] == pytest.approx(10.00)
    amounts = {row[1]: row[5] for row in rows if row[1] in {o.number for o in orders.values()}}
    assert amounts[orders["sale"].number] == pytest.approx(176.00)
    assert amounts[orders["february_sale"].number] == pytest.approx(-264.00)

    pdf = statement.pdf.read()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_regenerating_a_statement_is_idempotent(month, django_capture_on_commit_callbacks):
    first = prepare(month["a"], capture=django_capture_on_commit_callbacks)
    first_lines = sorted(first.lines.values_list("fulfilment_id", "kind", "amount"))
    files = statement_files()
    assert len(files) == 2

    again = prepare(month["a"], capture=django_capture_on_commit_callbacks, at="2026-04-03 04:00:00")

    assert again.pk == first.pk and SettlementStatement.objects.count() == 1
    assert sorted(again.lines.values_list("fulfilment_id", "kind", "amount")) == first_lines
    assert StatementLine.objects.count() == len(first_lines)
    assert (again.amount_due, again.sales_count, again.returns_count) == (Decimal("10.00"), 3, 2)
    assert again.generated_at == utc("2026-04-03 04:00:00")
    # replaced, not piled up: the earlier files left storage after the commit
    assert len(statement_files()) == 2 and not set(files) & set(statement_files())
    assert sorted(os.path.basename(f.name) for f in (again.xlsx, again.pdf)) == statement_files()


def test_files_of_an_earlier_preparation_stay_when_the_new_one_rolls_back(month, django_capture_on_commit_callbacks):
    first = prepare(month["a"], capture=django_capture_on_commit_callbacks)
    files = statement_files()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.statement_generate(statement_id=first.pk)
        raise RuntimeError("the preparation fails after writing its files")

    first.refresh_from_db()
    assert set(files) <= set(statement_files())
    assert first.xlsx.read() and first.pdf.read().startswith(b"%PDF")


def test_an_empty_month_gives_a_ready_statement_of_zero(django_capture_on_commit_callbacks):
    quiet = CooperativeFactory(name="凌云白毫茶合作社")
    statement = prepare(quiet, capture=django_capture_on_commit_callbacks)
    assert statement.status == StatementStatus.READY
    assert (statement.sales_count, statement.returns_count, statement.amount_due) == (0, 0, Decimal("0.00"))
    assert statement.pdf.read().startswith(b"%PDF")


def test_a_paid_statement_is_final(month, django_capture_on_commit_callbacks):
    statement = prepare(month["a"], capture=django_capture_on_commit_callbacks)
    staff = month["staff"]
    with freeze_time(utc("2026-04-05 02:00")):
        services.statement_mark_paid(statement=statement, user=staff, reference=" ICBC-20260405-001 ")
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAID and statement.paid_by == staff
    assert statement.payment_reference == "ICBC-20260405-001"
    assert statement.paid_at == utc("2026-04-05 02:00")
    before = SettlementStatement.objects.values().get(pk=statement.pk)
    lines_before = list(statement.lines.values_list("pk", flat=True))

    # a late return of a March sale must not change a paid March statement
    returned_at(month["orders"]["sale"], month["a"], staff, "2026-03-31 10:00")
    with pytest.raises(ValidationError):
        prepare(month["a"], capture=django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        services.statement_mark_paid(statement=statement, user=staff, reference="ICBC-AGAIN")
    assert services.statement_generate(statement_id=statement.pk).status == StatementStatus.PAID
    with freeze_time(utc(APRIL_2ND)), django_capture_on_commit_callbacks(execute=True):
        services.statements_request_month(period=MARCH)

    assert SettlementStatement.objects.values().get(pk=statement.pk) == before
    assert list(statement.lines.values_list("pk", flat=True)) == lines_before


def test_only_a_ready_statement_with_a_reference_can_be_marked_paid(month, django_capture_on_commit_callbacks):
    statement = prepare(month["a"], capture=django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as refused:
        services.statement_mark_paid(statement=statement, user=month["staff"], reference="  ")
    assert "reference" in refused.value.message_dict
    SettlementStatement.objects.filter(pk=statement.pk).update(status=StatementStatus.GENERATING)
    with pytest.raises(ValidationError):
        services.statement_mark_paid(statement=statement, user=month["staff"], reference="ICBC-1")
    assert SettlementStatement.objects.get(pk=statement.pk).paid_at is None


def test_a_month_that_has_not_begun_is_refused(month, django_capture_on_commit_callbacks):
    with freeze_time(utc(APRIL_2ND)):
        with pytest.raises(ValidationError) as refused:
            services.statement_request(partner=month["a"], period=datetime.date(2026, 5, 1))
        # the month under way may be prepared (a running total)
        with django_capture_on_commit_callbacks(execute=True):
            services.statement_request(partner=month["a"], period=datetime.date(2026, 4, 15))
    assert "period" in refused.value.message_dict
    assert list(SettlementStatement.objects.values_list("period", flat=True)) == [datetime.date(2026, 4, 1)]


def test_the_staff_form_refuses_a_future_month_with_a_clear_message(month):
    browser = Client()
    browser.force_login(month["staff"])
    with freeze_time(utc(APRIL_2ND)):
        response = browser.post(reverse("fulfilment:statements"), {"month": "2026-05", "partner": month["a"].pk})
    assert response.status_code == 400
    with translation.override(settings.LANGUAGE_CODE):
        expected = translation.gettext("A statement can only cover a month that has begun.")
    assert response.context["request_form"].errors["month"] == [expected]
    assert expected in response.content.decode()
    assert SettlementStatement.objects.count() == 0


@pytest.mark.parametrize("month_text", ["2026-13", "March", "2026/03", ""])
def test_the_staff_form_refuses_a_malformed_month(month, month_text):
    browser = Client()
    browser.force_login(month["staff"])
    response = browser.post(reverse("fulfilment:statements"), {"month": month_text})
    assert response.status_code == 400 and "month" in response.context["request_form"].errors
    assert SettlementStatement.objects.count() == 0


def test_the_staff_form_without_a_cooperative_prepares_every_cooperative_with_sales(
    month, django_capture_on_commit_callbacks
):
    quiet = CooperativeFactory(name="凌云白毫茶合作社")
    make_product(cooperative=quiet, title="凌云白毫")
    browser = Client()
    browser.force_login(month["staff"])

    with freeze_time(utc(APRIL_2ND)), django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("fulfilment:statements"), {"month": "2026-03", "partner": ""})

    assert response.status_code == 302 and response["Location"] == reverse("fulfilment:statements")
    statements = {s.partner.name: s for s in SettlementStatement.objects.select_related("partner")}
    assert set(statements) == {"巴马瑶山香猪合作社", "田东芒果合作社"}
    assert all(s.period == MARCH and s.status == StatementStatus.READY for s in statements.values())
    assert statements["田东芒果合作社"].amount_due == Decimal("69.90")
    assert statements["巴马瑶山香猪合作社"].amount_due == Decimal("10.00")


def test_the_staff_form_with_a_cooperative_prepares_only_its_statement(month, django_capture_on_commit_callbacks):
    browser = Client()
    browser.force_login(month["staff"])
    with freeze_time(utc(APRIL_2ND)), django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("fulfilment:statements"), {"month": "2026-03", "partner": month["b"].pk})
    assert response.status_code == 302
    statement = SettlementStatement.objects.get()
    assert statement.partner == month["b"] and statement.status == StatementStatus.READY


def test_the_monthly_task_on_the_first_prepares_last_months_statements(month, django_capture_on_commit_callbacks):
    with freeze_time(utc("2026-03-31 18:00")), django_capture_on_commit_callbacks(execute=True):  # 04-01 02:00
        count = generate_monthly_statements_task.delay().get()
    assert count == 2
    assert set(SettlementStatement.objects.values_list("partner__code", "period", "status")) == {
        ("bama-pork", MARCH, StatementStatus.READY),
        ("tiandong-mango", MARCH, StatementStatus.READY),
    }


def test_staff_mark_a_statement_paid_once_from_the_list(month, django_capture_on_commit_callbacks):
    statement = prepare(month["a"], capture=django_capture_on_commit_callbacks)
    browser = Client()
    browser.force_login(month["staff"])
    url = reverse("fulfilment:statement-paid", kwargs={"pk": statement.pk})

    assert browser.post(url, {"reference": "ICBC-001"}).status_code == 302
    paid = SettlementStatement.objects.get(pk=statement.pk)
    assert paid.status == StatementStatus.PAID and paid.payment_reference == "ICBC-001"

    response = browser.post(url, {"reference": "ICBC-002"}, follow=True)
    assert response.status_code == 200
    assert any(message.level_tag == "error" for message in response.context["messages"])
    again = SettlementStatement.objects.get(pk=statement.pk)
    assert (again.payment_reference, again.paid_at) == ("ICBC-001", paid.paid_at)


def test_staff_download_statements_of_any_cooperative(month, django_capture_on_commit_callbacks):
    statement = prepare(month["a"], capture=django_capture_on_commit_callbacks)
    browser = Client()
    browser.force_login(month["staff"])
    xlsx = browser.get(reverse("fulfilment:statement-download", kwargs={"pk": statement.pk, "kind": "xlsx"}))
    pdf = browser.get(reverse("fulfilment:statement-download", kwargs={"pk": statement.pk, "kind": "pdf"}))
    assert xlsx.status_code == pdf.status_code == 200
    assert xlsx["Content-Disposition"].endswith('filename="statement-bama-pork-2026-03.xlsx"')
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    rows = workbook_rows(b"".join(xlsx.streaming_content))
    assert month["orders"]["sale"].number in [row[1] for row in rows]
    unknown = reverse("fulfilment:statement-download", kwargs={"pk": statement.pk, "kind": "csv"})
    assert browser.get(unknown).status_code == 404


def test_a_statement_being_prepared_cannot_be_downloaded(month):
    with freeze_time(utc(APRIL_2ND)):
        statement = services.statement_request(partner=month["a"], period=MARCH)  # the task has not run
    browser = Client()
    browser.force_login(month["a_user"])
    url = reverse("fulfilment:statement-download", kwargs={"pk": statement.pk, "kind": "pdf"})
    assert SettlementStatement.objects.get(pk=statement.pk).status == StatementStatus.GENERATING
    assert browser.get(url).status_code == 404


def test_a_failed_generation_is_recorded_for_staff_to_retry(month, django_capture_on_commit_callbacks, monkeypatch):
    from marketplace.fulfilment import documents

    def broken(statement, language="zh-hans"):
        raise OSError("disk full")

    monkeypatch.setattr(documents, "write_statement_files", broken)
    prepare(month["a"], capture=django_capture_on_commit_callbacks)  # the failure stays in the task
    statement = SettlementStatement.objects.get()
    assert statement.status == StatementStatus.FAILED and statement.error == "disk full"
    assert statement.lines.count() == 0
    waiting = OutboxMessage.objects.get(task="marketplace.fulfilment.tasks.generate_settlement_statement_task")
    assert waiting.status == OutboxStatus.PENDING and "disk full" in waiting.last_error

    monkeypatch.undo()
    browser = Client()
    browser.force_login(month["staff"])
    with freeze_time(utc(APRIL_2ND)), django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("fulfilment:statement-retry", kwargs={"pk": statement.pk}))
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == StatementStatus.READY and statement.error == "" and statement.amount_due == Decimal("10")
