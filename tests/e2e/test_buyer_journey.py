"""A buyer finds a certified product on the home page and puts it in the basket."""

import pytest
from playwright.sync_api import expect

from tests.factories import CertificationFactory, CooperativeFactory, build_site, make_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_buyer_adds_product_to_basket(page, journey):
    site = build_site(counties=2, posts=2, projects=2)
    cooperative = CooperativeFactory(name="巴马瑶山香猪合作社", county=site["county_pages"][0].county)
    certificate = CertificationFactory(holder=cooperative, number="GF451022250001")
    product = make_product(title="巴马香猪五花肉", cooperative=cooperative, price="88.00", certifications=[certificate])
    make_product(title="田东芒果", price="59.90")

    page.goto("/")
    expect(page.get_by_role("heading", name="认证农产品")).to_be_visible()
    journey.check("home")

    page.get_by_role("link", name="巴马香猪五花肉").first.click()
    page.wait_for_url(f"**{product.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1, name="巴马香猪五花肉")).to_be_visible()
    expect(page.get_by_text("GF451022250001").first).to_be_visible()
    journey.check("product")

    with page.expect_navigation():
        page.get_by_role("button", name="加入购物车").first.click()
    page.goto("/shop/basket/")
    expect(page.get_by_text("巴马香猪五花肉").first).to_be_visible()
    expect(page.get_by_text("¥88.00").first).to_be_visible()
    journey.check("basket")
