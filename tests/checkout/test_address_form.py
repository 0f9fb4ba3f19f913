"""The checkout's delivery address: a Chinese form, errors in Chinese, Hong Kong and Macau shapes, country derived."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.checkout.forms import SHAPE_LABELS, ShippingAddressForm
from tests.fulfilment.helpers import (
    ADDRESS_FORM,
    add_to_basket,
    buyer,
    ensure_checkout_data,
    submit_order,
    three_cooperative_products,
)

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
SHIPPING = reverse("checkout:shipping-address")


@pytest.fixture
def basket_client(client):
    """A signed-in buyer with something in the basket, at the address step."""
    ensure_checkout_data()
    client.force_login(buyer(email="buyer@gba.example.cn"))
    pork, *_rest = three_cooperative_products()
    add_to_basket(client, pork, 1)
    return client


def post_address(client, **changes):
    data = {**ADDRESS_FORM, **changes}
    return client.post(SHIPPING, {key: value for key, value in data.items() if value is not None})


def error_of(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


def test_the_form_asks_for_a_recipient_a_mobile_and_province_city_district_never_a_country(basket_client):
    page = basket_client.get(SHIPPING).content.decode()

    for name in ("first_name", "phone_number", "province", "city", "district", "line1", "postcode"):
        assert f'name="{name}"' in page
    for western in ("country", "last_name", "line2", "line4", "state", "title"):
        assert f'name="{western}"' not in page
    assert "收货人" in page and "手机号" in page and "详细地址" in page
    assert "国家" not in page and "中国澳门" not in page
    assert '<option value="44">广东省</option>' in page and '<option value="81">香港特别行政区</option>' in page


def test_a_shenzhen_address_is_delivered_in_china_not_macau(basket_client):
    # Given the three places we ship to, Macau ordered first as in the data migration
    response = post_address(
        basket_client, province="44", city="4403", district="440305", line1="科技南路 18 号", postcode="518057"
    )
    assert response.status_code == 302

    # When the order is placed
    basket_client.get(reverse("checkout:shipping-method"), follow=True)  # one method: chosen for the buyer
    basket_id = basket_client.get(reverse("checkout:preview")).context["basket"].id
    submit_order(basket_client, basket_id)

    # Then its address is Guangdong, Shenzhen, Nanshan, in China, and the mobile is stored in E.164
    address = Order.objects.get().shipping_address
    assert (address.state, address.line4, address.line3, address.line1) == (
        "广东省",
        "深圳市",
        "南山区",
        "科技南路 18 号",
    )
    assert address.country_id == "CN"
    assert str(address.phone_number) == "+8613800138000"
    assert (address.first_name, address.last_name, address.postcode) == ("李明", "", "518057")


def test_a_wrong_mobile_is_said_in_chinese_next_to_the_field_and_nothing_typed_is_lost(basket_client):
    response = post_address(basket_client, phone_number="1234567")

    assert response.status_code == 200
    assert error_of(response, "phone_number") == ["请输入 11 位中国内地手机号码，例如 138 0013 8000。"]
    page = response.content.decode()
    assert 'id="id_phone_number_error"' in page and 'aria-invalid="true"' in page
    assert 'value="李明"' in page and 'value="1234567"' in page and "天河路 100 号 市一中食堂" in page
    assert '<option value="440106" selected>天河区</option>' in page


def test_a_city_of_another_province_is_refused_and_the_provinces_cities_are_offered(basket_client):
    response = post_address(basket_client, province="44", city="4501", district="")  # 南宁市 is in Guangxi

    assert error_of(response, "city") == ["所选城市不在广东省，请重新选择城市。"]
    assert error_of(response, "district") == []  # the city first
    page = response.content.decode()
    # Without JavaScript the form comes back with Guangdong's cities to choose from.
    assert '<option value="4403">深圳市</option>' in page and "南宁市" not in page


def test_a_missing_city_offers_the_cities_of_the_chosen_province(basket_client):
    response = post_address(basket_client, province="44", city="", district="")

    assert error_of(response, "city") == ["请选择城市。"]
    assert '<option value="4403">深圳市</option>' in response.content.decode()


def test_a_missing_district_is_asked_for_with_the_citys_districts(basket_client):
    response = post_address(basket_client, province="44", city="4403", district="")

    assert error_of(response, "district") == ["请选择区县。"]
    assert '<option value="440305">南山区</option>' in response.content.decode()


def test_a_district_of_another_city_is_refused(basket_client):
    response = post_address(basket_client, province="44", city="4403", district="440106")  # 天河区 is in Guangzhou

    assert error_of(response, "district") == ["所选区县不在深圳市，请重新选择区县。"]


def test_a_wrong_postcode_is_refused_and_an_empty_one_accepted(basket_client):
    assert error_of(post_address(basket_client, postcode="51800"), "postcode")
    assert post_address(basket_client, postcode="").status_code == 302


# --------------------------------------------------------------------------- the form itself
def form(**changes):
    return ShippingAddressForm(data={**ADDRESS_FORM, **changes})


def test_hong_kong_shape(db):
    ensure_checkout_data()
    hong_kong = form(province="81", city="8102", district="810201", phone_number="5123 4567", postcode="999077")

    assert hong_kong.is_valid(), hong_kong.errors
    address = hong_kong.instance
    assert (address.state, address.line4, address.line3) == ("香港特别行政区", "九龙", "油尖旺区")
    assert address.country_id == "HK" and address.postcode == ""  # Hong Kong has no postcodes
    assert str(address.phone_number) == "+85251234567"
    assert hong_kong.fields["city"].label == SHAPE_LABELS["city"]["HK"]
    assert hong_kong.fields["postcode"].hidden_here


def test_hong_kong_refuses_a_mainland_mobile_and_asks_for_its_district(db):
    ensure_checkout_data()
    hong_kong = form(province="81", city="8102", district="", phone_number="13800138000")

    assert not hong_kong.is_valid()
    assert hong_kong.errors["phone_number"] == ["请输入 8 位香港电话号码，例如 5123 4567。"]
    assert hong_kong.errors["district"] == ["请选择所在区。"]


def test_macau_shape(db):
    ensure_checkout_data()
    macau = form(province="82", city="8201", district="820101", phone_number="+853 6612 3456", postcode="")

    assert macau.is_valid(), macau.errors
    assert (macau.instance.state, macau.instance.line3, macau.instance.country_id) == ("澳门特别行政区", "大堂区", "MO")
    assert str(macau.instance.phone_number) == "+85366123456"
    refused = form(province="82", city="8201", district="820101", phone_number="2812 3456")
    assert not refused.is_valid()
    assert refused.errors["phone_number"] == ["请输入以 6 开头的 8 位澳门手机号码，例如 6612 3456。"]


def test_a_municipality_is_stored_as_itself(db):
    ensure_checkout_data()
    beijing = form(province="11", city="1101", district="110105", postcode="100020")

    assert beijing.is_valid(), beijing.errors
    assert (beijing.instance.state, beijing.instance.line4, beijing.instance.line3) == ("北京市", "北京市", "朝阳区")


def test_a_city_without_districts_needs_none(db):
    ensure_checkout_data()
    qionghai = form(province="46", city="469002", district="", postcode="")

    assert qionghai.is_valid(), qionghai.errors
    assert (qionghai.instance.line4, qionghai.instance.line3) == ("琼海市", "")


def test_the_province_and_city_lists_come_back_for_the_current_choice(db):
    bound = form(province="81", city="8103", district="")
    city_choices = [code for code, _name in bound.fields["city"].widget.choices]
    district_choices = [name for _code, name in bound.fields["district"].widget.choices]

    assert city_choices == ["", "8101", "8102", "8103"]
    assert "沙田区" in district_choices and "油尖旺区" not in district_choices


def test_the_cities_and_districts_of_a_province_are_served_small_and_cacheable(client):
    response = client.get(reverse("checkout:regions"), {"province": "44"})

    assert response.status_code == 200
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    data = response.json()
    assert data["place"] == "CN"
    shenzhen = next(city for city in data["cities"] if city["name"] == "深圳市")
    assert ["440305", "南山区"] in shenzhen["districts"]
    assert len(response.content) < 10_000
    assert client.get(reverse("checkout:regions"), {"province": "4403"}).status_code == 404
    assert client.get(reverse("checkout:regions"), {"province": "81"}).json()["place"] == "HK"
