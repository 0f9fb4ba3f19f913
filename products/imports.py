"""Bulk product import (商品批量导入): reading the uploaded files and checking each row.

A cooperative uploads a CSV (UTF-8 or the GBK/GB18030 that Chinese Excel writes) or an
XLSX workbook, optionally with a zip of pictures. This module reads them defensively
(size and row limits, type by content, zip members checked before anything is read) and
turns each row into a :class:`ProductRow` or a list of :class:`Problem`. It reads the
database (categories, counties, certificates, the cooperative's SKUs) in a few bulk
queries and never writes: ``products.services`` applies the rows.

Problems are stored on the import as English message ids with their parameters and
translated when shown, so each reader sees them in their own language.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import posixpath
import re
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from core.spreadsheets import append_row, csv_writer
from core.uploads import validate_image
from partners.access import scope_to_cooperatives
from partners.models import AssistanceLevel
from products.models import TRACE_CODE_MAX_LENGTH, StorageType, validate_trace_code

Category = get_model("catalogue", "Category")
Certification = get_model("partner", "Certification")
County = get_model("partner", "County")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductImport = get_model("catalogue", "ProductImport")
StockRecord = get_model("partner", "StockRecord")

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_XLSX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
# Pictures barely compress; a member that shrank more than this is a bomb, not a photo.
MAX_COMPRESSION_RATIO = 100
MAX_PROBLEMS = 1_000
MAX_PRICE = Decimal("9999999999.99")
MAX_STOCK = 10_000_000
MAX_SHELF_LIFE_DAYS = 36_500


# --------------------------------------------------------------------------- problems
@dataclass
class Problem:
    """One thing wrong with the file or a row: an English message id, its parameters, where."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)
    row: int | None = None
    column: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "params": self.params}

    def text(self) -> str:
        return problem_text(self.as_dict())


def problem_text(problem: dict[str, Any]) -> str:
    """A stored problem in the active language."""
    message = problem.get("message", "")
    params = problem.get("params") or {}
    try:
        return gettext(message) % params if params else gettext(message)
    except (KeyError, TypeError, ValueError):
        # A translation that lost a placeholder must not hide the problem itself.
        return message % params if params else message


class ImportFileError(Exception):
    """The whole file (or the zip) is refused; nothing in it is applied."""

    def __init__(self, message: str, **params: Any):
        self.problem = Problem(message, params)
        super().__init__(message % params if params else message)

    def as_validation_error(self) -> ValidationError:
        return ValidationError(self.problem.text())


def _problem_from_validation_error(error: ValidationError, *, row: int, column: str) -> Problem:
    """Keep the message id of a ValidationError (e.g. from validate_image) so it is translated when shown."""
    with translation.override(None):
        message = str(error.message)
    params = {key: str(value) for key, value in (error.params or {}).items()}
    return Problem(message, params, row=row, column=column)


