"""Only a verified, valid certificate is shown to buyers: badges, the certification filter, listings
that depend on it; staff verify in a queue, oldest first, counted on their dashboard."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partners import certifications
from partners.models import Certification
from products import visibility
from products.models import ProductCertification
from tests.factories import CertificationFactory, CooperativeFactory, UserFactory, make_product
from tests.fulfilment.builders import cooperative_user

pytestmark = pytest.mark.django_db

CATALOGUE = "/shop/catalogue/"


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_well_formed_but_unverified_certificate_shows_no_badge_and_matches_no_filter(client):
    cooperative = CooperativeFactory()
    certificate = CertificationFactory(holder=cooperative, number="GF451022250077", verified=False)
    product = make_product(title="德保脐橙", cooperative=cooperative, certifications=[certificate])
    ProductCertification.objects.update(listing_depends=False)  # the badge only: the product stays on sale

    assert "GF451022250077" not in _page(client, product.get_absolute_url())
    assert "德保脐橙" in _page(client, CATALOGUE)
    assert "德保脐橙" not in _page(client, CATALOGUE + "?cert=green_food")

    certifications.certification_verify(certification=certificate, staff=UserFactory(is_staff=True))
    assert "GF451022250077" in _page(client, product.get_absolute_url())
    assert "德保脐橙" in _page(client, CATALOGUE + "?cert=green_food")


def test_a_lapsed_certificate_renewed_by_the_cooperative_keeps_the_listing_out_until_staff_verify(client):
    cooperative = CooperativeFactory()
    certificate = CertificationFactory(holder=cooperative, number="GF451022250078")
    product = make_product(title="凌云白毫", cooperative=cooperative, certifications=[certificate])
    Certification.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    visibility.listings_sync()
    product.refresh_from_db()
    assert product.listing_note == visibility.CERTIFICATE_LAPSED

    certificate.refresh_from_db()
    certificate.valid_until = timezone.localdate() + datetime.timedelta(days=300)
    certifications.certification_save(certification=certificate)
    product.refresh_from_db()
    assert (product.listing_status, product.listing_note) == ("delisted", visibility.CERTIFICATE_UNVERIFIED)
    assert client.get(product.get_absolute_url()).status_code == 404
    # The cooperative cannot push it back by asking for review: staff verification brings it back.
    with pytest.raises(ValidationError) as refused:
        visibility.product_submit_for_review(product=product)
    assert refused.value.code == "certificate_unverified"

    member = cooperative_user(cooperative, "member@lingyun.example.cn")
    client.force_login(member)
    listing = _page(client, "/cooperatives/listings/")
    assert "凌云白毫" in listing and "待核验" in listing  # "awaiting verification", as the cooperative reads it
    client.logout()

    certifications.certification_verify(certification=certificate, staff=UserFactory(is_staff=True))
    product.refresh_from_db()
    assert (product.listing_status, product.is_public) == ("listed", True)
    assert client.get(product.get_absolute_url()).status_code == 200


def test_staff_cannot_list_a_product_whose_certificate_awaits_verification():
    cooperative = CooperativeFactory()
    certificate = CertificationFactory(holder=cooperative, verified=False)
    product = make_product(
        cooperative=cooperative, certifications=[certificate], listing_status="review", is_public=False
    )
    staff = UserFactory(is_staff=True)
    with pytest.raises(ValidationError) as refused:
        visibility.product_approve_listing(product=product, reviewer=staff)
    assert refused.value.code == "certificate_unverified"
    product.refresh_from_db()
    assert product.listing_status == "review"
    certifications.certification_verify(certification=certificate, staff=staff)
    visibility.product_approve_listing(product=product, reviewer=staff)
    product.refresh_from_db()
    assert product.listing_status == "listed"


def test_staff_queue_lists_certificates_awaiting_verification_oldest_first_and_counts_them(client):
    now = timezone.now()
    newer = CertificationFactory(verified=False, number="GF451022250091", changed_at=now)
    older = CertificationFactory(verified=False, number="GF451022250092", changed_at=now - datetime.timedelta(days=3))
    CertificationFactory(verified=True, number="GF451022250093")
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    page = _page(client, reverse("cooperatives:certificate-queue"))
    assert page.index("GF451022250092") < page.index("GF451022250091")
    assert "GF451022250093" not in page
    assert "2 个证书待核验" in _page(client, reverse("dashboard:index"))

    response = client.post(reverse("cooperatives:certificate-verify", kwargs={"pk": older.pk}), {"from": "queue"})
    assert response.status_code == 302 and response.url.endswith(reverse("cooperatives:certificate-queue"))
    assert Certification.objects.get(pk=older.pk).verified
    waiting = client.get(reverse("cooperatives:certificate-queue")).context["certificates"]
    assert [certificate.number for certificate in waiting] == ["GF451022250091"]
    assert not Certification.objects.get(pk=newer.pk).verified


def test_cooperative_people_cannot_open_the_queue_or_verify(client):
    cooperative = CooperativeFactory()
    certificate = CertificationFactory(holder=cooperative, verified=False)
    client.force_login(cooperative_user(cooperative, "member@coop.example.cn"))
    assert client.get(reverse("cooperatives:certificate-queue")).status_code == 403
    assert client.post(reverse("cooperatives:certificate-verify", kwargs={"pk": certificate.pk})).status_code == 403
    assert not Certification.objects.get(pk=certificate.pk).verified
