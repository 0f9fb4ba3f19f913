"""Settlement statement files: an XLSX for accounting and a PDF to file (结算单).

The PDF uses ReportLab's built-in STSong-Light CID font: Chinese text without shipping a
font file (the reader supplies the glyphs).
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

PDF_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


def _headers() -> list[str]:
    return [_("Date"), _("Order"), _("Kind"), _("Goods"), _("Shipping"), _("Amount")]


def _rows(statement) -> list[list]:
    return [
        [line.day, line.fulfilment.order.number, line.get_kind_display(), line.goods, line.shipping, line.amount]
        for line in statement.lines.select_related("fulfilment__order").order_by("day", "pk")
    ]


def _summary(statement) -> list[tuple[str, object]]:
    return [
        (_("Cooperative"), statement.partner.name),
        (_("Unified social credit code"), statement.partner.credit_code or "—"),
        (_("Month"), statement.period.strftime("%Y-%m")),
        (_("Accepted fulfilments"), statement.sales_count),
        (_("Goods"), statement.goods_total),
        (_("Shipping"), statement.shipping_total),
        (_("Returns"), statement.returns_count),
        (_("Returned"), statement.returns_total),
        (_("Amount due"), statement.amount_due),
    ]


def statement_xlsx(statement) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = statement.period.strftime("%Y-%m")
    bold = Font(bold=True)
    sheet.append([_("Settlement statement")])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in _summary(statement):
        sheet.append([label, value])
    sheet.append([])
    sheet.append(_headers())
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in _rows(statement):
        sheet.append(row)
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if hasattr(cell.value, "as_tuple"):  # Decimal: shown as money, stored exactly
                cell.number_format = "#,##0.00"
    for column, width in zip("ABCDEF", (14, 16, 10, 14, 12, 14), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
    summary = Table([[label, str(value)] for label, value in _summary(statement)], hAlign="LEFT")
    summary.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), PDF_FONT), ("FONTSIZE", (0, 0), (-1, -1), 10)]))
    rows = [_headers()] + [[str(cell) for cell in row] for row in _rows(statement)]
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
    story = [Paragraph(_("Settlement statement"), title), Spacer(1, 4 * mm), summary, Spacer(1, 6 * mm)]
    story.append(lines if len(rows) > 1 else Paragraph(_("No accepted fulfilments or returns in this month."), body))
    document.build(story)
    return buffer.getvalue()


def write_statement_files(statement, language: str = "zh-hans") -> None:
    """Render both files in ``language`` and attach them to the statement (saved by the caller)."""
    name = f"{statement.partner.code}-{statement.period:%Y-%m}"
    with translation.override(language):
        xlsx, pdf = statement_xlsx(statement), statement_pdf(statement)
    for field, content, suffix in ((statement.xlsx, xlsx, "xlsx"), (statement.pdf, pdf, "pdf")):
        if field:
            field.delete(save=False)
        field.save(f"{name}.{suffix}", ContentFile(content), save=False)
