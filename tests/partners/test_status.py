"""The applicant's status page: lookup by reference and contact, history, correction, rate limit."""

import pytest
from django.urls import reverse
from django.utils import translation

from partners import services
from partners.models import ApplicationEvent, ApplicationStatus
from tests.partners.conftest import stored_files
from tests.partners.helpers import application_data, pdf_bytes, upload

pytestmark = pytest.mark.django_db
STATUS = "/en/cooperatives/status/"
NOT_FOUND = "We found no application with this reference number and contact."


def _detail(application):
    return reverse("cooperatives:status-detail", kwargs={"reference": application.reference})


@pytest.mark.parametrize(
    "contact",
    ["13800138000", "138 0013 8000", "+86 138-0013-8000", "wei@coop.example.cn", "WEI@Coop.Example.CN"],
)
def test_lookup_with_reference_and_contact_shows_the_status(client, application, contact):
    response = client.post(STATUS, {"reference": application.reference.lower(), "contact": contact})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cooperatives/status/{application.reference}/")
    page = client.get(response["Location"]).content.decode()
    assert application.get_status_display() in page
    assert str(ApplicationEvent.Action.SUBMIT.label) in page


@pytest.mark.parametrize(
    "reference, contact",
    [
        ("right", "13900139000"),  # right reference, wrong mobile
        ("right", "other@example.cn"),  # right reference, wrong e-mail
        ("SQ20000101AAAA", "13800138000"),  # wrong reference, right mobile
        ("SQ20000101AAAA", "13900139000"),
    ],
)
def test_wrong_combinations_get_one_generic_message(client, application, reference, contact):
    reference = application.reference if reference == "right" else reference
    response = client.post(STATUS, {"reference": reference, "contact": contact})
    assert response.status_code == 404
    html = response.content.decode()
    assert NOT_FOUND in html
    assert application.name not in html
    assert client.get(_detail(application)).status_code == 404  # and no access was granted


def test_status_page_needs_a_lookup_first(client, application):
    assert client.get(_detail(application)).status_code == 404
    assert client.get(reverse("cooperatives:resubmit", kwargs={"reference": application.reference})).status_code == 404


def test_lookups_are_rate_limited_per_address(client, application):
    for _attempt in range(10):
        assert client.post(STATUS, {"reference": "SQ20000101AAAA", "contact": "13800138000"}).status_code == 404
    blocked = client.post(STATUS, {"reference": application.reference, "contact": "13800138000"})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert client.get(_detail(application)).status_code == 404  # even the right pair is not looked up
    other = client.post(
        STATUS, {"reference": application.reference, "contact": "13800138000"}, REMOTE_ADDR="198.51.100.7"
    )
    assert other.status_code == 302  # another address has its own budget


def test_history_shows_notes_for_the_applicant_but_not_internal_ones(
    client, recommended, staff, django_capture_on_commit_callbacks
):
    services.application_request_info(application=recommended, reviewer=staff, message="请补充食品生产许可证有效期。")
    client.post(STATUS, {"reference": recommended.reference, "contact": "13800138000"})
    html = client.get(_detail(recommended)).content.decode()
    assert "请补充食品生产许可证有效期。" in html
    assert "经营正常。" not in html  # the county's internal remark
    assert staff.email not in html and "officer@bama.example.cn" not in html  # reviewers stay anonymous
    assert str(ApplicationStatus.MORE_INFO.label) in html
    assert reverse("cooperatives:resubmit", kwargs={"reference": recommended.reference}) in html


def _correct(client, application, **overrides):
    client.post(STATUS, {"reference": application.reference, "contact": "13800138000"})
    data = application_data(
        application.county, **{"business_licence": None, "bank_licence": None, "food_licence": None, **overrides}
    )
    return client.post(reverse("cooperatives:resubmit", kwargs={"reference": application.reference}), data)