# --------------------------------------------------------------------------- columns
@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    aliases: tuple[str, ...]
    example: str
    description: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "sku",
        "商品编码",
        True,
        ("sku", "code", "item code", "partner sku", "编码", "商品编号"),
        "TD-101",
        _("SKU: your own code for the product; importing the same SKU again updates it."),
    ),
    Column(
        "title",
        "商品名称",
        True,
        ("title", "name", "product name", "product", "名称", "品名"),
        "田东香芒 桂七",
        _("Product name."),
    ),
    Column(
        "category",
        "分类",
        True,
        ("category", "商品分类", "类别"),
        "新鲜水果",
        _("Category: the name of an existing category (listed below)."),
    ),
    Column(
        "price",
        "价格",
        True,
        ("price", "单价", "售价"),
        "59.90",
        _("Price in yuan (CNY), more than 0, at most two decimals."),
    ),
    Column(
        "stock",
        "库存",
        True,
        ("stock", "num in stock", "quantity", "库存数量", "数量"),
        "300",
        _("Stock: a whole number, 0 or more."),
    ),
    Column(
        "origin_county",
        "产地县",
        True,
        ("origin county", "county", "origin", "产地"),
        "田东县",
        _("Origin county: an assisted county, by its name or pinyin (listed below)."),
    ),
    Column(
        "storage_type",
        "储存方式",
        True,
        ("storage type", "storage", "存储方式", "贮存方式"),
        "常温",
        _("Storage: 常温, 冷藏 or 冷冻 (ambient, chilled, frozen)."),
    ),
    Column(
        "shelf_life_days",
        "保质期天数",
        False,
        ("shelf life days", "shelf life", "保质期"),
        "10",
        _("Shelf life in days (optional)."),
    ),
    Column(
        "specification",
        "规格",
        False,
        ("specification", "spec", "规格说明"),
        "5千克/箱",
        _("Specification, e.g. 5 kg per box (optional)."),
    ),
    Column(
        "certificate",
        "证书编号",
        False,
        ("certificate number", "certificate", "certification", "证书"),
        "",
        _("Certificate number (optional): a valid certificate of your cooperative."),
    ),
    Column(
        "traceability_code",
        "追溯码",
        False,
        ("traceability code", "trace code", "traceability", "溯源码", "追溯编码"),
        "GX-TD101-2026",
        _("Traceability code as printed on the packaging (optional): letters, digits, - _ . — one product per code."),
    ),
    Column(
        "image",
        "图片文件名",
        False,
        ("image file name", "image", "picture", "image file", "图片"),
        "td-101.jpg",
        _("Picture file name (optional): a JPEG, PNG or WebP file in the zip of pictures."),
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}

STORAGE_WORDS = {
    "常温": StorageType.AMBIENT,
    "常溫": StorageType.AMBIENT,
    "冷藏": StorageType.CHILLED,
    "冷冻": StorageType.FROZEN,
    "冷凍": StorageType.FROZEN,
    "ambient": StorageType.AMBIENT,
    "chilled": StorageType.CHILLED,
    "frozen": StorageType.FROZEN,
}


def _normalise_header(text: Any) -> str:
    """``*价格（元）`` → ``价格``; ``Shelf_life days`` → ``shelf life days``."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    text = re.sub(r"[(\[【].*?[)\]】]", "", text)
    text = text.replace("*", "").replace("_", " ").replace("-", " ")
    return re.sub(r"\s+", " ", text).strip()


_HEADER_KEYS = {
    _normalise_header(name): column.key for column in COLUMNS for name in (column.header, column.key, *column.aliases)
}


def template_rows() -> list[list[str]]:
    """The header row and one example row of the import template."""
    return [[column.header for column in COLUMNS], [column.example for column in COLUMNS]]


def template_csv() -> bytes:
    """The template as CSV, UTF-8 with a byte-order mark so that Excel shows the Chinese."""
    buffer = io.StringIO()
    csv_writer(buffer).writerows(template_rows())
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """The template as an Excel workbook, made on the fly (no binary in the repository)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "商品"
    for row in template_rows():
        append_row(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, len(column.header) * 3)
        # SKUs like 0012 or 6901234567890 must stay text, not become numbers.
        if column.key == "sku":
            sheet.cell(row=2, column=index).number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- reading the table
@dataclass
class Table:
    """The rows of an uploaded file: header cells as written, where each known column is, the data rows."""

    headers: list[str]
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]]
    kind: str
    encoding: str = ""

    def header_of(self, key: str) -> str:
        index = self.columns.get(key)
        return self.headers[index] if index is not None else COLUMNS_BY_KEY[key].header


def check_file_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            gettext_noop("The file is larger than %(limit)s MB; split it into smaller files."),
            limit=MAX_FILE_BYTES // (1024 * 1024),
        )


