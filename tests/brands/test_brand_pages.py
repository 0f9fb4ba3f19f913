"""The public brand pages: facts, authorised cooperatives, and only what the shop shows."""

import pytest
from django.urls import reverse

from brands import services
from brands.models import BrandAuthorisation
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_brand_page_lists_only_shop_visible_products_of_authorised_cooperatives(
    client, site, brand, coop, coop2, branded_product, authorise, staff
):
    # given a second authorised cooperative with a branded product, a draft, and a revoked one
    authorise(brand, coop2)
    other = make_product(cooperative=coop2, title="田阳香芒 青皮", with_image=False)
    services.product_brand_add(product=other, brand=brand)
    draft = make_product(cooperative=coop, title="田东芒果 草稿", with_image=False)
    services.product_brand_add(product=draft, brand=brand)
    draft.listing_status = "draft"
    draft.save()
    services.brand_authorisation_revoke(
        authorisation=BrandAuthorisation.objects.get(cooperative=coop2), staff=staff, reason="停止合作"
    )

    # when a visitor opens the brand page
    html = client.get(brand.get_absolute_url()).content.decode()

    # then the facts, the authorised cooperative, and only the visible products of live authorisations
    assert "百色市芒果协会" in html and "AGI01234" in html and "田东县" in html and "田阳区" in html
    assert coop.name in html and coop2.name not in html
    assert branded_product.title in html
    assert other.title not in html and draft.title not in html


def test_brand_index_lists_verified_brands(client, site, brand):
    html = client.get(reverse("brands:index")).content.decode()
    assert brand.name in html and brand.get_absolute_url() in html


def test_an_unverified_or_unknown_brand_has_no_page(client, site, brand):
    brand.registration_number = "AGI09999"
    services.regional_brand_save(brand=brand)  # no longer verified
    assert client.get(brand.get_absolute_url()).status_code == 404
    assert client.get(reverse("brands:detail", kwargs={"slug": "no-such-brand"})).status_code == 404


@pytest.mark.parametrize("size", [5, 40])
def test_brand_page_query_budget_does_not_grow(
    client, site, brand, coop, authorise, size, django_assert_max_num_queries
):
    authorise(brand, coop)
    for n in range(size):
        product = make_product(cooperative=coop, title=f"田东芒果 {n}", with_image=False)
        services.product_brand_add(product=product, brand=brand)
    url = brand.get_absolute_url()
    client.get(url)  # warm caches
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("catalogue:index"), {"brand": brand.slug}).status_code == 200
