"""The spreadsheet of a subtree's reserved-share progress (预留份额进度导出), built by Celery.

``progress_export_request`` records the request and enqueues the task through the outbox;
``progress_export_generate`` (the task's body) writes one row per unit of the subtree and keeps
the export's ``progress`` up to date so the page that polls it can show how far it has come.
Cells go through ``core.spreadsheets`` (text that a spreadsheet would run as a formula is made inert).
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from core.access import is_platform_staff
from core.files import delete_after_commit, generated_name
from core.outbox import outbox_enqueue
from core.spreadsheets import append_row
from marketplace.procurement import progress as selectors
from marketplace.procurement.models import (
    BudgetUnit,
    ExportStatus,
    FilingStatus,
    ProgressExport,
    UnitCategory,
)

#: units written between two updates of the export's progress
PROGRESS_STEP = 200


def progress_export_request(*, unit: BudgetUnit, year: int, user, language: str | None = None) -> ProgressExport:
    """Ask for the spreadsheet of ``unit``'s subtree for ``year``, for ``user`` only.

    The caller has checked that ``user`` may oversee the unit (``progress.may_oversee``).
    Side effect: the generation task (``generate_progress_export_task``), published after commit.
    """
    from marketplace.procurement.tasks_progress import generate_progress_export_task

    if year not in selectors.progress_years():
        raise ValidationError({"year": _("Choose a year from the list.")})
    with transaction.atomic():
        export = ProgressExport(unit=unit, year=year, requested_by=user)
        export.full_clean()
        export.save()
        outbox_enqueue(
            task=generate_progress_export_task,
            args=(export.pk, language or translation.get_language() or "zh-hans"),
        )
    return export


def may_download(user, export: ProgressExport) -> bool:
    """Only the person who asked for an export while they still oversee its unit, and platform staff,
    may download it (a manager who moved on loses the subtree's figures with the role)."""
    from marketplace.procurement.access import oversees

    if is_platform_staff(user):
        return True
    return export.requested_by_id == getattr(user, "pk", None) and oversees(user, export.unit)


def _set_progress(export_id: int, value: int) -> None:
    # its own autocommit write: the page polling the export sees it while the file is still being written
    ProgressExport.objects.filter(pk=export_id).update(progress=max(0, min(value, 100)))


def _headers() -> list[str]:
    return [
        pgettext("progress", "Unit"),
        pgettext("progress", "Level"),
        pgettext("progress", "Category"),
        pgettext("progress", "Supervising unit"),
        pgettext("progress", "Filing"),
        pgettext("progress", "Reserved amount"),
        pgettext("progress", "Placed"),
        _("Placed (% of reserved)"),
        pgettext("progress", "Completed"),
        _("Completed (% of reserved)"),
        _("From key-assistance counties (completed)"),
        pgettext("progress", "Overdue payments"),
        pgettext("progress", "Overdue amount"),
    ]


def _row(values: dict, figures: selectors.Progress, names: dict[int, str], depth0: int) -> list:
    filing = values["filing"]
    status = FilingStatus(filing["status"]).label if filing else pgettext("progress", "Not filed")
    return [
        values["name"],
        values["path"].count("/") - 1 - depth0,
        UnitCategory(values["category"]).label if values["category"] in UnitCategory.values else values["category"],
        names.get(values["parent_id"], ""),
        str(status),
        figures.reserved,
        figures.placed,
        float(figures.placed_percent) if figures.placed_percent is not None else None,
        figures.completed,
        float(figures.completed_percent) if figures.completed_percent is not None else None,
        figures.key_completed,
        figures.overdue_count,
        figures.overdue_amount,
    ]


def progress_xlsx(export: ProgressExport, *, on_progress=None) -> bytes:
    """The workbook: a summary of the subtree, then one row per unit in hierarchy order."""
    report = selectors.subtree_progress(unit=export.unit, year=export.year, with_rows=True, fresh=True)
    names = {values["pk"]: values["name"] for values, _figures in report.rows}
    depth0 = export.unit.path.count("/") - 1
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(export.year))
    bold = Font(bold=True)
    append_row(sheet, [_("Reserved-share progress"), export.unit.name, export.year], font=Font(bold=True, size=14))
    total = report.total
    append_row(sheet, [_("Placed counts in the year of placing; completed in the year of acceptance.")])
    for label, value in (
        (pgettext("progress", "Units"), total.units),
        (pgettext("progress", "Not filed"), total.not_filed),
        (pgettext("progress", "Reserved amount"), total.reserved),
        (pgettext("progress", "Placed"), total.placed),
        (pgettext("progress", "Completed"), total.completed),
        (_("Completed (% of reserved)"), float(total.completed_percent) if total.completed_percent else None),
        (pgettext("progress", "Overdue amount"), total.overdue_amount),
        (pgettext("progress", "Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ):
        append_row(sheet, [label, value])
    sheet.append([])
    append_row(sheet, _headers(), font=bold)
    count = len(report.rows)
    for index, (values, figures) in enumerate(report.rows, start=1):
        append_row(sheet, _row(values, figures, names, depth0))
        if on_progress and index % PROGRESS_STEP == 0:
            on_progress(int(index * 90 / count))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def progress_export_generate(*, export_id: int, language: str = "zh-hans") -> ProgressExport | None:
    """Write the spreadsheet of one export (the task's body). Idempotent: a ready export stays as it is.

    Side effects: the file in private storage; the export's status and progress.
    """
    export = ProgressExport.objects.select_related("unit").filter(pk=export_id).first()
    if export is None or export.status == ExportStatus.READY:
        return export
    ProgressExport.objects.filter(pk=export_id).update(status=ExportStatus.RUNNING, progress=0, error="")
    with translation.override(language):
        content = progress_xlsx(export, on_progress=lambda value: _set_progress(export_id, value))
    with transaction.atomic():
        export = ProgressExport.objects.select_for_update().get(pk=export_id)
        delete_after_commit(export.file.storage, export.file.name)
        export.file.save(generated_name("xlsx", prefix=f"progress-{export.year}"), ContentFile(content), save=False)
        export.status = ExportStatus.READY
        export.progress = 100
        export.finished_at = timezone.now()
        export.save()
    return export


def progress_export_mark_failed(*, export_id: int, error: str) -> None:
    ProgressExport.objects.filter(pk=export_id).exclude(status=ExportStatus.READY).update(
        status=ExportStatus.FAILED, error=error[:300], finished_at=timezone.now()
    )
