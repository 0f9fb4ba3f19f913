"""Upload, progress and report pages: who may see what, errors next to fields, templates."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from oscar.core.loading import get_model

from products import imports
from tests.factories import UserFactory, jpeg_bytes
from tests.products.conftest import csv_bytes, row, zip_bytes

ProductImport = get_model("catalogue", "ProductImport")
StockRecord = get_model("partner", "StockRecord")

ROOT = Path(__file__).resolve().parents[2]


def upload(data: bytes, name="products.csv"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def list_url():
    return reverse("cooperatives:imports")


def detail_url(product_import):
    return reverse("cooperatives:import-detail", kwargs={"pk": product_import.pk})


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(list_url())
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_a_user_outside_any_cooperative_is_refused(client, coop):
    client.force_login(UserFactory())
    assert client.get(list_url()).status_code == 403
    product_import = ProductImport.objects.create(partner=coop, source="imports/a.csv")
    assert client.get(detail_url(product_import)).status_code == 403


@pytest.mark.django_db
def test_member_uploads_and_sees_the_report(client, member, coop, category, django_capture_on_commit_callbacks):
    client.force_login(member)
    page = client.get(list_url())
    assert page.status_code == 200
    assert b'name="partner"' not in page.content  # one cooperative: nothing to choose
    for label in ('for="id_source"', 'for="id_images"', 'for="id_mode_0"', 'for="id_mode_1"'):
        assert label.encode() in page.content

    data = csv_bytes([row(sku="V-1", image="ok.jpg"), row(sku="V-2", category="没有这个分类")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            list_url(),
            {
                "source": upload(data),
                "images": upload(zip_bytes({"ok.jpg": jpeg_bytes()}), "pictures.zip"),
                "mode": "valid_rows",
            },
        )

    product_import = ProductImport.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(product_import)
    assert product_import.partner == coop and product_import.uploaded_by == member
    assert product_import.status == "done" and product_import.created_count == 1
    assert product_import.source.name.endswith("/products.csv")
    report = client.get(detail_url(product_import))
    content = report.content.decode()
    assert 'http-equiv="refresh"' not in content
    assert "没有这个分类" in content and "<td>3</td>" in content and "分类" in content
    assert report["Cache-Control"] == "no-store"
    listing = client.get(list_url()).content.decode()
    assert detail_url(product_import) in listing


@pytest.mark.django_db
def test_report_is_in_the_readers_language(client, member, coop, run_import):
    product_import = run_import(coop, csv_bytes([row(sku="L-1", price="abc")]))
    client.force_login(member)

    with translation.override("en"):
        english = client.get(detail_url(product_import)).content.decode()

    assert "The price “abc” is not a number." in english


@pytest.mark.django_db
def test_refused_files_are_reported_next_to_their_field(client, member):
    client.force_login(member)

    missing = client.post(list_url(), {"source": upload(csv_bytes([["X"]], header=["商品编码"])), "mode": "valid_rows"})
    broken = client.post(list_url(), {"source": upload(b"\x81\x20\xff\xfe\x00abc"), "mode": "valid_rows"})
    bad_zip = client.post(
        list_url(),
        {
            "source": upload(csv_bytes([row()])),
            "images": upload(zip_bytes({"../evil.jpg": jpeg_bytes()}), "p.zip"),
            "mode": "valid_rows",
        },
    )

    assert missing.status_code == 200
    assert "价格、库存、产地县、储存方式" in missing.content.decode()
    assert 'id="id_source-errors"' in missing.content.decode()
    assert 'id="id_source-errors"' in broken.content.decode()
    assert "../evil.jpg" in bad_zip.content.decode() and 'id="id_images-errors"' in bad_zip.content.decode()
    assert not ProductImport.objects.exists()


@pytest.mark.django_db
def test_a_cooperative_never_sees_another_cooperatives_imports(client, coop, other_coop, run_import):
    theirs = run_import(other_coop, csv_bytes([row(sku="SECRET-1")]))
    mine = run_import(coop, csv_bytes([row(sku="MINE-1")]))
    user = UserFactory()
    coop.users.add(user)
    client.force_login(user)

    listing = client.get(list_url()).content.decode()

    assert detail_url(mine) in listing and detail_url(theirs) not in listing
    assert other_coop.name not in listing
    assert client.get(detail_url(theirs)).status_code == 404
    assert client.get(detail_url(mine)).status_code == 200


@pytest.mark.django_db
def test_staff_choose_the_cooperative(client, coop, other_coop, category, django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert b'name="partner"' in client.get(list_url()).content
    unchosen = client.post(list_url(), {"source": upload(csv_bytes([row(sku="S-1")])), "mode": "valid_rows"})
    assert unchosen.status_code == 200 and 'id="id_partner-errors"' in unchosen.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            list_url(), {"partner": other_coop.pk, "source": upload(csv_bytes([row(sku="S-1")])), "mode": "valid_rows"}
        )

    assert StockRecord.objects.get(partner_sku="S-1").partner == other_coop


@pytest.mark.django_db
def test_a_member_cannot_import_for_another_cooperative(client, member, coop, other_coop):
    client.force_login(member)
    other_coop.users.add(UserFactory())

    client.post(list_url(), {"partner": other_coop.pk, "source": upload(csv_bytes([row()])), "mode": "valid_rows"})

    assert ProductImport.objects.get().partner == coop


@pytest.mark.django_db
def test_detail_page_refreshes_while_running_and_shows_progress(client, member, coop):
    product_import = ProductImport.objects.create(
        partner=coop, source="imports/x/p.csv", status="running", total_rows=200, processed_rows=50
    )
    client.force_login(member)

    content = client.get(detail_url(product_import)).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in content
    assert 'value="25"' in content and "50" in content and "200" in content


@pytest.mark.django_db
def test_templates_download_as_csv_and_xlsx(client, member):
    client.force_login(member)

    csv_response = client.get(reverse("cooperatives:import-template", kwargs={"extension": "csv"}))
    xlsx_response = client.get(reverse("cooperatives:import-template", kwargs={"extension": "xlsx"}))

    assert csv_response.content == (ROOT / "docs" / "import-template.csv").read_bytes()
    assert csv_response.content.decode("utf-8-sig").startswith("商品编码,商品名称,分类,价格")
    assert "attachment" in xlsx_response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx_response.content), read_only=True).worksheets[0]
    header, example = list(sheet.iter_rows(values_only=True))[:2]
    assert header[0] == "商品编码" and example[0] == "TD-101"


@pytest.mark.django_db
def test_the_template_itself_imports(run_import, coop):
    product_import = run_import(
        coop, imports.template_csv(), images=zip_bytes({"td-101.jpg": jpeg_bytes()}), name="template.csv"
    )
    assert product_import.created_count == 1, product_import.errors
