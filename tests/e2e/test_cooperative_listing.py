"""An approved cooperative records a certificate, imports products, staff verify the certificate and list one,
buyers see it."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from products.models import ListingStatus
from tests.e2e.conftest import log_in
from tests.factories import CategoryFactory, CooperativeFactory, CountyFactory, UserFactory, home_page, scheme

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "journey-pass-2026"

CSV = (
    "商品编码,商品名称,分类,价格,库存,产地县,储存方式,保质期天数,规格,证书编号,图片文件名\n"
    "LY-201,凌云白毫 特级,茶叶,268.00,100,凌云县,常温,730,250克/罐,GF451027250001,\n"
    "LY-202,凌云白毫 红茶,茶叶,168.00,80,凌云县,常温,730,250克/罐,,\n"
)


def _log_in(page, email: str, next_url: str) -> None:
    log_in(page, email, PASSWORD, next_url)


def test_cooperative_lists_certified_products(page, journey):
    home_page()
    scheme()  # the migration's scheme rows (a transactional test before this one may have flushed them)
    county = CountyFactory(name="凌云县", slug="lingyun", prefecture="百色市", division_code="451027")
    CategoryFactory(name="茶叶")
    cooperative = CooperativeFactory(name="凌云白毫茶叶专业合作社", code="lingyun-tea", county=county)
    member = UserFactory(email="tea@coop.example.cn", password=PASSWORD)
    member.user_permissions.add(Permission.objects.get(codename="dashboard_access", content_type__app_label="partner"))
    cooperative.users.add(member)
    UserFactory(email="staff@platform.example.cn", is_staff=True, password=PASSWORD)

    # The cooperative records its Green Food certificate.
    _log_in(page, "tea@coop.example.cn", "/cooperatives/certificates/add/")
    page.select_option("#id_scheme", "green_food")
    page.fill("#id_number", "GF4510272500")  # too short: the form says what shape is expected
    page.fill("#id_issuer", "中国绿色食品发展中心")
    page.fill("#id_valid_from", "2026-01-01")
    with page.expect_navigation():
        page.click("form[enctype] button[type=submit]")
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    journey.check("certificate-error")
    page.fill("#id_number", "GF451027250001")
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url("**/cooperatives/certificates/")
    expect(page.get_by_role("cell", name="GF451027250001", exact=True)).to_be_visible()
    journey.check("certificates")

    # It imports two products from a CSV file.
    page.goto("/cooperatives/imports/")
    page.set_input_files(
        "input[name=source]", files=[{"name": "products.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.click("main button[type=submit]")
    page.wait_for_url("**/cooperatives/imports/*/")
    page.wait_for_function("!document.querySelector('meta[http-equiv=refresh]')", timeout=30_000)
    assert cooperative.imports.get().created_count == 2
    journey.check("import-done")

    page.goto("/cooperatives/listings/")
    expect(page.get_by_role("cell", name="凌云白毫 特级").first).to_be_visible()
    journey.check("listings-in-review")

    # Platform staff verify the certificate in their queue (until then it backs no listing), then list
    # the certified product; it appears in the shop with its badge.
    _log_in(page, "staff@platform.example.cn", "/shop/dashboard/")
    with page.expect_navigation():
        page.locator(".staff-queues a", has_text="证书待核验").click()
    card = page.locator("li", has_text="GF451027250001")
    journey.check("certificate-queue")
    with page.expect_navigation():
        card.get_by_role("button", name="核验").click()
    expect(page.get_by_text("暂无待核验的证书。")).to_be_visible()
    page.goto("/cooperatives/listings/?status=review")
    row = page.locator("tr", has_text="凌云白毫 特级")
    with page.expect_navigation():
        row.locator("form[action$='/approve/'] button").click()
    journey.check("listed")

    page.context.clear_cookies()
    page.goto("/shop/catalogue/?county=lingyun")
    expect(page.get_by_role("link", name="凌云白毫 特级")).to_be_visible()
    assert page.get_by_text("凌云白毫 红茶").count() == 0  # still under review
    journey.check("shop")
    from oscar.core.loading import get_model

    product = get_model("catalogue", "Product").objects.get(title="凌云白毫 特级")
    assert product.listing_status == ListingStatus.LISTED
    assert product.certifications.get().number == "GF451027250001"
