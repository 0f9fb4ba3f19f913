"""Reading uploaded product files: encodings, workbooks, refused files and zips."""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook
from oscar.core.loading import get_model

from products import imports
from tests.factories import jpeg_bytes
from tests.products.conftest import HEADER, csv_bytes, problems, row, zip_bytes

StockRecord = get_model("partner", "StockRecord")


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refused(data: bytes) -> imports.Problem:
    with pytest.raises(imports.ImportFileError) as caught:
        imports.read_table(data)
    return caught.value.problem


@pytest.mark.django_db
def test_utf8_csv_creates_product_under_review(run_import, coop, category):
    product_import = run_import(coop, csv_bytes([row(sku="TD-1", price="59.9", stock="120")]))

    assert product_import.status == "done"
    assert (product_import.total_rows, product_import.processed_rows) == (1, 1)
    assert product_import.created_count == 1
    assert product_import.errors == []
    record = StockRecord.objects.select_related("product").get(partner=coop, partner_sku="TD-1")
    assert record.price == Decimal("59.90") and record.price_currency == "CNY" and record.num_in_stock == 120
    product = record.product
    assert product.title == "田东芒果 桂七"
    assert product.listing_status == "review" and product.is_public is False
    assert product.origin_county.slug == "tiandong"
    assert (product.storage_type, product.shelf_life_days, product.specification) == ("ambient", 10, "5千克/箱")
    assert list(product.categories.all()) == [category]
    assert product.product_class.slug == "farm-produce"
    assert product.slug.startswith("tian-dong-mang-guo")


@pytest.mark.django_db
def test_gbk_csv_from_chinese_excel(run_import, coop):
    data = csv_bytes([row(sku="GBK-1", title="百色芒果", storage="冷藏")], encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    product_import = run_import(coop, data)

    assert product_import.created_count == 1, product_import.errors
    record = StockRecord.objects.get(partner=coop, partner_sku="GBK-1")
    assert record.product.title == "百色芒果" and record.product.storage_type == "chilled"


@pytest.mark.django_db
def test_gb18030_characters_outside_gbk(run_import, coop):
    # 𥻗 (U+25ED7) exists in GB18030 but not in GBK.
    product_import = run_import(coop, csv_bytes([row(sku="GB-1", title="𥻗米")], encoding="gb18030"))

    assert product_import.created_count == 1, product_import.errors
    assert StockRecord.objects.get(partner_sku="GB-1").product.title == "𥻗米"


@pytest.mark.django_db
def test_xlsx_with_english_headers_and_numeric_cells(run_import, coop):
    header = ["SKU", "Title", "Category", "Price", "Stock", "Origin county", "Storage type", "Shelf life days"]
    data = xlsx_bytes(
        [
            header,
            ["X-1", "Frozen pork", "新鲜水果", 59.9, 100, "tiandong", "frozen", 180],
            [6901234567890, "Tea", "新鲜水果", 12, 5.0, "田东县", "Ambient", None],
        ]
    )

    product_import = run_import(coop, data, name="products.xlsx")

    assert product_import.created_count == 2, product_import.errors
    frozen = StockRecord.objects.get(partner=coop, partner_sku="X-1")
    assert frozen.price == Decimal("59.90") and frozen.product.storage_type == "frozen"
    assert frozen.product.shelf_life_days == 180
    barcode = StockRecord.objects.get(partner=coop, partner_sku="6901234567890")
    assert barcode.num_in_stock == 5 and barcode.product.shelf_life_days is None


def test_xlsx_recognised_by_content_whatever_the_name():
    table = imports.read_table(xlsx_bytes([HEADER, row()]))
    assert table.kind == "xlsx" and len(table.rows) == 1


def test_headers_with_marks_and_units_are_recognised():
    header = ["*商品编码", "商品名称 ", "分类", "价格（元）", "库存", "产地县", "储存方式"]
    table = imports.read_table(csv_bytes([row()[:7]], header=header))
    assert set(table.columns) == {"sku", "title", "category", "price", "stock", "origin_county", "storage_type"}


def test_missing_required_columns_name_them_in_chinese():
    problem = refused(csv_bytes([["A-1", "芒果", "新鲜水果"]], header=["商品编码", "商品名称", "分类"]))
    assert problem.message.startswith("Required columns are missing")
    assert problem.params["columns"] == "价格、库存、产地县、储存方式"


def test_broken_encoding_is_refused_with_a_clear_message():
    data = csv_bytes([row()]) + b"\x81\x20\xff,bad\r\n"
    problem = refused(data)
    assert "UTF-8" in problem.message and "GBK" in problem.message


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n\x00\x01\x02binary",
        jpeg_bytes(),
        zip_bytes({"hello.txt": b"not a workbook"}),
        b"PK\x03\x04 truncated",
    ],
    ids=["pdf", "jpeg-named-csv", "zip-without-workbook", "broken-zip"],
)
def test_files_that_are_neither_csv_nor_xlsx_are_refused(data):
    problem = refused(data)
    assert "Excel" in problem.message


