"""What the shop shows and sells (上架与可售): every change of it goes through this module.

The shop shows a product while it is listed, public, and none of the certificates its
listing depends on has lapsed today (``selectors.shop_visible_products``, the one rule); it
sells it while its stock record has stock left. The functions below are the writes that
move either: listing state (draft → under review → listed → delisted, back to review after
a price change), the listings that follow certificates and their lapses, and the events
that change visibility or availability elsewhere — a certificate saved or verified, a
cooperative (de)activated (both told by ``partners.signals``), stock saved or written in
bulk, an import, a product edited or deleted in a dashboard.

Each works out the products whose visibility may have changed and hands them to
``_announce``, which sends ``products.signals.product_visibility_changed`` once the
transaction commits: one signal per transaction, whatever the number of changes in it
(see that module for what receivers may rely on).

A lapsed certificate takes its products out of the shop at midnight without any job, since
the shop's queries check dates; ``listings_sync`` then writes the state down (delisted, with
the reason) so that the cooperative's screens tell the same story, and relists the products
when the certificate is renewed.
"""

from __future__ import annotations

import decimal
import logging
import weakref
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from core.access import is_platform_staff
from products.models import ListingStatus, ProductCertification
from products.selectors import lapsed_dependency_q, unmet_dependency_q
from products.signals import product_visibility_changed

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

logger = logging.getLogger(__name__)

CERTIFICATE_LAPSED = "certificate-lapsed"
CERTIFICATE_UNVERIFIED = "certificate-unverified"  # renewed or corrected: back once staff verify it
PRICE_CHANGE = "price-change"
_CHUNK = 500  # ids per query: well under SQLite's 999 parameters


# =========================================================================== the announcement


class _Batch:
    """The products announced in one transaction; sent once, when it commits."""

    def __init__(self) -> None:
        self.product_ids: set[int] = set()
        self.sent = False

    def send(self) -> None:
        if self.sent:
            return
        self.sent = True
        ids = set(self.product_ids)
        for chunk in _chunks(ids):
            # A variant's availability is its parent's in the shop's lists.
            ids.update(Product.objects.filter(pk__in=chunk, parent__isnull=False).values_list("parent_id", flat=True))
        logger.debug("product_visibility_changed: %s", sorted(ids))
        for receiver, result in product_visibility_changed.send_robust(sender=Product, product_ids=tuple(sorted(ids))):
            if isinstance(result, Exception):
                logger.error("product_visibility_changed: %r failed", receiver, exc_info=result)


_batches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # database connection -> its open _Batch


def _pending(connection, batch: _Batch) -> bool:
    """Whether ``batch`` waits for this transaction's commit (not sent, not dropped with a rollback)."""
    return not batch.sent and any(func == batch.send for _sids, func, _robust in reversed(connection.run_on_commit))


def _announce(product_ids: Iterable[int | None]) -> None:
    """Tell ``product_visibility_changed`` receivers about ``product_ids`` once this transaction commits.

    Outside a transaction the signal goes at once. Within one, every call adds to the same
    batch, sent by whichever of its on-commit callbacks runs first (each call registers
    one, so the batch survives a savepoint rolled back after it started). Products announced
    in a savepoint that rolled back may stay in the batch, which the signal allows.
    """
    ids = {int(pk) for pk in product_ids if pk is not None}
    if not ids:
        return
    connection = transaction.get_connection()
    batch = _batches.get(connection)
    if batch is None or not _pending(connection, batch):
        batch = _batches[connection] = _Batch()
    batch.product_ids |= ids
    transaction.on_commit(batch.send)


def _chunks(ids: Iterable[int], size: int = _CHUNK) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# =========================================================================== listing state (上架)


def _set_status(product, status: str, note: str = "") -> None:
    product.listing_status = status
    product.listing_note = note
    product.is_public = status == ListingStatus.LISTED
    product.save(update_fields=["listing_status", "listing_note", "is_public", "date_updated"])
    _announce([product.pk])


def _current_price(product) -> Decimal | None:
    record = product.stockrecords.order_by("pk").first()
    return record.price if record else None


