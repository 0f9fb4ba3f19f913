"""With the shared cache (Redis) down, pages are served uncached and /healthz says so."""

import logging
import socket
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from oscar.core.loading import get_model

from core import cache as core_cache
from labor.models import JobApplication
from marketplace.settings.base import cache_config
from tests.factories import CertificationFactory, CooperativeFactory, build_site, make_product
from tests.fulfilment.helpers import buyer
from tests.outage import REFUSED

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")


@pytest.fixture
def site_tree():
    return build_site(counties=1, posts=1, projects=1)


@pytest.fixture
def product(site_tree):
    cooperative = CooperativeFactory(name="巴马香猪合作社", county=site_tree["county_pages"][0].county)
    certificate = CertificationFactory(holder=cooperative, number="GF451022250001")
    return make_product(title="巴马香猪五花肉", cooperative=cooperative, price="88.00", certifications=[certificate])


@pytest.fixture
def cache_down(settings, caplog):
    """The production cache configuration, pointed at a port that refuses connections; sessions
    cached in it as in production (``cached_db``)."""
    settings.CACHES = {"default": cache_config(f"redis://{REFUSED}/0")}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    caplog.set_level(logging.CRITICAL, logger="django_redis")  # each ignored error is logged


def test_the_cache_has_short_timeouts_and_ignores_its_errors(cache_down):
    options = cache_config("redis://redis.internal:6379/1")["OPTIONS"]
    assert 0 < options["SOCKET_CONNECT_TIMEOUT"] <= 1 and 0 < options["SOCKET_TIMEOUT"] <= 1
    assert cache.get("anything") is None and cache.add("anything", 1) is None and cache.incr("n") is None


def test_pages_are_served_uncached(client, site_tree, product, cache_down):
    home = client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    assert "巴马香猪五花肉" in html and site_tree["posts"][0].job_title in html
    assert "帮扶县" in html  # the menu, built without the cache
    shop = client.get(reverse("catalogue:index"))
    assert shop.status_code == 200 and "¥88.00" in shop.content.decode()
    assert client.get(product.get_absolute_url()).status_code == 200
    post = client.get(site_tree["posts"][0].url)
    assert post.status_code == 200 and site_tree["posts"][0].job_title in post.content.decode()
    assert client.get("/zh-hant/").status_code == 200


def test_a_job_seeker_applies_a_buyer_logs_in_and_fills_a_basket(client, site_tree, product, cache_down):
    post = site_tree["posts"][0]
    applied = client.post(
        reverse("labor:apply", kwargs={"post_id": post.pk}),
        {"name": "韦小梅", "mobile": "13812341234", "poverty_alleviated": "yes", "consent": "on"},
    )
    assert applied.status_code == 302 and applied["Location"] == reverse("labor:apply-done")
    assert JobApplication.objects.get().post_id == post.pk  # the rate limit could not count: allowed
    assert client.get(reverse("labor:apply-done")).status_code == 200  # the session kept the reference

    customer = buyer(email="buyer@example.cn")
    login = client.post(
        reverse("customer:login"),
        {"login-username": customer.email, "login-password": "pass-2026", "login_submit": "1"},
    )
    assert login.status_code == 302
    added = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2}, HTTP_REFERER="/shop/")
    assert added.status_code == 302
    assert Basket.objects.get(owner=customer).num_items == 2
    basket = client.get(reverse("basket:summary"))
    assert basket.status_code == 200 and "巴马香猪五花肉" in basket.content.decode()


def test_status_lookup_still_answers(client, cache_down):
    response = client.post("/en" + reverse("cooperatives:status"), {"reference": "SQ20260101ABCD", "contact": "x@y.cn"})
    assert response.status_code == 404  # the form again, saying it found nothing: not an error page
    assert "We found no application with this reference number" in response.content.decode()


def test_healthz_says_the_cache_is_down(client, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "down"}


@pytest.fixture
def silent_redis(settings, caplog):
    """A Redis that accepts connections and never answers (a black-holed or hung server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(100)
    settings.CACHES = {"default": cache_config(f"redis://127.0.0.1:{listener.getsockname()[1]}/0")}
    caplog.set_level(logging.WARNING)
    yield
    listener.close()


def test_a_silent_redis_costs_one_timeout_then_rests(silent_redis, caplog, monkeypatch):
    # when a page makes forty cache calls to a Redis that never answers
    started = time.perf_counter()
    values = [cache.get(f"card-{n}") for n in range(20)] + [cache.set(f"card-{n}", n) for n in range(20)]
    elapsed = time.perf_counter() - started

    # then they are misses, and only the first waited its timeout (0.5 s), not all forty (20 s)
    assert values == [None] * 40
    assert elapsed < 3, elapsed
    rests = [record for record in caplog.records if "served without it" in record.getMessage()]
    assert len(rests) == 1  # logged once, not forty times

    # and once the rest is over, Redis is tried again
    monkeypatch.setattr(core_cache, "_resting", dict.fromkeys(core_cache._resting, 0.0))
    started = time.perf_counter()
    assert cache.get("card-1") is None
    assert time.perf_counter() - started >= 0.4


def test_calls_skipped_while_redis_rests_are_not_logged_again():
    skip = core_cache.SkipResting()
    try:
        try:
            raise core_cache.RedisResting("not tried")
        except core_cache.RedisResting as resting:
            raise RuntimeError("wrapped") from resting
    except RuntimeError as wrapped:
        skipped = logging.LogRecord("django_redis", logging.ERROR, "", 0, "ignored", (), (RuntimeError, wrapped, None))
    other = logging.LogRecord("django_redis", logging.ERROR, "", 0, "ignored", (), (OSError, OSError("x"), None))
    assert skip.filter(skipped) is False and skip.filter(other) is True