def test_old_xls_is_refused():
    assert ".xls" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100).message


def test_oversized_file_and_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 200)
    assert "MB" in refused(csv_bytes([row(sku=f"S-{n}") for n in range(5)])).message

    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 10 * 1024 * 1024)
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    problem = refused(csv_bytes([row(sku=f"S-{n}") for n in range(4)]))
    assert problem.params == {"limit": 3}


def test_empty_file_and_header_only_are_refused():
    assert refused(b"   \n").message == "The file is empty."
    assert "no product rows" in refused(csv_bytes([])).message


def test_duplicate_columns_are_refused():
    header = [*HEADER[:7], "price"]
    problem = refused(csv_bytes([[*row()[:7], "1"]], header=header))
    assert problem.params["column"] == "价格"


def test_semicolon_free_tab_separated_unicode_text():
    text = "\t".join(HEADER) + "\r\n" + "\t".join(row()) + "\r\n"
    table = imports.read_table(text.encode("utf-16"))
    assert table.encoding == "utf-16" and table.rows[0][1][0] == "SKU-1"


# --------------------------------------------------------------------------- zips
def archive(data: bytes) -> imports.ImageArchive:
    return imports.ImageArchive(io.BytesIO(data), size=len(data))


def archive_refused(data: bytes) -> imports.Problem:
    with pytest.raises(imports.ImportFileError) as caught:
        archive(data)
    return caught.value.problem


def test_zip_with_parent_path_is_refused():
    problem = archive_refused(zip_bytes({"ok.jpg": jpeg_bytes(), "../../etc/evil.jpg": jpeg_bytes()}))
    assert problem.params["name"] == "../../etc/evil.jpg"


@pytest.mark.parametrize("name", ["/etc/passwd", "C:/Windows/evil.jpg", "pics\\..\\..\\evil.jpg"])
def test_zip_with_absolute_or_windows_paths_is_refused(name):
    assert archive_refused(zip_bytes({name: jpeg_bytes()})).params["name"] == name


def test_zip_bomb_is_refused():
    problem = archive_refused(zip_bytes({"bomb.jpg": b"\x00" * (3 * 1024 * 1024)}))
    assert "bomb" in problem.message


def test_zip_member_over_the_picture_limit_is_refused(settings):
    settings.UPLOAD_MAX_IMAGE_BYTES = 1000
    problem = archive_refused(zip_bytes({"big.jpg": jpeg_bytes(size=(400, 400))}, compression=0))
    assert problem.params["name"] == "big.jpg"


def test_zip_with_too_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ZIP_MEMBERS", 2)
    problem = archive_refused(zip_bytes({f"{n}.jpg": jpeg_bytes() for n in range(3)}))
    assert problem.params == {"limit": 2}


def test_not_a_zip_is_refused():
    assert "zip" in archive_refused(b"plain text").message


class GbkZipInfo(zipfile.ZipInfo):
    """A member name stored as GBK bytes without the UTF-8 flag, as zips made on Chinese Windows have."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def test_zip_names_in_gbk_and_folders_are_found():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as handle:
        handle.writestr(GbkZipInfo("图片/芒果.jpg"), jpeg_bytes())
    images = archive(buffer.getvalue())
    assert images.find("芒果.jpg")[1] == "ok"
    assert images.find("图片/芒果.JPG")[1] == "ok"
    assert images.find("苹果.jpg")[1] == "missing"


@pytest.mark.django_db
def test_rows_pick_pictures_case_insensitively_and_by_folder(run_import, coop):
    images = zip_bytes({"photos/Mango.JPG": jpeg_bytes(), "photos/tea.png": jpeg_bytes(colour=(1, 2, 3))})
    rows = [row(sku="P-1", image="mango.jpg"), row(sku="P-2", image="photos/tea.png")]

    product_import = run_import(coop, csv_bytes(rows), images=images)

    assert product_import.created_count == 2, product_import.errors
    assert problems(product_import) == []


def test_xlsx_with_a_wrong_size_record_keeps_every_row():
    data = xlsx_bytes([[], HEADER, row(sku="W-1"), row(sku="W-2")])
    source, patched = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1"', content)
            target.writestr(info, content)

    table = imports.read_table(patched.getvalue())

    assert [(number, cells[0]) for number, cells in table.rows] == [(3, "W-1"), (4, "W-2")]


def test_same_picture_name_in_two_folders_needs_the_folder():
    images = archive(zip_bytes({"a.jpg": jpeg_bytes(), "x/b.jpg": jpeg_bytes(), "y/b.jpg": jpeg_bytes()}))
    assert images.find("a.jpg")[1] == "ok"
    assert images.find("b.jpg")[1] == "ambiguous"
    assert images.find("y/b.jpg")[0].filename == "y/b.jpg"
