"""The public application form (入驻申请): a valid one goes through, every bad input saves nothing."""

import datetime
import re

import pytest
from django.urls import reverse

from partners.models import ApplicationEvent, ApplicationStatus, CooperativeApplication
from tests.factories import CountyFactory
from tests.partners.conftest import stored_files
from tests.partners.helpers import (
    MASHAN_DIVISION,
    SVG_WITH_SCRIPT,
    application_data,
    bomb_png_bytes,
    credit_code,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db
APPLY = "/cooperatives/apply/"
APPLY_EN = "/en/cooperatives/apply/"


def test_form_offers_only_assisted_counties_grouped_by_prefecture(client, county, other_county):
    CountyFactory(name="南宁市青秀区", slug="qingxiu", prefecture="南宁市", assistance_level="none")
    html = client.get(APPLY).content.decode()
    assert '<optgroup label="河池市">' in html and '<optgroup label="南宁市">' in html
    assert html.index('<optgroup label="南宁市">') < html.index('<optgroup label="河池市">')  # by prefecture
    assert "巴马瑶族自治县" in html and "马山县" in html
    assert "青秀区" not in html
    assert 'enctype="multipart/form-data"' in html


def test_valid_application_end_to_end(client, county, officer, staff, django_capture_on_commit_callbacks, mailoutbox):
    # given an applicant without an account, when they submit a complete application
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY, application_data(county, credit_code=credit_code().lower()), follow=True)

    # then it is stored, submitted, with its event and documents
    assert response.status_code == 200
    application = CooperativeApplication.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert re.fullmatch(r"SQ\d{8}[A-Z2-9]{4}", application.reference)
    assert application.credit_code == credit_code()  # upper case
    assert str(application.contact_phone) == "+8613800138000"
    assert [event.action for event in application.events.all()] == [ApplicationEvent.Action.SUBMIT]
    assert application.business_licence.name.startswith("applications/") and application.food_licence
    assert "营业执照" not in application.business_licence.name  # the applicant's file name is not kept
    assert application.bank_licence.name.startswith("applications/") and "开户" not in application.bank_licence.name
    assert len(stored_files()) == 3

    # and the page shows the reference number with a link to its status
    html = response.content.decode()
    assert application.reference in html
    assert reverse("cooperatives:status-detail", kwargs={"reference": application.reference}) in html

    # and the applicant is confirmed, the county's officer told (not platform staff yet)
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == ["officer@bama.example.cn", "wei@coop.example.cn"]
    confirmation = next(message for message in mailoutbox if message.to == ["wei@coop.example.cn"])
    assert application.reference in confirmation.subject and application.reference in confirmation.body
    assert f"/cooperatives/status/?reference={application.reference}" in confirmation.body
    notice = next(message for message in mailoutbox if message.to == ["officer@bama.example.cn"])
    assert f"/cooperatives/review/{application.reference}/" in notice.body


def test_submitted_page_shows_the_reference_and_status_link_works(client, county):
    client.post(APPLY, application_data(county))
    application = CooperativeApplication.objects.get()
    done = client.get(reverse("cooperatives:apply-done"))
    assert application.reference in done.content.decode()
    status = client.get(reverse("cooperatives:status-detail", kwargs={"reference": application.reference}))
    assert status.status_code == 200 and application.get_status_display() in status.content.decode()


def _assert_nothing_saved():
    assert CooperativeApplication.objects.count() == 0
    assert ApplicationEvent.objects.count() == 0
    assert stored_files() == []


