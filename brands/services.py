"""Writes of regional brands (区域公用品牌): the brand, its authorisations, the products that carry it.

Every rule is here, not in forms or the admin: only platform staff verify or revoke; a
cooperative is authorised only for a brand whose region covers its registered county; one
open authorisation per brand and cooperative; a product carries a brand only if its
cooperative holds a live authorisation. Each service runs in one transaction and, when the
brand mark of products may change, sends ``brands.signals.brand_products_changed``.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands import selectors
from brands.models import OPEN_STATUSES, AuthorisationStatus, BrandAuthorisation, ProductBrand, RegionalBrand
from brands.signals import brand_products_changed
from core.access import is_platform_staff
from core.files import delete_after_commit, generated_name
from core.slugs import pinyin_slugify
from core.uploads import validate_document

AGI_PATTERN = r"AGI\d{5}"
AGI_EXAMPLE = "AGI02001"
TRADEMARK_PATTERN = r"\d{4,12}"


def normalise_registration_number(number: str) -> str:
    return re.sub(r"\s+", "", number or "").upper()


def validate_registration_number(number: str) -> None:
    """农产品地理标志 numbers are ``AGI`` + five digits; a GI trademark's number is digits only."""
    number = normalise_registration_number(number)
    if number.startswith("AGI"):
        if not re.fullmatch(AGI_PATTERN, number):
            raise ValidationError(
                _("This is not an agricultural geographical indication number (expected a number like %(example)s)."),
                code="brand_number_format",
                params={"example": AGI_EXAMPLE},
            )
    elif not re.fullmatch(TRADEMARK_PATTERN, number):
        raise ValidationError(
            _("Give the AGI number (like %(example)s) or the trademark's registration number (digits only)."),
            code="brand_number_format",
            params={"example": AGI_EXAMPLE},
        )


def _evidence_name(upload, prefix: str) -> str:
    return generated_name(validate_document(upload), prefix=prefix)


def _announce(product_ids: Iterable[int]) -> None:
    ids = tuple(sorted({int(pk) for pk in product_ids}))
    if ids:
        brand_products_changed.send(sender=RegionalBrand, product_ids=ids)


def _unique_slug(name: str, *, exclude_pk: int | None) -> str:
    base = pinyin_slugify(name, max_length=56, fallback="brand")
    slug, n = base, 2
    taken = RegionalBrand.objects.exclude(pk=exclude_pk) if exclude_pk else RegionalBrand.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# --------------------------------------------------------------------------- the brand


@transaction.atomic
def regional_brand_save(*, brand: RegionalBrand, region: Iterable | None = None) -> RegionalBrand:
    """Normalise, check and save a brand (and its region's counties, when given).

    A new evidence file comes checked and renamed by the form (``core.uploads``); a change of number, dates or
    evidence needs staff verification again. Side effects: ``brand_products_changed`` for its
    products (the mark follows the brand's dates and verification); a replaced evidence file
    is deleted after commit.
    """
    brand.registration_number = normalise_registration_number(brand.registration_number)
    if not brand.slug:
        brand.slug = _unique_slug(brand.name, exclude_pk=brand.pk)
    errors = {}
    try:
        validate_registration_number(brand.registration_number)
    except ValidationError as error:
        errors["registration_number"] = error
    if brand.valid_from and brand.valid_until and brand.valid_until < brand.valid_from:
        errors["valid_until"] = ValidationError(_("The registration cannot end before it begins."), code="brand_dates")
    if errors:
        raise ValidationError(errors)
    replaced = ""
    if brand.pk:
        before = (
            RegionalBrand.objects.filter(pk=brand.pk)
            .values("registration_number", "valid_from", "valid_until", "evidence")
            .first()
        )
        if before:
            stored = before.pop("evidence")
            if stored and stored != brand.evidence.name:
                replaced = stored
            if stored != brand.evidence.name or before != {
                "registration_number": brand.registration_number,
                "valid_from": brand.valid_from,
                "valid_until": brand.valid_until,
            }:
                brand.verified, brand.verified_by, brand.verified_at = False, None, None
    brand.full_clean()
    brand.save()
    if region is not None:
        brand.region.set(region)
    delete_after_commit(brand.evidence.storage, replaced)
    _announce(selectors.product_ids_of(brand=brand))
    return brand


@transaction.atomic
def regional_brand_verify(*, brand: RegionalBrand, staff) -> RegionalBrand:
    """Staff confirm the registration against the register (核验). Side effects: ``brand_products_changed``."""
    if not is_platform_staff(staff):
        raise ValidationError(_("Only platform staff can verify regional brands."), code="not_staff")
    brand.verified, brand.verified_by, brand.verified_at = True, staff, timezone.now()
    brand.save(update_fields=["verified", "verified_by", "verified_at"])
    _announce(selectors.product_ids_of(brand=brand))
    return brand


# --------------------------------------------------------------------------- authorisations (授权使用)


def _check_in_region(*, brand: RegionalBrand, cooperative) -> None:
    if cooperative.county_id is None or not brand.region.filter(pk=cooperative.county_id).exists():
        raise ValidationError(
            _(
                "%(cooperative)s is not registered in the region of %(brand)s (%(region)s): "
                "only cooperatives of the region may use a regional brand."
            ),
            code="outside_region",
            params={
                "cooperative": cooperative.name,
                "brand": brand.name,
                "region": "、".join(county.name for county in brand.region.all()) or "—",
            },
        )


