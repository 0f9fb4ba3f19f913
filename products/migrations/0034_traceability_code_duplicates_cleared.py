"""Traceability codes become unique (case-insensitive): duplicates are cleared first.

The oldest product (first created) keeps a code; every later product with the same code
loses it. A made-up suffix would be a code printed on no packaging, and the QR codes
already printed with the shared code keep opening the first product's page either way;
an empty code is honest, shows in the dashboard and the cooperative enters its own.
Every cleared code is logged (product id, code, the product that keeps it).
"""

import logging

from django.db import migrations, models

import products.models

logger = logging.getLogger("products.migrations")


def clear_duplicate_trace_codes(apps, schema_editor):
    Product = apps.get_model("catalogue", "Product")
    holders: dict[str, int] = {}
    cleared: list[int] = []
    stripped: dict[int, str] = {}
    rows = (
        Product.objects.exclude(traceability_code="")
        .order_by("date_created", "pk")
        .values_list("pk", "traceability_code")
    )
    for pk, code in rows.iterator(chunk_size=2000):
        key = code.strip().lower()
        if not key or key in holders:
            cleared.append(pk)
            if key:
                logger.warning(
                    "Product %s: traceability code %r cleared; product %s, created earlier, keeps it.",
                    pk,
                    code,
                    holders[key],
                )
            continue
        holders[key] = pk
        if code != code.strip():
            stripped[pk] = code.strip()
    for start in range(0, len(cleared), 500):
        Product.objects.filter(pk__in=cleared[start : start + 500]).update(traceability_code="")
    for pk, code in stripped.items():
        Product.objects.filter(pk=pk).update(traceability_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0033_certified_product_fields"),
    ]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="traceability_code",
            field=models.CharField(
                blank=True,
                help_text="As printed on the packaging (letters, digits, - _ .); each code belongs to one product.",
                max_length=64,
                validators=[products.models.validate_trace_code],
                verbose_name="traceability code",
            ),
        ),
        # Clearing codes cannot be undone; going back only drops the constraint (next migration).
        migrations.RunPython(clear_duplicate_trace_codes, migrations.RunPython.noop),
    ]
