"""The status lookup's limit per address: per client behind the proxy, and only for complete lookups."""

import pytest

pytestmark = pytest.mark.django_db
STATUS = "/en/cooperatives/status/"


def test_incomplete_lookups_do_not_use_up_the_allowance(client, application):
    for _attempt in range(12):
        assert client.post(STATUS, {"reference": application.reference, "contact": ""}).status_code == 400
    response = client.post(STATUS, {"reference": application.reference, "contact": "13800138000"})
    assert response.status_code == 302


def test_lookups_are_counted_per_client_behind_the_proxy(client, application, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    wrong = {"reference": "SQ20000101AAAA", "contact": "13800138000"}
    for forged in range(10):  # a new forged address each time, from one client
        meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": f"198.51.100.{forged}, 203.0.113.5"}
        assert client.post(STATUS, wrong, **meta).status_code == 404
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.77, 203.0.113.5"}
    assert client.post(STATUS, wrong, **meta).status_code == 429
    right = {"reference": application.reference, "contact": "13800138000"}
    other = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.6"}
    assert client.post(STATUS, right, **other).status_code == 302  # someone else behind the same proxy
