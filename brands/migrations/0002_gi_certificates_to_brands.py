"""Geographical-indication certificates become regional brands (地理标志 → 区域公用品牌).

Each distinct GI number (``partner.Certification`` with scheme "gi") becomes a
``RegionalBrand``: its name is the first word of the first product carrying the
certificate (e.g. 巴马香猪 from "巴马香猪 鲜五花肉"), else "<county>地理标志 <number>"; its
region is the certificate holders' registered counties; its holder, validity, verification
and scan are the certificate's (the scan is copied, so each row owns its file). Each holder
gets an authorisation, verified if the certificate was (and the holder has a registered
county), else awaiting verification; every
product linked to the certificate is linked to the brand.

Nothing is deleted: the certificate rows and their product links stay. Whether a GI
certificate should still count as a product certification (a badge, a listing dependency)
is decided with the badges, not here; the brand mark and the GI badge both show until then.
The view from this side: it should stop counting — the brand mark says the same thing with
the region and the authorisation behind it, the catalogue's "地理标志" filter would read the
brands, and new GIs would be entered as brands rather than as one cooperative's certificate.

Running it again adds nothing (keyed on the number, the cooperative and the product).
Reversing it keeps what it made; reversing 0001 drops the tables.
"""

import logging
from collections import defaultdict

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

from core.files import generated_name
from core.slugs import pinyin_slugify

logger = logging.getLogger(__name__)

GI_SCHEME = "gi"


def _brand_name(*, number: str, product_titles: list[str], county) -> str:
    for title in product_titles:
        words = (title or "").split()
        if words:
            return words[0][:64]
    prefix = county.name if county is not None else ""
    return f"{prefix}地理标志 {number}"[:64]


def _unique_slug(RegionalBrand, name: str) -> str:
    base = pinyin_slugify(name, max_length=56, fallback="brand")
    slug, n = base, 2
    while RegionalBrand.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _copy_file(field_file, *, prefix: str) -> str:
    """A copy of a stored private file under a new name; "" if there is none or it cannot be read."""
    if not field_file or not field_file.name:
        return ""
    storage = field_file.storage
    extension = field_file.name.rsplit(".", 1)[-1] if "." in field_file.name else "bin"
    try:
        with storage.open(field_file.name, "rb") as source:
            return storage.save(generated_name(extension, prefix=prefix), source)
    except OSError:
        logger.warning("GI certificate scan %s could not be copied to its brand", field_file.name)
        return ""


def gi_certificates_to_brands(apps, schema_editor):
    Certification = apps.get_model("partner", "Certification")
    ProductCertification = apps.get_model("catalogue", "ProductCertification")
    RegionalBrand = apps.get_model("brands", "RegionalBrand")
    BrandAuthorisation = apps.get_model("brands", "BrandAuthorisation")
    ProductBrand = apps.get_model("brands", "ProductBrand")

    groups = defaultdict(list)
    for certificate in Certification.objects.filter(scheme=GI_SCHEME).select_related("holder", "holder__county"):
        number = "".join((certificate.number or "").split()).upper()
        groups[number].append(certificate)

    for number, certificates in sorted(groups.items()):
        certificates.sort(key=lambda c: (not c.verified, c.pk))
        first = certificates[0]
        product_ids = list(
            ProductCertification.objects.filter(certification__in=[c.pk for c in certificates])
            .order_by("product_id")
            .values_list("product_id", flat=True)
        )
        brand = RegionalBrand.objects.filter(registration_number=number).first()
        if brand is None:
            titles = list(
                apps.get_model("catalogue", "Product")
                .objects.filter(pk__in=product_ids)
                .order_by("pk")
                .values_list("title", flat=True)
            )
            name = _brand_name(number=number, product_titles=titles, county=first.holder.county)
            issuers = "、".join(sorted({c.issuer for c in certificates if c.issuer}))
            verified = [c for c in certificates if c.verified]
            brand = RegionalBrand.objects.create(
                name=name,
                slug=_unique_slug(RegionalBrand, name),
                registration_number=number,
                holder=first.holder.name[:128],
                description=f"由地理标志证书 {number}{f'（{issuers}）' if issuers else ''}迁移而来。",
                valid_from=min(c.valid_from for c in certificates),
                valid_until=None
                if any(c.valid_until is None for c in certificates)
                else max(c.valid_until for c in certificates),
                verified=bool(verified),
                verified_by_id=verified[0].verified_by_id if verified else None,
                verified_at=verified[0].verified_at if verified else None,
                evidence=_copy_file(first.scan, prefix="brand"),
            )
        for certificate in certificates:
            cooperative = certificate.holder
            if cooperative.county_id:
                brand.region.add(cooperative.county_id)
            open_statuses = Q(status="awaiting") | Q(status="verified")
            # A holder without a registered county cannot be shown to be in the region: staff decide.
            verified = certificate.verified and cooperative.county_id is not None
            if not BrandAuthorisation.objects.filter(open_statuses, brand=brand, cooperative=cooperative).exists():
                BrandAuthorisation.objects.create(
                    brand=brand,
                    cooperative=cooperative,
                    status="verified" if verified else "awaiting",
                    requested_at=certificate.verified_at or timezone.now(),
                    verified_by_id=certificate.verified_by_id if verified else None,
                    verified_at=(certificate.verified_at or timezone.now()) if verified else None,
                )
        for product_id in product_ids:
            ProductBrand.objects.get_or_create(product_id=product_id, brand=brand)


class Migration(migrations.Migration):
    dependencies = [
        ("brands", "0001_regional_brands"),
        ("partner", "0011_certification_schemes_are_data"),
        ("catalogue", "0035_product_traceability_code_unique"),
    ]

    operations = [migrations.RunPython(gi_certificates_to_brands, migrations.RunPython.noop, elidable=False)]
