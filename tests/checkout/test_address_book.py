"""The buyer's address book: add, edit, delete, make default; the default chosen at checkout; nobody else's."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from tests.fulfilment.helpers import (
    ADDRESS_FORM,
    add_to_basket,
    buyer,
    ensure_checkout_data,
    three_cooperative_products,
)

pytestmark = pytest.mark.django_db
UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")

SHENZHEN = {"state": "广东省", "line4": "深圳市", "line3": "南山区", "line1": "科技南路 18 号", "postcode": "518057"}
GUANGZHOU = {"state": "广东省", "line4": "广州市", "line3": "天河区", "line1": "天河路 385 号", "postcode": "510620"}


def user_address(user, place: dict, *, default: bool = False, name: str = "陈思远"):
    return UserAddress.objects.create(
        user=user,
        first_name=name,
        phone_number="+8613912345678",
        country=Country.objects.get(iso_3166_1_a2="CN"),
        is_default_for_shipping=default,
        **place,
    )


@pytest.fixture
def people(client):
    ensure_checkout_data()
    me, other = buyer(email="me@gba.example.cn"), buyer(email="other@gba.example.cn")
    client.force_login(me)
    return {
        "me": me,
        "other": other,
        "mine": user_address(me, GUANGZHOU),
        "my_default": user_address(me, SHENZHEN, default=True),
        "theirs": user_address(other, SHENZHEN, name="王五"),
    }


def test_adding_an_address_stores_it_the_chinese_way_and_the_first_is_the_default(client):
    ensure_checkout_data()
    me = buyer(email="new@gba.example.cn")
    client.force_login(me)
    form = client.get(reverse("customer:address-create")).context["form"]
    assert form.initial["is_default_for_shipping"] is True

    response = client.post(reverse("customer:address-create"), {**ADDRESS_FORM, "is_default_for_shipping": "on"})

    assert response.status_code == 302
    address = UserAddress.objects.get(user=me)
    assert (address.state, address.line4, address.line3, address.country_id) == ("广东省", "广州市", "天河区", "CN")
    assert address.is_default_for_shipping and str(address.phone_number) == "+8613800138000"


def test_the_address_book_lists_labels_default_first_and_edits_keep_the_choice(client, people):
    page = client.get(reverse("customer:address-list")).content.decode()
    assert page.index("深圳市 南山区") < page.index("广州市 天河区")
    assert "陈思远 139 1234 5678" in page and "王五" not in page

    edit = client.get(reverse("customer:address-detail", kwargs={"pk": people["mine"].pk})).content.decode()
    assert '<option value="4401" selected>广州市</option>' in edit
    assert '<option value="440106" selected>天河区</option>' in edit
    assert 'value="13912345678"' in edit

    response = client.post(
        reverse("customer:address-detail", kwargs={"pk": people["mine"].pk}),
        {**ADDRESS_FORM, "city": "4403", "district": "440306", "line1": "宝安大道 1 号"},
    )
    assert response.status_code == 302
    people["mine"].refresh_from_db()
    assert (people["mine"].line4, people["mine"].line3, people["mine"].line1) == ("深圳市", "宝安区", "宝安大道 1 号")


def test_making_an_address_the_default_is_a_post(client, people):
    url = reverse("customer:address-change-status", kwargs={"pk": people["mine"].pk, "action": "default_for_shipping"})
    assert client.get(url).status_code == 405  # a link must not change data

    assert client.post(url).status_code == 302
    people["mine"].refresh_from_db()
    people["my_default"].refresh_from_db()
    assert people["mine"].is_default_for_shipping and not people["my_default"].is_default_for_shipping


def test_deleting_an_address(client, people):
    response = client.post(reverse("customer:address-delete", kwargs={"pk": people["mine"].pk}))
    assert response.status_code == 302
    assert not UserAddress.objects.filter(pk=people["mine"].pk).exists()


def test_a_buyer_can_neither_see_nor_change_anothers_address(client, people):
    theirs = people["theirs"].pk
    assert client.get(reverse("customer:address-detail", kwargs={"pk": theirs})).status_code == 404
    assert client.post(reverse("customer:address-detail", kwargs={"pk": theirs}), ADDRESS_FORM).status_code == 404
    assert client.get(reverse("customer:address-delete", kwargs={"pk": theirs})).status_code == 404
    assert client.post(reverse("customer:address-delete", kwargs={"pk": theirs})).status_code == 404
    status = reverse("customer:address-change-status", kwargs={"pk": theirs, "action": "default_for_shipping"})
    assert client.post(status).status_code == 404
    assert client.get(reverse("checkout:user-address-update", kwargs={"pk": theirs})).status_code == 404
    assert client.post(reverse("checkout:user-address-delete", kwargs={"pk": theirs})).status_code == 404

    people["theirs"].refresh_from_db()
    assert people["theirs"].first_name == "王五" and people["theirs"].line4 == "深圳市"
    assert not people["theirs"].is_default_for_shipping


def test_the_address_book_needs_a_sign_in(client, people):
    client.logout()
    response = client.get(reverse("customer:address-detail", kwargs={"pk": people["mine"].pk}))
    assert response.status_code == 302 and reverse("customer:login") in response["Location"]


# --------------------------------------------------------------------------- at checkout
@pytest.fixture
def at_checkout(client, people):
    pork, *_rest = three_cooperative_products()
    add_to_basket(client, pork, 1)
    return people


def test_the_default_address_is_chosen_already_at_checkout(client, at_checkout):
    response = client.get(reverse("checkout:shipping-address"))

    assert response.context["chosen_address_id"] == at_checkout["my_default"].pk
    page = response.content.decode()
    default_radio = f'value="{at_checkout["my_default"].pk}" id="address-{at_checkout["my_default"].pk}" checked'
    assert default_radio in page
    assert f'id="address-{at_checkout["mine"].pk}" checked' not in page
    assert page.index("深圳市 南山区") < page.index("广州市 天河区")
    assert "王五" not in page
    assert '<details class="new-address card card-body bg-light">' in page  # the new-address form folded away


def test_shipping_to_an_address_of_the_book(client, at_checkout):
    response = client.post(
        reverse("checkout:shipping-address"), {"action": "ship_to", "address_id": at_checkout["mine"].pk}
    )
    assert response.status_code == 302
    client.get(reverse("checkout:shipping-method"), follow=True)
    preview = client.get(reverse("checkout:preview")).content.decode()
    assert "陈思远 139 1234 5678" in preview and "广东省 广州市 天河区 天河路 385 号" in preview


def test_shipping_to_anothers_address_is_refused(client, at_checkout):
    response = client.post(
        reverse("checkout:shipping-address"), {"action": "ship_to", "address_id": at_checkout["theirs"].pk}
    )
    assert response.status_code == 404
    client.get(reverse("checkout:shipping-method"))
    assert "王五" not in client.get(reverse("checkout:preview"), follow=True).content.decode()
