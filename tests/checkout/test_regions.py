"""Reference data, phone numbers and the courier label of an address (core)."""

import pytest
from django.core.exceptions import ValidationError
from oscar.core.loading import get_model

from core import addresses, phones, regions

ShippingAddress = get_model("order", "ShippingAddress")


# --------------------------------------------------------------------------- regions
def test_the_data_has_the_mainland_provinces_hong_kong_and_macau_not_taiwan():
    names = [province.name for province in regions.provinces()]
    assert len(names) == 33
    assert {"广东省", "广西壮族自治区", "北京市", "香港特别行政区", "澳门特别行政区"} <= set(names)
    assert not any("台湾" in name for name in names)
    assert regions.province_by_name("香港特别行政区").country == "HK"
    assert regions.province_by_name("澳门特别行政区").country == "MO"
    assert regions.province_by_name("广东省").country == "CN"


def test_lookups_by_code_and_by_name():
    shenzhen = regions.region("4403")
    assert (shenzhen.name, shenzhen.level, shenzhen.parent.name) == ("深圳市", 2, "广东省")
    nanshan = regions.district_by_name(shenzhen, "南山区")
    assert nanshan.code == "440305" and nanshan.parent == shenzhen
    assert regions.city_by_name(regions.region("44"), "深圳市") == shenzhen
    assert regions.region("99") is None and regions.province_by_name("火星") is None


def test_municipalities_are_their_own_city_never_shixiaqu():
    for code, name in (("11", "北京市"), ("12", "天津市"), ("31", "上海市"), ("50", "重庆市")):
        (city,) = regions.children(code)
        assert city.name == name
    chongqing = [d.name for d in regions.children(regions.children("50")[0].code)]
    assert "渝中区" in chongqing and "城口县" in chongqing  # the source's 市辖区 and 县 levels together
    assert not any(r.name in ("市辖区", "县") for r in regions._index().values() if r.level == 2)
    assert regions.city_by_name(regions.region("11"), "市辖区").name == "北京市"  # an old address still resolves


def test_hong_kong_has_three_areas_and_eighteen_districts_macau_its_parishes():
    hong_kong = regions.children("81")
    assert [area.name for area in hong_kong] == ["香港岛", "九龙", "新界"]
    assert sum(len(area.children) for area in hong_kong) == 18
    macau = [d.name for area in regions.children("82") for d in regions.children(area.code)]
    assert "大堂区" in macau and "嘉模堂区（氹仔）" in macau


def test_dongguan_has_towns_and_qionghai_no_third_level():
    dongguan = regions.city_by_name(regions.region("44"), "东莞市")
    assert "虎门镇" in [d.name for d in regions.children(dongguan.code)]
    qionghai = regions.city_by_name(regions.region("46"), "琼海市")
    assert qionghai is not None and qionghai.children == ()
    assert regions.chain_validate(province="46", city=qionghai.code, district="")[2] is None


@pytest.mark.parametrize(
    ("codes", "field", "code"),
    [
        (("", "", ""), "province", "province"),
        (("44", "", ""), "city", "city_missing"),
        (("44", "4501", ""), "city", "city_not_in_province"),  # 南宁市 is in Guangxi
        (("44", "4403", ""), "district", "district_missing"),
        (("44", "4403", "440106"), "district", "district_not_in_city"),  # 天河区 is in Guangzhou
    ],
)
def test_chain_validation_names_the_first_wrong_level(codes, field, code):
    province, city, district = codes
    with pytest.raises(ValidationError) as error:
        regions.chain_validate(province=province, city=city, district=district)
    assert list(error.value.message_dict) == [field]
    assert error.value.error_dict[field][0].code == code


# --------------------------------------------------------------------------- phones
@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "0086 13800138000",
        "１３８００１３８０００",
    ],
)
def test_a_mainland_mobile_is_accepted_as_people_type_it_and_stored_e164(typed):
    assert phones.phone_normalise(typed, place="CN") == "+8613800138000"


@pytest.mark.parametrize(
    ("typed", "place", "stored"),
    [
        ("5123 4567", "HK", "+85251234567"),
        ("+852 2123-4567", "HK", "+85221234567"),
        ("6612 3456", "MO", "+85366123456"),
    ],
)
def test_hong_kong_and_macau_numbers(typed, place, stored):
    assert phones.phone_normalise(typed, place=place) == stored


@pytest.mark.parametrize(
    ("typed", "place"),
    [("1380013800", "CN"), ("12800138000", "CN"), ("5123 4567", "CN"), ("13800138000", "HK"), ("2812 3456", "MO")],
)
def test_numbers_of_the_wrong_shape_are_refused(typed, place):
    with pytest.raises(ValidationError):
        phones.phone_normalise(typed, place=place)


# --------------------------------------------------------------------------- the label
def _address(**fields):
    values = {"first_name": "李明", "phone_number": "+8613800138000", "postcode": "", "line2": "", "country_id": "CN"}
    values.update(fields)
    return ShippingAddress(**values)


def test_mainland_label():
    address = _address(
        state="广东省", line4="深圳市", line3="南山区", line1="科技南路 18 号 2 栋 501", postcode="518057"
    )
    assert addresses.address_label(address).lines == [
        "李明 138 0013 8000",
        "广东省 深圳市 南山区 科技南路 18 号 2 栋 501",
        "邮编 518057",
    ]


def test_municipality_label_names_the_city_once():
    address = _address(state="北京市", line4="北京市", line3="朝阳区", line1="建国路 1 号")
    assert str(addresses.address_label(address)) == "李明 138 0013 8000\n北京市 朝阳区 建国路 1 号"


def test_hong_kong_label():
    address = _address(
        first_name="陈大文",
        phone_number="+85251234567",
        state="香港特别行政区",
        line4="九龙",
        line3="油尖旺区",
        line1="弥敦道 100 号 10 楼 A 室",
        country_id="HK",
    )
    assert addresses.address_label(address).lines == [
        "陈大文 +852 5123 4567",
        "香港 九龙 油尖旺区 弥敦道 100 号 10 楼 A 室",
    ]


def test_macau_label():
    address = _address(
        first_name="何美玲",
        phone_number="+85366123456",
        state="澳门特别行政区",
        line4="澳门半岛",
        line3="大堂区",
        line1="新马路 50 号",
        country_id="MO",
    )
    assert addresses.address_label(address).lines == ["何美玲 +853 6612 3456", "澳门 大堂区 新马路 50 号"]


def test_an_old_western_address_placed_in_macau_by_mistake_reads_as_shenzhen():
    # What the old form stored: Shenzhen, with the country select left on 中国澳门.
    address = _address(
        first_name="明", last_name="李", state="广东省", line4="深圳市", line1="南山区 科技园", country_id="MO"
    )
    label = addresses.address_label(address)
    assert label.lines == ["李明 138 0013 8000", "广东省 深圳市 南山区 科技园"]
    assert "澳门" not in str(label)
