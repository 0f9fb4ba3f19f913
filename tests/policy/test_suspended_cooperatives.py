"""A removed or suspended cooperative's goods leave the shop at once and cannot be bought; reactivation
restores them as they were unless something changed meanwhile."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_class, get_model

from marketplace.checkout import services as checkout_services
from partners import services
from partners.models import Partner
from products import selectors
from tests.factories import CooperativeFactory, UserFactory, make_product
from tests.fulfilment.builders import cooperative_user
from tests.fulfilment.helpers import add_to_basket, buyer, ensure_checkout_data
from tests.products.test_pictures import form_data

Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")

pytestmark = pytest.mark.django_db

REASON = "抽检发现兽药残留超标，暂停销售待整改。"


@pytest.fixture
def goat():
    cooperative = CooperativeFactory(name="马山黑山羊合作社")
    product = make_product(
        title="马山黑山羊肉", cooperative=cooperative, price="98.00", reviewed_price=Decimal("98.00")
    )
    return cooperative, product


def _suspend(cooperative):
    services.cooperative_activation_set(cooperative=cooperative, active=False, reason=REASON)


def test_suspension_needs_a_reason_and_records_it():
    cooperative = CooperativeFactory()
    with pytest.raises(ValidationError):
        services.cooperative_activation_set(cooperative=cooperative, active=False, reason="  ")
    assert Partner.objects.get(pk=cooperative.pk).is_active
    _suspend(cooperative)
    stored = Partner.objects.get(pk=cooperative.pk)
    assert (stored.is_active, stored.suspension_reason) == (False, REASON) and stored.suspended_at is not None


def test_a_suspended_cooperatives_products_leave_every_list_at_once(client, goat):
    cooperative, product = goat
    assert "马山黑山羊肉" in client.get("/shop/catalogue/").content.decode()
    _suspend(cooperative)
    assert not selectors.shop_visible_products().filter(pk=product.pk).exists()
    assert "马山黑山羊肉" not in client.get("/shop/catalogue/").content.decode()
    assert "马山黑山羊肉" not in client.get("/shop/search/?q=黑山羊").content.decode()
    assert client.get(product.get_absolute_url()).status_code == 404
    assert selectors.county_products(county=cooperative.county, limit=10) == []
    assert client.get(reverse("catalogue:cooperative", kwargs={"code": cooperative.code})).status_code == 404


def test_checkout_refuses_a_suspended_cooperatives_product_naming_the_cooperative(goat):
    cooperative, product = goat
    user = buyer(email="buyer@example.cn")
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    basket.add_product(product, 1)
    _suspend(cooperative)
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = Selector().strategy(user=user)
    with pytest.raises(UnableToPlaceOrder) as refused:
        checkout_services.basket_check_on_sale(basket, [])
    assert "马山黑山羊合作社" in str(refused.value)


def test_a_suspended_cooperatives_product_cannot_be_added_to_a_basket(client, goat):
    cooperative, product = goat
    ensure_checkout_data()
    client.force_login(buyer(email="buyer@example.cn"))
    _suspend(cooperative)
    add_to_basket(client, product)
    basket = Basket.objects.filter(owner__email="buyer@example.cn").first()
    assert basket is None or basket.num_items == 0


def test_reactivation_restores_the_listing_when_nothing_changed(client, goat):
    cooperative, product = goat
    _suspend(cooperative)
    services.cooperative_activation_set(cooperative=cooperative, active=True)
    product.refresh_from_db()
    assert product.listing_status == "listed"
    assert client.get(product.get_absolute_url()).status_code == 200
    assert Partner.objects.get(pk=cooperative.pk).suspension_reason == ""


def test_reactivation_sends_a_product_changed_meanwhile_back_to_review(goat, settings):
    settings.PRODUCT_PRICE_REVIEW_PERCENT = 50  # even a change the threshold lets through is looked at again
    cooperative, product = goat
    _suspend(cooperative)
    StockRecord.objects.filter(product=product).update(price="99.00")  # written while suspended
    services.cooperative_activation_set(cooperative=cooperative, active=True)
    product.refresh_from_db()
    assert (product.listing_status, product.listing_note) == ("review", "changed-while-suspended")
    assert not selectors.shop_visible_products().filter(pk=product.pk).exists()


def test_a_suspended_cooperatives_people_are_told_why(client, goat):
    cooperative, _product = goat
    member = cooperative_user(cooperative, "member@mashan.example.cn")
    _suspend(cooperative)
    client.force_login(member)
    response = client.get("/cooperatives/certificates/")
    assert response.status_code == 403
    assert REASON in response.content.decode()


def test_the_admin_refuses_a_suspension_without_reason_and_records_one_with_it(client, goat):
    cooperative, product = goat
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:partner_partner_change", args=[cooperative.pk])
    data = form_data(client.get(url).content.decode())
    data.pop("users", None)
    assert data.pop("is_active") == "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "suspension_reason" in response.context["adminform"].form.errors
    assert Partner.objects.get(pk=cooperative.pk).is_active

    data["suspension_reason"] = REASON
    assert client.post(url, data).status_code == 302
    stored = Partner.objects.get(pk=cooperative.pk)
    assert (stored.is_active, stored.suspension_reason) == (False, REASON)
    assert not selectors.shop_visible_products().filter(pk=product.pk).exists()


def test_a_suspended_cooperatives_people_cannot_edit_its_products_in_the_dashboard(client, goat):
    cooperative, product = goat
    member = cooperative_user(cooperative, "member@mashan.example.cn")
    client.force_login(member)
    edit = reverse("dashboard:catalogue-product", kwargs={"pk": product.pk})
    assert client.get(edit).status_code == 200
    _suspend(cooperative)
    assert client.get(edit).status_code == 404
    listing = client.get(reverse("dashboard:catalogue-product-list"))
    assert "马山黑山羊肉" not in listing.content.decode()
