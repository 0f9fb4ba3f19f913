"""Checking rows and applying them: every kind of bad row, both modes, idempotence, updates."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from products import services
from products.models import ImportMode
from products.tasks import import_products_task
from tests.factories import CategoryFactory, CertificationFactory, jpeg_bytes, make_product
from tests.products.conftest import HEADER, csv_bytes, problems, row, zip_bytes

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
ProductImport = get_model("catalogue", "ProductImport")
StockRecord = get_model("partner", "StockRecord")

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.fixture
def certificate(coop):
    return CertificationFactory(holder=coop, number="LB-15-2101051234A")


@pytest.fixture
def bad_rows(coop, other_coop, unassisted_county):
    """One wrong thing per row, after one good row (row numbers count the header as row 1)."""
    CertificationFactory(holder=other_coop, number="OTHER-001")
    today = timezone.localdate()
    CertificationFactory(
        holder=coop,
        number="EXPIRED-001",
        valid_from=today - datetime.timedelta(days=400),
        valid_until=today - datetime.timedelta(days=10),
    )
    return [
        row(sku="OK-1"),  # row 2
        row(sku="B-3", category="不存在的分类"),
        row(sku="B-4", county="青秀区"),
        row(sku="B-5", county="火星县"),
        row(sku="B-6", price="abc"),
        row(sku="B-7", price="0"),
        row(sku="B-8", price="12.345"),
        row(sku="B-9", stock="-1"),
        row(sku="B-10", stock="2.5"),
        row(sku="B-11", certificate="NO-SUCH-CERT"),
        row(sku="B-12", certificate="OTHER-001"),
        row(sku="B-13", certificate="EXPIRED-001"),
        row(sku="B-14", image="missing.jpg"),
        row(sku="B-15", image="evil.png"),
        row(sku="B-16", storage="室温"),
        row(sku="OK-1", title="duplicate"),  # row 17
        row(sku="", title="no sku"),
        row(sku="B-19", title=""),
        row(sku="B-20", shelf_life="0"),
    ]


EXPECTED = {
    3: ("分类", "There is no category called “%(category)s”."),
    4: ("产地县", "%(county)s is not an assisted county; only their products can be sold here."),
    5: ("产地县", "There is no county called “%(county)s”."),
    6: ("价格", "The price “%(value)s” is not a number."),
    7: ("价格", "The price must be more than 0 (it is %(value)s)."),
    8: ("价格", "The price “%(value)s” has more than two decimal places."),
    9: ("库存", "%(column)s cannot be negative (it is %(value)s)."),
    10: ("库存", "“%(value)s” is not a whole number."),
    11: ("证书编号", "No certificate numbered %(number)s is on record; add it to your cooperative first."),
    12: ("证书编号", "Certificate %(number)s is not held by your cooperative."),
    13: ("证书编号", "Certificate %(number)s is not valid today (valid %(start)s to %(end)s)."),
    14: ("图片文件名", "There is no picture “%(name)s” in the zip."),
    15: ("图片文件名", "SVG and HTML files are not accepted; upload a JPEG or PNG picture."),
    16: ("储存方式", "Storage “%(value)s” is not one of 常温, 冷藏, 冷冻 (ambient, chilled, frozen)."),
    17: ("商品编码", "SKU %(sku)s is already on row %(row)s."),
    18: ("商品编码", "The SKU is empty; every row needs one."),
    19: ("商品名称", "The product name is empty."),
    20: ("保质期天数", "%(column)s must be at least %(minimum)s."),
}


def pictures() -> bytes:
    return zip_bytes({"ok.jpg": jpeg_bytes(), "evil.png": SVG_WITH_SCRIPT})


@pytest.mark.django_db
def test_every_kind_of_bad_row_is_reported_and_valid_rows_applied(run_import, coop, bad_rows):
    product_import = run_import(coop, csv_bytes(bad_rows), images=pictures(), mode=ImportMode.VALID_ROWS)

    assert product_import.status == "done"
    assert product_import.total_rows == product_import.processed_rows == 19
    assert product_import.created_count == 1
    found = {number: (column, message) for number, column, message in problems(product_import)}
    assert found == EXPECTED
    assert list(StockRecord.objects.filter(partner=coop).values_list("partner_sku", flat=True)) == ["OK-1"]
    assert StockRecord.objects.get(partner_sku="OK-1").product.title == "田东芒果 桂七"
    duplicate = next(p for p in product_import.errors if p["row"] == 17)
    assert duplicate["params"] == {"sku": "OK-1", "row": 2}


@pytest.mark.django_db
def test_all_or_nothing_applies_nothing_when_one_row_is_wrong(run_import, coop):
    rows = [row(sku="A-1"), row(sku="A-2"), row(sku="A-3", price="-5")]

    product_import = run_import(coop, csv_bytes(rows), mode=ImportMode.ALL_OR_NOTHING)

    assert product_import.status == "done"
    assert (product_import.created_count, product_import.updated_count, product_import.unchanged_count) == (0, 0, 0)
    assert problems(product_import) == [(4, "价格", "The price must be more than 0 (it is %(value)s).")]
    assert not StockRecord.objects.filter(partner=coop).exists()
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_all_or_nothing_applies_everything_when_all_rows_are_right(run_import, coop):
    product_import = run_import(coop, csv_bytes([row(sku="A-1"), row(sku="A-2")]), mode=ImportMode.ALL_OR_NOTHING)

    assert product_import.created_count == 2 and product_import.errors == []
    assert StockRecord.objects.filter(partner=coop).count() == 2


@pytest.mark.django_db
def test_certificate_and_picture_are_attached(run_import, coop, certificate):
    rows = [row(sku="C-1", certificate=certificate.number, image="ok.jpg")]

    product_import = run_import(coop, csv_bytes(rows), images=pictures())

    assert product_import.created_count == 1, product_import.errors
    product = StockRecord.objects.get(partner_sku="C-1").product
    assert list(product.certifications.all()) == [certificate]
    image = product.images.get()
    assert image.display_order == 0 and image.original.name.rsplit("/", 1)[-1].startswith("import-")


@pytest.mark.django_db
def test_reupload_changes_nothing_and_the_task_is_idempotent(run_import, coop, certificate):
    data = csv_bytes([row(sku=f"R-{n}", certificate=certificate.number, image="ok.jpg") for n in range(3)])
    first = run_import(coop, data, images=pictures())
    assert first.created_count == 3, first.errors
    before = {record.pk: (record.date_updated, record.product.date_updated) for record in StockRecord.objects.all()}

    second = run_import(coop, data, images=pictures())

    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 3)
    assert second.errors == []
    after = {record.pk: (record.date_updated, record.product.date_updated) for record in StockRecord.objects.all()}
    assert after == before
    assert ProductImage.objects.count() == 3

    # when the task runs again on a finished import, nothing happens
    import_products_task.delay(second.pk)
    second.refresh_from_db()
    assert (second.status, second.unchanged_count) == ("done", 3)
    assert Product.objects.count() == 3


@pytest.mark.django_db
def test_update_writes_changed_fields_and_keeps_a_listed_status(run_import, coop, category, county):
    old_category = CategoryFactory(name="茶叶")
    product = make_product(cooperative=coop, category=old_category, price="50.00", stock=10, with_image=True)
    assert product.listing_status == "listed" and product.is_public
    sku = product.stockrecords.get().partner_sku
    original_image = product.images.get()
    rows = [
        row(
            sku=sku,
            title="新名字",
            price="52.00",
            stock="99",
            storage="冷冻",
            shelf_life="",
            specification="2千克/袋",
            image="ok.jpg",
        )
    ]

    product_import = run_import(coop, csv_bytes(rows), images=pictures())

    assert (product_import.created_count, product_import.updated_count) == (0, 1), product_import.errors
    product.refresh_from_db()
    record = product.stockrecords.get()
    assert (record.price, record.num_in_stock) == (Decimal("52.00"), 99)
    assert (product.title, product.storage_type, product.shelf_life_days) == ("新名字", "frozen", None)
    assert product.specification == "2千克/袋"
    assert product.listing_status == "listed" and product.is_public
    assert list(product.categories.all()) == [category]
    images = list(product.images.order_by("display_order"))
    assert images[0].original.name.rsplit("/", 1)[-1].startswith("import-")
    assert images[1].pk == original_image.pk and images[1].display_order == 1


@pytest.mark.django_db
def test_a_new_picture_replaces_the_earlier_imported_one(run_import, coop):
    run_import(coop, csv_bytes([row(sku="P-1", image="ok.jpg")]), images=pictures())
    other = zip_bytes({"ok.jpg": jpeg_bytes(colour=(200, 10, 10))})

    product_import = run_import(coop, csv_bytes([row(sku="P-1", image="ok.jpg")]), images=other)

    assert product_import.updated_count == 1
    assert ProductImage.objects.filter(product__stockrecords__partner_sku="P-1").count() == 1


@pytest.mark.django_db
def test_stock_below_units_already_ordered_is_refused(run_import, coop):
    product = make_product(cooperative=coop, stock=10)
    record = product.stockrecords.get()
    StockRecord.objects.filter(pk=record.pk).update(num_allocated=4)

    product_import = run_import(coop, csv_bytes([row(sku=record.partner_sku, stock="3")]))

    assert problems(product_import) == [
        (2, "库存", "Stock %(stock)s is less than the %(allocated)s units ordered and not yet shipped.")
    ]


@pytest.mark.django_db
def test_skus_are_separate_per_cooperative(run_import, coop, other_coop):
    run_import(coop, csv_bytes([row(sku="SAME", title="甲社芒果", price="10")]))

    product_import = run_import(other_coop, csv_bytes([row(sku="SAME", title="乙社芒果", price="20")]))

    assert product_import.created_count == 1 and product_import.updated_count == 0
    mine = StockRecord.objects.get(partner=coop, partner_sku="SAME")
    theirs = StockRecord.objects.get(partner=other_coop, partner_sku="SAME")
    assert mine.product_id != theirs.product_id
    assert (mine.product.title, mine.price) == ("甲社芒果", Decimal("10.00"))


@pytest.mark.django_db
def test_category_by_full_path_when_a_name_is_used_twice(run_import, coop, category):
    dried = CategoryFactory(name="山珍干货")
    dried.add_child(name="新鲜水果")

    ambiguous = run_import(coop, csv_bytes([row(sku="K-1")]))
    by_path = run_import(coop, csv_bytes([row(sku="K-1", category="山珍干货 > 新鲜水果")]))

    assert ambiguous.errors[0]["message"].startswith("Several categories")
    assert by_path.created_count == 1
    assert StockRecord.objects.get(partner_sku="K-1").product.categories.get().get_parent() == dried


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mode", "says"), [(ImportMode.VALID_ROWS, "are kept"), (ImportMode.ALL_OR_NOTHING, "nothing was applied")]
)
def test_a_crash_marks_the_import_failed(run_import, coop, monkeypatch, mode, says):
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "_apply_rows", explode)

    product_import = run_import(coop, csv_bytes([row()]), mode=mode)

    assert product_import.status == "failed" and product_import.finished_at is not None
    assert "unexpected error" in product_import.errors[0]["message"] and says in product_import.errors[0]["message"]
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_an_import_left_running_by_a_dead_worker_is_marked_failed(coop):
    product_import = ProductImport.objects.create(partner=coop, source="imports/x.csv", status="running")

    import_products_task.delay(product_import.pk)

    product_import.refresh_from_db()
    assert product_import.status == "failed"
    assert "interrupted" in product_import.errors[0]["message"]


@pytest.mark.django_db
def test_a_refused_file_fails_the_import_with_the_reason(run_import, coop):
    product_import = run_import(coop, csv_bytes([["X-1"]], header=["商品编码"]))

    assert product_import.status == "failed"
    assert product_import.errors[0]["params"]["columns"].startswith("商品名称")
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_missing_import_is_ignored():
    assert import_products_task.delay(999_999).get()["status"] == "missing"


@pytest.mark.django_db
def test_too_many_problems_are_cut_short(run_import, coop, monkeypatch):
    from products import imports

    monkeypatch.setattr(imports, "MAX_PROBLEMS", 2)

    product_import = run_import(coop, csv_bytes([row(sku=f"E-{n}", price="x") for n in range(5)]))

    assert len(product_import.errors) == 3
    assert product_import.errors[-1]["params"] == {"count": 3}


def test_header_constant_matches_the_template():
    from products import imports

    assert imports.template_rows()[0] == HEADER
