"""A buyer finds a certified product on the home page and puts it in the basket."""

import pytest

from tests.factories import CertificationFactory, CooperativeFactory, build_site, make_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_buyer_adds_product_to_basket(page, journey):
    site = build_site(counties=2, posts=2, projects=2)
    cooperative = CooperativeFactory(name="巴马瑶山香猪合作社", county=site["county_pages"][0].county)
    certificate = CertificationFactory(holder=cooperative, number="GF451022250001")
    product = make_product(title="巴马香猪五花肉", cooperative=cooperative, price="88.00", certifications=[certificate])
    make_product(title="田东芒果", price="59.90")

    page.goto("/")
    assert page.get_by_role("heading", name="认证农产品").is_visible()
    journey.check("home")

    page.get_by_role("link", name="巴马香猪五花肉").first.click()
    page.wait_for_url(f"**{product.get_absolute_url()}")
    assert page.get_by_role("heading", level=1, name="巴马香猪五花肉").is_visible()
    assert page.get_by_text("GF451022250001").first.is_visible()
    journey.check("product")

    page.get_by_role("button", name="加入购物车").first.click()
    page.wait_for_load_state("load")
    page.goto("/shop/basket/")
    assert page.get_by_text("巴马香猪五花肉").first.is_visible()
    assert page.get_by_text("¥88.00").first.is_visible()
    journey.check("basket")
