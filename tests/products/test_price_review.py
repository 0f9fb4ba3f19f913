"""A price change sends a listed product back to review (调价复审): by default every change does;
``PRODUCT_PRICE_REVIEW_PERCENT`` lets a change up to that percentage through (equal keeps it listed)."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from products import visibility
from products.models import ListingStatus
from tests.factories import make_product

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def listed():
    return make_product(title="田东芒果", price="100.00", reviewed_price=Decimal("100.00"))


def _reprice(product, price: str):
    """The cooperative changes the price on any screen: the stock record is saved."""
    record = StockRecord.objects.get(product=product)
    record.price = Decimal(price)
    record.save()
    product.refresh_from_db()
    return product


def test_the_default_threshold_sends_every_change_back_to_review():
    from django.conf import settings

    assert settings.PRODUCT_PRICE_REVIEW_PERCENT == 0


@pytest.mark.parametrize("price", ["100.01", "99.99", "150.00", "60.00"])
def test_by_default_any_price_change_goes_back_to_review(listed, price):
    product = _reprice(listed, price)
    assert product.listing_status == ListingStatus.REVIEW
    assert product.listing_note == visibility.PRICE_CHANGE
    assert not product.is_public


def test_by_default_an_unchanged_price_keeps_the_product_listed(listed):
    product = _reprice(listed, "100.00")
    assert product.listing_status == ListingStatus.LISTED and product.is_public


@pytest.mark.parametrize(
    "price, listed_after",
    [
        ("105.00", True),  # below the threshold
        ("95.00", True),
        ("110.00", True),  # equal to it: kept listed
        ("90.00", True),
        ("110.01", False),  # above it
        ("89.99", False),
    ],
    ids=["below-up", "below-down", "equal-up", "equal-down", "above-up", "above-down"],
)
def test_a_non_zero_threshold_lets_changes_up_to_it_through(settings, listed, price, listed_after):
    settings.PRODUCT_PRICE_REVIEW_PERCENT = 10
    product = _reprice(listed, price)
    assert (product.listing_status == ListingStatus.LISTED) is listed_after
    assert product.is_public is listed_after


def test_the_service_says_whether_it_sent_the_product_back(settings, listed):
    settings.PRODUCT_PRICE_REVIEW_PERCENT = 10
    assert visibility.product_price_changed(product=listed, new_price=Decimal("110.00")) is False
    assert visibility.product_price_changed(product=listed, new_price=Decimal("111.00")) is True
    listed.refresh_from_db()
    assert listed.listing_status == ListingStatus.REVIEW
