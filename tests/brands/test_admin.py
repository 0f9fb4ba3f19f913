"""The staff screens: the authorisation queue's actions and the product link go through the services."""

import pytest
from django.urls import reverse

from brands.models import AuthorisationStatus, BrandAuthorisation, ProductBrand
from tests.brands.conftest import evidence
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


def test_staff_verify_then_revoke_from_the_queue(admin_client, brand, coop, staff):
    from brands import services

    authorisation = services.brand_authorisation_request(brand=brand, cooperative=coop, evidence=evidence())
    changelist = reverse("admin:brands_brandauthorisation_changelist")
    assert coop.name in admin_client.get(changelist, {"status__exact": "awaiting"}).content.decode()

    admin_client.post(changelist, {"action": "verify", "_selected_action": [authorisation.pk], "reason": ""})
    authorisation.refresh_from_db()
    assert authorisation.status == AuthorisationStatus.VERIFIED and authorisation.verified_by == staff

    # Without a reason nothing is revoked.
    admin_client.post(changelist, {"action": "revoke", "_selected_action": [authorisation.pk], "reason": ""})
    authorisation.refresh_from_db()
    assert authorisation.status == AuthorisationStatus.VERIFIED
    admin_client.post(changelist, {"action": "revoke", "_selected_action": [authorisation.pk], "reason": "授权到期"})
    authorisation.refresh_from_db()
    assert authorisation.status == AuthorisationStatus.REVOKED and authorisation.revocation_reason == "授权到期"


def test_the_admin_refuses_an_authorisation_outside_the_region(admin_client, brand, outsider):
    response = admin_client.post(
        reverse("admin:brands_brandauthorisation_add"), {"brand": brand.pk, "cooperative": outsider.pk}
    )
    assert response.status_code == 200 and "巴马香猪合作社" in response.content.decode()
    assert not BrandAuthorisation.objects.exists()


def test_the_admin_refuses_a_brand_claimed_without_authorisation(admin_client, brand, coop):
    product = make_product(cooperative=coop, with_image=False)
    response = admin_client.post(reverse("admin:brands_productbrand_add"), {"product": product.pk, "brand": brand.pk})
    assert response.status_code == 200
    assert not ProductBrand.objects.exists()


def test_brand_registration_file_is_for_staff_only(client, admin_client, brand, member):
    url = reverse("cooperatives:brand-evidence", kwargs={"pk": brand.pk})
    assert admin_client.get(url).status_code == 404  # no file yet, but staff get past the check
    client.force_login(member)
    assert client.get(url).status_code == 403


def test_staff_add_a_brand_whose_slug_comes_from_its_name_then_verify_it(admin_client, tiandong, tianyang, staff):
    from brands.models import RegionalBrand

    response = admin_client.post(
        reverse("admin:brands_regionalbrand_add"),
        {
            "name": "田东香芒",
            "slug": "",
            "registration_number": "agi 02999",
            "holder": "田东县芒果协会",
            "region": [tiandong.pk, tianyang.pk],
            "description": "",
            "valid_from": "2024-01-01",
            "valid_until": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    brand = RegionalBrand.objects.get()
    assert brand.slug == "tian-dong-xiang-mang" and brand.registration_number == "AGI02999"
    assert set(brand.region.all()) == {tiandong, tianyang} and not brand.verified
    changelist = reverse("admin:brands_regionalbrand_changelist")
    admin_client.post(changelist, {"action": "verify", "_selected_action": [brand.pk]})
    brand.refresh_from_db()
    assert brand.verified and brand.verified_by == staff