def read_table(data: bytes) -> Table:
    """Read a CSV or XLSX file, recognised by its content. Raises :class:`ImportFileError`."""
    check_file_size(len(data))
    if not data.strip():
        raise ImportFileError(gettext_noop("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            gettext_noop("Old Excel files (.xls) are not accepted; save the sheet as .xlsx or as CSV.")
        )
    return _read_csv(data)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export.
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    raise ImportFileError(
        gettext_noop(
            "The file is neither an Excel workbook (.xlsx) nor a CSV text file in UTF-8 or GBK/GB18030. "
            "In Excel choose “Save as” and “CSV UTF-8” or “Excel workbook”."
        )
    )


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        raw_rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _table(raw_rows, kind="csv", encoding=encoding)
    except csv.Error:
        raise ImportFileError(gettext_noop("The CSV file is malformed (an unclosed quotation mark?).")) from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Excel stores 59.9 as 59.900000000000006; twelve significant digits are more than a price has.
        return f"{value:.12g}"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_table() from None
    if "xl/workbook.xml" not in names:
        raise _not_a_table()
    if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise ImportFileError(gettext_noop("The workbook unpacks to too much data; split it into smaller files."))

    from openpyxl import load_workbook

    try:
        # openpyxl parses with defusedxml when it is installed (it is a requirement), which
        # refuses entity-expansion bombs.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise _not_a_table() from None
    try:
        if not workbook.worksheets:
            raise _not_a_table()
        sheet = workbook.worksheets[0]
        # Some programs write a wrong size ("A1") into the sheet; trusting it would drop rows silently.
        sheet.reset_dimensions()
        raw_rows = ([_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True))
        return _table(raw_rows, kind="xlsx")
    except ImportFileError:
        raise
    except Exception:
        raise _not_a_table() from None
    finally:
        workbook.close()


def _not_a_table() -> ImportFileError:
    return ImportFileError(gettext_noop("This is not a CSV file or an Excel workbook (.xlsx) that we can read."))


def _table(raw_rows, *, kind: str, encoding: str = "") -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(raw_rows, start=1):
        cells = [str(cell).strip() for cell in cells]
        if not any(cells):
            continue
        if headers is None:
            headers = cells
            header_row = number
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                gettext_noop("The file has more than %(limit)s product rows; split it into smaller files."),
                limit=MAX_ROWS,
            )
    if headers is None:
        raise ImportFileError(gettext_noop("The file is empty."))
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = _HEADER_KEYS.get(_normalise_header(header))
        if key is None:
            continue
        if key in columns:
            raise ImportFileError(
                gettext_noop("The columns “%(first)s” and “%(second)s” both mean %(column)s; keep only one."),
                first=headers[columns[key]],
                second=header,
                column=COLUMNS_BY_KEY[key].header,
            )
        columns[key] = index
    missing = [column.header for column in COLUMNS if column.required and column.key not in columns]
    if missing:
        raise ImportFileError(
            gettext_noop("Required columns are missing: %(columns)s. The first row must hold the column names."),
            columns="、".join(missing),
        )
    if not rows:
        raise ImportFileError(
            gettext_noop("The file has column names (row %(row)s) but no product rows."), row=header_row
        )
    return Table(headers=headers, columns=columns, rows=rows, kind=kind, encoding=encoding)


# --------------------------------------------------------------------------- zip of pictures
def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; zips made on Chinese Windows store names in GBK without saying so."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437", errors="replace")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return unicodedata.normalize("NFC", name)


def _is_unsafe_path(name: str) -> bool:
    path = name.replace("\\", "/")
    return path.startswith("/") or bool(re.match(r"^[A-Za-z]:", path)) or ".." in path.split("/")


def _image_key(name: str) -> str:
    return unicodedata.normalize("NFC", name.replace("\\", "/").strip()).casefold()


