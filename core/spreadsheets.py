"""Cells for CSV and Excel exports that a spreadsheet cannot run as formulas (CSV/formula injection).

Exports carry text that others typed: a job seeker's name, a cooperative's carrier, a buyer's
address. Excel, WPS and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula (``=HYPERLINK(...)`` leaks data, ``=cmd|...`` runs programs), and a leading tab
or carriage return, or leading spaces, does not stop them; openpyxl even stores a string that
starts with ``=`` as a live formula. Following OWASP's advice, such text is prefixed with a
single quote, which makes it plain text. Numbers, including negative amounts, stay numbers and
dates stay dates: only text is touched.

Every export goes through ``csv_writer`` or ``append_row`` (Oscar's dashboard CSVs through
``SafeUnicodeCSVWriter``); ``safe_cell`` is the rule.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from oscar.core.compat import UnicodeCSVWriter

# Characters that make a spreadsheet read a cell as a formula, with their full-width forms
# (a Chinese input method types ＝ ＋ － ＠, which some spreadsheets fold to ASCII).
FORMULA_TRIGGERS = frozenset("=+-@\t\r＝＋－＠")

# Amounts in CNY as the shop shows them (OSCAR_CURRENCY_FORMAT), stored as exact numbers.
MONEY_NUMBER_FORMAT = "¥#,##0.00"


def safe_cell(value: Any) -> Any:
    """``value`` made inert for a spreadsheet: text that could start a formula gets a leading ``'``.

    Checked on the first character and on the first one after leading whitespace. Anything
    that is not text (numbers, dates, ``None``) is returned as it is; lazy translations become text.
    """
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str) or not value:
        return value
    if value[0] in FORMULA_TRIGGERS or value.lstrip()[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


class SafeCsvWriter:
    """``csv.writer`` whose every cell has gone through ``safe_cell``."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file, **kwargs) -> SafeCsvWriter:
    """A CSV writer for exports (same arguments as ``csv.writer``)."""
    return SafeCsvWriter(file, **kwargs)


class SafeUnicodeCSVWriter(UnicodeCSVWriter):
    """Oscar's CSV writer (dashboard order list, reports) with every cell through ``safe_cell``."""

    def writerow(self, row):
        super().writerow(safe_row(row))


def _xlsx_value(value: Any) -> Any:
    value = safe_cell(value)
    if isinstance(value, str):
        # Control characters (a pasted name can hold one) would make openpyxl refuse the whole file.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_cells(sheet, values: Iterable[Any], *, font=None) -> list[Cell]:
    """Cells for one row of ``sheet`` (normal or write-only): text inert and always text,
    ``Decimal`` amounts as numbers shown in yuan."""
    cells = []
    for value in values:
        cell = Cell(sheet, row=1, column=1, value=_xlsx_value(value))  # placed by append()
        if isinstance(value, Decimal):
            cell.number_format = MONEY_NUMBER_FORMAT
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


def append_row(sheet, values: Iterable[Any], *, font=None) -> None:
    """``sheet.append(values)`` for exports: see ``xlsx_cells``."""
    sheet.append(xlsx_cells(sheet, values, font=font))
