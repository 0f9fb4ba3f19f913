"""Expiry: a post unpublishes at the end of "valid until"; its URL then answers 410 Gone with similar open posts."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from freezegun import freeze_time

from cms.models import LaborPostPage
from cms.tasks import publish_scheduled_pages_task
from tests.cms.conftest import admin_form_data, edit_url
from tests.factories import add_page, labor_post

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOSED_PAGE_BUDGET = 10


def _post(site_tree, slug, **values) -> LaborPostPage:
    return add_page(site_tree["job_index"], labor_post(employer=site_tree["employer"], slug=slug, title=slug, **values))


def test_saving_a_post_sets_its_expiry_to_the_end_of_valid_until_in_beijing(site_tree):
    post = site_tree["posts"][0]
    post.refresh_from_db()
    expected = datetime.datetime.combine(post.valid_until, datetime.time(23, 59, 59), tzinfo=SHANGHAI)
    assert post.expire_at == expected


def test_changing_valid_until_in_the_editor_moves_the_expiry(client, moderator, site_tree):
    """The admin form has no expiry field of its own: "valid until" decides, also for a post that expired."""
    post = site_tree["posts"][0]
    LaborPostPage.objects.filter(pk=post.pk).update(
        live=False, expired=True, valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    new_end = timezone.localdate() + datetime.timedelta(days=90)
    client.force_login(moderator)
    url = edit_url(post)
    data = admin_form_data(client, url, valid_until=new_end.isoformat(), **{"action-publish": "1"})
    assert "expire_at" not in data

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["form"].errors
    post.refresh_from_db()
    assert post.live and not post.expired
    assert post.expire_at == datetime.datetime.combine(new_end, datetime.time(23, 59, 59), tzinfo=SHANGHAI)
    assert client.get(post.url).status_code == 200


def test_the_beat_task_unpublishes_a_post_after_its_last_day(client, site_tree):
    post = site_tree["posts"][0]
    post.refresh_from_db()
    last_day_evening = datetime.datetime.combine(post.valid_until, datetime.time(23, 0), tzinfo=SHANGHAI)
    next_morning = last_day_evening + datetime.timedelta(hours=9)

    with freeze_time(last_day_evening):
        publish_scheduled_pages_task()
        post.refresh_from_db()
        assert post.live

    with freeze_time(next_morning):
        publish_scheduled_pages_task()
        post.refresh_from_db()
        assert not post.live and post.expired
        response = client.get(post.url if post.url else f"/jobs/{post.slug}/")
        assert response.status_code == 410


@pytest.fixture
def closed_post(site_tree):
    """A post that closed yesterday and was unpublished by the beat task, with open and closed neighbours."""
    today = timezone.localdate()
    employer = site_tree["employer"]
    closed = _post(
        site_tree,
        "closed-electronics",
        sector="electronics",
        work_city="东莞市",
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today - datetime.timedelta(days=1),
    )
    publish_scheduled_pages_task()
    closed.refresh_from_db()
    assert not closed.live and closed.expired
    _post(site_tree, "same-city", sector="logistics", work_city="东莞市")
    _post(site_tree, "same-sector", sector="electronics", work_city="惠州市")
    _post(site_tree, "unrelated", sector="care", work_city="广州市")
    _post(
        site_tree,
        "also-closed",
        sector="electronics",
        work_city="东莞市",
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today - datetime.timedelta(days=2),
    )
    assert employer.posts.count() == 7
    return closed


def test_a_closed_post_answers_410_with_similar_open_posts(client, closed_post, django_assert_max_num_queries):
    url = "/jobs/closed-electronics/"
    client.get(url)  # warm the site and menu caches
    with django_assert_max_num_queries(CLOSED_PAGE_BUDGET):
        response = client.get(url)

    assert response.status_code == 410
    assert response.templates[0].name == "cms/labor_post_closed.html"
    similar = [post.slug for post in response.context["similar_posts"]]
    # Both built posts (same sector and city) first, then same sector, then same city; nothing closed.
    assert similar[:2] == ["job-1", "job-0"] or similar[:2] == ["job-0", "job-1"]
    assert similar[2:] == ["same-sector", "same-city"]
    html = response.content.decode()
    assert "closed-electronics" in html  # the post's job title, so the visitor knows which job
    assert "unrelated" not in html and "also-closed" not in html
    assert 'href="/jobs/same-city/"' in html
    assert '"@type": "JobPosting"' not in html


def test_at_most_five_similar_posts(client, closed_post, site_tree):
    for n in range(6):
        _post(site_tree, f"more-{n}", sector="electronics", work_city="东莞市")
    response = client.get("/jobs/closed-electronics/")
    assert response.status_code == 410
    assert len(response.context["similar_posts"]) == 5


def test_a_closed_post_answers_410_under_every_language_prefix(client, closed_post):
    for prefix in ("", "/zh-hant", "/en"):
        assert client.get(f"{prefix}/jobs/closed-electronics/").status_code == 410, prefix


def test_a_live_post_past_its_last_day_answers_410_before_the_task_runs(client, site_tree):
    today = timezone.localdate()
    post = _post(
        site_tree,
        "not-yet-unpublished",
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today - datetime.timedelta(days=1),
    )
    post.refresh_from_db()
    assert post.live
    response = client.get("/jobs/not-yet-unpublished/")
    assert response.status_code == 410
    assert response.context["similar_posts"]


def test_a_post_unpublished_by_hand_before_its_end_is_404_not_410(client, site_tree):
    post = site_tree["posts"][0]
    post.refresh_from_db()
    post.unpublish()
    assert client.get(f"/jobs/{post.slug}/").status_code == 404


def test_a_draft_never_published_is_404(client, site_tree):
    today = timezone.localdate()
    draft = labor_post(
        employer=site_tree["employer"],
        slug="old-draft",
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today - datetime.timedelta(days=1),
        live=False,
    )
    site_tree["job_index"].add_child(instance=draft)
    assert client.get("/jobs/old-draft/").status_code == 404


def test_an_unknown_job_is_still_404(client, site_tree):
    assert client.get("/jobs/no-such-job/").status_code == 404


def test_an_open_post_still_answers_200(client, site_tree):
    assert client.get(site_tree["posts"][0].url).status_code == 200


def test_a_go_live_time_after_the_post_closes_is_refused(site_tree):
    from django.core.exceptions import ValidationError

    post = LaborPostPage.objects.get(pk=site_tree["posts"][0].pk)
    post.go_live_at = post.closes_at + datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        post.clean()
    assert "go_live_at" in error.value.message_dict
