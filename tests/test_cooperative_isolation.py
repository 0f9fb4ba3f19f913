"""A cooperative never sees or changes another cooperative's products, stock or certificates."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from products.models import ListingStatus
from tests.factories import CertificationFactory, CooperativeFactory, UserFactory, make_product

pytestmark = pytest.mark.django_db


def cooperative_user(cooperative, email):
    user = UserFactory(email=email)
    user.user_permissions.add(Permission.objects.get(codename="dashboard_access", content_type__app_label="partner"))
    cooperative.users.add(user)
    return user


@pytest.fixture
def two_cooperatives():
    first, second = CooperativeFactory(name="巴马香猪合作社"), CooperativeFactory(name="田东芒果公司")
    first_certificate = CertificationFactory(holder=first, number="GF451022250101")
    first_product = make_product(title="巴马香猪腊肉", cooperative=first, certifications=[first_certificate])
    second_product = make_product(title="田东芒果", cooperative=second)
    return {
        "first": first,
        "second": second,
        "first_certificate": first_certificate,
        "first_product": first_product,
        "second_product": second_product,
        "second_user": cooperative_user(second, "mango@example.com"),
        "first_user": cooperative_user(first, "pig@example.com"),
    }


def test_dashboard_lists_only_own_products(client, two_cooperatives):
    client.force_login(two_cooperatives["second_user"])
    html = client.get(reverse("dashboard:catalogue-product-list")).content.decode()
    assert "田东芒果" in html and "巴马香猪腊肉" not in html


@pytest.mark.parametrize(
    "url_name, kwargs_of",
    [
        ("dashboard:catalogue-product", lambda d: {"pk": d["first_product"].pk}),
        ("dashboard:catalogue-product-delete", lambda d: {"pk": d["first_product"].pk}),
        ("cooperatives:certificate-edit", lambda d: {"pk": d["first_certificate"].pk}),
        ("cooperatives:certificate-scan", lambda d: {"pk": d["first_certificate"].pk}),
    ],
)
def test_other_cooperatives_objects_are_not_found(client, two_cooperatives, url_name, kwargs_of):
    client.force_login(two_cooperatives["second_user"])
    url = reverse(url_name, kwargs=kwargs_of(two_cooperatives))
    assert client.get(url).status_code in (302, 403, 404)
    response = client.post(url, {"title": "篡改", "number": "GF451022259999"})
    assert response.status_code in (302, 403, 404, 405)
    two_cooperatives["first_product"].refresh_from_db()
    two_cooperatives["first_certificate"].refresh_from_db()
    assert two_cooperatives["first_product"].title == "巴马香猪腊肉"
    assert two_cooperatives["first_certificate"].number == "GF451022250101"


def test_certificate_and_listing_pages_show_only_own(client, two_cooperatives):
    client.force_login(two_cooperatives["second_user"])
    assert "GF451022250101" not in client.get(reverse("cooperatives:certificates")).content.decode()
    listings = client.get(reverse("cooperatives:listings")).content.decode()
    assert "田东芒果" in listings and "巴马香猪腊肉" not in listings


def test_listing_actions_on_another_cooperatives_product_are_refused(client, two_cooperatives):
    product = two_cooperatives["first_product"]
    product.listing_status = ListingStatus.DRAFT
    product.save()
    client.force_login(two_cooperatives["second_user"])
    url = reverse("cooperatives:listing-action", kwargs={"pk": product.pk, "action": "submit"})
    assert client.post(url).status_code == 404
    product.refresh_from_db()
    assert product.listing_status == ListingStatus.DRAFT


def test_cooperative_cannot_list_its_own_product_or_verify_certificates(client, two_cooperatives):
    product = two_cooperatives["second_product"]
    product.listing_status = ListingStatus.REVIEW
    product.save()
    client.force_login(two_cooperatives["second_user"])
    client.post(reverse("cooperatives:listing-action", kwargs={"pk": product.pk, "action": "approve"}))
    product.refresh_from_db()
    assert product.listing_status == ListingStatus.REVIEW
    certificate = CertificationFactory(holder=two_cooperatives["second"], verified=False)
    assert client.post(reverse("cooperatives:certificate-verify", kwargs={"pk": certificate.pk})).status_code == 403
    certificate.refresh_from_db()
    assert not certificate.verified


def test_people_outside_cooperatives_are_refused(client, two_cooperatives):
    assert client.get(reverse("cooperatives:certificates")).status_code == 302  # to login
    client.force_login(UserFactory(email="buyer@example.com"))
    assert client.get(reverse("cooperatives:certificates")).status_code == 403
    assert client.get(reverse("cooperatives:listings")).status_code == 403


def test_cooperative_adds_a_certificate_with_clear_errors(client, two_cooperatives):
    client.force_login(two_cooperatives["second_user"])
    url = reverse("cooperatives:certificate-add")
    bad = client.post(url, {"scheme": "green_food", "number": "GF123", "issuer": "x", "valid_from": "2026-01-01"})
    assert bad.status_code == 200
    assert "GF451022250001" in bad.content.decode()  # the error shows the expected shape
    good = client.post(
        url,
        {
            "holder": two_cooperatives["second"].pk,
            "scheme": "organic",
            "number": "1052op2500123",
            "valid_from": "2026-01-01",
        },
    )
    assert good.status_code == 302
    certificate = two_cooperatives["second"].certifications.get(number="1052OP2500123")
    assert certificate.valid_until == datetime.date(2026, 12, 31) and not certificate.verified


def test_submit_review_list_flow_and_price_rereview(client, two_cooperatives):
    product = two_cooperatives["second_product"]
    product.listing_status = ListingStatus.DRAFT
    product.is_public = False
    product.save()
    client.force_login(two_cooperatives["second_user"])
    client.post(reverse("cooperatives:listing-action", kwargs={"pk": product.pk, "action": "submit"}))
    product.refresh_from_db()
    assert product.listing_status == ListingStatus.REVIEW
    assert "田东芒果" not in client.get(reverse("catalogue:index")).content.decode()

    staff = UserFactory(email="staff@example.com", is_staff=True)
    client.force_login(staff)
    client.post(reverse("cooperatives:listing-action", kwargs={"pk": product.pk, "action": "approve"}))
    product.refresh_from_db()
    assert product.listing_status == ListingStatus.LISTED and product.is_public
    assert product.reviewed_price == product.stockrecords.get().price

    record = product.stockrecords.get()
    record.price = record.price * 2  # +100 %: any change goes back to review
    record.save()
    product.refresh_from_db()
    assert product.listing_status == ListingStatus.REVIEW and not product.is_public


def test_dashboard_product_form_offers_only_own_certificates_and_assisted_counties(client, two_cooperatives):
    from tests.factories import CountyFactory, ProductClassFactory

    CountyFactory(name="广州市天河区", slug="tianhe", assistance_level="none")
    product_class = ProductClassFactory()
    own = CertificationFactory(holder=two_cooperatives["second"], number="GF451022250202")
    client.force_login(two_cooperatives["second_user"])
    url = reverse("dashboard:catalogue-product-create", kwargs={"product_class_slug": product_class.slug})
    html = client.get(url).content.decode()
    assert own.number in html and "GF451022250101" not in html
    assert "广州市天河区" not in html
    for field in ("origin_county", "storage_type", "shelf_life_days", "specification", "traceability_code"):
        assert f'name="{field}"' in html