def brand_authorisation_check(*, brand: RegionalBrand, cooperative) -> None:
    """Whether ``cooperative`` may ask to use ``brand``: registered in its region, no open authorisation."""
    _check_in_region(brand=brand, cooperative=cooperative)
    if BrandAuthorisation.objects.filter(brand=brand, cooperative=cooperative, status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            _("%(cooperative)s already has an authorisation for %(brand)s, awaiting or verified."),
            code="authorisation_exists",
            params={"cooperative": cooperative.name, "brand": brand.name},
        )


@transaction.atomic
def brand_authorisation_request(
    *, brand: RegionalBrand, cooperative, evidence=None, requested_by=None
) -> BrandAuthorisation:
    """A cooperative asks to use a brand, with the holder's letter or licence; staff verify it later.

    Refused outside the brand's region and when an open authorisation (awaiting or verified)
    exists. Side effects: the evidence file is stored (checked by content, renamed).
    """
    brand_authorisation_check(brand=brand, cooperative=cooperative)
    authorisation = BrandAuthorisation(brand=brand, cooperative=cooperative, requested_by=requested_by)
    if evidence:
        evidence.name = _evidence_name(evidence, "authorisation")
        authorisation.evidence = evidence
    authorisation.full_clean()
    authorisation.save()
    return authorisation


@transaction.atomic
def brand_authorisation_verify(*, authorisation: BrandAuthorisation, staff) -> BrandAuthorisation:
    """Staff confirm an awaiting authorisation: the cooperative's linked products show the brand.

    Side effects: ``brand_products_changed`` for the cooperative's products of the brand.
    """
    if not is_platform_staff(staff):
        raise ValidationError(_("Only platform staff can verify brand authorisations."), code="not_staff")
    authorisation = (
        BrandAuthorisation.objects.select_for_update().select_related("brand", "cooperative").get(pk=authorisation.pk)
    )
    if authorisation.status != AuthorisationStatus.AWAITING:
        raise ValidationError(_("Only an authorisation awaiting verification can be verified."), code="not_awaiting")
    _check_in_region(brand=authorisation.brand, cooperative=authorisation.cooperative)
    authorisation.status = AuthorisationStatus.VERIFIED
    authorisation.verified_by, authorisation.verified_at = staff, timezone.now()
    authorisation.save(update_fields=["status", "verified_by", "verified_at"])
    _announce(selectors.product_ids_of(brand=authorisation.brand, cooperative=authorisation.cooperative))
    return authorisation


@transaction.atomic
def brand_authorisation_revoke(*, authorisation: BrandAuthorisation, staff, reason: str) -> BrandAuthorisation:
    """Staff revoke an authorisation (or turn down one awaiting), with the reason.

    The brand leaves the cooperative's products at once (the shop's queries check it); the
    links stay, so a new verified authorisation shows it again. Side effects:
    ``brand_products_changed`` for those products.
    """
    if not is_platform_staff(staff):
        raise ValidationError(_("Only platform staff can revoke brand authorisations."), code="not_staff")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"revocation_reason": _("Say why the authorisation is revoked.")}, code="no_reason")
    authorisation = (
        BrandAuthorisation.objects.select_for_update().select_related("brand", "cooperative").get(pk=authorisation.pk)
    )
    if authorisation.status == AuthorisationStatus.REVOKED:
        raise ValidationError(_("This authorisation is already revoked."), code="already_revoked")
    authorisation.status = AuthorisationStatus.REVOKED
    authorisation.revoked_by, authorisation.revoked_at = staff, timezone.now()
    authorisation.revocation_reason = reason
    authorisation.save(update_fields=["status", "revoked_by", "revoked_at", "revocation_reason"])
    _announce(selectors.product_ids_of(brand=authorisation.brand, cooperative=authorisation.cooperative))
    return authorisation


# --------------------------------------------------------------------------- products under a brand


def _cooperatives_of_product(product) -> list:
    from oscar.core.loading import get_model

    Partner = get_model("partner", "Partner")
    return list(Partner.objects.filter(stockrecords__product=product).distinct())


def product_brand_check(*, product, brand: RegionalBrand) -> None:
    """Whether ``product`` may carry ``brand``: one of its cooperatives holds a live authorisation."""
    cooperatives = _cooperatives_of_product(product)
    if not any(selectors.cooperative_may_use(cooperative=coop, brand=brand) for coop in cooperatives):
        raise ValidationError(
            _(
                "“%(product)s” cannot carry the brand %(brand)s: its cooperative holds no verified "
                "authorisation to use it."
            ),
            code="brand_not_authorised",
            params={"product": product.get_title(), "brand": brand.name},
        )


@transaction.atomic
def product_brand_add(*, product, brand: RegionalBrand, user=None) -> ProductBrand:
    """Sell ``product`` under ``brand``: refused unless its cooperative holds a live authorisation.

    Nothing changes when refused. Side effects: ``brand_products_changed`` for the product.
    """
    product_brand_check(product=product, brand=brand)
    link, _created = ProductBrand.objects.get_or_create(product=product, brand=brand, defaults={"added_by": user})
    _announce([product.pk])
    return link


@transaction.atomic
def product_brand_remove(*, product, brand: RegionalBrand) -> None:
    """Stop selling ``product`` under ``brand``. Side effects: ``brand_products_changed`` for the product."""
    ProductBrand.objects.filter(product=product, brand=brand).delete()
    _announce([product.pk])
