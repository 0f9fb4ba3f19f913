"""Processed food (加工食品) is listed only for a cooperative whose approved application carries a food
production licence (食品生产许可证); which categories need one is a setting (FOOD_LICENCE_CATEGORIES)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from partners.models import ApplicationStatus, CooperativeApplication
from products import visibility
from products.models import ListingStatus
from tests.factories import CategoryFactory, UserFactory, make_product
from tests.partners.helpers import credit_code, pdf_bytes

pytestmark = pytest.mark.django_db


def _application(coop, *, status=ApplicationStatus.APPROVED, food_licence=True) -> CooperativeApplication:
    """The cooperative's application as onboarding left it."""
    application = CooperativeApplication(
        reference=f"SQ20261202{coop.pk:04d}"[:14],
        kind="cooperative",
        name=coop.name,
        credit_code=credit_code(),
        county=coop.county,
        contact_name="韦经理",
        contact_phone="13800138000",
        contact_email="wei@coop.example.cn",
        households_linked=12,
        farmer_linkage="保底收购。",
        status=status,
        partner=coop,
    )
    application.business_licence.save("licence.pdf", ContentFile(pdf_bytes()), save=False)
    application.bank_licence.save("bank.pdf", ContentFile(pdf_bytes("bank")), save=False)
    if food_licence:
        application.food_licence.save("food.pdf", ContentFile(pdf_bytes("food")), save=False)
    application.save()
    return application


@pytest.fixture
def processed():
    return CategoryFactory(name="加工食品")


def _draft(coop, category):
    return make_product(
        cooperative=coop, category=category, title="田东芒果干", listing_status="draft", is_public=False
    )


def _status(product) -> str:
    product.refresh_from_db()
    return product.listing_status


def test_processed_food_of_a_cooperative_with_a_food_licence_goes_to_review(coop, processed):
    _application(coop)
    product = _draft(coop, processed)
    visibility.product_submit_for_review(product=product)
    assert _status(product) == ListingStatus.REVIEW


@pytest.mark.parametrize(
    "application",
    [None, {"food_licence": False}, {"status": ApplicationStatus.RECOMMENDED}],
    ids=["no-application", "approved-without-food-licence", "not-yet-approved"],
)
def test_processed_food_without_an_approved_food_licence_stays_a_draft(coop, processed, application):
    if application is not None:
        _application(coop, **application)
    product = _draft(coop, processed)
    with pytest.raises(ValidationError) as error:
        visibility.product_submit_for_review(product=product)
    assert error.value.code == "food_licence_missing"
    with translation.override("en"):
        assert "“加工食品” need a food production licence" in error.value.messages[0]
    assert _status(product) == ListingStatus.DRAFT


def test_a_subcategory_of_processed_food_needs_the_licence_too(coop, processed):
    dried = processed.add_child(name="果干")
    product = _draft(coop, dried)
    with pytest.raises(ValidationError):
        visibility.product_submit_for_review(product=product)
    assert _status(product) == ListingStatus.DRAFT


def test_fresh_produce_needs_no_food_licence(coop):
    product = _draft(coop, CategoryFactory(name="新鲜水果"))
    visibility.product_submit_for_review(product=product)
    assert _status(product) == ListingStatus.REVIEW


def test_the_categories_are_a_setting(settings, coop, processed):
    settings.FOOD_LICENCE_CATEGORIES = ["茶叶"]
    product = _draft(coop, processed)
    visibility.product_submit_for_review(product=product)
    assert _status(product) == ListingStatus.REVIEW

    tea = _draft(coop, CategoryFactory(name="茶叶"))
    with pytest.raises(ValidationError):
        visibility.product_submit_for_review(product=tea)
    assert _status(tea) == ListingStatus.DRAFT


@pytest.mark.parametrize(
    "prefix, message",
    [("", "需要食品生产许可证"), ("/zh-hant", "需要食品生產許可證"), ("/en", "need a food production licence")],
)
def test_the_cooperative_is_told_why_in_its_language(client, coop, processed, prefix, message):
    user = UserFactory(email="staff@coop.example.cn")
    coop.users.add(user)
    product = _draft(coop, processed)
    client.force_login(user)
    url = prefix + reverse("cooperatives:listing-action", kwargs={"pk": product.pk, "action": "submit"})
    response = client.post(url, follow=True)
    assert message in response.content.decode()
    assert _status(product) == ListingStatus.DRAFT
