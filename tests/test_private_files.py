"""Licences and certificate scans are stored outside MEDIA_ROOT and have no public URL."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from partners.models import Certification, CooperativeApplication


@pytest.mark.parametrize(
    "field",
    [
        CooperativeApplication._meta.get_field("business_licence"),
        CooperativeApplication._meta.get_field("food_licence"),
        CooperativeApplication._meta.get_field("bank_licence"),
        Certification._meta.get_field("scan"),
    ],
)
def test_private_documents_live_outside_media_and_have_no_url(field):
    name = field.storage.save("applications/licence.pdf", ContentFile(b"%PDF-1.4 test"))
    stored = Path(field.storage.path(name))
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    with pytest.raises(ValueError):
        field.storage.url(name)


@pytest.mark.django_db
def test_deleting_an_import_deletes_its_files_after_commit_and_a_rollback_keeps_them(
    django_capture_on_commit_callbacks,
):
    from django.db import transaction

    from products.models import ProductImport
    from tests.factories import CooperativeFactory

    def new_import():
        product_import = ProductImport(partner=CooperativeFactory())
        product_import.source.save("products.csv", ContentFile("商品编码\n".encode()), save=False)
        product_import.images.save("pictures.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=False)
        product_import.save()
        return product_import, [Path(product_import.source.path), Path(product_import.images.path)]

    kept, kept_paths = new_import()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        kept.delete()
        raise RuntimeError("rolled back")
    assert all(path.exists() for path in kept_paths)

    gone, gone_paths = new_import()
    with django_capture_on_commit_callbacks(execute=True):
        gone.partner.delete()  # the cascade takes the import, and the import its files
    assert not ProductImport.objects.filter(pk=gone.pk).exists()
    assert not any(path.exists() for path in gone_paths)


@pytest.mark.parametrize(
    "name, inline",
    [("images/products/a.jpg", True), ("images/products/a.PNG", True), ("x/page.html", False), ("x/a.svg", False)],
)
def test_media_is_served_with_nosniff_a_sandbox_and_attachment_unless_a_picture(rf, settings, name, inline):
    from core.views import serve_media

    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"<html><script>alert(1)</script></html>")
    response = serve_media(rf.get("/media/" + name), name, document_root=settings.MEDIA_ROOT)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.get("Content-Disposition", "").startswith("attachment") is not inline
