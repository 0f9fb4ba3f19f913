"""Fixtures of onboarding tests: an assisted county with its officer, platform staff, applications."""

from pathlib import Path

import pytest
from django.conf import settings

from partners import services
from tests.factories import CountyFactory, UserFactory
from tests.partners.helpers import BAMA_DIVISION, MASHAN_DIVISION, application_data, pdf_bytes, png_bytes, upload


@pytest.fixture
def county(db):
    return CountyFactory(name="巴马瑶族自治县", slug="bama", prefecture="河池市", division_code=BAMA_DIVISION)


@pytest.fixture
def other_county(db):
    return CountyFactory(name="马山县", slug="mashan", prefecture="南宁市", division_code=MASHAN_DIVISION)


@pytest.fixture
def officer(county):
    user = UserFactory(email="officer@bama.example.cn", first_name="巴马县农业农村局")
    county.officers.add(user)
    return user


@pytest.fixture
def other_officer(other_county):
    user = UserFactory(email="officer@mashan.example.cn")
    other_county.officers.add(user)
    return user


@pytest.fixture
def ordinary_user(db):
    return UserFactory(email="buyer@example.cn")


def submit(county, **overrides):
    """An application through the service, as the form would send it."""
    data = application_data(county, **overrides)
    return services.application_submit(
        kind=data["kind"],
        name=data["name"],
        credit_code=data["credit_code"],
        county=county,
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
        contact_email=data["contact_email"],
        households_linked=int(data["households_linked"]),
        farmer_linkage=data["farmer_linkage"],
        description=data["description"],
        sells_processed_food=bool(data.get("sells_processed_food")),
        business_licence=upload("licence.pdf", pdf_bytes(), "application/pdf"),
        bank_licence=upload("bank.pdf", pdf_bytes("bank"), "application/pdf") if "bank_licence" in data else None,
        food_licence=upload("food.png", png_bytes(), "image/png") if "food_licence" in data else None,
    )


@pytest.fixture
def application(county, officer, staff, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        created = submit(county)
    mailoutbox.clear()
    return created


@pytest.fixture
def recommended(application, officer, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_recommend(application=application, officer=officer, note="经营正常。")
    application.refresh_from_db()
    mailoutbox.clear()
    return application


def stored_files() -> list[Path]:
    """Uploaded files, public or private (licences go to PRIVATE_MEDIA_ROOT)."""
    files = []
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        files += [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
    return files
