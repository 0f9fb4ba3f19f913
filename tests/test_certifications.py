"""Certificates: number formats, default validity, expiry alerts once, lapse delists, renewal restores."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from partners import certifications
from partners.certification_tasks import send_certification_alerts_task
from partners.models import Certification, CertificationAlert
from products.tasks import sync_certified_listings_task
from tests.factories import CertificationFactory, CooperativeFactory, UserFactory, make_product, scheme

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 28)


def new_certificate(**fields):
    values = {"scheme": "green_food", "number": "GF451022250001", "issuer": "中国绿色食品发展中心"}
    values.update(fields)
    values["scheme"] = scheme(values["scheme"])
    values.setdefault("holder", CooperativeFactory())
    values.setdefault("valid_from", TODAY)
    return Certification(**values)


@pytest.mark.parametrize(
    "scheme, number",
    [("green_food", "GF45102225"), ("green_food", "AGI02001"), ("gi", "AGI2001"), ("gi", "GF451022250001")],
)
def test_malformed_numbers_are_refused_with_the_expected_shape(scheme, number):
    with pytest.raises(ValidationError) as error:
        certifications.certification_save(certification=new_certificate(scheme=scheme, number=number))
    assert "number" in error.value.message_dict
    assert Certification.objects.count() == 0


def test_numbers_are_normalised_and_validity_defaults_per_scheme():
    green = certifications.certification_save(certification=new_certificate(number=" gf4510 22250001 "))
    assert green.number == "GF451022250001"
    assert green.valid_until == datetime.date(2029, 11, 27)  # three years
    organic = certifications.certification_save(certification=new_certificate(scheme="organic", number="1052OP2500123"))
    assert organic.valid_until == datetime.date(2027, 11, 27)
    gi = certifications.certification_save(certification=new_certificate(scheme="gi", number="AGI02001"))
    assert gi.valid_until is None  # long-term


def test_compliance_certificate_needs_an_end_date_and_dates_must_be_ordered():
    with pytest.raises(ValidationError) as error:
        certifications.certification_save(certification=new_certificate(scheme="compliance", number="HGZ-1"))
    assert "valid_until" in error.value.message_dict
    with pytest.raises(ValidationError):
        certifications.certification_save(certification=new_certificate(valid_until=TODAY - datetime.timedelta(days=1)))


def test_changing_a_verified_certificate_needs_verification_again():
    certificate = CertificationFactory(verified=True)
    certificate.valid_until = certificate.valid_until + datetime.timedelta(days=365)
    certifications.certification_save(certification=certificate)
    certificate.refresh_from_db()
    assert certificate.verified is False


def test_only_staff_verify():
    certificate = CertificationFactory(verified=False)
    with pytest.raises(ValidationError):
        certifications.certification_verify(certification=certificate, staff=UserFactory())
    certifications.certification_verify(certification=certificate, staff=UserFactory(is_staff=True))
    assert Certification.objects.get(pk=certificate.pk).verified


def test_expiry_alerts_go_out_once_per_threshold(django_capture_on_commit_callbacks):
    user = UserFactory(email="coop@example.com")
    cooperative = CooperativeFactory()
    cooperative.users.add(user)
    certificate = CertificationFactory(holder=cooperative, valid_from=TODAY - datetime.timedelta(days=300))
    certificate.valid_until = TODAY + datetime.timedelta(days=89)
    certificate.save()
    with freeze_time(TODAY), django_capture_on_commit_callbacks(execute=True):
        assert send_certification_alerts_task() == 1
        assert send_certification_alerts_task() == 0
    assert len(mail.outbox) == 1
    assert certificate.number in mail.outbox[0].subject
    with freeze_time(TODAY + datetime.timedelta(days=60)), django_capture_on_commit_callbacks(execute=True):
        assert send_certification_alerts_task() == 1
    with freeze_time(TODAY + datetime.timedelta(days=83)), django_capture_on_commit_callbacks(execute=True):
        assert send_certification_alerts_task() == 1
        assert send_certification_alerts_task() == 0
    assert sorted(CertificationAlert.objects.values_list("days_before", flat=True)) == [7, 30, 90]
    assert len(mail.outbox) == 3


def test_a_lapsed_certificate_hides_badge_and_product_at_once_and_a_verified_renewal_restores(client):
    cooperative = CooperativeFactory()
    certificate = CertificationFactory(holder=cooperative, number="GF451022250009")
    product = make_product(title="凌云白毫", cooperative=cooperative, certifications=[certificate])
    assert "凌云白毫" in client.get(reverse("catalogue:index")).content.decode()

    # The certificate lapses: no job has run yet, but the shop no longer shows the product.
    Certification.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert "凌云白毫" not in client.get(reverse("catalogue:index")).content.decode()
    assert client.get(product.get_absolute_url()).status_code == 404

    # The nightly job writes the state down.
    assert sync_certified_listings_task() == {"delisted": 1, "restored": 0}
    product.refresh_from_db()
    assert product.listing_status == "delisted" and not product.is_public

    # The cooperative renews it: the renewal waits for staff, and so does the product.
    certificate.refresh_from_db()
    certificate.valid_until = timezone.localdate() + datetime.timedelta(days=365)
    certifications.certification_save(certification=certificate)
    product.refresh_from_db()
    certificate.refresh_from_db()
    assert not certificate.verified
    assert product.listing_status == "delisted" and product.listing_note == "certificate-unverified"
    assert "凌云白毫" not in client.get(reverse("catalogue:index")).content.decode()
    assert sync_certified_listings_task() == {"delisted": 0, "restored": 0}

    # Staff verify the renewal: the listing returns at once.
    certifications.certification_verify(certification=certificate, staff=UserFactory(is_staff=True))
    product.refresh_from_db()
    assert product.listing_status == "listed" and product.is_public
    assert "凌云白毫" in client.get(reverse("catalogue:index")).content.decode()


def test_a_certificate_the_listing_does_not_depend_on_only_loses_its_badge(client):
    from products.models import ProductCertification

    cooperative = CooperativeFactory()
    certificate = CertificationFactory(holder=cooperative, number="GF451022250010")
    product = make_product(title="富川脐橙", cooperative=cooperative, certifications=[certificate])
    ProductCertification.objects.update(listing_depends=False)
    assert "GF451022250010" in client.get(product.get_absolute_url()).content.decode()
    Certification.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert "富川脐橙" in client.get(reverse("catalogue:index")).content.decode()
    page = client.get(product.get_absolute_url()).content.decode()
    assert "富川脐橙" in page and "GF451022250010" not in page
    assert sync_certified_listings_task() == {"delisted": 0, "restored": 0}


def test_saving_and_verifying_a_certificate_tell_the_listeners():
    """partners says what happened (partners.signals); what follows for listings is the catalogue's."""
    from partners.signals import CERTIFICATE_SAVED, CERTIFICATE_VERIFIED, certification_changed

    heard = []

    def listener(sender, certification_ids, change, **kwargs):
        heard.append((certification_ids, change))

    certification_changed.connect(listener, weak=False, dispatch_uid="test-certification-changed")
    try:
        certificate = certifications.certification_save(certification=new_certificate())
        certifications.certification_verify(certification=certificate, staff=UserFactory(is_staff=True))
        with pytest.raises(ValidationError):
            certifications.certification_save(certification=new_certificate(number="GF45"))
    finally:
        certification_changed.disconnect(dispatch_uid="test-certification-changed")
    assert heard == [((certificate.pk,), CERTIFICATE_SAVED), ((certificate.pk,), CERTIFICATE_VERIFIED)]