def _check_food_licence(product) -> None:
    """A product of a category in ``FOOD_LICENCE_CATEGORIES`` (加工食品 …, or a subcategory of one) is
    listed only for cooperatives whose approved application carries a food production licence (食品生产许可证)."""
    from partners.models import ApplicationStatus, CooperativeApplication

    needed = set(settings.FOOD_LICENCE_CATEGORIES)
    categories = (product.parent or product).categories.all() if needed else ()
    names = {ancestor.name for category in categories for ancestor in category.get_ancestors_and_self()}
    matched = sorted(names & needed)
    if not matched:
        return
    cooperative_ids = set(product.stockrecords.values_list("partner_id", flat=True))
    licensed = CooperativeApplication.objects.filter(
        partner_id__in=cooperative_ids, status=ApplicationStatus.APPROVED
    ).exclude(food_licence="")
    if not cooperative_ids or cooperative_ids - set(licensed.values_list("partner_id", flat=True)):
        raise ValidationError(
            _(
                "Products of “%(category)s” need a food production licence: "
                "the cooperative's approved application has none."
            ),
            code="food_licence_missing",
            params={"category": matched[0]},
        )


@transaction.atomic
def product_submit_for_review(*, product) -> None:
    """The cooperative asks for a draft or delisted product to be listed.

    Side effects: the product's listing state; ``product_visibility_changed`` after commit.
    """
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.listing_status not in (ListingStatus.DRAFT, ListingStatus.DELISTED):
        raise ValidationError(_("Only a draft or delisted product can be sent for review."), code="not_draft")
    if product.listing_note == CERTIFICATE_LAPSED:
        raise ValidationError(_("Renew the expired certificate first."), code="certificate_lapsed")
    if product.listing_note == CERTIFICATE_UNVERIFIED:
        raise ValidationError(
            _("The product returns to the shop by itself once staff have verified its certificate."),
            code="certificate_unverified",
        )
    _check_food_licence(product)
    _set_status(product, ListingStatus.REVIEW)


@transaction.atomic
def product_approve_listing(*, product, reviewer) -> None:
    """Platform staff list a product under review; its price becomes the reviewed price.

    Side effects: the product's listing state and reviewed price; ``product_visibility_changed`` after commit.
    """
    if not is_platform_staff(reviewer):
        raise ValidationError(_("Only platform staff can list products."), code="not_staff")
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.listing_status != ListingStatus.REVIEW:
        raise ValidationError(_("Only a product under review can be listed."), code="not_in_review")
    if Product.objects.filter(pk=product.pk).filter(lapsed_dependency_q()).exists():
        raise ValidationError(_("A certificate this product depends on is not valid."), code="certificate_lapsed")
    if Product.objects.filter(pk=product.pk).filter(unmet_dependency_q()).exists():
        raise ValidationError(
            _("Verify the certificates this product depends on first (queue of certificates awaiting verification)."),
            code="certificate_unverified",
        )
    product.reviewed_price = _current_price(product)
    product.save(update_fields=["reviewed_price"])
    _set_status(product, ListingStatus.LISTED)


@transaction.atomic
def product_delist(*, product, reason: str) -> None:
    """Take a product out of the shop (下架) with the reason shown to its cooperative.

    Side effects: the product's listing state; ``product_visibility_changed`` after commit.
    """
    product = Product.objects.select_for_update().get(pk=product.pk)
    _set_status(product, ListingStatus.DELISTED, reason)


def product_price_changed(*, product, new_price: Decimal) -> bool:
    """A listed product whose price moves beyond the threshold goes back to review (调价复审).

    Returns True if it was sent back. The threshold is ``PRODUCT_PRICE_REVIEW_PERCENT``.
    Side effects: the product's listing state; ``product_visibility_changed`` after commit.
    """
    if product.listing_status != ListingStatus.LISTED or product.reviewed_price in (None, 0) or new_price is None:
        return False
    try:
        change = abs(Decimal(new_price) - product.reviewed_price) / product.reviewed_price * 100
    except (decimal.InvalidOperation, ZeroDivisionError):
        return False
    if change <= Decimal(settings.PRODUCT_PRICE_REVIEW_PERCENT):
        return False
    _set_status(product, ListingStatus.REVIEW, PRICE_CHANGE)
    return True


