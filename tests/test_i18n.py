"""Three languages: Simplified at the root, /zh-hant/ and /en/; translated 404s."""

import pytest

from tests.factories import build_site, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_tree():
    return build_site()


@pytest.mark.parametrize(
    "prefix, expected, lang",
    [("", "购物车", "zh-Hans"), ("/zh-hant", "購物車", "zh-Hant"), ("/en", "Cart", "en")],
)
def test_home_page_speaks_each_language(client, site_tree, prefix, expected, lang):
    response = client.get(f"{prefix}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert expected in html


@pytest.mark.parametrize(
    "prefix, expected",
    [("", "全部商品"), ("/zh-hant", "全部商品"), ("/en", "All products")],
)
def test_shop_speaks_each_language(client, prefix, expected):
    make_product()
    response = client.get(f"{prefix}/shop/catalogue/")
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_traditional_pages_do_not_show_simplified_chrome(client, site_tree):
    html = client.get("/zh-hant/").content.decode()
    for simplified in ["购物车", "登录", "粤桂协作消费帮扶平台"]:
        assert simplified not in html.split("<main")[0], simplified


def test_language_links_point_to_the_same_page(client, site_tree):
    html = client.get("/zh-hant/shop/catalogue/").content.decode()
    assert 'href="/en/shop/catalogue/"' in html
    assert 'href="/shop/catalogue/"' in html


def test_wagtail_links_keep_the_visitors_language(client, site_tree):
    html = client.get("/en/").content.decode()
    assert 'href="/en/jobs/"' in html


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/no-such-page/", "页面不存在"),
        ("/zh-hant/no-such-page/", "找不到頁面"),
        ("/en/no-such-page/", "Page not found"),
        ("/fr/", "页面不存在"),
        ("/shop/catalogue/no-such-product_999999/", "页面不存在"),
        ("/en/shop/catalogue/no-such-product_999999/", "Page not found"),
    ],
)
def test_unknown_pages_get_a_translated_404(client, site_tree, url, expected, settings):
    settings.DEBUG = False
    response = client.get(url)
    assert response.status_code == 404
    assert expected in response.content.decode()


def test_refusals_get_a_translated_403_page(client, settings):
    from tests.factories import UserFactory

    settings.DEBUG = False
    client.force_login(UserFactory(email="buyer@example.com"))
    response = client.get("/zh-hant/cooperatives/certificates/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "無權存取" in html and "只有合作社工作人員" in html and "工作人员" not in html
