"""GI certificates (地理标志) become regional brands without loss."""

import importlib

import pytest
from django.apps import apps

from brands.models import AuthorisationStatus, BrandAuthorisation, ProductBrand, RegionalBrand
from tests.factories import CertificationFactory, CooperativeFactory, CountyFactory, make_product, scheme

pytestmark = pytest.mark.django_db

migration = importlib.import_module("brands.migrations.0002_gi_certificates_to_brands")


def test_each_gi_number_becomes_a_brand_with_its_holder_and_products(staff):
    county = CountyFactory(name="巴马瑶族自治县", slug="bama", prefecture="河池市")
    holder = CooperativeFactory(county=county, name="巴马瑶山香猪养殖专业合作社")
    gi = CertificationFactory(
        scheme=scheme("gi"), number="AGI02001", holder=holder, issuer="农业农村部", valid_until=None, verified_by=staff
    )
    green = CertificationFactory(holder=holder)
    pork = make_product(cooperative=holder, title="巴马香猪 鲜五花肉", certifications=[gi, green], with_image=False)
    ribs = make_product(cooperative=holder, title="巴马香猪 冷冻排骨", certifications=[gi], with_image=False)
    other_holder = CooperativeFactory(county=CountyFactory(name="凌云县", slug="lingyun"))
    unverified = CertificationFactory(scheme=scheme("gi"), number="AGI02002", holder=other_holder, verified=False)

    migration.gi_certificates_to_brands(apps, None)
    migration.gi_certificates_to_brands(apps, None)  # a second run adds nothing

    assert RegionalBrand.objects.count() == 2
    brand = RegionalBrand.objects.get(registration_number="AGI02001")
    assert brand.name == "巴马香猪" and brand.slug == "ba-ma-xiang-zhu"
    assert brand.holder == holder.name and brand.verified and brand.valid_until is None
    assert list(brand.region.all()) == [county]
    authorisation = BrandAuthorisation.objects.get(brand=brand)
    assert authorisation.cooperative == holder and authorisation.status == AuthorisationStatus.VERIFIED
    assert set(ProductBrand.objects.filter(brand=brand).values_list("product_id", flat=True)) == {pork.pk, ribs.pk}
    # the certificates and their product links are kept
    assert set(gi.products.all()) == {pork, ribs} and unverified.pk

    other = RegionalBrand.objects.get(registration_number="AGI02002")
    assert not other.verified and other.name == "凌云县地理标志 AGI02002"
    assert BrandAuthorisation.objects.get(brand=other).status == AuthorisationStatus.AWAITING
