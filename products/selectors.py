"""Reads of the catalogue, shaped so a page costs a fixed number of queries."""

import datetime
import unicodedata

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Lower
from django.utils import timezone
from oscar.core.loading import get_model

from brands import selectors as brand_selectors
from products.models import ListingStatus, ProductCertification

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Certification = get_model("partner", "Certification")


def _with_listing_data(queryset: QuerySet) -> QuerySet:
    """Everything a product card shows: image, price and stock, cooperative, county, badges."""
    today = timezone.localdate()
    return (
        with_brand_mark(queryset, today=today)
        .select_related("origin_county", "product_class", "parent")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
            Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner").order_by("pk")),
            Prefetch(
                "certifications",
                queryset=Certification.objects.recognised(today).select_related("scheme"),
                to_attr="valid_certifications",
            ),
        )
    )


def with_brand_mark(queryset: QuerySet, *, today: datetime.date | None = None) -> QuerySet:
    """``brand_name`` and ``brand_slug``: the regional brand a product shows today, if any.

    Two subqueries in the product query instead of one more query per page: a product sells
    under one regional brand in practice; with several, the first by name is shown on cards.
    The rule is ``brands.selectors.live_product_brands`` (authorisation verified, not revoked).
    """
    live = brand_selectors.live_product_brands(today).filter(product=OuterRef("pk")).order_by("brand__name")
    return queryset.annotate(
        brand_name=Subquery(live.values("brand__name")[:1]),
        brand_slug=Subquery(live.values("brand__slug")[:1]),
    )


def _dependencies(product=None):
    """Certificates listings depend on (per-batch schemes never make a product certification)."""
    return ProductCertification.objects.filter(
        product=product if product is not None else OuterRef("pk"),
        listing_depends=True,
        certification__scheme__per_batch=False,
    )


def lapsed_dependency_q(today: datetime.date | None = None) -> Q:
    """Products with a certificate their listing depends on that is not valid ``today`` (by its dates)."""
    today = today or timezone.localdate()
    lapsed = _dependencies().filter(Q(certification__valid_from__gt=today) | Q(certification__valid_until__lt=today))
    return Q(Exists(lapsed))


def unverified_dependency_q() -> Q:
    """Products with a certificate their listing depends on that staff have not verified (yet, or again)."""
    return Q(Exists(_dependencies().filter(certification__verified=False)))


def unmet_dependency_q(today: datetime.date | None = None) -> Q:
    """Products with a certificate their listing depends on that buyers may not rely on: lapsed or unverified."""
    return lapsed_dependency_q(today) | unverified_dependency_q()


def inactive_cooperative_q() -> Q:
    """Products (or their variants) stocked by a removed or suspended cooperative."""
    records = StockRecord.objects.filter(Q(product=OuterRef("pk")) | Q(product__parent=OuterRef("pk")))
    return Q(Exists(records.filter(partner__is_active=False)))


def shop_visible_products() -> QuerySet:
    """Listed, public products whose listing certificates are verified and valid today and
    whose cooperative is active.

    The one rule of what the shop shows and sells (the catalogue, search, product, county,
    project and trace pages, checkout); every change of what it depends on goes through
    ``products.visibility``.
    """
    return (
        Product.objects.filter(is_public=True, listing_status=ListingStatus.LISTED)
        .exclude(unmet_dependency_q())
        .exclude(inactive_cooperative_q())
    )


def browsable_products() -> QuerySet:
    """Shop-visible stand-alone or parent products with what their cards show, newest first."""
    return _with_listing_data(shop_visible_products().filter(parent=None)).order_by("-date_created", "-pk")


def featured_products(*, limit: int):
    return list(browsable_products()[:limit])


def county_products(*, county, limit: int):
    return list(browsable_products().filter(origin_county=county)[:limit])


def with_valid_certification(queryset: QuerySet, *, scheme: str) -> QuerySet:
    """Only products carrying a verified, currently valid certificate of ``scheme``."""
    recognised = Certification.objects.recognised().filter(scheme=scheme)
    return queryset.filter(
        Exists(ProductCertification.objects.filter(product=OuterRef("pk"), certification__in=recognised))
    )


def badge_schemes():
    """Schemes a buyer can filter by: product certifications (not per-batch ones), in their order."""
    CertificationScheme = get_model("partner", "CertificationScheme")
    return list(CertificationScheme.objects.filter(per_batch=False))


COUNTIES_WITH_PRODUCTS_KEY = "catalogue:counties-with-products"


def counties_with_products():
    """Counties that have at least one public product, for the browse filter.

    Cached until the shop's visibility changes (``products.receivers``), five minutes at most.
    """
    from django.core.cache import cache

    County = get_model("partner", "County")

    def load():
        return list(
            County.objects.filter(products__in=shop_visible_products().filter(parent=None))
            .distinct()
            .order_by("prefecture", "name")
            .values("slug", "name")
        )

    return cache.get_or_set(COUNTIES_WITH_PRODUCTS_KEY, load, 300)


