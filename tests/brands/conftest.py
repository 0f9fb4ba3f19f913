"""Fixtures of regional-brand tests: 百色芒果 over 田东 and 田阳, a cooperative in each, one outside."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from brands import services
from brands.models import RegionalBrand
from tests.factories import CooperativeFactory, CountyFactory, UserFactory, home_page, make_product
from tests.partners.helpers import pdf_bytes


@pytest.fixture
def tiandong(db):
    return CountyFactory(name="田东县", slug="tiandong", prefecture="百色市")


@pytest.fixture
def tianyang(db):
    return CountyFactory(name="田阳区", slug="tianyang", prefecture="百色市")


@pytest.fixture
def bama(db):
    return CountyFactory(name="巴马瑶族自治县", slug="bama", prefecture="河池市")


@pytest.fixture
def brand(tiandong, tianyang, staff):
    """A verified, long-term brand whose region is 田东 and 田阳."""
    brand = services.regional_brand_save(
        brand=RegionalBrand(
            name="百色芒果",
            registration_number="AGI 01234",
            holder="百色市芒果协会",
            valid_from=timezone.localdate() - datetime.timedelta(days=365),
        ),
        region=[tiandong, tianyang],
    )
    return services.regional_brand_verify(brand=brand, staff=staff)


@pytest.fixture
def coop(tiandong):
    return CooperativeFactory(county=tiandong, name="田东芒乡果业", code="tiandong-mango")


@pytest.fixture
def coop2(tianyang):
    return CooperativeFactory(county=tianyang, name="田阳果蔬基地", code="tianyang-veg")


@pytest.fixture
def outsider(bama):
    return CooperativeFactory(county=bama, name="巴马香猪合作社", code="bama-pig")


@pytest.fixture
def member(coop):
    user = UserFactory(email="member@tiandong.example.cn")
    coop.users.add(user)
    return user


def evidence():
    return ContentFile(pdf_bytes("authorisation"), name="letter.pdf")


@pytest.fixture
def authorise(staff):
    """A verified authorisation of ``cooperative`` for ``brand``, through the services."""

    def run(brand, cooperative):
        authorisation = services.brand_authorisation_request(brand=brand, cooperative=cooperative, evidence=evidence())
        return services.brand_authorisation_verify(authorisation=authorisation, staff=staff)

    return run


@pytest.fixture
def branded_product(brand, coop, authorise):
    """A listed product of an authorised cooperative, sold under the brand."""
    authorise(brand, coop)
    product = make_product(cooperative=coop, title="田东芒果 桂七", with_image=False)
    services.product_brand_add(product=product, brand=brand)
    return product


@pytest.fixture
def site(db):
    return home_page()
