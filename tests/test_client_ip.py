"""The client's address behind our proxies (core.http.client_ip) and the cache-based limit counter."""

import pytest
from django.test import RequestFactory

from core import http


def request(remote="10.0.0.2", forwarded=None, header="HTTP_X_FORWARDED_FOR"):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta[header] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_a_trusted_header_the_client_is_the_peer(settings):
    settings.TRUSTED_PROXY_HEADER = ""
    settings.TRUSTED_PROXY_COUNT = 0
    assert http.client_ip(request("203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    # nginx: $proxy_add_x_forwarded_for appends the address it saw to whatever the client sent.
    assert http.client_ip(request(forwarded="203.0.113.9")) == "203.0.113.9"
    assert http.client_ip(request(forwarded="6.6.6.6, 203.0.113.9")) == "203.0.113.9"  # forged entry ignored
    assert http.client_ip(request(forwarded="garbage, 6.6.6.6 ,203.0.113.9 ")) == "203.0.113.9"


def test_behind_two_proxies_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 2
    assert http.client_ip(request(forwarded="6.6.6.6, 203.0.113.9, 192.0.2.50")) == "203.0.113.9"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "203.0.113.9, nonsense"])
def test_a_missing_short_or_bad_header_falls_back_to_the_peer(settings, forwarded):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    assert http.client_ip(request("10.0.0.2", forwarded=forwarded)) == "10.0.0.2"


def test_a_header_shorter_than_the_proxy_chain_is_not_trusted(settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 2
    assert http.client_ip(request("10.0.0.2", forwarded="6.6.6.6")) == "10.0.0.2"


def test_another_header_can_be_trusted(settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_REAL_IP"
    settings.TRUSTED_PROXY_COUNT = 1
    assert http.client_ip(request(forwarded="203.0.113.9", header="HTTP_X_REAL_IP")) == "203.0.113.9"
    assert http.client_ip(request(forwarded="203.0.113.9")) == "10.0.0.2"  # X-Forwarded-For not read


def test_addresses_are_normalised(settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    assert http.client_ip(request(forwarded="203.0.113.9:51234")) == "203.0.113.9"
    assert http.client_ip(request(forwarded="[2001:DB8::1]:443")) == "2001:db8::1"
    assert http.client_ip(request(forwarded="::ffff:203.0.113.9")) == "203.0.113.9"


def test_limits_count_an_ipv6_client_by_its_64_network(settings):
    settings.TRUSTED_PROXY_HEADER = ""
    one = http.client_ip_for_limits(request("2001:db8:1:2::10"))
    other = http.client_ip_for_limits(request("2001:db8:1:2:ffff::99"))
    assert one == other == "2001:db8:1:2::"
    assert http.client_ip_for_limits(request("2001:db8:1:3::10")) != one
    assert http.client_ip_for_limits(request("203.0.113.9")) == "203.0.113.9"


def test_within_limit_counts_up_to_the_limit():
    assert [http.within_limit("test:limit:a", limit=2, window=60) for _ in range(3)] == [True, True, False]
    assert http.within_limit("test:limit:b", limit=2, window=60)


class BrokenCache:
    def __init__(self, *, incr_result=None, error=None):
        self.incr_result, self.error = incr_result, error

    def add(self, *args, **kwargs):
        if self.error:
            raise self.error
        return True

    def incr(self, *args, **kwargs):
        return self.incr_result

    def set(self, *args, **kwargs):
        return None


@pytest.mark.parametrize(
    "broken", [BrokenCache(incr_result=None), BrokenCache(error=ConnectionError("cache down"))], ids=["none", "raises"]
)
def test_a_cache_that_cannot_count_lets_the_attempt_through(monkeypatch, broken):
    monkeypatch.setattr(http, "cache", broken)
    assert http.within_limit("test:limit:c", limit=0, window=60) is True