def test_returned_application_is_corrected_and_goes_back_to_the_county(
    client, application, officer, django_capture_on_commit_callbacks, mailoutbox
):
    services.application_return(application=application, officer=officer, reason="营业执照照片不清晰。")
    licence_before = application.business_licence.name
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = _correct(
            client,
            application,
            households_linked="90",
            note="已重新上传清晰的营业执照。",
            business_licence=upload("clear.pdf", pdf_bytes("clear"), "application/pdf"),
        )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.households_linked == 90
    assert application.business_licence.name != licence_before
    assert len(stored_files()) == 3  # the replaced licence is gone; the bank and food licences stay
    last = application.events.last()
    assert (last.action, last.note) == (ApplicationEvent.Action.RESUBMIT, "已重新上传清晰的营业执照。")
    assert sorted(m.to[0] for m in mailoutbox) == ["officer@bama.example.cn", "wei@coop.example.cn"]


def test_more_info_goes_back_to_the_platform_and_keeps_its_county(
    client, recommended, staff, other_county, django_capture_on_commit_callbacks, mailoutbox
):
    services.application_request_info(application=recommended, reviewer=staff, message="请补充带动农户名单。")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = _correct(client, recommended, county=str(other_county.pk), farmer_linkage="名单见附件。")

    assert response.status_code == 302  # the disabled county field keeps the recommended county
    recommended.refresh_from_db()
    assert recommended.status == ApplicationStatus.RECOMMENDED
    assert recommended.county.name == "巴马瑶族自治县"
    assert recommended.farmer_linkage == "名单见附件。"
    assert sorted(m.to[0] for m in mailoutbox) == ["staff@platform.example.cn", "wei@coop.example.cn"]


def test_correction_is_validated_like_an_application(client, application, officer):
    services.application_return(application=application, officer=officer, reason="信用代码有误。")
    response = _correct(client, application, credit_code="91350100M000100Y43")
    assert response.status_code == 400
    assert "issued outside Guangxi" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED


def test_an_application_under_review_cannot_be_corrected(client, application):
    response = _correct(client, application, households_linked="1")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.households_linked == 86
    assert application.events.count() == 1


def test_service_refuses_resubmit_in_the_wrong_status(application):
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError, match="cannot be changed now"):
        services.application_resubmit(application=application, changes={"households_linked": 3})


def test_a_correction_keeps_the_rules_of_an_application(application, officer):
    """At least one household, a bank-account licence (one must be added to an application that has
    none), a food production licence when processed food is sold; nothing is kept from a refusal."""
    from django.core.exceptions import ValidationError

    from partners.models import CooperativeApplication

    services.application_return(application=application, officer=officer, reason="请补充开户许可证。")
    CooperativeApplication.objects.filter(pk=application.pk).update(bank_licence="", food_licence="")
    files_before = stored_files()
    with pytest.raises(ValidationError) as error:
        services.application_resubmit(
            application=application, changes={"households_linked": 0, "sells_processed_food": True}
        )
    assert set(error.value.message_dict) == {"households_linked", "bank_licence", "food_licence"}
    with pytest.raises(ValidationError) as error:
        services.application_resubmit(
            application=application,
            changes={"sells_processed_food": True},
            bank_licence=upload("bank.pdf", pdf_bytes("bank"), "application/pdf"),
        )
    assert set(error.value.message_dict) == {"food_licence"}
    assert stored_files() == files_before  # the refused bank licence was not kept
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED and not application.bank_licence


def test_a_bank_licence_is_added_or_replaced_by_a_correction(
    client, application, officer, django_capture_on_commit_callbacks
):
    services.application_return(application=application, officer=officer, reason="开户许可证不清晰。")
    before = application.bank_licence.name

    with django_capture_on_commit_callbacks(execute=True):
        response = _correct(client, application, bank_licence=upload("bank.pdf", pdf_bytes("clear"), "application/pdf"))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.bank_licence.name != before and application.bank_licence.read().endswith(b"clear")
    assert len(stored_files()) == 3  # the replaced bank licence is gone


def test_the_correction_form_asks_for_a_bank_licence_only_when_none_is_kept(client, application, officer):
    from partners.models import CooperativeApplication

    services.application_return(application=application, officer=officer, reason="请补充开户许可证。")
    assert _correct(client, application).status_code == 302  # the stored one is kept

    services.application_return(application=application, officer=officer, reason="请补充开户许可证。")
    CooperativeApplication.objects.filter(pk=application.pk).update(bank_licence="")
    response = _correct(client, application)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
