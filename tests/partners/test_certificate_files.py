"""Editing and renewing a certificate that has a scan, in every screen that edits one.

Private storage has no URL: the file widget links to the permission-checked download
instead. A replaced scan is deleted once the change is committed, never before.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from partners import certifications
from partners.models import Certification
from tests.factories import CertificationFactory, CooperativeFactory, UserFactory
from tests.partners.helpers import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def cooperative_user(cooperative, email):
    user = UserFactory(email=email)
    user.user_permissions.add(Permission.objects.get(codename="dashboard_access", content_type__app_label="partner"))
    cooperative.users.add(user)
    return user


@pytest.fixture
def scanned():
    """A cooperative, its user and a green-food certificate with a stored PDF scan."""
    cooperative = CooperativeFactory(name="巴马香猪合作社")
    certificate = CertificationFactory(holder=cooperative, number="GF451022250301")
    certificate.scan.save("certificate-old.pdf", ContentFile(pdf_bytes("old")), save=True)
    return {
        "cooperative": cooperative,
        "certificate": certificate,
        "user": cooperative_user(cooperative, "pig@example.com"),
        "old_path": Path(certificate.scan.path),
    }


def renewal_data(certificate, **overrides):
    data = {
        "holder": str(certificate.holder_id),
        "scheme": certificate.scheme_id,
        "number": certificate.number,
        "issuer": certificate.issuer,
        "valid_from": (TODAY + datetime.timedelta(days=1)).isoformat(),
        "valid_until": (TODAY + datetime.timedelta(days=3 * 365)).isoformat(),
    }
    data.update(overrides)
    return data


def scan_link(html: str) -> str:
    match = re.search(r'<p class="current-file"><span[^>]*>[^<]*</span> <a href="([^"]+)"', html)
    assert match, "the form shows the current scan as a link"
    return match.group(1)


@pytest.mark.parametrize("who", ["cooperative", "staff"])
def test_renewing_a_certificate_with_a_scan_shows_the_scan_and_replaces_it(
    client, scanned, who, django_capture_on_commit_callbacks
):
    # Given a certificate with a scan, edited by its cooperative or by platform staff
    certificate = scanned["certificate"]
    user = scanned["user"] if who == "cooperative" else UserFactory(email="staff@example.com", is_staff=True)
    client.force_login(user)
    url = reverse("cooperatives:certificate-edit", kwargs={"pk": certificate.pk})

    # When the edit page is opened
    response = client.get(url)

    # Then it shows the scan's name linked to the permission-checked download
    assert response.status_code == 200
    html = response.content.decode()
    assert scan_link(html) == reverse("cooperatives:certificate-scan", kwargs={"pk": certificate.pk})
    assert "certificate-old" in html
    # with the dates filled in, as the browser's date input reads them, whatever the language
    assert f'name="valid_from" value="{certificate.valid_from.isoformat()}"' in html

    # When the renewal is posted with a new scan
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, renewal_data(certificate, scan=upload("新证书 扫描件.png", png_bytes(), "image/png"))
        )

    # Then the new dates and scan are saved, the new scan under a generated name, the old file is gone
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.valid_from == TODAY + datetime.timedelta(days=1)
    assert re.fullmatch(r"certificates/\d{4}/\d{2}/certificate-[\w-]+\.png", certificate.scan.name)
    assert Path(certificate.scan.path).read_bytes() == png_bytes()
    assert not scanned["old_path"].exists()


def test_renewal_without_a_new_scan_keeps_the_scan(client, scanned, django_capture_on_commit_callbacks):
    certificate = scanned["certificate"]
    client.force_login(scanned["user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cooperatives:certificate-edit", kwargs={"pk": certificate.pk}), renewal_data(certificate)
        )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.valid_from == TODAY + datetime.timedelta(days=1)
    assert Path(certificate.scan.path) == scanned["old_path"] and scanned["old_path"].exists()


def test_removing_the_scan_deletes_the_file(client, scanned, django_capture_on_commit_callbacks):
    certificate = scanned["certificate"]
    client.force_login(scanned["user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cooperatives:certificate-edit", kwargs={"pk": certificate.pk}),
            renewal_data(certificate, **{"scan-clear": "on"}),
        )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert not certificate.scan
    assert not scanned["old_path"].exists()


def test_a_refused_scan_keeps_what_was_typed_and_the_old_scan(client, scanned):
    certificate = scanned["certificate"]
    client.force_login(scanned["user"])
    with translation.override("en"):
        url = reverse("cooperatives:certificate-edit", kwargs={"pk": certificate.pk})
    response = client.post(
        url,
        renewal_data(certificate, issuer="广西绿色食品办公室", scan=upload("scan.pdf", b"<html><script>x</script>")),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "SVG and HTML files are not accepted" in html
    assert "广西绿色食品办公室" in html
    certificate.refresh_from_db()
    assert certificate.issuer != "广西绿色食品办公室"
    assert scanned["old_path"].exists()


def test_superuser_edits_a_certificate_with_a_scan_in_the_django_admin(
    client, scanned, django_capture_on_commit_callbacks
):
    # Given a superuser in /django-admin/
    certificate = scanned["certificate"]
    admin = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:partner_certification_change", args=[certificate.pk])

    # When the change page of a certificate with a scan is opened
    response = client.get(url)

    # Then it shows, and the scan links to the permission-checked download, which serves the superuser
    assert response.status_code == 200
    link = scan_link(response.content.decode())
    assert link == reverse("cooperatives:certificate-scan", kwargs={"pk": certificate.pk})
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes("old")

    # When the superuser renews it with a new scan
    data = renewal_data(certificate, scan=upload("renewed.pdf", pdf_bytes("new"), "application/pdf"))
    data.update({"verified": "on", "verified_by": "", "verified_at_0": "", "verified_at_1": ""})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    # Then it is saved (and verified by the superuser), the new scan stored, the old one deleted
    assert response.status_code == 302, response.content.decode()[:3000]
    certificate.refresh_from_db()
    assert certificate.valid_until == TODAY + datetime.timedelta(days=3 * 365)
    assert certificate.verified and certificate.verified_by == admin
    assert Path(certificate.scan.path).read_bytes() == pdf_bytes("new")
    assert certificate.scan.name.endswith(".pdf") and "renewed" not in certificate.scan.name
    assert not scanned["old_path"].exists()


def test_deleting_a_certificate_in_the_admin_deletes_its_scan(client, scanned, django_capture_on_commit_callbacks):
    certificate = scanned["certificate"]
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:partner_certification_delete", args=[certificate.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Certification.objects.filter(pk=certificate.pk).exists()
    assert not scanned["old_path"].exists()


def test_another_cooperative_cannot_download_the_scan(client, scanned):
    other = cooperative_user(CooperativeFactory(name="田东芒果公司"), "mango@example.com")
    client.force_login(other)
    certificate = scanned["certificate"]
    assert client.get(reverse("cooperatives:certificate-scan", kwargs={"pk": certificate.pk})).status_code == 404
    assert client.get(reverse("cooperatives:certificate-edit", kwargs={"pk": certificate.pk})).status_code == 404


def test_a_buyer_cannot_download_the_scan(client, scanned):
    client.force_login(UserFactory(email="buyer@example.com"))
    url = reverse("cooperatives:certificate-scan", kwargs={"pk": scanned["certificate"].pk})
    assert client.get(url).status_code == 403


def test_the_scan_is_served_by_its_content_never_as_a_page(client, scanned):
    # A stored "scan" that is really a page is downloaded, never shown as a page of the site.
    certificate = scanned["certificate"]
    scanned["old_path"].write_bytes(b"<html><script>alert(1)</script></html>")
    client.force_login(scanned["user"])
    response = client.get(reverse("cooperatives:certificate-scan", kwargs={"pk": certificate.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_rolled_back_renewal_keeps_the_old_scan(scanned, django_capture_on_commit_callbacks):
    certificate = scanned["certificate"]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        certificate.scan = ContentFile(pdf_bytes("new"), name="certificate-new.pdf")
        certifications.certification_save(certification=certificate)
        raise RuntimeError("something later in the same transaction fails")
    certificate.refresh_from_db()
    assert Path(certificate.scan.path) == scanned["old_path"]
    assert scanned["old_path"].read_bytes() == pdf_bytes("old")
