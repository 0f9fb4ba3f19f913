"""Products under a brand: only with a live authorisation; a revocation takes the mark off at once."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from brands import services
from brands.models import BrandAuthorisation, ProductBrand
from products import selectors
from products.signals import product_visibility_changed
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_a_brand_claimed_without_authorisation_is_refused_and_nothing_changes(brand, coop):
    product = make_product(cooperative=coop, with_image=False)
    services.brand_authorisation_request(brand=brand, cooperative=coop)  # awaiting: not enough
    with pytest.raises(ValidationError) as refusal:
        services.product_brand_add(product=product, brand=brand)
    assert refusal.value.code == "brand_not_authorised" and "百色芒果" in refusal.value.messages[0]
    assert not ProductBrand.objects.exists()


def test_another_cooperatives_authorisation_does_not_count(brand, coop, coop2, authorise):
    authorise(brand, coop2)
    product = make_product(cooperative=coop, with_image=False)
    with pytest.raises(ValidationError):
        services.product_brand_add(product=product, brand=brand)


def _card_brands(product):
    shown = selectors.browsable_products().get(pk=product.pk)
    return [shown.brand_name] if shown.brand_name else []


def test_revocation_removes_the_brand_from_cards_and_filter_at_once(
    client, site, brand, branded_product, staff, django_capture_on_commit_callbacks
):
    catalogue = reverse("catalogue:index")
    assert _card_brands(branded_product) == ["百色芒果"]
    html = client.get(catalogue).content.decode()
    assert 'class="badge-brand"' in html and 'name="brand"' in html
    assert branded_product.title in client.get(catalogue, {"brand": brand.slug}).content.decode()

    announced = []

    def receiver(sender, product_ids, **kwargs):
        announced.extend(product_ids)

    product_visibility_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.brand_authorisation_revoke(
                authorisation=BrandAuthorisation.objects.get(), staff=staff, reason="违规使用"
            )
    finally:
        product_visibility_changed.disconnect(receiver)

    assert announced == [branded_product.pk]
    assert _card_brands(branded_product) == []
    html = client.get(catalogue).content.decode()
    assert 'class="badge-brand"' not in html and 'name="brand"' not in html
    filtered = client.get(catalogue, {"brand": brand.slug}).content.decode()
    assert branded_product.title not in filtered
    detail = client.get(branded_product.get_absolute_url()).content.decode()
    assert 'class="badge-brand"' not in detail
    # The link stays: a new verified authorisation shows the brand again.
    assert ProductBrand.objects.filter(product=branded_product, brand=brand).exists()


def test_catalogue_filters_by_brand(client, site, brand, branded_product, coop):
    plain = make_product(cooperative=coop, title="田东圣女果", with_image=False)
    html = client.get(reverse("catalogue:index"), {"brand": brand.slug}).content.decode()
    assert branded_product.title in html and plain.title not in html
    assert f'<option value="{brand.slug}" selected>' in html
    everything = client.get(reverse("catalogue:index")).content.decode()
    assert branded_product.title in everything and plain.title in everything


def test_product_page_shows_the_brand_mark_linking_to_the_brand_page(client, site, brand, branded_product):
    html = client.get(branded_product.get_absolute_url()).content.decode()
    assert f'href="{brand.get_absolute_url()}"' in html


def test_a_cooperative_puts_its_own_product_under_an_authorised_brand(client, brand, coop, coop2, member, authorise):
    authorise(brand, coop)
    own = make_product(cooperative=coop, title="田东芒果 金煌", with_image=False)
    foreign = make_product(cooperative=coop2, title="田阳香芒", with_image=False)
    client.force_login(member)
    url = reverse("cooperatives:brand-products")

    client.post(url, {"link-product": foreign.pk, "link-brand": brand.pk})
    assert not ProductBrand.objects.exists()

    client.post(url, {"link-product": own.pk, "link-brand": brand.pk})
    link = ProductBrand.objects.get()
    assert link.product == own and link.brand == brand

    client.post(url, {"remove": link.pk})
    assert not ProductBrand.objects.exists()