def category_tree():
    """Top-level categories and their children, in tree order."""
    Category = get_model("catalogue", "Category")
    return list(Category.objects.filter(depth__lte=2, is_public=True).order_by("path"))


def valid_certifications_of(partner):
    """The cooperative's certificates buyers may rely on (verified, valid)."""
    return list(partner.certifications.recognised().select_related("scheme").order_by("scheme__position", "number"))


def product_is_visible(product) -> bool:
    return shop_visible_products().filter(pk=product.pk).exists()


def product_for_detail() -> QuerySet:
    return _with_listing_data(Product.objects.all()).prefetch_related("categories", "attribute_values__attribute")


def cooperative_of(product):
    """The cooperative selling ``product`` (its first stock record's partner)."""
    records = list(product.stockrecords.all())
    return records[0].partner if records else None


def trace_qr_data_uri(product, request) -> str:
    """A PNG data URI of the QR code that opens the product's public trace page."""
    import segno
    from django.urls import reverse

    if not product.traceability_code:
        return ""
    url = request.build_absolute_uri(reverse("cooperatives:trace", kwargs={"code": product.traceability_code}))
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def _plausible_trace_code(code: str) -> bool:
    """Worth a query: not empty, not longer than any stored code, no control characters (NUL included)."""
    from products.models import TRACE_CODE_MAX_LENGTH

    return 0 < len(code) <= TRACE_CODE_MAX_LENGTH and not any(unicodedata.category(char)[0] == "C" for char in code)


def trace_page_product(code: str):
    """(product, on sale) for the public trace page of ``code`` (any case); (None, False) for an unknown code.

    A product the shop may not show (draft, under review, delisted, hidden, a lapsed
    certificate) comes back with ``on sale`` false and only its name and origin county loaded:
    the trace page shows no more than the packaging does.
    """
    code = (code or "").strip()
    if not _plausible_trace_code(code):
        return None, False
    matches = (
        Product.objects.exclude(traceability_code="")
        .alias(code_key=Lower("traceability_code"))
        .filter(code_key=Lower(Value(code)))
    )
    product = _with_listing_data(shop_visible_products().filter(pk__in=matches.values("pk"))).first()
    if product is not None:
        return product, True
    product = matches.select_related("origin_county").only("pk", "title", "origin_county").first()
    return product, False


def trace_code_taken(*, code: str, exclude_pk: int | None = None) -> bool:
    """Whether another product already has the traceability code ``code`` (any case)."""
    if not code:
        return False
    others = (
        Product.objects.exclude(traceability_code="")
        .alias(code_key=Lower("traceability_code"))
        .filter(code_key=Lower(Value(code)))
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


# --------------------------------------------------------------------------- regional brands (区域公用品牌)

BRANDS_WITH_PRODUCTS_KEY = "catalogue:brands-with-products"


def with_live_brand(queryset: QuerySet, *, slug: str) -> QuerySet:
    """Only products that show the brand ``slug`` today (its cooperative's authorisation live)."""
    links = brand_selectors.live_product_brands().filter(brand__slug=slug, product=OuterRef("pk"))
    return queryset.filter(Exists(links))


def brands_with_products():
    """Brands that some public product shows, for the browse filter: ``[{"slug", "name"}]``.

    Cached until the shop's visibility changes (``products.receivers``), five minutes at most.
    """
    from django.core.cache import cache

    def load():
        links = brand_selectors.live_product_brands().filter(product__is_public=True)
        return list(
            brand_selectors.live_brands()
            .filter(pk__in=links.values("brand_id"))
            .order_by("name")
            .values("slug", "name")
        )

    return cache.get_or_set(BRANDS_WITH_PRODUCTS_KEY, load, 300)


def brand_index():
    """Live brands with the counties of their region, for the brands index page (two queries)."""
    County = get_model("partner", "County")
    return list(
        brand_selectors.live_brands()
        .prefetch_related(Prefetch("region", queryset=County.objects.order_by("prefecture", "name")))
        .order_by("name")
    )


def brand_for_page(slug: str):
    """A live brand with its region's counties loaded, or None."""
    County = get_model("partner", "County")
    return (
        brand_selectors.live_brands()
        .filter(slug=slug)
        .prefetch_related(Prefetch("region", queryset=County.objects.order_by("prefecture", "name")))
        .first()
    )


def brand_products(*, brand) -> QuerySet:
    """The brand's products the shop shows, with what their cards show, newest first.

    Only products of cooperatives authorised today: the same rule as the brand mark.
    """
    return with_live_brand(browsable_products(), slug=brand.slug)


def authorised_cooperatives(*, brand) -> list:
    return brand_selectors.authorised_cooperatives(brand=brand)
