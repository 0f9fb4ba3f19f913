"""Traceability codes (追溯码): one product per code, and a public trace page that never breaks.

The QR code on the packaging opens /cooperatives/trace/<code>/. Another cooperative copying
a code used to make that page an error (two products, one code); a product not on sale
was shown in full.
"""

import datetime
import importlib
import logging

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from products.dashboard.forms import ProductForm
from products.models import ImportMode, ListingStatus, Product
from tests.factories import CertificationFactory, CooperativeFactory, ProductClassFactory, UserFactory, make_product
from tests.products.conftest import csv_bytes, problems, row

pytestmark = pytest.mark.django_db


def trace_url(code: str) -> str:
    return f"/cooperatives/trace/{code}/"


@pytest.fixture
def traced(county):
    cooperative = CooperativeFactory(county=county, name="田阳香芒合作社", code="tianyang-mango")
    certificate = CertificationFactory(holder=cooperative, number="GF451022250401", issuer="中国绿色食品发展中心")
    product = make_product(
        title="田东香芒 桂七",
        cooperative=cooperative,
        certifications=[certificate],
        traceability_code="GX-TD101-2026",
        specification="5千克/箱",
    )
    return {"cooperative": cooperative, "certificate": certificate, "product": product}


# --------------------------------------------------------------------------- the page
def test_a_product_on_sale_shows_its_trace_page_whatever_the_case_of_the_code(client, traced):
    for code in ("GX-TD101-2026", "gx-td101-2026", "Gx-Td101-2026"):
        response = client.get(trace_url(code))
        assert response.status_code == 200
        html = response.content.decode()
        assert "田东香芒 桂七" in html and "田阳香芒合作社" in html and "GF451022250401" in html
        assert traced["product"].get_absolute_url() in html


@pytest.mark.parametrize(
    "change",
    [
        {"listing_status": ListingStatus.DELISTED},
        {"listing_status": ListingStatus.DRAFT},
        {"listing_status": ListingStatus.REVIEW},
        {"is_public": False},
    ],
    ids=["delisted", "draft", "under-review", "hidden"],
)
def test_a_product_not_on_sale_gets_a_not_on_sale_page_with_name_and_county_only(client, traced, change):
    Product.objects.filter(pk=traced["product"].pk).update(**change)
    with translation.override("en"):
        response = client.get(reverse("cooperatives:trace", kwargs={"code": "GX-TD101-2026"}))
    assert response.status_code == 404
    html = response.content.decode()
    assert "is not on sale in our shop at the moment" in html
    assert "田东香芒 桂七" in html and traced["product"].origin_county.name in html
    # Nothing beyond what the packaging shows: no cooperative, certificate, specification or product link.
    assert "田阳香芒合作社" not in html and "GF451022250401" not in html and "5千克/箱" not in html
    assert traced["product"].get_absolute_url() not in html
    assert reverse("catalogue:index") in html


def test_a_product_whose_certificate_lapsed_is_not_on_sale_on_the_trace_page(client, traced):
    type(traced["certificate"]).objects.filter(pk=traced["certificate"].pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = client.get(trace_url("GX-TD101-2026"))
    assert response.status_code == 404
    assert "GF451022250401" not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/cooperatives/trace//",
        "/cooperatives/trace/" + "A" * 10_000 + "/",
        "/cooperatives/trace/../x/",
        "/cooperatives/trace/%2E%2E%2Fx/",
        "/cooperatives/trace/a%2Fb/",
        "/cooperatives/trace/%00/",
        "/cooperatives/trace/GX%00/",
        "/cooperatives/trace/%E7%A0%81/",
        "/cooperatives/trace/码/",
        "/cooperatives/trace/%25/",
        "/cooperatives/trace/%ZZ/",
        "/cooperatives/trace/GX-TD101-2026%20/",
        "/cooperatives/trace/NO-SUCH-CODE/",
        "/cooperatives/trace/%F0%9F%8D%8B/",
        "/cooperatives/trace/%C3%28/",
        "/cooperatives/trace/%0A/",
        "/cooperatives/trace/_%25/",
    ],
)
def test_no_code_ever_makes_the_trace_page_an_error(client, traced, path):
    response = client.get(path)
    assert response.status_code in (200, 404), path
    if response.status_code == 200:  # only the real code, with a stray space that is trimmed
        assert "田东香芒 桂七" in response.content.decode()


def test_an_unknown_code_says_so(client, traced):
    with translation.override("en"):
        response = client.get(reverse("cooperatives:trace", kwargs={"code": "GX-XX999"}))
    assert response.status_code == 404
    html = response.content.decode()
    assert "No product on this platform has the traceability code “GX-XX999”" in html
    assert "田东香芒" not in html


# --------------------------------------------------------------------------- one product per code
def test_the_database_refuses_a_second_product_with_the_same_code_in_any_case(traced):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_product(title="别人的芒果", traceability_code="gx-td101-2026")
    # Products without a code are many.
    make_product(title="无码甲", traceability_code="")
    make_product(title="无码乙", traceability_code="")


