"""Writes for cooperatives and counties."""

import csv
import re
from pathlib import Path

from django.db import transaction
from pypinyin import lazy_pinyin

from partners.models import AssistanceLevel, County

REFERENCE_COUNTIES_CSV = Path(__file__).resolve().parent / "data" / "guangxi_assisted_counties.csv"
_SUFFIX = re.compile(r"(各族|苗族|侗族|瑶族|壮族|仫佬族|毛南族|彝族|京族|回族)?自治县$|[县区市]$")


def county_slug(name: str) -> str:
    """马山县 → ``mashan``; 融水苗族自治县 → ``rongshui``."""
    return "".join(lazy_pinyin(_SUFFIX.sub("", name))).lower()


@transaction.atomic
def counties_import_reference(*, path: Path = REFERENCE_COUNTIES_CSV, update: bool = False) -> dict[str, int]:
    """Load the assisted counties of Guangxi from the reference CSV.

    Creates missing counties. Existing ones are left as staff edited them unless
    ``update`` is true. Returns counts of created, updated and unchanged rows.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["national_key_assistance_2021"] == "yes":
                level = AssistanceLevel.NATIONAL
            elif row["former_national_poverty_county"] == "yes":
                level = AssistanceLevel.FORMER_POVERTY
            else:
                level = AssistanceLevel.NONE
            values = {
                "slug": county_slug(row["county"]),
                "prefecture": row["prefecture"],
                "division_code": row.get("division_code", ""),
                "assistance_level": level,
                "former_poverty_county": row["former_national_poverty_county"] == "yes",
                "delisting_batch": "" if row["delisting_batch"] == "unknown" else row["delisting_batch"],
                "border": row["border_county"] == "yes",
                "ethnic_autonomous": row["ethnic_autonomous"] == "yes",
                "guangdong_partner": row["guangdong_partner_city"],
                "source_confidence": row["confidence"],
            }
            county = County.objects.filter(name=row["county"]).first()
            if county is None:
                county = County(name=row["county"], **values)
                county.full_clean()
                county.save()
                counts["created"] += 1
            elif update and any(getattr(county, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(county, key, value)
                county.full_clean()
                county.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts
