"""One owner of what the shop shows: every change of visibility or availability is announced by
``product_visibility_changed``, once, after commit, with the products concerned — and not at all
when the change rolls back. partners tells the catalogue what happened and imports none of it.
"""

import ast
import datetime
import logging
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from partners import certifications, services
from partners.models import Certification
from products import visibility
from products.models import ImportMode, ImportStatus, ProductCertification
from products.services import product_import_process
from products.signals import product_visibility_changed
from products.tasks import sync_certified_listings_task
from tests.factories import CategoryFactory, CertificationFactory, CountyFactory, UserFactory, make_product
from tests.products.conftest import csv_bytes, row
from tests.products.test_pictures import dashboard_post, form_data

pytestmark = pytest.mark.django_db

ProductImport = get_model("catalogue", "ProductImport")
StockRecord = get_model("partner", "StockRecord")

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


class RolledBack(Exception):
    pass


@pytest.fixture
def announced():
    """The ``product_ids`` of every product_visibility_changed sent during the test, in order."""
    calls = []

    def receiver(sender, product_ids, **kwargs):
        calls.append(product_ids)

    product_visibility_changed.connect(receiver, weak=False, dispatch_uid="test-announced")
    yield calls
    product_visibility_changed.disconnect(dispatch_uid="test-announced")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` — what a commit does at the end of the block: on-commit callbacks run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def shop(coop, other_coop, commit, announced):
    """One cooperative's products in every listing state, and another's; committed and announced."""
    with commit():
        certificate = CertificationFactory(holder=coop, number="GF451022250020")
        badge = CertificationFactory(holder=coop, number="GF451022250021")
        world = SimpleNamespace(
            coop=coop,
            certificate=certificate,
            listed=make_product(cooperative=coop, title="田东芒果", reviewed_price=Decimal("58.00")),
            draft=make_product(cooperative=coop, title="芒果干", listing_status="draft", is_public=False),
            review=make_product(cooperative=coop, title="芒果汁", listing_status="review", is_public=False),
            certified=make_product(cooperative=coop, title="绿色芒果", certifications=[certificate]),
            badge_only=make_product(cooperative=coop, title="有机芒果", certifications=[badge]),
            other=make_product(cooperative=other_coop, title="巴马香猪"),
            staff=UserFactory(email="staff@example.com", is_staff=True),
        )
        ProductCertification.objects.filter(product=world.badge_only).update(listing_depends=False)
        # The certificate of ``badge_only`` is the lapsed-badge case; ``certified`` carries both.
        world.certified.certifications.add(badge)
        ProductCertification.objects.filter(product=world.certified, certification=badge).update(listing_depends=False)
    announced.clear()
    return world


def _stock(product):
    return StockRecord.objects.get(product=product)


def _save_stock(product, **values):
    record = _stock(product)
    for name, value in values.items():
        setattr(record, name, value)
    record.save()


def _lapse(certificate):
    """Time passes: the certificate's last day was yesterday (no service involved)."""
    Certification.objects.filter(pk=certificate.pk).update(valid_until=YESTERDAY)


def _import(shop, category):
    """An import that sells one product out, restocks another, leaves one's availability alone,
    sends one back to review by its price, links a certificate to one and creates one."""
    sold_out = make_product(cooperative=shop.coop, title="百色芒果", stock=100)
    restocked = make_product(cooperative=shop.coop, title="右江芒果", stock=0)
    more = make_product(cooperative=shop.coop, title="台农芒果", stock=10)
    repriced = make_product(cooperative=shop.coop, title="金煌芒果", price="58.00", reviewed_price=Decimal("58.00"))
    linked = make_product(cooperative=shop.coop, title="贵妃芒果")
    product_import = ProductImport.objects.create(
        partner=shop.coop, source="imports/test.csv", mode=ImportMode.VALID_ROWS, status=ImportStatus.RUNNING
    )
    data = csv_bytes(
        [
            row(sku=sold_out.upc, title=sold_out.title, stock="0", price="58.00"),
            row(sku=restocked.upc, title=restocked.title, stock="5", price="58.00"),
            row(sku=more.upc, title=more.title, stock="20", price="58.00"),
            row(sku=repriced.upc, title=repriced.title, stock="100", price="99.00"),
            row(sku=linked.upc, title=linked.title, stock="100", price="58.00", certificate=shop.certificate.number),
            row(sku="NEW-1", title="新品芒果", stock="100", price="58.00"),
        ]
    )

    def run():
        product_import_process(product_import=product_import, source=data)
        product_import.refresh_from_db()
        assert (product_import.status, product_import.errors) == ("done", [])
        assert (product_import.created_count, product_import.updated_count) == (1, 5)

    return run, {sold_out.pk, restocked.pk, repriced.pk, linked.pk}


def _submit(shop, category):
    return lambda: visibility.product_submit_for_review(product=shop.draft), {shop.draft.pk}


def _approve(shop, category):
    return lambda: visibility.product_approve_listing(product=shop.review, reviewer=shop.staff), {shop.review.pk}


def _delist(shop, category):
    return lambda: visibility.product_delist(product=shop.listed, reason="质量抽检"), {shop.listed.pk}


def _price_back_to_review(shop, category):
    return lambda: _save_stock(shop.listed, price=Decimal("80.00")), {shop.listed.pk}


def _certificate_lapse(shop, category):
    _lapse(shop.certificate)
    return sync_certified_listings_task, {shop.certified.pk}


def _certificate_renewal(shop, category):
    _lapse(shop.certificate)
    sync_certified_listings_task()

    def renew():
        certificate = Certification.objects.get(pk=shop.certificate.pk)
        certificate.valid_until = timezone.localdate() + datetime.timedelta(days=365)
        certifications.certification_save(certification=certificate)

    return renew, {shop.certified.pk}


def _certificate_verification(shop, category):
    return (
        lambda: certifications.certification_verify(certification=shop.certificate, staff=shop.staff),
        {shop.certified.pk},
    )


def _cooperative_deactivation(shop, category):
    return (
        lambda: services.cooperative_activation_set(cooperative=shop.coop, active=False, reason="抽检不合格"),
        {shop.listed.pk, shop.draft.pk, shop.review.pk, shop.certified.pk, shop.badge_only.pk},
    )


def _cooperative_reactivation(shop, category):
    services.cooperative_activation_set(cooperative=shop.coop, active=False, reason="抽检不合格")
    return (
        lambda: services.cooperative_activation_set(cooperative=shop.coop, active=True),
        {shop.listed.pk, shop.draft.pk, shop.review.pk, shop.certified.pk, shop.badge_only.pk},
    )


def _stock_to_zero(shop, category):
    return lambda: _save_stock(shop.listed, num_in_stock=0), {shop.listed.pk}


def _stock_back(shop, category):
    _save_stock(shop.listed, num_in_stock=0)
    return lambda: _save_stock(shop.listed, num_in_stock=5), {shop.listed.pk}


def _last_units_sold(shop, category):
    return lambda: _stock(shop.listed).allocate(100), {shop.listed.pk}


CHANGES = {
    "submit-for-review": _submit,
    "list": _approve,
    "delist": _delist,
    "price-back-to-review": _price_back_to_review,
    "certificate-lapse": _certificate_lapse,
    "certificate-renewal": _certificate_renewal,
    "certificate-verification": _certificate_verification,
    "cooperative-deactivation": _cooperative_deactivation,
    "cooperative-reactivation": _cooperative_reactivation,
    "stock-to-zero": _stock_to_zero,
    "stock-back": _stock_back,
    "last-units-sold": _last_units_sold,
    "import": _import,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_is_announced_once_after_commit_with_its_products(change, shop, category, commit, announced):
    # given the change's starting point, committed
    with commit():
        make_change, expected = change(shop, category)
    announced.clear()

    # when it is made and committed
    with commit():
        with transaction.atomic():
            make_change()
        assert announced == [], "announced before commit"

    # then one signal names its products, and no other cooperative's
    assert announced == [tuple(sorted(expected))]
    assert shop.other.pk not in announced[0]


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_rolled_back_is_not_announced(change, shop, category, commit, announced):
    with commit():
        make_change, _expected = change(shop, category)
    announced.clear()

    with commit(), pytest.raises(RolledBack), transaction.atomic():
        make_change()
        raise RolledBack

    assert announced == []


def test_the_listing_state_follows_each_change(shop, commit):
    """The domain outcome behind the announcements, unchanged by them."""
    with commit():
        visibility.product_delist(product=shop.listed, reason="质量抽检")
        _lapse(shop.certificate)
        assert sync_certified_listings_task() == {"delisted": 1, "restored": 0}
    shop.listed.refresh_from_db()
    shop.certified.refresh_from_db()
    assert (shop.listed.listing_status, shop.listed.listing_note, shop.listed.is_public) == (
        "delisted",
        "质量抽检",
        False,
    )
    assert (shop.certified.listing_status, shop.certified.listing_note) == ("delisted", "certificate-lapsed")


def test_several_changes_in_one_transaction_are_one_announcement(shop, commit, announced):
    with commit(), transaction.atomic():
        visibility.product_delist(product=shop.listed, reason="质量抽检")
        _save_stock(shop.badge_only, num_in_stock=0)
        certifications.certification_verify(certification=shop.certificate, staff=shop.staff)
    assert announced == [tuple(sorted({shop.listed.pk, shop.badge_only.pk, shop.certified.pk}))]


def test_a_change_in_a_savepoint_that_rolled_back_does_not_stop_the_others(shop, commit, announced):
    with commit(), transaction.atomic():
        with pytest.raises(RolledBack), transaction.atomic():
            visibility.product_delist(product=shop.listed, reason="质量抽检")
            raise RolledBack
        visibility.product_delist(product=shop.certified, reason="质量抽检")
    # The rolled-back product may be named too (receivers read the state again); the committed one must be.
    assert len(announced) == 1 and shop.certified.pk in announced[0]


def test_changes_that_change_neither_visibility_nor_availability_are_not_announced(shop, commit, announced, settings):
    settings.PRODUCT_PRICE_REVIEW_PERCENT = 20  # by default every price change goes back to review
    with commit():
        _save_stock(shop.listed, num_in_stock=50)  # still in stock
        _save_stock(shop.listed, price=Decimal("60.00"))  # within the re-review threshold
        assert sync_certified_listings_task() == {"delisted": 0, "restored": 0}
        assert services.cooperative_activation_set(cooperative=shop.coop, active=True) is False
    assert announced == []


def test_a_variant_names_its_parent(coop, commit, announced):
    with commit():
        parent = make_product(cooperative=coop, title="芒果礼盒", structure="parent", with_image=False)
        variant = make_product(cooperative=coop, title="", structure="child", parent=parent, with_image=False)
        StockRecord.objects.filter(product=parent).delete()
    announced.clear()
    with commit():
        _save_stock(variant, num_in_stock=0)
    assert announced == [tuple(sorted({parent.pk, variant.pk}))]


def test_a_receiver_that_fails_is_logged_and_the_change_stays(client, shop, commit, announced, caplog):
    def failing(sender, **kwargs):
        raise RuntimeError("search index down")

    product_visibility_changed.connect(failing, weak=False, dispatch_uid="test-failing")
    client.force_login(shop.staff)
    try:
        with commit(), caplog.at_level(logging.ERROR, logger="products.visibility"):
            response = client.post(
                reverse("cooperatives:listing-action", kwargs={"pk": shop.listed.pk, "action": "delist"}),
                {"reason": "质量抽检"},
            )
    finally:
        product_visibility_changed.disconnect(dispatch_uid="test-failing")
    assert response.status_code == 302
    shop.listed.refresh_from_db()
    assert shop.listed.listing_status == "delisted"
    assert announced == [(shop.listed.pk,)]
    assert "search index down" in caplog.text


# --------------------------------------------------------------------------- screens that change it
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dashboard_save_is_one_announcement(client, announced):
    """Oscar's product form (public flag, certificates) and its stock formset save in one transaction.

    Transactional: requests commit for real, each write on its own unless the view groups them.
    """
    product = make_product(title="田东芒果", category=CategoryFactory())
    client.force_login(UserFactory(email="admin@example.com", is_staff=True, is_superuser=True))
    announced.clear()
    response = dashboard_post(client, product, **{"stockrecords-0-num_in_stock": "0"})
    assert response.status_code == 302
    assert _stock(product).num_in_stock == 0
    assert announced == [(product.pk,)]


def _admin_form(client, url) -> dict:
    data = form_data(client.get(url).content.decode())
    if not data.get("users"):  # an empty multiple choice sends nothing
        data.pop("users", None)
    return data


def test_staff_deactivate_a_cooperative_in_the_admin(client, shop, commit, announced):
    client.force_login(UserFactory(email="admin@example.com", is_staff=True, is_superuser=True))
    url = reverse("admin:partner_partner_change", args=[shop.coop.pk])
    data = _admin_form(client, url)
    assert data.pop("is_active") == "on"
    data["suspension_reason"] = "抽检不合格"
    with commit():
        response = client.post(url, data)
    assert response.status_code == 302
    shop.coop.refresh_from_db()
    assert shop.coop.is_active is False
    assert announced == [
        tuple(sorted({shop.listed.pk, shop.draft.pk, shop.review.pk, shop.certified.pk, shop.badge_only.pk}))
    ]
    # An edit that leaves "active" alone says nothing.
    announced.clear()
    data = _admin_form(client, url)
    data["name"] = "田东芒果专业合作社"
    with commit():
        assert client.post(url, data).status_code == 302
    assert announced == []


def test_the_county_filter_follows_at_once(client, coop, commit):
    county = CountyFactory(name="凌云县", slug="lingyun")
    with commit():
        product = make_product(cooperative=coop, title="凌云白毫", origin_county=county)
    slugs = lambda: {c["slug"] for c in client.get(reverse("catalogue:index")).context["counties"]}  # noqa: E731
    assert "lingyun" in slugs()
    with commit():
        visibility.product_delist(product=product, reason="停产")
    assert "lingyun" not in slugs()


# --------------------------------------------------------------------------- layering
def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_partners_imports_nothing_of_products():
    """partners says what happened (partners.signals); the catalogue decides what follows."""
    package = Path(settings.BASE_DIR) / "partners"
    offenders = {
        str(path.relative_to(package)): sorted(
            name for name in _imported_modules(path) if name == "products" or name.startswith("products.")
        )
        for path in package.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