class ImageArchive:
    """The zip of pictures, checked member by member before any is read; nothing is extracted to disk."""

    def __init__(self, fileobj: IO[bytes], *, size: int | None = None):
        if size is not None and size > MAX_ZIP_BYTES:
            raise ImportFileError(
                gettext_noop("The zip of pictures is larger than %(limit)s MB."), limit=MAX_ZIP_BYTES // (1024 * 1024)
            )
        try:
            self.zip = zipfile.ZipFile(fileobj)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ImportFileError(gettext_noop("The pictures file is not a zip archive.")) from None
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ImportFileError(
                gettext_noop("The zip holds more than %(limit)s files; split it into smaller zips."),
                limit=MAX_ZIP_MEMBERS,
            )
        self.member_limit = settings.UPLOAD_MAX_IMAGE_BYTES
        total = 0
        self.paths: dict[str, zipfile.ZipInfo] = {}
        self.basenames: dict[str, zipfile.ZipInfo | None] = {}
        for info in infos:
            name = _member_name(info)
            if _is_unsafe_path(name):
                raise ImportFileError(
                    gettext_noop("The zip is refused: the path “%(name)s” points outside the archive."), name=name
                )
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise ImportFileError(gettext_noop("The zip is refused: “%(name)s” is encrypted."), name=name)
            if info.file_size > self.member_limit or (
                info.file_size > 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            ):
                raise ImportFileError(
                    gettext_noop("The zip is refused: “%(name)s” unpacks to more than a picture may be (zip bomb?)."),
                    name=name,
                )
            total += info.file_size
            if total > MAX_ZIP_UNCOMPRESSED_BYTES:
                raise ImportFileError(gettext_noop("The zip is refused: it unpacks to too much data (zip bomb?)."))
            base = posixpath.basename(name.replace("\\", "/"))
            if not base or base.startswith(".") or name.startswith("__MACOSX/"):
                continue
            self.paths[_image_key(name)] = info
            key = _image_key(base)
            # The same file name in two folders: the row has to give the folder.
            self.basenames[key] = None if key in self.basenames else info
        self._checked: dict[str, tuple[str, Problem | None]] = {}
        # Member → extension of the picture type Pillow verified (the stored name uses it, not the member's).
        self.extensions: dict[str, str] = {}

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The member's bytes, reading at most one byte past the limit whatever its header claims."""
        with self.zip.open(info) as handle:
            data = handle.read(self.member_limit + 1)
        if len(data) > self.member_limit:
            raise ImportFileError(
                gettext_noop("The zip is refused: “%(name)s” unpacks to more than a picture may be (zip bomb?)."),
                name=_member_name(info),
            )
        return data

    def find(self, name: str) -> tuple[zipfile.ZipInfo | None, str]:
        key = _image_key(name)
        if key in self.paths:
            return self.paths[key], "ok"
        if key not in self.basenames:
            return None, "missing"
        info = self.basenames[key]
        return info, "ok" if info is not None else "ambiguous"

    def check(self, name: str, *, row: int, column: str) -> tuple[str, zipfile.ZipInfo | None, Problem | None]:
        """(sha-256 of the picture, its member, a problem): validated once per member however many rows use it."""
        info, state = self.find(name)
        if state == "missing":
            message = gettext_noop("There is no picture “%(name)s” in the zip.")
            return "", None, Problem(message, {"name": name}, row, column)
        if state == "ambiguous":
            return (
                "",
                None,
                Problem(
                    gettext_noop("Several pictures in the zip are called “%(name)s”; give the folder too."),
                    {"name": name},
                    row,
                    column,
                ),
            )
        if info.filename not in self._checked:
            try:
                data = self.read(info)
                self.extensions[info.filename] = validate_image(
                    ContentFile(data, name=posixpath.basename(info.filename))
                )
                self._checked[info.filename] = (hashlib.sha256(data).hexdigest(), None)
            except ImportFileError as error:
                self._checked[info.filename] = ("", error.problem)
            except ValidationError as error:
                self._checked[info.filename] = ("", _problem_from_validation_error(error, row=0, column=""))
        digest, problem = self._checked[info.filename]
        if problem is not None:
            return "", None, Problem(problem.message, problem.params, row, column)
        return digest, info, None

    def close(self) -> None:
        self.zip.close()


# --------------------------------------------------------------------------- checking rows
@dataclass
class ProductRow:
    """A checked row, ready to apply: product fields, stock record fields, links."""

    number: int
    sku: str
    product_fields: dict[str, Any]
    price: Decimal
    stock: int
    category_id: int
    certificate_ids: tuple[int, ...] = ()
    image_name: str = ""
    image_digest: str = ""
    image_member: zipfile.ZipInfo | None = None


@dataclass
class Lookups:
    """Everything rows are checked against, read in a few queries before the first row."""

    categories: dict[str, list[int]]
    counties: dict[str, County]
    certificates: dict[str, list[Certification]]
    allocated: dict[str, int]
    today: datetime.date
    # Lower-cased traceability code → (cooperative, SKU) of the products that have it now.
    trace_codes: dict[str, set[tuple[int, str]]] = field(default_factory=dict)


