"""Fixtures and helpers for the bulk product import tests."""

import csv
import io
import zipfile

import pytest
from django.core.files.base import ContentFile

from products import services
from products.models import ImportMode
from tests.factories import CategoryFactory, CooperativeFactory, CountyFactory, UserFactory

HEADER = [
    "商品编码",
    "商品名称",
    "分类",
    "价格",
    "库存",
    "产地县",
    "储存方式",
    "保质期天数",
    "规格",
    "证书编号",
    "追溯码",
    "图片文件名",
]


def row(
    sku="SKU-1",
    title="田东芒果 桂七",
    category="新鲜水果",
    price="59.90",
    stock="100",
    county="田东县",
    storage="常温",
    shelf_life="10",
    specification="5千克/箱",
    certificate="",
    image="",
    trace_code="",
):
    return [
        sku,
        title,
        category,
        price,
        stock,
        county,
        storage,
        shelf_life,
        specification,
        certificate,
        trace_code,
        image,
    ]


def csv_bytes(rows, *, header=HEADER, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def zip_bytes(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def problems(product_import) -> list[tuple]:
    """(row, column, message id) of each stored problem."""
    return [(p["row"], p["column"], p["message"]) for p in product_import.errors]


@pytest.fixture
def county(db):
    return CountyFactory(name="田东县", slug="tiandong", assistance_level="former_poverty")


@pytest.fixture
def unassisted_county(db):
    return CountyFactory(name="青秀区", slug="qingxiu", assistance_level="none")


@pytest.fixture
def category(db):
    return CategoryFactory(name="新鲜水果")


@pytest.fixture
def coop(county):
    return CooperativeFactory(county=county, name="田东芒果合作社", code="tiandong-mango")


@pytest.fixture
def other_coop(county):
    return CooperativeFactory(county=county, name="巴马香猪合作社", code="bama")


@pytest.fixture
def member(coop):
    user = UserFactory(email="coop@example.com")
    coop.users.add(user)
    return user


@pytest.fixture
def run_import(django_capture_on_commit_callbacks, category):
    """Upload ``data`` for ``partner`` through the service; the task runs on commit (eagerly)."""

    def run(partner, data: bytes, *, images: bytes | None = None, mode=ImportMode.VALID_ROWS, name="products.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            product_import = services.product_import_create(
                partner=partner,
                uploaded_by=None,
                source=ContentFile(data, name=name),
                images=ContentFile(images, name="pictures.zip") if images is not None else None,
                mode=mode,
            )
        product_import.refresh_from_db()
        return product_import

    return run
