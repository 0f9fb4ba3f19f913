"""The XLSX export of a subtree's progress: requested by a manager, built by a Celery task through
the outbox, polled on its page, downloaded only by the requester (or staff)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from marketplace.procurement import exports
from marketplace.procurement.models import ExportStatus, ProgressExport
from tests.factories import budget_unit, unit_member
from tests.fulfilment.builders import staff_user
from tests.procurement.test_progress import filing, sums

pytestmark = pytest.mark.django_db
YEAR = 2026


def request_url(unit):
    return reverse("procurement:progress_export", kwargs={"unit": unit.pk})


def detail_url(export):
    return reverse("procurement:progress_export_detail", kwargs={"unit": export.unit_id, "pk": export.pk})


def download_url(export):
    return reverse("procurement:progress_export_download", kwargs={"unit": export.unit_id, "pk": export.pk})


@pytest.fixture
def figures(units):
    filing(units["bureau"], "100.00")
    filing(units["school_a"], "1000.00")
    sums(units["school_a"], placed="700.00", completed="1200.00")
    sums(units["school_b"], placed="5.00")
    return units


def test_a_manager_requests_it_and_the_task_builds_the_spreadsheet(client, figures, django_capture_on_commit_callbacks):
    units = figures
    client.force_login(units["bureau_manager"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(units["bureau"]), {"year": YEAR})

    export = ProgressExport.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(export)
    assert (export.status, export.progress, export.requested_by) == (
        ExportStatus.READY,
        100,
        units["bureau_manager"],
    )
    page = client.get(detail_url(export)).content.decode()
    assert 'http-equiv="refresh"' not in page and download_url(export) in page

    download = client.get(download_url(export))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    names = {unit.name for unit in units.values() if hasattr(unit, "path")}
    by_unit = {row[0]: row for row in rows if row and row[0] in names}
    assert set(by_unit) == {units["bureau"].name, units["school_a"].name, units["school_b"].name}
    school = by_unit[units["school_a"].name]
    assert school[5] == 1000 and school[8] == 1200 and school[9] == 120.0  # over 100 % stays
    assert by_unit[units["school_b"].name][4] == "未填报"
    assert units["other_bureau"].name not in {row[0] for row in rows if row}


def test_the_page_reloads_itself_while_the_export_is_being_prepared(client, figures):
    units = figures
    client.force_login(units["bureau_manager"])
    client.post(request_url(units["bureau"]), {"year": YEAR})  # the task waits for the commit: not run
    export = ProgressExport.objects.get()

    page = client.get(detail_url(export)).content.decode()

    assert export.status == ExportStatus.PENDING
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "<progress" in page
    assert client.get(download_url(export)).status_code == 404  # nothing to download yet


def test_text_that_a_spreadsheet_would_run_is_written_inert(units, django_capture_on_commit_callbacks):
    evil = budget_unit('=HYPERLINK("http://evil.example","点我")', parent=units["bureau"])
    sums(evil, placed="1.00")
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.progress_export_request(unit=units["bureau"], year=YEAR, user=units["bureau_manager"])
    export.refresh_from_db()

    sheet = load_workbook(export.file.open("rb")).active
    names = [row[0] for row in sheet.iter_rows(values_only=True) if row]
    assert "'" + evil.name in names and evil.name not in names


def test_only_the_requester_and_staff_may_download(client, figures, django_capture_on_commit_callbacks):
    units = figures
    colleague = unit_member(units["bureau"], "deputy@bureau.example.cn", roles=("manager",))
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.progress_export_request(unit=units["bureau"], year=YEAR, user=units["bureau_manager"])

    for visitor in (colleague, units["a_manager"], units["b_manager"], units["other_manager"]):
        client.force_login(visitor)
        assert client.get(download_url(export)).status_code == 404
        assert client.get(detail_url(export)).status_code == 404
    client.force_login(staff_user())
    assert client.get(download_url(export)).status_code == 200


def test_a_requester_who_no_longer_manages_the_unit_loses_the_export(
    client, figures, django_capture_on_commit_callbacks
):
    from marketplace.procurement.units import membership_set

    units = figures
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.progress_export_request(unit=units["bureau"], year=YEAR, user=units["bureau_manager"])
    client.force_login(units["bureau_manager"])
    assert client.get(download_url(export)).status_code == 200

    membership_set(unit=units["bureau"], user=units["bureau_manager"], buyer=True)  # no longer a manager
    assert client.get(download_url(export)).status_code == 404


@pytest.mark.parametrize("visitor", ["a_buyer", "a_finance"])
def test_a_member_who_does_not_manage_the_unit_may_not_export_it(client, figures, visitor):
    client.force_login(figures[visitor])

    response = client.post(request_url(figures["school_a"]), {"year": YEAR})

    assert response.status_code == 403
    assert "管理员" in response.content.decode()
    assert not ProgressExport.objects.exists()


@pytest.mark.parametrize("visitor", ["b_manager", "other_manager"])
def test_a_manager_of_another_subtree_gets_404(client, figures, visitor):
    client.force_login(figures[visitor])
    assert client.post(request_url(figures["school_a"]), {"year": YEAR}).status_code == 404
    assert client.post(request_url(figures["bureau"]), {"year": YEAR}).status_code == 404
    assert not ProgressExport.objects.exists()


def test_a_manager_may_export_a_subordinate_unit_and_the_school_its_own(client, figures):
    client.force_login(figures["bureau_manager"])
    assert client.post(request_url(figures["school_a"]), {"year": YEAR}).status_code == 302
    client.force_login(figures["a_manager"])
    assert client.post(request_url(figures["school_a"]), {"year": YEAR}).status_code == 302
    assert ProgressExport.objects.count() == 2


def test_a_year_outside_the_list_is_refused_and_nothing_is_recorded(figures):
    with pytest.raises(exports.ValidationError):
        exports.progress_export_request(unit=figures["bureau"], year=1999, user=figures["bureau_manager"])
    assert not ProgressExport.objects.exists()


def test_a_failure_is_recorded_on_the_export(figures, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "progress_xlsx", broken)
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.progress_export_request(unit=figures["bureau"], year=YEAR, user=figures["bureau_manager"])
    export.refresh_from_db()

    assert export.status == ExportStatus.FAILED and "disk full" in export.error
    assert not export.file


def test_the_task_is_idempotent_for_a_ready_export(figures, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.progress_export_request(unit=figures["bureau"], year=YEAR, user=figures["bureau_manager"])
    export.refresh_from_db()
    name = export.file.name

    again = exports.progress_export_generate(export_id=export.pk)

    assert again.file.name == name and again.status == ExportStatus.READY
    assert Decimal(str(again.progress)) == 100