def _field_error(response, field: str) -> str:
    """The error text shown next to ``field``."""
    html = response.content.decode()
    match = re.search(rf'id="id_{field}_error">(.*?)</div>', html, re.S)
    assert match, f"no error next to {field}"
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"credit_code": "9345122700000"}, "credit_code", "has 18 characters; this one has 13"),
        ({"credit_code": "93451227MA5KXYI230"}, "credit_code", "never used in credit codes: I"),
        ({"credit_code": credit_code()[:17] + "Y"}, "credit_code", "check character"),
        ({"credit_code": "91350100M000100Y43"}, "credit_code", "issued outside Guangxi (division 350100)"),
        ({"credit_code": credit_code(MASHAN_DIVISION)}, "credit_code", "is not 巴马瑶族自治县 (451227)"),
        ({"contact_phone": "0771-5551234"}, "contact_phone", "mainland China mobile number"),
        ({"contact_phone": "+852 9123 4567"}, "contact_phone", "mainland China mobile number"),
        ({"contact_email": "not-an-address"}, "contact_email", "valid email"),
        ({"households_linked": "-3"}, "households_linked", "Link at least one farming household"),
        ({"households_linked": "0"}, "households_linked", "Link at least one farming household"),
        ({"farmer_linkage": ""}, "farmer_linkage", "This field is required"),
        ({"business_licence": None}, "business_licence", "This field is required"),
        ({"bank_licence": None}, "bank_licence", "This field is required"),
        (
            {"sells_processed_food": "on", "food_licence": None},
            "food_licence",
            "it is required to sell processed food",
        ),
        (
            {"bank_licence": upload("bank.png", SVG_WITH_SCRIPT, "image/png")},
            "bank_licence",
            "SVG and HTML files are not accepted",
        ),
        (
            {"business_licence": upload("licence.png", SVG_WITH_SCRIPT, "image/png")},
            "business_licence",
            "SVG and HTML files are not accepted",
        ),
        (
            {"business_licence": upload("licence.pdf", b"just some text, not a PDF\n" * 20, "application/pdf")},
            "business_licence",
            "Upload a PDF, JPEG or PNG file",
        ),
        (
            {"food_licence": upload("licence.svg", SVG_WITH_SCRIPT, "image/svg+xml")},
            "food_licence",
            "SVG and HTML files are not accepted",
        ),
    ],
    ids=[
        "code-length",
        "code-alphabet",
        "code-check-character",
        "code-outside-guangxi",
        "code-of-another-county",
        "landline",
        "hong-kong-mobile",
        "email",
        "negative-households",
        "no-households",
        "no-linkage",
        "no-business-licence",
        "no-bank-licence",
        "processed-food-without-food-licence",
        "svg-bank-licence",
        "svg-renamed-png",
        "text-renamed-pdf",
        "svg",
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(client, county, overrides, field, message):
    response = client.post(APPLY_EN, application_data(county, **overrides))
    assert response.status_code == 400
    assert message in _field_error(response, field)
    _assert_nothing_saved()


def test_decompression_bomb_is_refused(client, county):
    bomb = bomb_png_bytes()
    assert len(bomb) < 200_000  # small file, 400 million pixels
    response = client.post(APPLY_EN, application_data(county, food_licence=upload("food.png", bomb, "image/png")))
    assert response.status_code == 400
    assert "far more than 40 million pixels" in _field_error(response, "food_licence")
    _assert_nothing_saved()


def test_oversized_file_is_refused(client, county, settings):
    settings.UPLOAD_MAX_DOCUMENT_BYTES = 100_000
    big = pdf_bytes() + b"0" * 100_001
    response = client.post(APPLY_EN, application_data(county, business_licence=upload("big.pdf", big)))
    assert response.status_code == 400
    assert "the largest allowed is 97.7\xa0KB" in _field_error(response, "business_licence")
    _assert_nothing_saved()


def test_oversized_file_at_the_real_limit_is_refused(client, county):
    big = pdf_bytes() + b"0" * (10 * 1024 * 1024)
    response = client.post(APPLY_EN, application_data(county, business_licence=upload("big.pdf", big)))
    assert response.status_code == 400
    assert "the largest allowed is 10.0\xa0MB" in _field_error(response, "business_licence")
    _assert_nothing_saved()


def test_county_that_is_not_assisted_is_refused(client, county):
    not_assisted = CountyFactory(name="南宁市青秀区", slug="qingxiu", prefecture="南宁市", assistance_level="none")
    data = application_data(county)
    data["county"] = str(not_assisted.pk)
    response = client.post(APPLY_EN, data)
    assert response.status_code == 400
    assert "Select a valid choice" in _field_error(response, "county")
    _assert_nothing_saved()


def test_service_refuses_a_county_that_is_not_assisted(county):
    from django.core.exceptions import ValidationError

    from tests.partners.conftest import submit

    county.assistance_level = "none"
    county.save()
    with pytest.raises(ValidationError) as error:
        submit(county)
    assert "county" in error.value.message_dict
    _assert_nothing_saved()


def test_several_errors_are_all_shown_at_once(client, county):
    response = client.post(
        APPLY_EN, application_data(county, credit_code="123", contact_phone="123", business_licence=None)
    )
    for field in ("credit_code", "contact_phone", "business_licence"):
        assert _field_error(response, field)
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_credit_code_error id_credit_code_helptext"' in html
    _assert_nothing_saved()


def test_errors_speak_the_visitors_language(client, county):
    response = client.post(APPLY, application_data(county, farmer_linkage=""))
    assert "必需字段" in _field_error(response, "farmer_linkage")
    response = client.post("/zh-hant/cooperatives/apply/", application_data(county, farmer_linkage=""))
    assert "必要欄位" in _field_error(response, "farmer_linkage")
    response = client.post(APPLY_EN, application_data(county, farmer_linkage=""))
    assert "This field is required." in _field_error(response, "farmer_linkage")
    _assert_nothing_saved()


def test_second_open_application_for_the_same_code_is_refused_with_the_reference(client, county):
    client.post(APPLY, application_data(county))
    first = CooperativeApplication.objects.get()
    files_before = stored_files()

    response = client.post(APPLY_EN, application_data(county, name="另一个名字"))

    assert response.status_code == 400
    assert f"already under review (reference {first.reference})" in _field_error(response, "credit_code")
    assert CooperativeApplication.objects.count() == 1
    assert stored_files() == files_before


def test_a_closed_application_does_not_block_a_new_one(client, county):
    client.post(APPLY, application_data(county))
    CooperativeApplication.objects.update(status=ApplicationStatus.REJECTED)
    response = client.post(APPLY, application_data(county))
    assert response.status_code == 302
    assert CooperativeApplication.objects.count() == 2


def test_a_reference_in_use_is_never_given_again(application, monkeypatch):
    """Random draws may repeat (32⁴ a day): the generator skips one that an application holds."""
    from core import identifiers
    from partners import services

    taken = application.reference
    draws = iter(taken[-4:] + "ZZZZ")
    monkeypatch.setattr(identifiers.secrets, "choice", lambda alphabet: next(draws))
    day = datetime.datetime.strptime(taken[2:10], "%Y%m%d").date()
    monkeypatch.setattr(identifiers.timezone, "localdate", lambda: day)

    fresh = services.application_reference_generate()

    assert fresh == taken[:-4] + "ZZZZ"


def test_an_empty_post_shows_the_required_fields(client, county):
    response = client.post(APPLY_EN, {})
    assert response.status_code == 400
    for field in ("kind", "name", "credit_code", "county", "business_licence", "bank_licence"):
        assert "This field is required." in _field_error(response, field)
    _assert_nothing_saved()


def test_processed_food_with_its_licence_is_accepted_and_without_processed_food_none_is_needed(client, county):
    response = client.post(APPLY_EN, application_data(county, sells_processed_food="on"))
    assert response.status_code == 302
    assert CooperativeApplication.objects.get().sells_processed_food is True
    CooperativeApplication.objects.update(status=ApplicationStatus.REJECTED)

    response = client.post(APPLY_EN, application_data(county, food_licence=None))
    assert response.status_code == 302
    latest = CooperativeApplication.objects.latest("pk")
    assert latest.sells_processed_food is False and not latest.food_licence


@pytest.mark.parametrize(
    "path, message",
    [
        (APPLY, "至少需带动一户农户"),
        ("/zh-hant/cooperatives/apply/", "至少需帶動一戶農戶"),
        (APPLY_EN, "Link at least one farming household"),
    ],
)
def test_no_household_linked_is_refused_in_the_visitors_language(client, county, path, message):
    response = client.post(path, application_data(county, households_linked="0"))
    assert response.status_code == 400
    assert message in _field_error(response, "households_linked")
    _assert_nothing_saved()


@pytest.mark.parametrize(
    "path, bank, food",
    [
        (APPLY, "请上传开户许可证", "销售加工食品须上传食品生产许可证"),
        ("/zh-hant/cooperatives/apply/", "請上傳開戶許可證", "銷售加工食品須上傳食品生產許可證"),
    ],
)
def test_missing_licences_are_refused_in_the_visitors_language(client, county, path, bank, food):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from tests.partners.conftest import submit

    response = client.post(path, application_data(county, sells_processed_food="on", food_licence=None))
    assert food in _field_error(response, "food_licence")
    language = "zh-hans" if path == APPLY else "zh-hant"
    with translation.override(language), pytest.raises(ValidationError) as error:
        submit(county, bank_licence=None)
    assert bank in error.value.message_dict["bank_licence"][0]
    _assert_nothing_saved()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"households_linked": "0"}, "households_linked"),
        ({"farmer_linkage": "  "}, "farmer_linkage"),
        ({"bank_licence": None}, "bank_licence"),
        ({"sells_processed_food": True, "food_licence": None}, "food_licence"),
    ],
    ids=["no-households", "blank-linkage", "no-bank-licence", "processed-food-without-food-licence"],
)
def test_the_service_itself_refuses_and_leaves_no_row_and_no_file(county, overrides, field):
    """The rules live in the service: a caller that skips the form is refused the same way."""
    from django.core.exceptions import ValidationError

    from tests.partners.conftest import submit

    with pytest.raises(ValidationError) as error:
        submit(county, **overrides)
    assert field in error.value.message_dict
    _assert_nothing_saved()


@pytest.mark.parametrize(
    "path, message",
    [
        (APPLY, "该代码登记于马山县（行政区划码 450124），不是巴马瑶族自治县（451227）"),
        ("/zh-hant/cooperatives/apply/", "該代碼登記於马山县（行政區劃碼 450124），不是巴马瑶族自治县（451227）"),
        (APPLY_EN, "registered in 马山县 (division 450124), not in 巴马瑶族自治县 (451227)"),
    ],
)
def test_a_code_of_another_county_is_refused_naming_both_in_the_visitors_language(
    client, county, other_county, path, message
):
    response = client.post(path, application_data(county, credit_code=credit_code(MASHAN_DIVISION)))
    assert response.status_code == 400
    assert message in _field_error(response, "credit_code")
    _assert_nothing_saved()
