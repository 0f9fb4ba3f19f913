"""Timing of a bulk product import: ``python -m bench.imports [ROWS]`` (default 5,000).

Works on the database of the current settings, so point ``DATABASE_URL`` at a throwaway
copy. Creates a benchmark cooperative and category if needed, generates a CSV of ROWS new
products in memory (fresh SKUs each run) and runs the import service synchronously, as
the Celery task would, without storing the file or any picture.
"""

import csv
import io
import sys
import time


def _setup() -> None:
    import os

    import django
    from django.apps import apps

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
    if not apps.ready:
        django.setup()


def _csv(rows: int, *, prefix: str, category: str, county: str) -> bytes:
    from products.imports import template_rows

    storages = ("常温", "冷藏", "冷冻")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(template_rows()[0])
    for n in range(rows):
        writer.writerow(
            [
                f"{prefix}-{n:06d}",
                f"基准测试商品 {n} 号 香芒",
                category,
                f"{10 + n % 500}.{n % 100:02d}",
                n % 1000,
                county,
                storages[n % 3],
                7 + n % 365,
                "5千克/箱",
                "",
                "",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def bench_import(rows: int) -> dict:
    """Import ``rows`` generated products into the current database; return rows, seconds, rows per second."""
    _setup()
    from oscar.core.loading import get_model

    from partners.models import AssistanceLevel
    from products import services
    from products.models import ImportMode, ImportStatus

    Category = get_model("catalogue", "Category")
    County = get_model("partner", "County")
    Partner = get_model("partner", "Partner")
    ProductImport = get_model("catalogue", "ProductImport")

    county = County.objects.exclude(assistance_level=AssistanceLevel.NONE).order_by("pk").first()
    if county is None:
        county = County.objects.create(
            name="基准测试县", slug="bench-county", prefecture="百色市", assistance_level=AssistanceLevel.NATIONAL
        )
    cooperative, _ = Partner.objects.get_or_create(
        code="bench-imports", defaults={"name": "基准测试合作社", "county": county}
    )
    category = Category.objects.filter(name="基准测试分类").first() or Category.add_root(name="基准测试分类")
    data = _csv(rows, prefix=f"B{time.time_ns() // 1_000_000}", category=category.name, county=county.name)
    product_import = ProductImport.objects.create(
        partner=cooperative,
        source="bench/in-memory.csv",
        mode=ImportMode.VALID_ROWS,
        status=ImportStatus.RUNNING,
    )

    started = time.perf_counter()
    services.product_import_process(product_import=product_import, source=data)
    seconds = time.perf_counter() - started

    if product_import.created_count != rows or product_import.errors:
        raise RuntimeError(f"import did not create {rows} products: {product_import.errors[:3]}")
    return {"rows": rows, "seconds": round(seconds, 3), "rows_per_second": round(rows / seconds, 1)}


if __name__ == "__main__":
    result = bench_import(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000)
    print(result)
