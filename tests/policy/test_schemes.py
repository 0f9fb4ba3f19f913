"""Certification schemes are data: 圳品 joins them, staff add others and record recognitions (互认);
承诺达标合格证 is per batch — never a badge, a filter or a listing condition, recorded on the shipment."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import CertificationScheme
from products import selectors
from tests.factories import CertificationFactory, CooperativeFactory, make_product, scheme
from tests.fulfilment.builders import cooperative_user

pytestmark = pytest.mark.django_db

CATALOGUE = "/shop/catalogue/"


def test_shenzhen_standard_is_a_scheme_buyers_can_filter_by(client):
    cooperative = CooperativeFactory()
    certificate = CertificationFactory(holder=cooperative, scheme=scheme("shenzhen_standard"), number="SZP2500001")
    make_product(title="田阳番茄", cooperative=cooperative, certifications=[certificate])
    page = client.get(CATALOGUE).content.decode()
    assert '<option value="shenzhen_standard"' in page and "圳品" in page
    assert "田阳番茄" in client.get(CATALOGUE + "?cert=shenzhen_standard").content.decode()


def test_a_scheme_staff_add_appears_in_the_filter_and_its_recognition_where_badges_are_explained(client):
    CertificationScheme.objects.create(
        code="selenium_rich", name="富硒农产品", name_hant="富硒農產品", name_en="Selenium-rich produce", position=20
    )
    scheme("green_food")
    CertificationScheme.objects.filter(code="green_food").update(
        recognised_as="经XX部门公告，与YY标准互认（示例出处）。"
    )
    page = client.get(CATALOGUE).content.decode()
    assert '<option value="selenium_rich"' in page and "富硒农产品" in page
    explained = client.get(reverse("catalogue:schemes")).content.decode()
    assert "经XX部门公告，与YY标准互认（示例出处）。" in explained
    assert "富硒农产品" in explained
    assert "Selenium-rich produce" in client.get("/en/shop/catalogue/").content.decode()


def test_a_compliance_certificate_is_no_badge_filter_or_listing_condition(client):
    cooperative = CooperativeFactory()
    batch = CertificationFactory(
        holder=cooperative,
        scheme=scheme("compliance"),
        number="HGZ-1",
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
        valid_from=timezone.localdate() - datetime.timedelta(days=30),
    )
    product = make_product(title="大化生态鱼", cooperative=cooperative, certifications=[batch])
    assert (
        selectors.shop_visible_products().filter(pk=product.pk).exists()
    )  # a lapsed batch certificate delists nothing
    page = client.get(product.get_absolute_url()).content.decode()
    assert "HGZ-1" not in page and "承诺达标合格证" not in page
    assert '<option value="compliance"' not in client.get(CATALOGUE).content.decode()
    assert "承诺达标合格证" not in client.get(reverse("catalogue:schemes")).content.decode()


def test_new_geographical_indications_are_regional_brands_not_certificates(client):
    cooperative = CooperativeFactory()
    client.force_login(cooperative_user(cooperative, "member@coop.example.cn"))
    scheme("gi")
    response = client.post(
        reverse("cooperatives:certificate-add"),
        {"holder": cooperative.pk, "scheme": "gi", "number": "AGI02001", "valid_from": "2026-11-01"},
    )
    assert response.status_code == 200 and "scheme" in response.context["form"].errors
    assert not cooperative.certifications.exists()


def test_a_cooperative_cannot_add_a_per_batch_certificate_as_a_product_certification(client):
    cooperative = CooperativeFactory()
    client.force_login(cooperative_user(cooperative, "member@coop.example.cn"))
    scheme("compliance")
    response = client.post(
        reverse("cooperatives:certificate-add"),
        {"holder": cooperative.pk, "scheme": "compliance", "number": "HGZ-2", "valid_from": "2026-11-01",
         "valid_until": "2026-12-31"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "scheme" in response.context["form"].errors
    assert not cooperative.certifications.exists()


def test_the_batch_compliance_certificate_is_recorded_when_shipping_and_shown_on_the_shipment(client):
    from django.test import Client

    from marketplace.fulfilment.models import Fulfilment
    from tests.fulfilment.builders import place_order, two_cooperatives
    from tests.fulfilment.helpers import buyer, ensure_checkout_data

    ensure_checkout_data()
    shop = two_cooperatives()
    user = buyer(email="buyer@example.cn")
    order = place_order(user, [(shop["pork"], 1)])
    fulfilment = Fulfilment.objects.get(order=order)
    member = Client()
    member.force_login(shop["a_user"])
    url = reverse("fulfilment:detail", kwargs={"pk": fulfilment.pk})
    response = member.post(
        url,
        {
            "action": "ship",
            "shipping_method": fulfilment.shipping_method_id,
            "carrier": "顺丰速运",
            "tracking_number": "SF1234567890",
            "compliance_certificate": " HGZ-2026-1201 ",
        },
    )
    assert response.status_code == 302
    assert Fulfilment.objects.get(pk=fulfilment.pk).compliance_certificate == "HGZ-2026-1201"
    assert "HGZ-2026-1201" in member.get(url).content.decode()
