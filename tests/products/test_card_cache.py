"""Product cards are cached in part: what a buyer sees still follows price, stock, certificates,
pictures and language at once, and each visitor gets their own CSRF token."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation
from oscar.core.loading import get_model

from tests.factories import CertificationFactory, make_product

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")
URL = "/shop/catalogue/"


@pytest.fixture
def product():
    cache.clear()
    return make_product(title="巴马香猪腊肉", price="58.00", stock=5)


def _card(client, product, url=URL) -> str:
    html = client.get(url).content.decode()
    start = html.index(f'href="{product.get_absolute_url()}"') if url == URL else html.index("product-card")
    return html[html.rfind("<article", 0, start) : html.index("</article>", start)]


def test_price_and_stock_changes_show_at_once(client, product):
    assert "¥58.00" in _card(client, product) and "basket/add" in _card(client, product)
    StockRecord.objects.filter(product=product).update(price=Decimal("49.90"))
    card = _card(client, product)
    assert "¥49.90" in card and "¥58.00" not in card
    StockRecord.objects.filter(product=product).update(num_in_stock=0)
    assert "basket/add" not in _card(client, product)


def test_a_lapsed_certificate_badge_disappears(client, product):
    certificate = CertificationFactory(holder=product.stockrecords.get().partner)
    product.certifications.add(certificate, through_defaults={"listing_depends": False})  # stays on sale
    assert "badge-cert" in _card(client, product)
    type(certificate).objects.filter(pk=certificate.pk).update(valid_until=timezone.localdate() - datetime.timedelta(1))
    assert "badge-cert" not in _card(client, product)


def test_title_change_and_language_each_have_their_card(client, product):
    product.title = "巴马香猪腊肉（礼盒）"
    product.save()
    assert "巴马香猪腊肉（礼盒）" in _card(client, product)
    with translation.override("zh-hans"):
        path = product.get_absolute_url()
    english = client.get("/en" + URL).content.decode()
    assert f'href="/en{path}"' in english and f'href="{path}"' not in english


def test_each_visitor_gets_their_own_csrf_token_and_can_add_to_basket(product):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(URL)
    html = second.get(URL).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = second.post(f"/shop/basket/add/{product.pk}/", {"quantity": 1, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "巴马香猪腊肉" in second.get("/shop/basket/").content.decode()
