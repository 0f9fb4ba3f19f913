"""Content-Security-Policy: no inline script runs without the response's nonce, except in Wagtail's admin."""

import re

import pytest
from django.test import override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def script_src(response) -> list[str]:
    header = response["Content-Security-Policy"]
    directive = next(part for part in header.split(";") if part.strip().startswith("script-src"))
    return directive.split()[1:]


@pytest.mark.parametrize("url", ["/shop/catalogue/", "/zh-hant/shop/catalogue/", "/en/shop/accounts/login/"])
def test_shop_pages_allow_only_their_own_scripts_and_the_nonce_of_the_response(client, url):
    response = client.get(url)

    assert response.status_code == 200
    sources = script_src(response)
    assert "'unsafe-inline'" not in sources
    nonces = [source for source in sources if source.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline, "the page has Oscar's inline start-up script"
    for attributes in inline:
        if "application/ld+json" in attributes:
            continue  # data, never executed
        assert f'nonce="{nonce}"' in attributes


def test_a_nonce_is_new_for_every_response(client):
    first = script_src(client.get("/shop/catalogue/"))
    second = script_src(client.get("/shop/catalogue/"))
    assert [s for s in first if s.startswith("'nonce-")] != [s for s in second if s.startswith("'nonce-")]


@pytest.mark.parametrize("prefix", ["", "/zh-hant", "/en"])
def test_wagtail_admin_may_run_its_inline_scripts_without_a_nonce(client, prefix):
    """A nonce would make browsers ignore 'unsafe-inline', which Wagtail's widgets still need."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(f"{prefix}/admin/")

    assert response.status_code == 200
    sources = script_src(response)
    assert "'unsafe-inline'" in sources
    assert not [source for source in sources if source.startswith("'nonce-")]


def test_the_relaxed_policy_follows_the_setting(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with override_settings(CSP_INLINE_SCRIPT_PATHS=[]):
        from core.csp import _inline_script_paths

        _inline_script_paths.cache_clear()
        response = client.get("/admin/")
    _inline_script_paths.cache_clear()
    assert "'unsafe-inline'" not in script_src(response)


def test_nothing_is_loaded_from_another_origin_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get("/admin/").content.decode()
    assert "gravatar.com" not in html


def test_a_page_outside_the_admin_that_only_looks_like_it_keeps_the_strict_policy(client):
    response = client.get("/shop/catalogue/?next=/admin/")
    assert "'unsafe-inline'" not in script_src(response)


def test_no_template_of_ours_carries_an_inline_event_handler():
    """Browsers refuse (and report) `onclick=` and its kind as soon as they parse it under this policy."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [
        str(path.relative_to(root))
        for folder in ("core", "marketplace", "partners", "products", "cms", "labor")
        for path in (root / folder).rglob("*.html")
        if handler.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
