"""Who may use a regional brand: the region's cooperatives, verified and revoked by platform staff only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from brands import selectors, services
from brands.models import AuthorisationStatus, BrandAuthorisation, RegionalBrand
from tests.brands.conftest import evidence
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_cooperative_outside_the_region_is_refused_with_a_message(brand, outsider):
    with pytest.raises(ValidationError) as refusal:
        services.brand_authorisation_request(brand=brand, cooperative=outsider, evidence=evidence())
    assert refusal.value.code == "outside_region"
    assert "巴马香猪合作社" in refusal.value.messages[0] and "田东县" in refusal.value.messages[0]
    assert not BrandAuthorisation.objects.exists()


def test_a_cooperative_of_the_region_asks_and_staff_verify(brand, coop, staff):
    authorisation = services.brand_authorisation_request(brand=brand, cooperative=coop, evidence=evidence())
    assert authorisation.status == AuthorisationStatus.AWAITING
    assert authorisation.evidence.name.startswith("brands/authorisations/") or "authorisation-" in (
        authorisation.evidence.name
    )
    assert list(selectors.authorisations_awaiting()) == [authorisation]
    assert not selectors.cooperative_may_use(cooperative=coop, brand=brand)

    services.brand_authorisation_verify(authorisation=authorisation, staff=staff)

    authorisation.refresh_from_db()
    assert authorisation.status == AuthorisationStatus.VERIFIED and authorisation.verified_by == staff
    assert selectors.cooperative_may_use(cooperative=coop, brand=brand)


def test_one_open_authorisation_per_brand_and_cooperative(brand, coop):
    services.brand_authorisation_request(brand=brand, cooperative=coop)
    with pytest.raises(ValidationError) as refusal:
        services.brand_authorisation_request(brand=brand, cooperative=coop)
    assert refusal.value.code == "authorisation_exists"
    assert BrandAuthorisation.objects.count() == 1


@pytest.mark.parametrize("who", ["member", "anonymous", "inactive_staff"])
def test_only_platform_staff_verify_or_revoke(brand, coop, member, staff, who):
    person = {
        "member": member,
        "anonymous": None,
        "inactive_staff": UserFactory(email="gone@platform.example.cn", is_staff=True, is_active=False),
    }[who]
    authorisation = services.brand_authorisation_request(brand=brand, cooperative=coop)
    with pytest.raises(ValidationError) as refusal:
        services.brand_authorisation_verify(authorisation=authorisation, staff=person)
    assert refusal.value.code == "not_staff"
    services.brand_authorisation_verify(authorisation=authorisation, staff=staff)
    with pytest.raises(ValidationError) as refusal:
        services.brand_authorisation_revoke(authorisation=authorisation, staff=person, reason="过期")
    assert refusal.value.code == "not_staff"
    authorisation.refresh_from_db()
    assert authorisation.status == AuthorisationStatus.VERIFIED


def test_a_revocation_needs_a_reason_and_records_who_and_when(brand, coop, staff, authorise):
    authorisation = authorise(brand, coop)
    with pytest.raises(ValidationError):
        services.brand_authorisation_revoke(authorisation=authorisation, staff=staff, reason=" ")
    services.brand_authorisation_revoke(authorisation=authorisation, staff=staff, reason="授权书到期未续")
    authorisation.refresh_from_db()
    assert authorisation.status == AuthorisationStatus.REVOKED
    assert authorisation.revoked_by == staff and authorisation.revoked_at is not None
    assert authorisation.revocation_reason == "授权书到期未续"
    # A new request may follow a revoked one.
    assert services.brand_authorisation_request(brand=brand, cooperative=coop).status == AuthorisationStatus.AWAITING


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("AGI02001", True),
        ("agi 02001", True),
        ("AGI2001", False),
        ("AGI-02001", False),
        ("12345678", True),
        ("百色", False),
    ],
)
def test_registration_number_shape(number, ok):
    if ok:
        services.validate_registration_number(number)
    else:
        with pytest.raises(ValidationError):
            services.validate_registration_number(number)


def test_a_brand_edit_of_its_number_needs_verification_again(brand):
    assert brand.verified and brand.registration_number == "AGI01234" and brand.slug == "bai-se-mang-guo"
    brand.registration_number = "AGI01235"
    services.regional_brand_save(brand=brand)
    assert not RegionalBrand.objects.get(pk=brand.pk).verified


def test_a_lapsed_brand_is_not_live(brand, coop, authorise):
    authorise(brand, coop)
    RegionalBrand.objects.filter(pk=brand.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert not selectors.cooperative_may_use(cooperative=coop, brand=brand)


def test_a_cooperative_member_asks_from_the_cooperative_area(client, brand, coop, member):
    client.force_login(member)
    url = reverse("cooperatives:brand-authorisations")
    assert client.get(url).status_code == 200
    response = client.post(url, {"cooperative": coop.pk, "brand": brand.pk, "evidence": evidence()})
    assert response.status_code == 302
    authorisation = BrandAuthorisation.objects.get()
    assert authorisation.cooperative == coop and authorisation.requested_by == member
    assert (
        client.get(reverse("cooperatives:brand-authorisation-evidence", kwargs={"pk": authorisation.pk})).status_code
        == 200
    )


def test_another_cooperatives_evidence_is_not_found(client, brand, coop2, member, staff):
    authorisation = services.brand_authorisation_request(brand=brand, cooperative=coop2, evidence=evidence())
    client.force_login(member)
    url = reverse("cooperatives:brand-authorisation-evidence", kwargs={"pk": authorisation.pk})
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_someone_outside_any_cooperative_is_refused(client, brand):
    client.force_login(UserFactory(email="buyer@example.cn"))
    assert client.get(reverse("cooperatives:brand-authorisations")).status_code == 403


def test_a_county_taken_out_of_the_region_ends_the_use(brand, coop, tiandong, authorise):
    authorise(brand, coop)
    brand.region.remove(tiandong)
    assert not selectors.cooperative_may_use(cooperative=coop, brand=brand)