def _category_paths() -> dict[str, list[int]]:
    """``新鲜水果`` and ``农产品 > 新鲜水果`` → category ids (a name may be used twice in the tree)."""
    rows = list(Category.objects.values_list("pk", "name", "path", "depth"))
    names_by_path = {path: name for _, name, path, _ in rows}
    steplen = Category.steplen
    found: dict[str, list[int]] = defaultdict(list)
    for pk, name, path, depth in rows:
        trail = [names_by_path.get(path[: steplen * level], "") for level in range(1, depth + 1)]
        for key in {_category_key(name), _category_key(" > ".join(trail))}:
            found[key].append(pk)
    return found


def _category_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    parts = [part.strip() for part in re.split(r"\s*[>/]\s*", text) if part.strip()]
    return " > ".join(parts).casefold()


def _certificate_numbers(text: str) -> list[str]:
    return [number for number in re.split(r"[;,；，、\s]+", text.strip()) if number]


def load_lookups(*, partner: Partner, table: Table) -> Lookups:
    """Bulk reads for checking ``table``'s rows of ``partner``: four queries whatever the number of rows."""
    numbers: set[str] = set()
    index = table.columns.get("certificate")
    if index is not None:
        for _, cells in table.rows:
            if index < len(cells):
                numbers.update(_certificate_numbers(cells[index]))
    certificates: dict[str, list[Certification]] = defaultdict(list)
    for certificate in Certification.objects.filter(number__in=numbers) if numbers else ():
        certificates[certificate.number].append(certificate)
    counties: dict[str, County] = {}
    for county in County.objects.all():
        counties[county.name] = county
        counties[county.slug.casefold()] = county
    allocated = dict(
        StockRecord.objects.filter(partner=partner, num_allocated__gt=0).values_list("partner_sku", "num_allocated")
    )
    return Lookups(
        categories=_category_paths(),
        counties=counties,
        certificates=certificates,
        allocated=allocated,
        today=timezone.localdate(),
        trace_codes=_trace_code_holders(table),
    )


def _trace_code_key(code: str) -> str | None:
    """The code compared case-insensitively, or None when it is not a well-formed code."""
    try:
        validate_trace_code(code)
    except ValidationError:
        return None
    return code.lower() if len(code) <= TRACE_CODE_MAX_LENGTH else None


def _trace_code_holders(table: Table) -> dict[str, set[tuple[int, str]]]:
    index = table.columns.get("traceability_code")
    if index is None:
        return {}
    keys = {
        key
        for _, cells in table.rows
        if index < len(cells) and (key := _trace_code_key(cells[index].strip())) is not None
    }
    holders: dict[str, set[tuple[int, str]]] = defaultdict(set)
    ordered = sorted(keys)
    for start in range(0, len(ordered), 1000):
        chunk = ordered[start : start + 1000]
        rows = (
            Product.objects.annotate(code_key=Lower("traceability_code"))
            .filter(code_key__in=chunk)
            .values_list("code_key", "stockrecords__partner_id", "stockrecords__partner_sku")
        )
        for key, partner_id, sku in rows:
            holders[key].add((partner_id, sku))
    return holders