# =========================================================================== certificates (认证证书)


def _locked_ids(queryset) -> list[int]:
    """Ids of ``queryset``'s products, their rows locked in primary-key order until commit."""
    return list(queryset.select_for_update().order_by("pk").values_list("pk", flat=True))


def _update_in_chunks(ids: list[int], **values) -> int:
    return sum(Product.objects.filter(pk__in=chunk).update(**values) for chunk in _chunks(ids))


@transaction.atomic
def listings_sync(*, certification_ids: Iterable[int] | None = None, today=None) -> dict[str, int]:
    """Delist listed products a depending certificate no longer backs (lapsed, or awaiting
    verification after a change); relist them once it does again (renewed and verified).

    Limited to the products of the given certificates when ``certification_ids`` is given
    (after an edit or a verification), else all (the nightly job). Idempotent. The note says
    why: ``CERTIFICATE_LAPSED`` or ``CERTIFICATE_UNVERIFIED``. Side effects: product listing
    state; ``product_visibility_changed`` after commit for the products delisted or relisted.
    """
    today = today or timezone.localdate()
    products = Product.objects.all()
    if certification_ids is not None:
        linked = ProductCertification.objects.filter(certification_id__in=list(certification_ids))
        products = products.filter(pk__in=linked.values("product_id"))
    waiting = (CERTIFICATE_LAPSED, CERTIFICATE_UNVERIFIED)
    listed = products.filter(listing_status=ListingStatus.LISTED)
    to_delist_lapsed = _locked_ids(listed.filter(lapsed_dependency_q(today)))
    to_delist_unverified = _locked_ids(listed.filter(unmet_dependency_q(today)).exclude(pk__in=to_delist_lapsed))
    delisted = products.filter(listing_status=ListingStatus.DELISTED, listing_note__in=waiting)
    to_restore = _locked_ids(delisted.exclude(unmet_dependency_q(today)))
    # What a delisted product waits for may change: a renewal (lapsed) or staff (unverified).
    to_lapsed = _locked_ids(delisted.filter(listing_note=CERTIFICATE_UNVERIFIED).filter(lapsed_dependency_q(today)))
    to_unverified = _locked_ids(
        delisted.filter(listing_note=CERTIFICATE_LAPSED)
        .exclude(lapsed_dependency_q(today))
        .filter(unmet_dependency_q(today))
    )
    counts = {
        "delisted": _update_in_chunks(
            to_delist_lapsed, listing_status=ListingStatus.DELISTED, listing_note=CERTIFICATE_LAPSED, is_public=False
        )
        + _update_in_chunks(
            to_delist_unverified,
            listing_status=ListingStatus.DELISTED,
            listing_note=CERTIFICATE_UNVERIFIED,
            is_public=False,
        ),
        "restored": _update_in_chunks(to_restore, listing_status=ListingStatus.LISTED, listing_note="", is_public=True),
    }
    _update_in_chunks(to_lapsed, listing_note=CERTIFICATE_LAPSED)
    _update_in_chunks(to_unverified, listing_note=CERTIFICATE_UNVERIFIED)
    _announce([*to_delist_lapsed, *to_delist_unverified, *to_restore])
    return counts


@transaction.atomic
def certifications_changed(*, certification_ids: Iterable[int]) -> None:
    """Certificates were saved (their dates may have moved; staff must verify them again) or verified.

    The listings of their products follow at once (``listings_sync``). Side effects: product
    listing state; ``product_visibility_changed`` after commit for every product carrying one
    of the certificates (its badge changed too).
    """
    certification_ids = list(certification_ids)
    listings_sync(certification_ids=certification_ids)
    _announce(
        ProductCertification.objects.filter(certification_id__in=certification_ids).values_list("product_id", flat=True)
    )


def certificates_linked(*, product_ids: Iterable[int]) -> None:
    """Certificates were linked to products in bulk (an import): one that has lapsed takes them out of the shop.

    Side effects: ``product_visibility_changed`` after commit.
    """
    _announce(product_ids)


# =========================================================================== cooperatives (合作社)


CHANGED_WHILE_SUSPENDED = "changed-while-suspended"


