"""Browser journey: a buyer finds a regional brand from a product card, a cooperative asks to use it.

Each step is measured at phone (360 px) and desktop width, scanned for accessibility and
photographed (``tests.e2e.conftest.Journey``).
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from brands import services
from brands.models import RegionalBrand
from tests.brands.conftest import evidence
from tests.e2e.conftest import log_in
from tests.factories import CooperativeFactory, CountyFactory, UserFactory, home_page, make_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "journey-pass-2026"


def test_buyer_finds_a_regional_brand_and_a_cooperative_asks_to_use_it(page, journey):
    home_page()
    tiandong = CountyFactory(name="田东县", slug="tiandong", prefecture="百色市")
    tianyang = CountyFactory(name="田阳区", slug="tianyang", prefecture="百色市")
    staff = UserFactory(email="staff@platform.example.cn", is_staff=True, password=PASSWORD)
    brand = services.regional_brand_save(
        brand=RegionalBrand(
            name="百色芒果",
            registration_number="AGI09001",
            holder="百色市芒果协会",
            valid_from=timezone.localdate() - datetime.timedelta(days=30),
        ),
        region=[tiandong, tianyang],
    )
    services.regional_brand_verify(brand=brand, staff=staff)
    mango = CooperativeFactory(name="田东芒乡果业有限公司", code="tiandong-mango", county=tiandong)
    authorisation = services.brand_authorisation_request(brand=brand, cooperative=mango, evidence=evidence())
    services.brand_authorisation_verify(authorisation=authorisation, staff=staff)
    product = make_product(cooperative=mango, title="田东芒果 桂七", price="59.90")
    services.product_brand_add(product=product, brand=brand)
    tianyang_coop = CooperativeFactory(name="田阳果蔬基地", code="tianyang-veg", county=tianyang)
    member = UserFactory(email="veg@coop.example.cn", password=PASSWORD)
    tianyang_coop.users.add(member)

    # A buyer filters the shop by the brand and follows the mark on the card to the brand page.
    page.goto("/shop/catalogue/")
    page.select_option("#filter-brand", brand.slug)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    expect(page.get_by_role("link", name="田东芒果 桂七")).to_be_visible()
    journey.check("catalogue-by-brand")
    page.click("a.badge-brand")
    page.wait_for_url(f"**/shop/brands/{brand.slug}/")
    expect(page.get_by_text("百色市芒果协会")).to_be_visible()
    expect(page.get_by_role("link", name="田东芒乡果业有限公司")).to_be_visible()
    journey.check("brand-page")

    # A cooperative of the region asks to use it with the holder's letter.
    log_in(page, "veg@coop.example.cn", PASSWORD, "/cooperatives/brands/")
    page.wait_for_url("**/cooperatives/brands/")
    page.select_option("#id_brand", str(brand.pk))
    page.set_input_files(
        "#id_evidence", files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": evidence().read()}]
    )
    with page.expect_navigation():
        page.click("form[enctype] button[type=submit]")
    expect(page.get_by_role("cell", name="待核验")).to_be_visible()
    journey.check("authorisation-requested")