def test_another_cooperative_cannot_copy_a_code_in_the_dashboard_form(traced):
    # Given a product of another cooperative, and its user
    rival = CooperativeFactory(name="别的合作社")
    user = UserFactory(email="rival@example.com")
    rival.users.add(user)
    own = make_product(title="别人的芒果", cooperative=rival)
    product_class = ProductClassFactory()

    # When the rival enters the first cooperative's code (in another case)
    data = {
        "title": own.title,
        "upc": own.upc,
        "slug": own.slug,
        "description": own.description,
        "is_public": "on",
        "origin_county": str(own.origin_county_id),
        "storage_type": "ambient",
        "traceability_code": "gx-TD101-2026",
        "structure": "standalone",
    }
    form = ProductForm(product_class, data=data, instance=own, user=user)

    # Then the form says so next to the code, and nothing changes
    assert not form.is_valid()
    with translation.override("en"):
        assert form.errors["traceability_code"] == [
            "Another product already uses this traceability code; check the code on your packaging."
        ]
    assert form.errors["traceability_code"] == ["已有其他商品使用此追溯码，请核对包装上的追溯码。"]
    own.refresh_from_db()
    assert own.traceability_code == ""

    # Its own code, and a code nobody uses, are accepted; a code with a slash is not
    traced_form = ProductForm(
        product_class,
        data={**data, "title": "田东香芒 桂七", "traceability_code": "GX-TD101-2026"},
        instance=traced["product"],
        user=UserFactory(email="staff@example.com", is_staff=True),
    )
    traced_form.is_valid()
    assert "traceability_code" not in traced_form.errors
    free = ProductForm(product_class, data={**data, "traceability_code": "GX-RIVAL-1"}, instance=own, user=user)
    free.is_valid()
    assert "traceability_code" not in free.errors
    slash = ProductForm(product_class, data={**data, "traceability_code": "GX/1"}, instance=own, user=user)
    assert not slash.is_valid() and "traceability_code" in slash.errors


def test_an_import_row_with_a_code_another_product_uses_is_refused(run_import, coop, other_coop, traced):
    # traced["product"] (another cooperative) has GX-TD101-2026
    product_import = run_import(
        coop,
        csv_bytes(
            [
                row(sku="T-1", trace_code="gx-td101-2026"),  # row 2: another cooperative's code
                row(sku="T-2", trace_code="GX-NEW-1"),  # row 3: free
                row(sku="T-3", trace_code="gx-new-1"),  # row 4: already on row 3
                row(sku="T-4", trace_code="GX NEW/2"),  # row 5: not a code
                row(sku="T-5"),  # row 6: no code
            ]
        ),
    )
    assert problems(product_import) == [
        (2, "追溯码", "Another product already uses traceability code %(code)s."),
        (4, "追溯码", "Traceability code %(code)s is already on row %(row)s."),
        (
            5,
            "追溯码",
            "Traceability code “%(code)s”: use at most %(limit)s letters, digits, “-”, “_” and “.”, "
            "beginning with a letter or digit.",
        ),
    ]
    codes = dict(
        Product.objects.filter(stockrecords__partner=coop).values_list("stockrecords__partner_sku", "traceability_code")
    )
    assert codes == {"T-2": "GX-NEW-1", "T-5": ""}
    assert Product.objects.get(traceability_code="GX-TD101-2026") == traced["product"]

    # Importing the same file again keeps the product's own code (it is not "another product")
    again = run_import(coop, csv_bytes([row(sku="T-2", trace_code="GX-NEW-1")]))
    assert problems(again) == []


def test_all_or_nothing_import_with_a_taken_code_applies_nothing(run_import, coop, traced):
    product_import = run_import(
        coop,
        csv_bytes([row(sku="A-1", trace_code="GX-FREE-1"), row(sku="A-2", trace_code="GX-TD101-2026")]),
        mode=ImportMode.ALL_OR_NOTHING,
    )
    assert [problem[0] for problem in problems(product_import)] == [3]
    assert not Product.objects.filter(traceability_code="GX-FREE-1").exists()


# --------------------------------------------------------------------------- the migration
def test_the_migration_keeps_the_oldest_products_code_and_clears_the_copies(caplog):
    # Given duplicates as they were possible before the constraint
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX product_traceability_code_unique")
    first = make_product(title="最早的产品", traceability_code="GX-DUP-1")
    copy = make_product(title="抄码的产品", traceability_code="gx-dup-1")
    copy_again = make_product(title="又一个抄码的产品", traceability_code="GX-DUP-1")
    other = make_product(title="自己的码", traceability_code=" GX-OWN-1 ")
    Product.objects.filter(pk=first.pk).update(date_created=timezone.now() - datetime.timedelta(days=30))

    # When the data migration runs
    migration = importlib.import_module("products.migrations.0034_traceability_code_duplicates_cleared")
    with caplog.at_level(logging.WARNING, logger="products.migrations"):
        migration.clear_duplicate_trace_codes(apps, None)

    # Then the oldest keeps the code, the copies lose it (logged), the other is only trimmed
    codes = dict(Product.objects.values_list("pk", "traceability_code"))
    assert codes[first.pk] == "GX-DUP-1"
    assert codes[copy.pk] == "" and codes[copy_again.pk] == ""
    assert codes[other.pk] == "GX-OWN-1"
    assert f"Product {copy.pk}: traceability code 'gx-dup-1' cleared; product {first.pk}" in caplog.text
    assert f"Product {copy_again.pk}:" in caplog.text
