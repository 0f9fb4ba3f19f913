"""Review (县级推荐, 平台审核): who may see and decide what, and which steps each status allows."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from partners import services
from partners.models import ApplicationEvent, ApplicationStatus, CooperativeApplication
from tests.partners.conftest import submit
from tests.partners.helpers import MASHAN_DIVISION, SVG_WITH_SCRIPT, credit_code

pytestmark = pytest.mark.django_db
REVIEW = "/en/cooperatives/review/"


def _detail(application):
    return f"{REVIEW}{application.reference}/"


def _documents(application) -> list[str]:
    return [f"{_detail(application)}documents/{name}/" for name in ("business-licence", "bank-licence", "food-licence")]


def _act(client, application, action, note=""):
    return client.post(f"{_detail(application)}{action}/", {f"{action}-note": note})


# --------------------------------------------------------------------------- who sees what
def test_anonymous_visitors_are_sent_to_log_in(client, application):
    for url in (REVIEW, _detail(application), *_documents(application)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = _act(client, application, "recommend")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_ordinary_users_are_refused(client, application, ordinary_user):
    client.force_login(ordinary_user)
    for url in (REVIEW, _detail(application), *_documents(application)):
        assert client.get(url).status_code == 403
    assert _act(client, application, "recommend").status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_officer_sees_only_own_counties(client, application, other_county, other_officer, officer):
    other = submit(other_county, credit_code=credit_code(MASHAN_DIVISION), name="马山黑山羊合作社")
    client.force_login(officer)
    html = client.get(REVIEW).content.decode()
    assert application.name in html and other.name not in html
    assert client.get(_detail(other)).status_code == 404
    for url in _documents(other):
        assert client.get(url).status_code == 404
    assert _act(client, other, "recommend").status_code == 404
    other.refresh_from_db()
    assert other.status == ApplicationStatus.SUBMITTED


def test_staff_see_all_and_filter_by_status_and_county(client, application, other_county, staff):
    other = submit(other_county, credit_code=credit_code(MASHAN_DIVISION), name="马山黑山羊合作社")
    client.force_login(staff)
    html = client.get(REVIEW).content.decode()
    assert application.name in html and other.name in html
    by_county = client.get(REVIEW, {"county": other_county.pk}).content.decode()
    assert other.name in by_county and application.name not in by_county
    by_status = client.get(REVIEW, {"status": "recommended"}).content.decode()
    assert application.name not in by_status and other.name not in by_status


def test_review_list_stays_within_a_query_budget(client, staff, county, django_assert_max_num_queries):
    for number in range(12):
        submit(county, credit_code=credit_code(organisation=f"MA5KXY{number:03d}"), name=f"合作社{number}")
    client.force_login(staff)
    with django_assert_max_num_queries(15):
        assert client.get(REVIEW).status_code == 200


# --------------------------------------------------------------------------- county steps
def test_officer_recommends(client, application, officer, staff, django_capture_on_commit_callbacks, mailoutbox):
    client.force_login(officer)
    page = client.get(_detail(application)).content.decode()
    assert 'id="step-recommend"' in page and 'id="step-return"' in page and 'id="step-approve"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, application, "recommend", "生产经营正常，质量安全无问题。")

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECOMMENDED
    event = application.events.last()
    assert (event.action, event.actor, event.note) == ("recommend", officer, "生产经营正常，质量安全无问题。")
    assert sorted(m.to[0] for m in mailoutbox) == ["staff@platform.example.cn", "wei@coop.example.cn"]


def test_officer_returns_with_a_reason(client, application, officer, django_capture_on_commit_callbacks, mailoutbox):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert _act(client, application, "return", "").status_code == 400  # a reason is required
        assert _act(client, application, "return", "营业执照已过期。").status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    assert [m.to for m in mailoutbox] == [["wei@coop.example.cn"]]
    assert "营业执照已过期。" in mailoutbox[0].body


def test_staff_cannot_take_the_countys_step(client, application, staff):
    client.force_login(staff)
    assert _act(client, application, "recommend").status_code == 403
    with pytest.raises(PermissionDenied):
        services.application_recommend(application=application, officer=staff)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_officer_cannot_approve(client, recommended, officer):
    client.force_login(officer)
    assert _act(client, recommended, "approve").status_code == 403
    recommended.refresh_from_db()
    assert recommended.status == ApplicationStatus.RECOMMENDED and recommended.partner is None


def test_officer_of_another_county_is_refused_by_the_service(application, other_officer):
    with pytest.raises(PermissionDenied):
        services.application_recommend(application=application, officer=other_officer)
    with pytest.raises(PermissionDenied):
        services.application_return(application=application, officer=other_officer, reason="x")


# --------------------------------------------------------------------------- platform steps
def test_staff_reject_with_a_reason(client, recommended, staff, django_capture_on_commit_callbacks, mailoutbox):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert _act(client, recommended, "reject", "  ").status_code == 400
        assert _act(client, recommended, "reject", "带农机制不符合要求。").status_code == 302
    recommended.refresh_from_db()
    assert recommended.status == ApplicationStatus.REJECTED
    assert (recommended.events.last().action, recommended.events.last().actor) == ("reject", staff)
    assert [m.to for m in mailoutbox] == [["wei@coop.example.cn"]] and "带农机制不符合要求。" in mailoutbox[0].body


def test_staff_ask_for_more_information(client, recommended, staff, django_capture_on_commit_callbacks, mailoutbox):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert _act(client, recommended, "request-info", "请补充检测报告。").status_code == 302
    recommended.refresh_from_db()
    assert recommended.status == ApplicationStatus.MORE_INFO
    assert recommended.events.last().action == ApplicationEvent.Action.REQUEST_INFO
    assert "请补充检测报告。" in mailoutbox[0].body


@pytest.mark.parametrize(
    "step, status",
    [
        ("recommend", ApplicationStatus.RECOMMENDED),
        ("return", ApplicationStatus.RECOMMENDED),
        ("approve", ApplicationStatus.SUBMITTED),
        ("reject", ApplicationStatus.SUBMITTED),
        ("request_info", ApplicationStatus.RETURNED),
        ("approve", ApplicationStatus.REJECTED),
        ("reject", ApplicationStatus.MORE_INFO),
        ("recommend", ApplicationStatus.APPROVED),
    ],
)
def test_steps_are_refused_from_the_wrong_status(application, officer, staff, step, status):
    application.status = status
    application.save()
    calls = {
        "recommend": lambda: services.application_recommend(application=application, officer=officer),
        "return": lambda: services.application_return(application=application, officer=officer, reason="r"),
        "approve": lambda: services.application_approve(application=application, reviewer=staff),
        "reject": lambda: services.application_reject(application=application, reviewer=staff, reason="r"),
        "request_info": lambda: services.application_request_info(application=application, reviewer=staff, message="m"),
    }
    with translation.override("en"), pytest.raises(ValidationError, match="that step is not possible now"):
        calls[step]()
    application.refresh_from_db()
    assert application.status == status
    assert application.events.count() == 1


def test_wrong_status_in_the_browser_shows_a_message(client, application, staff):
    client.force_login(staff)
    response = _act(client, application, "approve")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "that step is not possible now" in page
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_unknown_step_is_404(client, application, officer):
    client.force_login(officer)
    assert client.post(f"{_detail(application)}delete/").status_code == 404


def test_steps_need_post(client, application, officer):
    client.force_login(officer)
    assert client.get(f"{_detail(application)}recommend/").status_code == 405


# --------------------------------------------------------------------------- documents
def test_reviewers_get_documents_through_the_view(client, application, officer):
    client.force_login(officer)
    pdf = client.get(f"{_detail(application)}documents/business-licence/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" not in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert "private" in pdf["Cache-Control"] and "no-store" in pdf["Cache-Control"]
    png = client.get(f"{_detail(application)}documents/food-licence/")
    assert png["Content-Type"] == "image/png" and "sandbox" in png["Content-Security-Policy"]


def test_a_document_that_is_not_pdf_jpeg_or_png_is_only_downloaded(client, application, officer):
    # e.g. a file placed in storage by other means: it must never render as a page of the site
    Path(application.business_licence.path).write_bytes(SVG_WITH_SCRIPT)
    client.force_login(officer)
    response = client.get(f"{_detail(application)}documents/business-licence/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_documents_are_not_linked_on_public_pages(client, application):
    client.post("/cooperatives/status/", {"reference": application.reference, "contact": "13800138000"})
    html = client.get(reverse("cooperatives:status-detail", kwargs={"reference": application.reference})).content
    assert b"/media/" not in html and application.business_licence.name.encode() not in html
    assert b"documents/business-licence" not in html and b"documents/bank-licence" not in html
    assert application.bank_licence.name.encode() not in html


@pytest.mark.parametrize("reviewer", ["officer", "staff"])
def test_reviewers_see_and_download_the_bank_licence(client, application, reviewer, request):
    client.force_login(request.getfixturevalue(reviewer))
    html = client.get(_detail(application)).content.decode()
    assert 'id="document-bank-licence"' in html and f"{_detail(application)}documents/bank-licence/" in html
    response = client.get(f"{_detail(application)}documents/bank-licence/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == Path(application.bank_licence.path).read_bytes()
    assert response["Content-Disposition"].endswith(f'{application.reference}-bank-licence.pdf"')


def test_an_application_from_before_the_bank_licence_was_asked_says_it_is_missing(client, application, staff):
    CooperativeApplication.objects.filter(pk=application.pk).update(bank_licence="")
    client.force_login(staff)
    assert 'id="no-bank-licence"' in client.get(_detail(application)).content.decode()
    assert client.get(f"{_detail(application)}documents/bank-licence/").status_code == 404
