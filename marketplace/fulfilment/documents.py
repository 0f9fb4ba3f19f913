"""Settlement statement files: an XLSX for accounting and a PDF to file (结算单).

The PDF uses ReportLab's built-in STSong-Light CID font: Chinese text without shipping a
font file (the reader supplies the glyphs).
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from oscar.templatetags.currency_filters import currency
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.files import delete_after_commit
from core.spreadsheets import append_row
from marketplace.fulfilment import selectors

PDF_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


def money(value: Decimal) -> str:
    """An amount as the shop shows it (¥1,359.40, -¥264.00): the one way the PDF prints money."""
    return currency(value, "CNY")


# Short headings mean other things elsewhere ("Kind" is a cooperative's legal form, "Status"
# an order's): each carries the context of the statement.
def _headers() -> list[str]:
    return [
        pgettext("settlement statement", "Date"),
        pgettext("settlement statement", "Order"),
        pgettext("settlement statement", "Status"),
        pgettext("settlement statement", "Goods"),
        pgettext("settlement statement", "Shipping"),
        pgettext("settlement statement", "Amount"),
    ]


def _kind_text(line) -> str:
    if line.kind == "sale" and line.fulfilment.buyer_type == "budget_unit":
        return pgettext("settlement statement", "Accepted, paid by the unit")
    return line.get_kind_display()


def _rows(statement) -> list[list]:
    return [
        [line.day, line.fulfilment.order.number, _kind_text(line), line.goods, line.shipping, line.amount]
        for line in selectors.statement_lines(statement)
    ]


def _awaiting_rows(statement) -> list[list]:
    return [
        [line.day, line.fulfilment.order.number, line.get_kind_display(), line.goods, line.shipping, line.amount]
        for line in selectors.statement_awaiting_lines(statement)
    ]


def _awaiting_heading() -> str:
    return pgettext("settlement statement", "Accepted, awaiting the buyer's payment — not included")


def _summary(statement) -> list[tuple[str, object]]:
    figures = selectors.statement_figures(statement)
    return [
        (_("Cooperative"), statement.partner.name),
        (_("Unified social credit code"), statement.partner.credit_code or "—"),
        (pgettext("settlement statement", "Month"), statement.period.strftime("%Y-%m")),
        (pgettext("settlement statement", "Accepted fulfilments"), figures.accepted_count),
        (pgettext("settlement statement", "Goods"), figures.goods),
        (pgettext("settlement statement", "Shipping"), figures.shipping),
        (pgettext("settlement statement", "Accepted total"), figures.accepted_total),
        (pgettext("settlement statement", "Returns"), figures.returns_count),
        (pgettext("settlement statement", "Returned amount"), figures.returns_total),
        (pgettext("settlement statement", "Refunded to buyers online"), figures.refunds_total),
        (pgettext("settlement statement", "Amount due"), figures.amount_due),
        (
            pgettext("settlement statement", "Of which advanced by the platform (orders paid by invoice)"),
            figures.advanced_total,
        ),
        (_awaiting_heading(), figures.awaiting_total),
    ]


def statement_xlsx(statement) -> bytes:
    """Amounts are numbers (exact, shown in yuan), text cannot run as a formula (core.spreadsheets)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = statement.period.strftime("%Y-%m")
    append_row(sheet, [_("Settlement statement")], font=Font(bold=True, size=14))
    for label, value in _summary(statement):
        append_row(sheet, [label, value])
    sheet.append([])
    append_row(sheet, _headers(), font=Font(bold=True))
    for row in _rows(statement):
        append_row(sheet, row)
    awaiting = _awaiting_rows(statement)
    if awaiting:
        sheet.append([])
        append_row(sheet, [_awaiting_heading()], font=Font(bold=True))
        append_row(sheet, _headers(), font=Font(bold=True))
        for row in awaiting:
            append_row(sheet, row)
    for column, width in zip("ABCDEF", (16, 20, 10, 14, 12, 14), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf_text(value) -> str:
    if isinstance(value, Decimal):
        return money(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _lines_table(rows: list[list]) -> Table:
    lines = Table(rows, repeatRows=1, hAlign="LEFT")
    lines.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8efe8")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return lines


def statement_pdf(statement) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{_('Settlement statement')} {statement.partner.name} {statement.period:%Y-%m}",
    )
    title = ParagraphStyle("title", fontName=PDF_FONT, fontSize=16, leading=22)
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=10, leading=14)
    summary = Table([[label, _pdf_text(value)] for label, value in _summary(statement)], hAlign="LEFT")
    summary.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), PDF_FONT), ("FONTSIZE", (0, 0), (-1, -1), 10)]))
    rows = [_headers()] + [[_pdf_text(cell) for cell in row] for row in _rows(statement)]
    story = [Paragraph(_("Settlement statement"), title), Spacer(1, 4 * mm), summary, Spacer(1, 6 * mm)]
    story.append(
        _lines_table(rows) if len(rows) > 1 else Paragraph(_("No accepted fulfilments or returns in this month."), body)
    )
    awaiting = _awaiting_rows(statement)
    if awaiting:
        story += [
            Spacer(1, 6 * mm),
            Paragraph(_awaiting_heading(), body),
            _lines_table([_headers()] + [[_pdf_text(cell) for cell in row] for row in awaiting]),
        ]
    document.build(story)
    return buffer.getvalue()


def write_statement_files(statement, language: str = "zh-hans") -> None:
    """Render both files in ``language`` and attach them to the statement (saved by the caller).

    Files of an earlier preparation leave storage once the transaction commits: if it rolls
    back, the statement keeps pointing at files that still exist.
    """
    name = f"{statement.partner.code}-{statement.period:%Y-%m}"
    with translation.override(language):
        xlsx, pdf = statement_xlsx(statement), statement_pdf(statement)
    for field, content, suffix in ((statement.xlsx, xlsx, "xlsx"), (statement.pdf, pdf, "pdf")):
        delete_after_commit(field.storage, field.name)
        field.save(f"{name}.{suffix}", ContentFile(content), save=False)
