"""Reads of regional brands: which brand a product may show, which cooperatives may use a brand.

The one rule of a brand mark (query-time, like certificate dates): a product shows a brand
while the brand is verified and valid today and the product's cooperative (a partner of
one of its stock records) holds a verified, unrevoked authorisation for it. A revocation
or a lapse takes the mark off at once, without a job.
"""

import datetime

from django.db.models import Exists, OuterRef, QuerySet

from brands.models import AuthorisationStatus, BrandAuthorisation, ProductBrand, RegionalBrand


def live_brands(today: datetime.date | None = None) -> QuerySet:
    """Brands verified by staff and valid today."""
    return RegionalBrand.objects.live(today)


def live_authorisations(today: datetime.date | None = None) -> QuerySet:
    """Verified, unrevoked authorisations of live brands, for cooperatives still registered in the region.

    The region is checked here too, not only when the authorisation is asked for: a county
    taken out of a brand's region (or a cooperative re-registered elsewhere) ends its use.
    """
    in_region = RegionalBrand.region.through.objects.filter(
        regionalbrand_id=OuterRef("brand_id"), county_id=OuterRef("cooperative__county_id")
    )
    return BrandAuthorisation.objects.filter(
        Exists(in_region), status=AuthorisationStatus.VERIFIED, brand__in=live_brands(today).values("pk")
    )


def live_product_brands(today: datetime.date | None = None) -> QuerySet:
    """Product–brand links a product may show today (see the module's rule)."""
    authorised = live_authorisations(today).filter(
        brand=OuterRef("brand"), cooperative__stockrecords__product=OuterRef("product")
    )
    return ProductBrand.objects.filter(Exists(authorised))


def cooperative_may_use(*, cooperative, brand, today: datetime.date | None = None) -> bool:
    """Whether ``cooperative`` holds a live authorisation for ``brand``."""
    return live_authorisations(today).filter(brand=brand, cooperative=cooperative).exists()


def authorised_cooperatives(*, brand, today: datetime.date | None = None) -> list:
    """The cooperatives with a live authorisation for ``brand`` (active ones), by name."""
    from oscar.core.loading import get_model

    Partner = get_model("partner", "Partner")
    authorised = live_authorisations(today).filter(brand=brand, cooperative=OuterRef("pk"))
    return list(Partner.objects.filter(Exists(authorised), is_active=True).select_related("county").order_by("name"))


def authorisations_awaiting() -> QuerySet:
    """The staff queue: authorisations waiting for verification, oldest first."""
    return (
        BrandAuthorisation.objects.filter(status=AuthorisationStatus.AWAITING)
        .select_related("brand", "cooperative", "cooperative__county")
        .order_by("requested_at", "pk")
    )


def product_ids_of(*, brand, cooperative=None) -> list[int]:
    """Products linked to ``brand`` (only those ``cooperative`` stocks, if given)."""
    links = ProductBrand.objects.filter(brand=brand)
    if cooperative is not None:
        links = links.filter(product__stockrecords__partner=cooperative)
    return list(links.values_list("product_id", flat=True).distinct())


def product_links_of(*, cooperatives) -> QuerySet:
    """Product–brand links of the products ``cooperatives`` stock (the cooperative's own screen)."""
    return (
        ProductBrand.objects.filter(product__stockrecords__partner__in=cooperatives)
        .select_related("product", "brand")
        .distinct()
        .order_by("brand__name", "product__title")
    )
