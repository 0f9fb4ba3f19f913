"""Ids in URLs: a number no row can have, a minus sign or non-ASCII digits is a 404, never a 500."""

import pytest
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse

from core.converters import MAX_DATABASE_ID, DatabaseIdConverter
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
ODD_IDS = [HUGE, str(MAX_DATABASE_ID + 1), "-1", "١٢", "１２"]

#: Every URL of ours with an id in it, and Oscar's and Wagtail's where we found a lookup that overflowed.
URLS = [
    "/labor/apply/{id}/",
    "/fulfilments/{id}/",
    "/fulfilments/{id}/buyer/accept/",
    "/fulfilments/statements/{id}/xlsx/",
    "/fulfilments/statements/{id}/pdf/",
    "/cooperatives/certificates/{id}/",
    "/cooperatives/certificates/{id}/scan/",
    "/cooperatives/certificates/{id}/verify/",
    "/cooperatives/listings/{id}/list/",
    "/cooperatives/imports/{id}/",
    "/shop/accounts/wishlists/abc/products/{id}/delete/",
    "/shop/accounts/wishlists/abc/lines/{id}/delete/",
    "/shop/accounts/orders/{id}/",
    "/shop/catalogue/tea_{id}/",
    "/shop/dashboard/catalogue/products/{id}/",
    "/shop/dashboard/partners/{id}/",
    "/en/labor/apply/{id}/",
    "/zh-hant/fulfilments/{id}/",
    "/admin/pages/{id}/",
    "/admin/pages/{id}/edit/",
    "/admin/images/{id}/",
    "/admin/choose-page/{id}/",
]


@pytest.fixture
def superuser_client():
    client = Client(raise_request_exception=False)  # a 500 is what we are looking for, not an exception
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("odd_id", ODD_IDS, ids=["huge", "2^63", "negative", "arabic-indic", "full-width"])
def test_an_id_no_row_can_have_is_not_found(superuser_client, url, odd_id):
    path = url.format(id=odd_id)
    for method in (superuser_client.get, superuser_client.post):
        response = method(path)
        assert response.status_code in (404, 405), (method.__name__, path, response.status_code)


def test_a_job_seeker_applying_to_a_huge_id_gets_the_not_found_page():
    response = Client(raise_request_exception=False).get(f"/labor/apply/{HUGE}/")
    assert response.status_code == 404


def test_the_converter_takes_every_database_id_and_nothing_else():
    converter = DatabaseIdConverter()
    assert converter.to_python("1") == 1 and converter.to_python(str(MAX_DATABASE_ID)) == MAX_DATABASE_ID
    with pytest.raises(ValueError):
        converter.to_python(str(MAX_DATABASE_ID + 1))
    assert reverse("labor:apply", kwargs={"post_id": 42}) == "/labor/apply/42/"
    with pytest.raises(NoReverseMatch):
        reverse("labor:apply", kwargs={"post_id": HUGE})
    assert resolve("/fulfilments/12/").url_name == "detail"
    assert resolve(f"/fulfilments/{HUGE}/").url_name != "detail"  # left to the page tree's 404


def test_our_url_modules_use_database_ids():
    """``<int:…>`` lets a 30-digit number reach the database; our URL modules write ``<id:…>``."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    modules = [
        path
        for app in ("core", "partners", "products", "cms", "labor", "marketplace")
        for path in (root / app).rglob("urls*.py")
    ]
    assert modules
    for module in modules:
        assert "<int:" not in module.read_text(encoding="utf-8"), module
