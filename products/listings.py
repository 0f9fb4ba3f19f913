"""Listing of products (上架): draft → under review → listed → delisted.

A product is shown in the shop only while it is listed *and* every certificate its
listing depends on is valid today: the shop's queries check the dates themselves, so a
lapsed certificate takes the product down at midnight without waiting for any job.
``listings_sync`` then writes the state down (delisted, with the reason) so that the
cooperative's dashboard and e-mails tell the same story, and restores the listing when
the certificate is renewed.
"""

import decimal
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from products.models import ListingStatus, ProductCertification

Product = get_model("catalogue", "Product")

CERTIFICATE_LAPSED = "certificate-lapsed"


def lapsed_dependency_q(today=None) -> Q:
    """Products with a certificate their listing depends on that is not valid ``today``."""
    today = today or timezone.localdate()
    lapsed = ProductCertification.objects.filter(product=OuterRef("pk"), listing_depends=True).filter(
        Q(certification__valid_from__gt=today) | Q(certification__valid_until__lt=today)
    )
    return Q(Exists(lapsed))


def _set_status(product, status: str, note: str = "") -> None:
    product.listing_status = status
    product.listing_note = note
    product.is_public = status == ListingStatus.LISTED
    product.save(update_fields=["listing_status", "listing_note", "is_public", "date_updated"])


def _current_price(product) -> Decimal | None:
    record = product.stockrecords.order_by("pk").first()
    return record.price if record else None


@transaction.atomic
def product_submit_for_review(*, product) -> None:
    """The cooperative asks for a draft or delisted product to be listed."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.listing_status not in (ListingStatus.DRAFT, ListingStatus.DELISTED):
        raise ValidationError(_("Only a draft or delisted product can be sent for review."), code="not_draft")
    if product.listing_note == CERTIFICATE_LAPSED:
        raise ValidationError(_("Renew the expired certificate first."), code="certificate_lapsed")
    _set_status(product, ListingStatus.REVIEW)


@transaction.atomic
def product_approve_listing(*, product, reviewer) -> None:
    """Platform staff list a product under review; its price becomes the reviewed price."""
    if not reviewer.is_staff:
        raise ValidationError(_("Only platform staff can list products."), code="not_staff")
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.listing_status != ListingStatus.REVIEW:
        raise ValidationError(_("Only a product under review can be listed."), code="not_in_review")
    if Product.objects.filter(pk=product.pk).filter(lapsed_dependency_q()).exists():
        raise ValidationError(_("A certificate this product depends on is not valid."), code="certificate_lapsed")
    product.reviewed_price = _current_price(product)
    product.save(update_fields=["reviewed_price"])
    _set_status(product, ListingStatus.LISTED)


@transaction.atomic
def product_delist(*, product, reason: str) -> None:
    product = Product.objects.select_for_update().get(pk=product.pk)
    _set_status(product, ListingStatus.DELISTED, reason)


def product_price_changed(*, product, new_price: Decimal) -> bool:
    """A listed product whose price moves beyond the threshold goes back to review (调价复审).

    Returns True if it was sent back. The threshold is ``PRODUCT_PRICE_REVIEW_PERCENT``.
    """
    if product.listing_status != ListingStatus.LISTED or product.reviewed_price in (None, 0) or new_price is None:
        return False
    try:
        change = abs(Decimal(new_price) - product.reviewed_price) / product.reviewed_price * 100
    except (decimal.InvalidOperation, ZeroDivisionError):
        return False
    if change <= Decimal(settings.PRODUCT_PRICE_REVIEW_PERCENT):
        return False
    _set_status(product, ListingStatus.REVIEW, "price-change")
    return True


@transaction.atomic
def listings_sync(*, certification_ids=None, today=None) -> dict[str, int]:
    """Delist listed products whose depending certificate lapsed; relist those renewed.

    Side effects: product listing state. Idempotent. Limited to the products of the
    given certificates when ``certification_ids`` is given (after an edit), else all.
    """
    today = today or timezone.localdate()
    products = Product.objects.all()
    if certification_ids is not None:
        products = products.filter(productcertification__certification_id__in=certification_ids).distinct()
    lapsed = products.filter(lapsed_dependency_q(today))
    delisted = lapsed.filter(listing_status=ListingStatus.LISTED).update(
        listing_status=ListingStatus.DELISTED, listing_note=CERTIFICATE_LAPSED, is_public=False
    )
    restored = (
        products.filter(listing_status=ListingStatus.DELISTED, listing_note=CERTIFICATE_LAPSED)
        .exclude(lapsed_dependency_q(today))
        .update(listing_status=ListingStatus.LISTED, listing_note="", is_public=True)
    )
    return {"delisted": delisted, "restored": restored}
