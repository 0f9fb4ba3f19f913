"""Jurisdictions and the published minimum reserved shares (预留份额比例), as data staff can edit.

National ≥ 10 % of canteen food spending (财库〔2021〕19号/20号) [firm]; Guangxi ≥ 15 %,
Guangdong ≥ 30 %, Shenzhen ≥ 20 % [report]. Rows cover the transition period of the plan
(2021–2025); a later year has no row until one is published, and the pages then say
"no requirement published" rather than assume a figure.
"""

from decimal import Decimal

from django.db import migrations

JURISDICTIONS = [
    # code, name, Traditional, English, parent, position
    ("national", "全国", "全國", "National", None, 0),
    ("guangxi", "广西壮族自治区", "廣西壯族自治區", "Guangxi", "national", 10),
    ("guangdong", "广东省", "廣東省", "Guangdong", "national", 20),
    ("shenzhen", "深圳市", "深圳市", "Shenzhen", "guangdong", 30),
]
RATIOS = [
    ("national", "0.1000", "firm", "财库〔2021〕19号、财库〔2021〕20号"),
    ("guangxi", "0.1500", "report", "广西财政厅通报（报道）"),
    ("guangdong", "0.3000", "report", "广东省财政厅通报（报道）"),
    ("shenzhen", "0.2000", "report", "深圳市财政局通报（报道）"),
]
YEARS = range(2021, 2026)


def seed(apps, schema_editor):
    Jurisdiction = apps.get_model("procurement", "Jurisdiction")
    ShareRatio = apps.get_model("procurement", "ShareRatio")
    for code, name, hant, en, parent, position in JURISDICTIONS:
        Jurisdiction.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_hant": hant, "name_en": en, "parent_id": parent, "position": position},
        )
    for code, ratio, confidence, source in RATIOS:
        for year in YEARS:
            ShareRatio.objects.get_or_create(
                jurisdiction_id=code,
                year=year,
                category="",
                defaults={"minimum_ratio": Decimal(ratio), "confidence": confidence, "source": source},
            )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_budget_units_filings_orders_receipts")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
