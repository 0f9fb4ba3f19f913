"""Rate limits of job applications behind the proxy: who shares a budget, and what uses it up."""

import pytest
from django.core.cache.backends.locmem import LocMemCache

from labor.models import JobApplication

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.1"  # REMOTE_ADDR of every request behind the documented nginx


def apply_url(post) -> str:
    return f"/en/labor/apply/{post.pk}/"


def form_data(**overrides) -> dict:
    return {"name": "韦小梅", "mobile": "13812341234", "consent": "on", "poverty_alleviated": "yes", **overrides}


def via_proxy(client_address: str, forged: str = "") -> dict:
    """What gunicorn sees behind nginx: the proxy as peer, the client appended to X-Forwarded-For."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1


def test_mistyped_applications_do_not_use_up_the_address_allowance(client, post, settings):
    settings.LABOR_APPLY_LIMIT_PER_IP = 2
    # given a job seeker who gets the number wrong five times
    for wrong in ("1381234", "23812341234", "138123412345", "abc", ""):
        assert client.post(apply_url(post), form_data(mobile=wrong)).status_code == 400
    # when they send two right applications, then a third
    first = client.post(apply_url(post), form_data(mobile="13900000001"))
    second = client.post(apply_url(post), form_data(mobile="13900000002"))
    third = client.post(apply_url(post), form_data(mobile="13900000003"))
    # then the two go through and only the third is over the limit
    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)
    assert set(JobApplication.objects.values_list("mobile", flat=True)) == {"13900000001", "13900000002"}
    assert "韦小梅" in third.content.decode()  # what was typed is kept on the refusal


def test_people_behind_one_proxy_have_their_own_budgets(client, post, settings, behind_proxy):
    settings.LABOR_APPLY_LIMIT_PER_IP = 2
    for number in range(2):
        response = client.post(apply_url(post), form_data(mobile=f"1390000000{number}"), **via_proxy("203.0.113.5"))
        assert response.status_code == 302
    blocked = client.post(apply_url(post), form_data(mobile="13900000005"), **via_proxy("203.0.113.5"))
    assert blocked.status_code == 429
    other = client.post(apply_url(post), form_data(mobile="13900000006"), **via_proxy("203.0.113.6"))
    assert other.status_code == 302  # the next person behind the same proxy is not blocked
    assert JobApplication.objects.count() == 3


def test_a_forged_forwarded_for_does_not_move_the_limit(client, post, settings, behind_proxy):
    settings.LABOR_APPLY_LIMIT_PER_IP = 2
    for number, forged in enumerate(("198.51.100.1", "198.51.100.2")):
        response = client.post(
            apply_url(post), form_data(mobile=f"1390000000{number}"), **via_proxy("203.0.113.5", forged=forged)
        )
        assert response.status_code == 302
    # when the same client claims yet another address in the header it sends
    again = client.post(
        apply_url(post), form_data(mobile="13900000007"), **via_proxy("203.0.113.5", forged="198.51.100.3")
    )
    # then it is still counted as itself
    assert again.status_code == 429
    assert JobApplication.objects.count() == 2


def test_the_limit_per_number_still_holds_across_addresses(client, jobs, employer, settings, behind_proxy):
    from tests.labor.conftest import publish_post

    settings.LABOR_APPLY_LIMIT_PER_MOBILE = 1
    posts = [publish_post(jobs, employer=employer, slug=f"limit{n}") for n in range(2)]
    assert client.post(apply_url(posts[0]), form_data(), **via_proxy("203.0.113.5")).status_code == 302
    assert client.post(apply_url(posts[1]), form_data(), **via_proxy("203.0.113.6")).status_code == 429


class NoCountCache(LocMemCache):
    """A cache that answers no count, as django-redis does (IGNORE_EXCEPTIONS) while Redis is down."""

    def incr(self, key, delta=1, version=None):
        return None


def test_a_cache_that_cannot_count_does_not_break_applying(client, post, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.labor.test_rate_limits.NoCountCache"}}
    assert client.post(apply_url(post), form_data()).status_code == 302
    assert JobApplication.objects.count() == 1


def test_incomplete_lookups_do_not_use_up_the_address_allowance(client, post, settings):
    from tests.labor.conftest import apply

    settings.LABOR_LOOKUP_LIMIT_PER_IP = 2
    application = apply(post)
    for _attempt in range(5):
        assert client.post("/en/labor/my/", {"reference": "", "mobile": "13812341234"}).status_code == 400
    response = client.post("/en/labor/my/", {"reference": application.reference, "mobile": "13812341234"})
    assert response.status_code == 302


def test_lookups_are_counted_per_client_behind_the_proxy(client, post, settings, behind_proxy):
    from tests.labor.conftest import apply

    settings.LABOR_LOOKUP_LIMIT_PER_IP = 1
    application = apply(post)
    data = {"reference": "BM20000101AAAA", "mobile": "13812341234"}
    assert client.post("/en/labor/my/", data, **via_proxy("203.0.113.5")).status_code == 404
    assert client.post("/en/labor/my/", data, **via_proxy("203.0.113.5", forged="198.51.100.9")).status_code == 429
    right = {"reference": application.reference, "mobile": "13812341234"}
    assert client.post("/en/labor/my/", right, **via_proxy("203.0.113.6")).status_code == 302
