"""Reads of the catalogue, shaped so a page costs a fixed number of queries."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Certification = get_model("partner", "Certification")


def _with_listing_data(queryset: QuerySet) -> QuerySet:
    """Everything a product card shows: image, price and stock, cooperative, county, badges."""
    today = timezone.localdate()
    return queryset.select_related("origin_county", "product_class", "parent").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
        Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner").order_by("pk")),
        Prefetch("certifications", queryset=Certification.objects.valid(today), to_attr="valid_certifications"),
    )


def shop_visible_products() -> QuerySet:
    """Listed, public products none of whose listing certificates has lapsed today."""
    from products.listings import lapsed_dependency_q
    from products.models import ListingStatus

    return Product.objects.filter(is_public=True, listing_status=ListingStatus.LISTED).exclude(lapsed_dependency_q())


def browsable_products() -> QuerySet:
    """Shop-visible stand-alone or parent products with what their cards show, newest first."""
    return _with_listing_data(shop_visible_products().filter(parent=None)).order_by("-date_created", "-pk")


def featured_products(*, limit: int):
    return list(browsable_products()[:limit])


def county_products(*, county, limit: int):
    return list(browsable_products().filter(origin_county=county)[:limit])


def with_valid_certification(queryset: QuerySet, *, scheme: str) -> QuerySet:
    """Only products carrying a currently valid certificate of ``scheme``."""
    valid = Certification.objects.valid().filter(scheme=scheme)
    return queryset.filter(certifications__in=valid).distinct()


def counties_with_products():
    """Counties that have at least one public product, for the browse filter (cached briefly)."""
    from django.core.cache import cache

    County = get_model("partner", "County")

    def load():
        return list(
            County.objects.filter(products__is_public=True)
            .distinct()
            .order_by("prefecture", "name")
            .values("slug", "name")
        )

    return cache.get_or_set("catalogue:counties-with-products", load, 300)


def category_tree():
    """Top-level categories and their children, in tree order."""
    Category = get_model("catalogue", "Category")
    return list(Category.objects.filter(depth__lte=2, is_public=True).order_by("path"))


def valid_certifications_of(partner):
    return list(partner.certifications.valid().order_by("scheme"))


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
