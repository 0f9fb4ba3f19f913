"""The job seeker's own page: lookup by reference and mobile number, generic refusal, rate limit, deletion."""

import pytest
from django.urls import reverse

from labor.models import ApplicationStatus, JobApplication, PhoneAccess
from labor.services import application_phone_reveal
from tests.labor.conftest import apply

pytestmark = pytest.mark.django_db
MY = "/en/labor/my/"
MINE = "/en/labor/my/applications/"
NOT_FOUND = "We found no application with this reference number and mobile number."


def delete_url(application) -> str:
    return reverse("labor:my-delete", kwargs={"reference": application.reference})


@pytest.mark.parametrize("mobile", ["13812341234", "138 1234 1234", "+86 138-1234-1234"])
def test_reference_and_mobile_show_every_application_of_that_number(client, post, other_post, mobile):
    first, second = apply(post), apply(other_post)
    someone_else = apply(post, mobile="13998765432", name="黄大山")

    response = client.post(MY, {"reference": first.reference.lower(), "mobile": mobile})
    assert response.status_code == 302 and response["Location"] == reverse("labor:my-applications")
    html = client.get(MINE).content.decode()
    for application in (first, second):
        assert application.reference in html
        assert application.post.job_title in html and application.post.employer.name in html
    assert str(ApplicationStatus.NEW.label) in html
    assert "138****1234" in html and "13812341234" not in html
    assert someone_else.reference not in html and "黄大山" not in html


@pytest.mark.parametrize(
    "reference, mobile",
    [
        ("right", "13900139000"),  # right reference, wrong mobile
        ("BM20000101AAAA", "13812341234"),  # wrong reference, right mobile
        ("BM20000101AAAA", "13900139000"),
        ("right", "not a number"),
    ],
)
def test_wrong_pairs_get_one_generic_not_found(client, post, reference, mobile):
    application = apply(post)
    reference = application.reference if reference == "right" else reference
    response = client.post(MY, {"reference": reference, "mobile": mobile})
    assert response.status_code == 404
    html = response.content.decode()
    assert NOT_FOUND in html
    assert application.post.job_title not in html
    assert client.get(MINE).status_code == 302  # nothing granted: back to the lookup
    assert client.post(delete_url(application)).status_code == 404
    assert JobApplication.objects.get().anonymised_at is None


def test_lookups_are_rate_limited_per_address(client, post, settings):
    application = apply(post)
    for _attempt in range(settings.LABOR_LOOKUP_LIMIT_PER_IP):
        assert client.post(MY, {"reference": "BM20000101AAAA", "mobile": "13812341234"}).status_code == 404
    blocked = client.post(MY, {"reference": application.reference, "mobile": "13812341234"})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert client.get(MINE).status_code == 302  # even the right pair was not looked up
    other = client.post(MY, {"reference": application.reference, "mobile": "13812341234"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_the_applicant_deletes_an_application_keeping_counts_and_the_access_log(client, post, other_post, staff):
    application, kept = apply(post), apply(other_post)
    application_phone_reveal(application=application, viewer=staff)
    client.post(MY, {"reference": application.reference, "mobile": "13812341234"})

    response = client.post(delete_url(application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.name == "" and application.mobile == ""
    assert application.anonymised_at is not None
    assert application.post == post and application.poverty_alleviated is True  # counts stay
    access = PhoneAccess.objects.get()
    assert access.application == application and access.reference == application.reference
    kept.refresh_from_db()
    assert kept.mobile == "13812341234"  # only what was asked

    page = client.get(MINE).content.decode()
    assert application.reference not in page.split('id="my-applications"')[1]
    assert f"Application {application.reference} is deleted" in page
    assert client.post(MY, {"reference": application.reference, "mobile": "13812341234"}).status_code == 404
    assert client.post(delete_url(application)).status_code == 404


def test_a_deleted_application_can_be_made_afresh(client, post):
    application = apply(post)
    client.post(MY, {"reference": application.reference, "mobile": "13812341234"})
    client.post(delete_url(application))
    again = apply(post)
    assert again.pk != application.pk and again.reference != application.reference
    assert JobApplication.objects.count() == 2


def test_delete_needs_a_post(client, post):
    application = apply(post)
    client.post(MY, {"reference": application.reference, "mobile": "13812341234"})
    assert client.get(delete_url(application)).status_code == 405
    application.refresh_from_db()
    assert application.anonymised_at is None
