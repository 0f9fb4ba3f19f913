"""Administrative divisions for delivery addresses (省 / 市 / 区县), Hong Kong and Macau included.

Read once from ``core/data/regions.json`` (see ``core/data/README.md``: source, licence, date) and
kept in memory. Three levels everywhere:

- mainland: province (省级) → city (地级) → district or county (县级). The four municipalities
  (直辖市) have one city of their own name (the source's "市辖区"/"县" levels merged), and the
  county-level cities governed by their province (省直辖县级行政区划, e.g. 琼海市) are cities
  without districts. 东莞市 and 中山市 have their towns and streets at the third level.
- Hong Kong: 香港特别行政区 → 香港岛 / 九龙 / 新界 → its 18 districts.
- Macau: 澳门特别行政区 → 澳门半岛 / 澳门外岛 → parishes (堂区) and 路氹城.

A province's ``country`` (CN, HK, MO) decides the address's shape and its Oscar country.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions.json"

MAINLAND, HONG_KONG, MACAU = "CN", "HK", "MO"
#: Province codes of the two special administrative regions (GB/T 2260).
SAR_COUNTRIES = {"81": HONG_KONG, "82": MACAU}
MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京 天津 上海 重庆

#: What to say when a level is missing, by shape (the levels are named differently).
CITY_MISSING = {
    MAINLAND: _("Choose the city."),
    HONG_KONG: _("Choose Hong Kong Island, Kowloon or the New Territories."),
    MACAU: _("Choose the area of Macau."),
}
DISTRICT_MISSING = {
    MAINLAND: _("Choose the district or county."),
    HONG_KONG: _("Choose the district."),
    MACAU: _("Choose the parish."),
}


@dataclass(frozen=True)
class Region:
    """One division: level 1 province, 2 city (or area), 3 district (or parish, town)."""

    code: str
    name: str
    level: int
    parent_code: str | None
    children: tuple[str, ...]
    country: str

    @property
    def parent(self) -> Region | None:
        return region(self.parent_code) if self.parent_code else None

    @property
    def is_municipality(self) -> bool:
        return self.level == 1 and self.code in MUNICIPALITIES


@cache
def _index() -> dict[str, Region]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    index: dict[str, Region] = {}
    for province_code, province_name, cities in data["provinces"]:
        country = SAR_COUNTRIES.get(province_code, MAINLAND)
        for city_code, city_name, districts in cities:
            for district_code, district_name in districts:
                index[district_code] = Region(district_code, district_name, 3, city_code, (), country)
            index[city_code] = Region(
                city_code, city_name, 2, province_code, tuple(code for code, _name in districts), country
            )
        index[province_code] = Region(
            province_code, province_name, 1, None, tuple(code for code, _name, _d in cities), country
        )
    return index


@cache
def data_version() -> str:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["version"]


def region(code: str | None) -> Region | None:
    """The division with this code, or None."""
    return _index().get(str(code or "").strip())


def provinces() -> list[Region]:
    """Every province-level division, in code order (mainland first, then Hong Kong and Macau)."""
    return sorted((r for r in _index().values() if r.level == 1), key=lambda r: r.code)


def children(code: str | None) -> list[Region]:
    """The cities of a province or the districts of a city, in the data's order."""
    parent = region(code)
    return [_index()[child] for child in parent.children] if parent else []


def _named(candidates, name: str) -> Region | None:
    name = (name or "").strip()
    return next((r for r in candidates if r.name == name), None) if name else None


def province_by_name(name: str) -> Region | None:
    """The province called ``name`` (广东省, 香港特别行政区 …)."""
    return _named(provinces(), name)


def city_by_name(province: Region, name: str) -> Region | None:
    """The city of ``province`` called ``name``; for a municipality also its old "市辖区" level."""
    found = _named(children(province.code), name)
    if found is None and province.is_municipality and name in ("市辖区", "县"):
        found = children(province.code)[0]
    return found


def district_by_name(city: Region, name: str) -> Region | None:
    return _named(children(city.code), name)


def _error(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def chain_validate(*, province: str, city: str, district: str) -> tuple[Region, Region, Region | None]:
    """The (province, city, district) regions for these codes, each belonging to the one above.

    Raises ``ValidationError`` keyed ``province``/``city``/``district`` naming the first wrong level.
    The district may be empty only for a city that has none (e.g. 琼海市).
    """
    found_province = region(province)
    if found_province is None or found_province.level != 1:
        raise _error("province", _("Choose a province or region from the list."), "province")
    shape = found_province.country
    if not city:
        raise _error("city", CITY_MISSING[shape], "city_missing")
    found_city = region(city)
    if found_city is None or found_city.parent_code != found_province.code:
        message = _("This city is not in %(province)s. Choose one of its cities.") % {"province": found_province.name}
        raise _error("city", message, "city_not_in_province")
    if not found_city.children:
        return found_province, found_city, None
    if not district:
        raise _error("district", DISTRICT_MISSING[shape], "district_missing")
    found_district = region(district)
    if found_district is None or found_district.parent_code != found_city.code:
        message = _("This district is not in %(city)s. Choose one of its districts.") % {"city": found_city.name}
        raise _error("district", message, "district_not_in_city")
    return found_province, found_city, found_district
