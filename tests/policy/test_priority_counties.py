"""Priority counties (重点帮扶县, 革命老区, 民族自治县, 边境县): reference data, shop filter, card mark."""

import pytest

from partners.models import County
from partners.services import counties_import_reference
from tests.factories import CooperativeFactory, CountyFactory, make_product

pytestmark = pytest.mark.django_db


def test_reference_data_carries_the_flags_and_former_codes():
    counties_import_reference()
    tianyang = County.objects.get(name="田阳区")
    assert tianyang.former_division_codes == "451021" and tianyang.old_revolutionary_area
    assert County.objects.get(name="马山县").regional_key_assistance is None  # not known: never "no"
    assert County.objects.get(name="德保县").is_key_assistance


def test_the_shop_filters_by_priority_county_and_marks_key_assistance_cards(client):
    key = CountyFactory(name="凤山县", slug="fengshan", assistance_level="national", old_revolutionary_area=True)
    regional = CountyFactory(
        name="上林县", slug="shanglin", assistance_level="former_poverty", regional_key_assistance=True
    )
    plain = CountyFactory(name="融安县", slug="rongan", assistance_level="former_poverty")
    for county, title in ((key, "凤山核桃"), (regional, "上林大米"), (plain, "融安金桔")):
        make_product(title=title, cooperative=CooperativeFactory(county=county))

    page = client.get("/shop/catalogue/?priority=key").content.decode()
    assert "凤山核桃" in page and "上林大米" in page and "融安金桔" not in page
    page = client.get("/shop/catalogue/?priority=revolutionary").content.decode()
    assert "凤山核桃" in page and "上林大米" not in page
    page = client.get("/shop/catalogue/").content.decode()
    assert page.count('class="badge-key"') == 2
