"""Crawl the site from the home page: no internal link or image answers with an error."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.factories import CertificationFactory, CooperativeFactory, build_site, make_product

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("/admin", "/django-admin", "/shop/dashboard", "/shop/accounts/logout", "/documents/")


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.assets = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag in ("img", "script") and attrs.get("src"):
            self.assets.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.assets.append(attrs["href"])


def asset_exists(path: str) -> bool:
    if path.startswith(settings.MEDIA_URL):
        return (Path(settings.MEDIA_ROOT) / path.removeprefix(settings.MEDIA_URL)).exists()
    if path.startswith(settings.STATIC_URL):
        return finders.find(path.removeprefix(settings.STATIC_URL)) is not None
    return False


def test_no_broken_links_or_images(client):
    site = build_site(counties=2, posts=2, projects=2)
    cooperative = CooperativeFactory(county=site["county_pages"][0].county)
    make_product(cooperative=cooperative, certifications=[CertificationFactory(holder=cooperative)])
    make_product()

    queue, seen, broken, assets = ["/", "/zh-hant/", "/en/"], set(), [], set()
    while queue and len(seen) < 120:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            broken.append((url, response.status_code))
            continue
        parser = LinkParser()
        parser.feed(response.content.decode())
        for href in parser.links:
            parts = urlsplit(urljoin(url, href))
            if parts.netloc or parts.scheme in ("mailto", "tel") or parts.path.startswith(SKIP_PREFIXES):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                queue.append(target)
        assets.update(urlsplit(urljoin(url, src)).path for src in parser.assets)

    assert len(seen) > 30
    assert broken == []
    missing = sorted(path for path in assets if not asset_exists(path))
    assert missing == []
