"""A 5,000-row import completes and is correct (its time is measured by bench/imports.py)."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from products.models import ImportMode
from tests.factories import CertificationFactory
from tests.products.conftest import csv_bytes, row

ProductCategory = get_model("catalogue", "ProductCategory")
ProductCertification = get_model("catalogue", "ProductCertification")
StockRecord = get_model("partner", "StockRecord")

ROWS = 5_000


@pytest.mark.django_db
def test_five_thousand_rows(run_import, coop, category):
    certificate = CertificationFactory(holder=coop)
    storages = ("常温", "冷藏", "冷冻")
    rows = [
        row(
            sku=f"BULK-{n:05d}",
            title=f"批量商品 {n}",
            price=f"{1 + n % 300}.{n % 100:02d}",
            stock=str(n % 777),
            storage=storages[n % 3],
            county="tiandong" if n % 2 else "田东县",
            certificate=certificate.number if n % 10 == 0 else "",
        )
        for n in range(ROWS)
    ]
    rows[4321][3] = "免费"  # one bad price, reported on spreadsheet row 4323

    product_import = run_import(coop, csv_bytes(rows), mode=ImportMode.VALID_ROWS)

    assert product_import.status == "done"
    assert product_import.total_rows == product_import.processed_rows == ROWS
    assert product_import.created_count == ROWS - 1
    assert [(p["row"], p["column"]) for p in product_import.errors] == [(4323, "价格")]
    records = StockRecord.objects.filter(partner=coop)
    assert records.count() == ROWS - 1
    sample = records.select_related("product").get(partner_sku="BULK-04999")
    assert (sample.price, sample.num_in_stock) == (Decimal("200.99"), 4999 % 777)
    assert sample.product.title == "批量商品 4999" and sample.product.storage_type == "chilled"
    assert ProductCategory.objects.filter(category=category).count() == ROWS - 1
    assert ProductCertification.objects.filter(certification=certificate).count() == ROWS // 10
    assert not records.filter(product__is_public=True).exists()
