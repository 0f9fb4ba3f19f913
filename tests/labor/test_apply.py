"""The job seeker applies: reference number, duplicates merged, bad input and closed posts refused, rate limits."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from labor import services
from labor.models import ApplicationStatus, JobApplication
from tests.factories import CountyFactory
from tests.labor.conftest import apply, publish_post

pytestmark = pytest.mark.django_db
REFERENCE = re.compile(r"^BM\d{8}[A-HJ-NP-Z2-9]{4}$")


def apply_url(post) -> str:
    return f"/en/labor/apply/{post.pk}/"


def form_data(county=None, **overrides) -> dict:
    data = {
        "name": "韦小梅",
        "mobile": "138 1234 1234",
        "home_county": str(county.pk) if county else "",
        "poverty_alleviated": "yes",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_is_short_and_made_for_a_phone(client, post):
    response = client.get(apply_url(post))
    assert response.status_code == 200
    html = response.content.decode()
    mobile = re.search(r"<input[^>]*name=\"mobile\"[^>]*>", html).group(0)
    assert 'type="tel"' in mobile and 'inputmode="numeric"' in mobile and 'autocomplete="tel-national"' in mobile
    assert '<label for="id_mobile"' in html and '<label for="id_name"' in html
    assert 'type="checkbox" name="consent"' in html
    assert "to the employer of this job, so that they can contact me about it" in html  # the purpose, stated
    assert "deleted 90 days after the job post closes" in html
    assert post.job_title in html and post.employer.name in html
    assert "<script" not in html.split('id="apply-form"')[1].split("</form>")[0]  # works without script


def test_happy_path_gives_a_reference_and_a_way_to_see_or_delete(client, post, county, settings):
    response = client.post(apply_url(post), form_data(county))
    assert response.status_code == 302
    assert response["Location"] == reverse("labor:apply-done")

    application = JobApplication.objects.get()
    assert REFERENCE.match(application.reference)
    assert application.post == post
    assert application.name == "韦小梅"
    assert application.mobile == "13812341234"  # normalised
    assert application.home_county == county
    assert application.poverty_alleviated is True
    assert application.consent_version == settings.LABOR_CONSENT_VERSION
    assert application.consented_at is not None
    assert application.language == "en"
    assert application.status == ApplicationStatus.NEW and application.anonymised_at is None

    done = client.get(response["Location"]).content.decode()
    assert application.reference in done
    assert "138****1234" in done and "13812341234" not in done
    assert reverse("labor:my") in done and reverse("labor:my-applications") in done


def test_applying_twice_to_the_same_post_with_the_same_number_is_merged(client, post, county, other_post):
    first = client.post(apply_url(post), form_data(county))
    reference = JobApplication.objects.get().reference

    again = client.post(apply_url(post), form_data(None, name="韦小梅（新）", mobile="+86 138-1234-1234"))
    assert again.status_code == 302
    assert JobApplication.objects.count() == 1
    application = JobApplication.objects.get()
    assert application.reference == reference
    assert application.name == "韦小梅（新）" and application.home_county is None
    page = client.get(again["Location"]).content.decode()
    assert reference in page and "we updated that application" in page
    assert first.status_code == 302

    client.post(apply_url(other_post), form_data(county))  # another post is another application
    assert JobApplication.objects.count() == 2


def test_the_service_merges_and_keeps_the_outcome(post, employer_user):
    application = apply(post)
    services.application_outcome_set(application=application, status="contacted", user=employer_user)
    merged, created = services.application_submit(
        post=post, name="韦小梅", mobile="8613812341234", poverty_alleviated=False, consented=True
    )
    assert not created and merged.pk == application.pk
    assert merged.status == ApplicationStatus.CONTACTED and merged.poverty_alleviated is False


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"mobile": "12345678901"}, "mobile", "Enter a mainland China mobile number of 11 digits"),
        ({"mobile": "1381234123"}, "mobile", "Enter a mainland China mobile number of 11 digits"),
        ({"mobile": "138123412345"}, "mobile", "Enter a mainland China mobile number of 11 digits"),
        ({"mobile": "电话"}, "mobile", "Enter a mainland China mobile number of 11 digits"),
        ({"mobile": ""}, "mobile", "This field is required."),
        ({"consent": None}, "consent", "We can pass on your application only with your consent."),
        ({"name": "   "}, "name", "This field is required."),
        ({"poverty_alleviated": None}, "poverty_alleviated", "This field is required."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(client, post, county, overrides, field, message):
    response = client.post(apply_url(post), form_data(county, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html  # the message sits next to its field…
    if field != "poverty_alleviated":  # …and the field points at it (a radio group's fieldset does)
        assert re.search(rf'<input[^>]*aria-describedby="id_{field}_error[^"]*"[^>]*name="{field}"', html) or re.search(
            rf'<input[^>]*name="{field}"[^>]*aria-describedby="id_{field}_error', html
        )
    assert 'aria-invalid="true"' in html or field == "poverty_alleviated"
    assert "Please correct the problem below." in html
    assert not JobApplication.objects.exists()


def test_a_county_that_is_not_assisted_is_refused(client, post):
    rich = CountyFactory(name="南宁市青秀区", slug="qingxiu", assistance_level="none")
    response = client.post(apply_url(post), form_data(rich))
    assert response.status_code == 400
    assert not JobApplication.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.application_submit(
            post=post, name="韦", mobile="13812341234", home_county=rich, poverty_alleviated=False, consented=True
        )
    assert "home_county" in refused.value.error_dict


def test_an_expired_post_refuses_with_a_clear_message_and_links_to_open_posts(client, expired_post, jobs):
    for response in (client.get(apply_url(expired_post)), client.post(apply_url(expired_post), form_data())):
        assert response.status_code == 410
        html = response.content.decode()
        assert "closed on" in html and expired_post.valid_until.isoformat() in html
        assert f'href="/en{jobs.url}"' in html or f'href="{jobs.url}"' in html
        assert 'name="mobile"' not in html
    assert not JobApplication.objects.exists()


def test_an_unpublished_post_refuses_without_naming_it(client, unpublished_post, jobs):
    for response in (client.get(apply_url(unpublished_post)), client.post(apply_url(unpublished_post), form_data())):
        assert response.status_code == 404
        html = response.content.decode()
        assert "This job post is not open for applications." in html
        assert unpublished_post.job_title not in html
        assert 'id="open-posts-link"' in html
    assert not JobApplication.objects.exists()
    assert client.get("/en/labor/apply/999999/").status_code == 404


def test_a_post_not_open_yet_says_when_it_opens(client, jobs, employer):
    today = timezone.localdate()
    future = publish_post(
        jobs,
        employer=employer,
        slug="future",
        valid_from=today + datetime.timedelta(days=5),
        valid_until=today + datetime.timedelta(days=40),
    )
    response = client.post(apply_url(future), form_data())
    assert response.status_code == 404
    assert (today + datetime.timedelta(days=5)).isoformat() in response.content.decode()
    assert not JobApplication.objects.exists()


def test_the_service_refuses_a_post_that_closed_after_the_form_was_shown(expired_post, unpublished_post):
    for post in (expired_post, unpublished_post):
        with pytest.raises(ValidationError) as refused:
            apply(post)
        assert refused.value.error_dict["__all__"][0].code == "post_closed"
    assert not JobApplication.objects.exists()


def test_applications_are_rate_limited_per_address(client, post, settings):
    settings.LABOR_APPLY_LIMIT_PER_IP = 3
    for number in range(3):
        assert client.post(apply_url(post), form_data(mobile=f"1390000000{number}")).status_code == 302
    blocked = client.post(apply_url(post), form_data(mobile="13900000009"))
    assert blocked.status_code == 429
    assert "Too many applications" in blocked.content.decode() and "Nothing was saved" in blocked.content.decode()
    assert not JobApplication.objects.filter(mobile="13900000009").exists()
    assert JobApplication.objects.count() == 3
    other = client.post(apply_url(post), form_data(mobile="13900000009"), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302  # another address has its own budget


def test_applications_are_rate_limited_per_mobile_number(client, jobs, employer, settings):
    settings.LABOR_APPLY_LIMIT_PER_MOBILE = 2
    posts = [publish_post(jobs, employer=employer, slug=f"p{n}") for n in range(3)]
    for number, post in enumerate(posts[:2]):
        assert client.post(apply_url(post), form_data(), REMOTE_ADDR=f"198.51.100.{number}").status_code == 302
    blocked = client.post(apply_url(posts[2]), form_data(), REMOTE_ADDR="198.51.100.99")
    assert blocked.status_code == 429
    assert not JobApplication.objects.filter(post=posts[2]).exists()


def test_the_post_page_calls_to_apply_only_while_the_post_is_open(client, post, expired_post, unpublished_post):
    html = client.get(post.url).content.decode()
    assert f'href="{reverse("labor:apply", kwargs={"post_id": post.pk})}"' in html
    tag = Template("{% load labor_tags %}{% labor_apply_link post %}")
    assert reverse("labor:apply", kwargs={"post_id": post.pk}) in tag.render(Context({"post": post}))
    assert tag.render(Context({"post": expired_post})).strip() == ""
    assert tag.render(Context({"post": unpublished_post})).strip() == ""