class RowChecker:
    """Checks rows one by one, remembering SKUs already seen in the file."""

    def __init__(self, *, partner: Partner, table: Table, lookups: Lookups, images: ImageArchive | None):
        self.partner = partner
        self.table = table
        self.lookups = lookups
        self.images = images
        self.seen_skus: dict[str, int] = {}
        self.seen_trace_codes: dict[str, int] = {}

    def check(self, number: int, cells: list[str]) -> tuple[ProductRow | None, list[Problem]]:
        problems: list[Problem] = []

        def cell(key: str) -> str:
            index = self.table.columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        def problem(key: str, message: str, **params: Any) -> None:
            problems.append(Problem(message, params, number, self.table.header_of(key)))

        sku = cell("sku")
        if not sku:
            problem("sku", gettext_noop("The SKU is empty; every row needs one."))
        elif len(sku) > 128:
            problem("sku", gettext_noop("The SKU is longer than %(limit)s characters."), limit=128)
        elif sku in self.seen_skus:
            problem("sku", gettext_noop("SKU %(sku)s is already on row %(row)s."), sku=sku, row=self.seen_skus[sku])
        else:
            self.seen_skus[sku] = number

        title = cell("title")
        if not title:
            problem("title", gettext_noop("The product name is empty."))
        elif len(title) > 255:
            problem("title", gettext_noop("The product name is longer than %(limit)s characters."), limit=255)

        category_id = None
        category = cell("category")
        matches = self.lookups.categories.get(_category_key(category), []) if category else []
        if not category:
            problem("category", gettext_noop("The category is empty."))
        elif not matches:
            problem("category", gettext_noop("There is no category called “%(category)s”."), category=category)
        elif len(matches) > 1:
            problem(
                "category",
                gettext_noop(
                    "Several categories are called “%(category)s”; write the full path, e.g. “Parent > %(category)s”."
                ),
                category=category,
            )
        else:
            category_id = matches[0]

        price = self._price(cell("price"), lambda message, **params: problem("price", message, **params))
        stock = self._whole_number(cell("stock"), "stock", problem)
        if stock is not None and sku and stock < self.lookups.allocated.get(sku, 0):
            problem(
                "stock",
                gettext_noop("Stock %(stock)s is less than the %(allocated)s units ordered and not yet shipped."),
                stock=stock,
                allocated=self.lookups.allocated[sku],
            )

        county = None
        county_text = cell("origin_county")
        if not county_text:
            problem("origin_county", gettext_noop("The origin county is empty."))
        else:
            county = self.lookups.counties.get(county_text) or self.lookups.counties.get(county_text.casefold())
            if county is None:
                problem("origin_county", gettext_noop("There is no county called “%(county)s”."), county=county_text)
            elif not county.is_assisted:
                problem(
                    "origin_county",
                    gettext_noop("%(county)s is not an assisted county; only their products can be sold here."),
                    county=county.name,
                )
                county = None

        storage_text = cell("storage_type")
        storage_type = STORAGE_WORDS.get(storage_text.casefold())
        if storage_type is None:
            problem(
                "storage_type",
                gettext_noop("Storage “%(value)s” is not one of 常温, 冷藏, 冷冻 (ambient, chilled, frozen)."),
                value=storage_text,
            )

        product_fields: dict[str, Any] = {"title": title, "storage_type": storage_type}
        if county is not None:
            product_fields["origin_county_id"] = county.pk
        if "shelf_life_days" in self.table.columns:
            text = cell("shelf_life_days")
            days = self._whole_number(text, "shelf_life_days", problem, minimum=1) if text else None
            if days is not None and days > MAX_SHELF_LIFE_DAYS:
                problem("shelf_life_days", gettext_noop("A shelf life of %(days)s days is not plausible."), days=days)
            product_fields["shelf_life_days"] = days
        if "specification" in self.table.columns:
            specification = cell("specification")
            if len(specification) > 128:
                problem(
                    "specification", gettext_noop("The specification is longer than %(limit)s characters."), limit=128
                )
            product_fields["specification"] = specification

        if "traceability_code" in self.table.columns:
            product_fields["traceability_code"] = self._trace_code(cell("traceability_code"), sku, number, problem)

        certificate_ids = self._certificates(cell("certificate"), problem)

        image_name, digest, member = cell("image"), "", None
        if image_name:
            if self.images is None:
                problem("image", gettext_noop("The row names a picture but no zip of pictures was uploaded."))
            else:
                digest, member, image_problem = self.images.check(
                    image_name, row=number, column=self.table.header_of("image")
                )
                if image_problem is not None:
                    problems.append(image_problem)

        if problems:
            return None, problems
        return (
            ProductRow(
                number=number,
                sku=sku,
                product_fields=product_fields,
                price=price,
                stock=stock,
                category_id=category_id,
                certificate_ids=tuple(certificate_ids),
                image_name=image_name,
                image_digest=digest,
                image_member=member,
            ),
            [],
        )

    def _trace_code(self, code: str, sku: str, number: int, problem) -> str:
        """A well-formed code used by no other product, and by no other row of the file."""
        if not code:
            return ""
        key = _trace_code_key(code)
        if key is None:
            problem(
                "traceability_code",
                gettext_noop(
                    "Traceability code “%(code)s”: use at most %(limit)s letters, digits, “-”, “_” and “.”, "
                    "beginning with a letter or digit."
                ),
                code=code[:TRACE_CODE_MAX_LENGTH],
                limit=TRACE_CODE_MAX_LENGTH,
            )
        elif key in self.seen_trace_codes:
            problem(
                "traceability_code",
                gettext_noop("Traceability code %(code)s is already on row %(row)s."),
                code=code,
                row=self.seen_trace_codes[key],
            )
        else:
            self.seen_trace_codes[key] = number
            holders = self.lookups.trace_codes.get(key, set())
            if holders and (self.partner.pk, sku) not in holders:
                problem(
                    "traceability_code",
                    gettext_noop("Another product already uses traceability code %(code)s."),
                    code=code,
                )
        return code

    @staticmethod
    def _price(text: str, problem) -> Decimal | None:
        if not text:
            problem(gettext_noop("The price is empty."))
            return None
        cleaned = re.sub(r"[\s,，¥￥元]|CNY|RMB", "", text, flags=re.IGNORECASE)
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            problem(gettext_noop("The price “%(value)s” is not a number."), value=text)
            return None
        if value <= 0:
            problem(gettext_noop("The price must be more than 0 (it is %(value)s)."), value=text)
            return None
        if value != value.quantize(Decimal("0.01")):
            problem(gettext_noop("The price “%(value)s” has more than two decimal places."), value=text)
            return None
        if value > MAX_PRICE:
            problem(gettext_noop("The price “%(value)s” is too large."), value=text)
            return None
        return value.quantize(Decimal("0.01"))

    @staticmethod
    def _whole_number(text: str, key: str, problem, *, minimum: int = 0) -> int | None:
        label = COLUMNS_BY_KEY[key].header
        if not text:
            problem(key, gettext_noop("%(column)s is empty."), column=label)
            return None
        try:
            value = Decimal(re.sub(r"[\s,，]", "", text))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value != value.to_integral_value():
            problem(key, gettext_noop("“%(value)s” is not a whole number."), value=text)
            return None
        if value < minimum:
            if minimum == 0:
                problem(key, gettext_noop("%(column)s cannot be negative (it is %(value)s)."), column=label, value=text)
            else:
                problem(key, gettext_noop("%(column)s must be at least %(minimum)s."), column=label, minimum=minimum)
            return None
        if value > MAX_STOCK:
            problem(key, gettext_noop("“%(value)s” is too large."), value=text)
            return None
        return int(value)

    def _certificates(self, text: str, problem) -> list[int]:
        ids = []
        for number in _certificate_numbers(text):
            candidates = self.lookups.certificates.get(number, [])
            own = [certificate for certificate in candidates if certificate.holder_id == self.partner.pk]
            if not candidates:
                problem(
                    "certificate",
                    gettext_noop("No certificate numbered %(number)s is on record; add it to your cooperative first."),
                    number=number,
                )
            elif not own:
                problem(
                    "certificate",
                    gettext_noop("Certificate %(number)s is not held by your cooperative."),
                    number=number,
                )
            else:
                valid = [certificate for certificate in own if certificate.is_valid_on(self.lookups.today)]
                if not valid:
                    problem(
                        "certificate",
                        gettext_noop("Certificate %(number)s is not valid today (valid %(start)s to %(end)s)."),
                        number=number,
                        start=own[0].valid_from.isoformat(),
                        end=own[0].valid_until.isoformat() if own[0].valid_until else "—",
                    )
                else:
                    ids.extend(certificate.pk for certificate in valid)
        return ids


# --------------------------------------------------------------------------- reads for the pages
def imports_visible_to(user) -> QuerySet:
    """Imports ``user`` may see, newest first: a cooperative never sees another's (staff see all)."""
    return scope_to_cooperatives(ProductImport.objects.select_related("partner", "uploaded_by"), user)


def import_reference_names() -> dict[str, list[str]]:
    """Names a file may use, shown beside the form: categories and assisted counties."""
    categories = sorted(set(Category.objects.values_list("name", flat=True)))
    counties = list(
        County.objects.exclude(assistance_level=AssistanceLevel.NONE)
        .order_by("prefecture", "name")
        .values_list("name", flat=True)
    )
    return {"categories": categories, "counties": counties}