def cooperatives_activation_changed(*, cooperative_ids: Iterable[int], suspended_since=None) -> None:
    """Cooperatives were suspended or reactivated: every product they stock may be concerned.

    The shop reads the cooperative's state, so nothing is written on suspension. On
    reactivation (``suspended_since`` given) a listed product that changed meanwhile — edited,
    or priced away from its reviewed price — goes back to review instead of returning as it
    was. Side effects: listing state of those products; ``product_visibility_changed`` after commit.
    """
    product_ids = list(
        StockRecord.objects.filter(partner_id__in=list(cooperative_ids)).values_list("product_id", flat=True).distinct()
    )
    if suspended_since is not None:
        listed = Product.objects.filter(pk__in=product_ids, listing_status=ListingStatus.LISTED)
        changed = listed.filter(date_updated__gt=suspended_since) | listed.exclude(reviewed_price=None).exclude(
            stockrecords__price=F("reviewed_price")
        )
        changed_ids = set(changed.values_list("pk", flat=True))
        _update_in_chunks(
            _locked_ids(Product.objects.filter(pk__in=changed_ids)),
            listing_status=ListingStatus.REVIEW,
            listing_note=CHANGED_WHILE_SUSPENDED,
            is_public=False,
        )
    _announce(product_ids)


# =========================================================================== stock (库存)


def in_stock(*, num_in_stock: int | None, num_allocated: int | None) -> bool:
    """Whether a stock record has something left to sell (Oscar's net stock level above zero)."""
    return (num_in_stock or 0) - (num_allocated or 0) > 0


_IN_STOCK_BEFORE = "_visibility_in_stock_before"


def stock_record_saving(*, record) -> None:
    """Before a stock record is written: remember whether it had stock (one query by primary key)."""
    if record.pk is None:
        return
    stored = StockRecord.objects.filter(pk=record.pk).values_list("num_in_stock", "num_allocated").first()
    if stored is not None:
        setattr(record, _IN_STOCK_BEFORE, in_stock(num_in_stock=stored[0], num_allocated=stored[1]))


def stock_record_saved(*, record, created: bool) -> None:
    """After a stock record is written (any writer: dashboards, admin, checkout's allocations).

    Side effects: ``product_visibility_changed`` after commit when its product became
    available or sold out.
    """
    before = False if created else getattr(record, _IN_STOCK_BEFORE, None)
    if hasattr(record, _IN_STOCK_BEFORE):
        delattr(record, _IN_STOCK_BEFORE)
    if before != in_stock(num_in_stock=record.num_in_stock, num_allocated=record.num_allocated):
        _announce([record.product_id])


def stock_record_deleted(*, record) -> None:
    """A stock record was deleted: its product can no longer be bought from it."""
    if in_stock(num_in_stock=record.num_in_stock, num_allocated=record.num_allocated):
        _announce([record.product_id])


def stock_written(*, changes: Iterable[tuple[int, bool, bool]]) -> None:
    """Stock levels written in bulk, without signals (an import): ``(product id, had stock, has stock)``.

    Side effects: ``product_visibility_changed`` after commit for the products that became
    available or sold out.
    """
    _announce(product_id for product_id, before, after in changes if before != after)


# =========================================================================== products edited elsewhere


def products_edited(*, product_ids: Iterable[int]) -> None:
    """Products were edited in Oscar's dashboard or the Django admin, where the public flag,
    the certificates and the listing fields can change.

    Side effects: ``product_visibility_changed`` after commit.
    """
    _announce(product_ids)


def products_deleted(*, product_ids: Iterable[int]) -> None:
    """Products were deleted (a dashboard, the admin, a cascade): they leave the shop.

    Side effects: ``product_visibility_changed`` after commit.
    """
    _announce(product_ids)


# =========================================================================== regional brands (区域公用品牌)


def brands_changed(*, product_ids: Iterable[int]) -> None:
    """The regional brand shown on products may have changed: an authorisation verified or
    revoked, a brand verified or its dates edited, a product linked to or unlinked from a brand
    (told by ``brands.signals.brand_products_changed``). The mark follows at once (the shop's
    queries check it); this lets caches and listings that show it know.

    Side effects: ``product_visibility_changed`` after commit.
    """
    _announce(product_ids)
