"""Applying again with a number already used for the post: the reference number is shown only to its holder.

Reference and mobile number open a job seeker's applications at /labor/my/ (see, delete). Anyone
may type anyone's number into the form, so a repeat application must not hand out the reference.
"""

import pytest
from django.test import Client
from django.urls import reverse

from labor import selectors
from labor.models import ApplicationStatus, JobApplication
from tests.labor.test_apply import apply_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    """The job seeker's own phone."""
    return Client()


@pytest.fixture
def applied(applicant, post, county, employer_user):
    """The job seeker applied from their phone; the employer has called them already."""
    response = applicant.post(apply_url(post), form_data(county))
    assert response.status_code == 302
    application = JobApplication.objects.get()
    application.status = ApplicationStatus.CONTACTED
    application.save(update_fields=["status"])
    return application


def test_someone_who_knows_the_number_learns_no_reference_and_gets_no_access(applied, post):
    # given: a stranger's browser and the job seeker's mobile number
    stranger = Client()

    # when: the stranger applies to the same post with that number
    response = stranger.post(apply_url(post), form_data(None, name="冒名", mobile="138 1234 1234"))

    # then: a confirmation that says the application was updated, without its reference
    assert response.status_code == 302 and response["Location"] == reverse("labor:apply-done")
    done = stranger.get(response["Location"])
    page = done.content.decode()
    assert done.status_code == 200
    assert "we updated that application" in page
    assert applied.reference not in page
    assert "138****1234" in page and "13812341234" not in page
    assert reverse("labor:my-applications") not in page

    # and: the stranger's browser holds nothing: no list, no deletion
    assert stranger.get(reverse("labor:my-applications"))["Location"] == reverse("labor:my")
    deleted = stranger.post(reverse("labor:my-delete", args=(applied.reference,)))
    assert deleted.status_code == 404
    applied.refresh_from_db()
    assert applied.anonymised_at is None and applied.mobile == "13812341234"
    # the application is still the one the employer works on
    assert JobApplication.objects.count() == 1
    assert applied.status == ApplicationStatus.CONTACTED


def test_the_applicant_applying_again_on_the_same_phone_sees_the_reference(applied, applicant, post):
    response = applicant.post(apply_url(post), form_data(None, name="韦小梅"))
    page = applicant.get(response["Location"]).content.decode()
    assert applied.reference in page and "we updated that application" in page
    assert reverse("labor:my-applications") in page


def test_on_another_phone_the_reference_opens_the_application_and_then_shows_again(applied, post):
    """Looked up with reference and number, the new phone holds the application like the first one."""
    other_phone = Client()
    repeat = other_phone.post(apply_url(post), form_data(None))
    assert applied.reference not in other_phone.get(repeat["Location"]).content.decode()

    lookup = other_phone.post(reverse("labor:my"), {"reference": applied.reference, "mobile": "13812341234"})
    assert lookup.status_code == 302
    again = other_phone.post(apply_url(post), form_data(None))
    assert applied.reference in other_phone.get(again["Location"]).content.decode()


def test_a_new_application_in_a_browser_that_applied_elsewhere_shows_its_own_reference(applied, other_post, county):
    stranger = Client()
    stranger.post(apply_url(other_post), form_data(county, mobile="139 0000 1111"))
    new = JobApplication.objects.get(post=other_post)
    page = stranger.get(reverse("labor:apply-done")).content.decode()
    assert new.reference in page and applied.reference not in page


def test_the_lookup_page_says_how_to_recover_a_lost_reference(client):
    page = client.get(reverse("labor:my")).content.decode()
    assert 'id="lost-reference"' in page


def test_the_reference_is_shown_to_new_applications_and_to_browsers_that_hold_them(applied):
    assert selectors.application_reference_shown(created=True, application=applied, granted_ids=[])
    assert selectors.application_reference_shown(created=False, application=applied, granted_ids=[applied.pk])
    assert not selectors.application_reference_shown(created=False, application=applied, granted_ids=[])
    assert not selectors.application_reference_shown(created=False, application=applied, granted_ids=None)
