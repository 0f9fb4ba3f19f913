"""Every URL of the project refuses a POST without a CSRF token, in every language.

The test walks the whole URL map (ours, Oscar's, Wagtail's, Django's admin, the i18n patterns
under each language prefix), makes a concrete URL for each pattern from its own regular
expression, and POSTs to it as a superuser with a client that enforces CSRF checks and sends
no token. Each must be refused by the CSRF check — or answer 405, which only a view that never
accepts POST can. A view marked ``@csrf_exempt`` that accepts POST fails the test unless it is
in ``ALLOWED_WITHOUT_CSRF`` with the reason. New URLs are picked up by themselves.
"""

from __future__ import annotations

import re._constants as sre_constants
import re._parser as sre_parse
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Views that may take a POST without a CSRF token, by URL name, each with why. None today.
# A payment provider's webhook (signed by the provider, no browser session) would be one.
ALLOWED_WITHOUT_CSRF: dict[str, str] = {
    # Stripe posts events server to server with no session or cookie; the Stripe-Signature HMAC of the raw
    # body with the webhook secret is the check (tests/payments/test_webhook.py: anything unsigned is a 400).
    "stripe-webhook": "Stripe's webhook: the signature, not a CSRF token, authenticates it",
}

CSRF_REFUSED = "X-Test-CSRF-Refused"


def csrf_refused(request, reason=""):
    """Stands in for Django's CSRF failure view, so that the test tells a CSRF refusal from
    a permission refusal (both are 403)."""
    response = HttpResponseForbidden(reason)
    response[CSRF_REFUSED] = reason or "yes"
    return response


def refused_for_csrf(response) -> bool:
    if response.has_header(CSRF_REFUSED):
        return True
    # Django REST framework's views (Wagtail's admin API) are exempt from the middleware and
    # make the same check themselves for session users, answering in JSON.
    return response.status_code == 403 and b"CSRF Failed" in response.content


# --------------------------------------------------------------------------- a URL for each pattern
def _sample(parsed) -> str:
    """A short string that the parsed regular expression matches (the constructs URL patterns use)."""
    out = []
    for op, value in parsed:
        if op is sre_constants.LITERAL:
            out.append(chr(value))
        elif op is sre_constants.NOT_LITERAL:
            out.append("x" if chr(value) != "x" else "y")
        elif op is sre_constants.ANY:
            out.append("x")
        elif op is sre_constants.IN:
            out.append(_sample_in(value))
        elif op is sre_constants.BRANCH:
            out.append(_sample(value[1][0]))
        elif op is sre_constants.SUBPATTERN:
            out.append(_sample(value[-1]))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, item = value
            count = max(low, 1) if high != 0 else 0
            out.append(_sample(item) * count)
        elif op is sre_constants.AT:
            continue
        elif op is sre_constants.CATEGORY:
            out.append(_from_category(value))
        else:  # a construct the URL map does not use yet: say which, rather than guess
            raise NotImplementedError(f"regular expression construct {op} {value!r}")
    return "".join(out)


def _from_category(category) -> str:
    if category is sre_constants.CATEGORY_DIGIT:
        return "1"
    if category is sre_constants.CATEGORY_WORD:
        return "x"
    raise NotImplementedError(f"category {category}")


def _sample_in(items) -> str:
    for preferred in "1x":
        if _in_matches(items, preferred):
            return preferred
    op, value = items[0]
    if op is sre_constants.LITERAL:
        return chr(value)
    if op is sre_constants.RANGE:
        return chr(value[0])
    if op is sre_constants.CATEGORY:
        return _from_category(value)
    raise NotImplementedError(f"character set {items!r}")


def _in_matches(items, char: str) -> bool:
    code = ord(char)
    for op, value in items:
        if op is sre_constants.LITERAL and value == code:
            return True
        if op is sre_constants.RANGE and value[0] <= code <= value[1]:
            return True
        if op is sre_constants.CATEGORY and char.isalnum() and value is sre_constants.CATEGORY_WORD:
            return True
        if op is sre_constants.CATEGORY and char.isdigit() and value is sre_constants.CATEGORY_DIGIT:
            return True
    return False


def _piece(pattern) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    return _sample(sre_parse.parse(pattern.regex.pattern))


@dataclass
class Endpoint:
    name: str
    url: str
    view: object


def endpoints(language: str) -> tuple[list[Endpoint], list[str]]:
    """A concrete URL for every pattern, under ``language``, with the view that answers it; and
    the patterns no made-up URL reached (it fell through to Wagtail's catch-all, or nowhere)."""
    found, unreached = [], []

    def walk(resolver: URLResolver, prefix: str, names: str) -> None:
        for entry in resolver.url_patterns:
            path = prefix + _piece(entry.pattern)
            if isinstance(entry, URLResolver):
                namespace = f"{names}{entry.namespace}:" if entry.namespace else names
                walk(entry, path, namespace)
                continue
            assert isinstance(entry, URLPattern)
            name = f"{names}{entry.name or entry.lookup_str}"
            url = "/" + path
            try:
                match = resolve(url)
            except Exception:
                unreached.append(f"{name} {url}")
                continue
            if match.func is not entry.callback:
                served_by = match.view_name or match._func_path
                if match._func_path == "wagtail.views.serve":  # the catch-all: the made-up URL is wrong
                    unreached.append(f"{name} {url} → {served_by}")
                    continue
                # An earlier pattern takes this URL on purpose (our view in place of a library's
                # at the same address): the view that answers is the one to try.
                found.append(Endpoint(f"{name} (served by {served_by})", url, match.func))
                continue
            found.append(Endpoint(name, url, entry.callback))

    with translation.override(language):
        walk(get_resolver(), "", "")
    return found, unreached


# --------------------------------------------------------------------------- the walk
@pytest.fixture
def superuser():
    return UserFactory(email="root@platform.example.cn", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_url_refuses_a_post_without_a_csrf_token(settings, superuser, language):
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_refused"
    found, unreached = endpoints(language)
    assert len(found) > 500, "the walk found too few URLs: is the URL map read right?"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(superuser)

    accepted = []
    for endpoint in found:
        response = browser.post(endpoint.url)
        if refused_for_csrf(response) or response.status_code == 405:
            continue
        if endpoint.name in ALLOWED_WITHOUT_CSRF:
            continue
        accepted.append(f"{endpoint.name} {endpoint.url} → {response.status_code}")

    assert accepted == [], "POST without a CSRF token was not refused:\n" + "\n".join(accepted)
    assert unreached == [], "no made-up URL reaches these patterns; teach the walk:\n" + "\n".join(unreached)
