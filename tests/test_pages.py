"""Every main page answers with its key content, within a query budget that does not grow."""

import pytest
from django.urls import reverse

from tests.factories import (
    CategoryFactory,
    CertificationFactory,
    CooperativeFactory,
    CountyFactory,
    build_site,
    make_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_tree():
    return build_site(counties=2, posts=3, projects=2)


@pytest.fixture
def product(site_tree):
    county = site_tree["county_pages"][0].county
    cooperative = CooperativeFactory(name="巴马香猪合作社", county=county)
    certificate = CertificationFactory(holder=cooperative, number="GF451022250001")
    return make_product(title="巴马香猪五花肉", cooperative=cooperative, price="88.00", certifications=[certificate])


def test_home_page_shows_counties_products_projects_jobs_and_campaign(client, site_tree, product):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert site_tree["county_pages"][0].county.name in html
    assert "巴马香猪五花肉" in html
    assert "¥88.00" in html
    assert site_tree["projects"][0].title in html
    assert site_tree["posts"][0].job_title in html
    assert "春风行动" in html
    assert "政策解读" in html


def test_catalogue_lists_products_from_the_database(client, product):
    response = client.get(reverse("catalogue:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "巴马香猪五花肉" in html
    assert "¥88.00" in html
    assert "绿色食品" in html  # the certificate's badge


def test_catalogue_filters_by_county_and_certification(client, product):
    other = make_product(
        title="乐业猕猴桃", cooperative=CooperativeFactory(county=CountyFactory(name="乐业县", slug="leye"))
    )
    by_county = client.get(reverse("catalogue:index"), {"county": "leye"}).content.decode()
    assert other.title in by_county and product.title not in by_county
    by_cert = client.get(reverse("catalogue:index"), {"cert": "green_food"}).content.decode()
    assert product.title in by_cert and other.title not in by_cert


def test_expired_certificate_gives_no_badge_and_no_filter_match(client, product):
    certificate = product.certifications.get()
    certificate.valid_until = certificate.valid_from
    certificate.save()
    html = client.get(reverse("catalogue:index"), {"cert": "green_food"}).content.decode()
    assert product.title not in html


def test_category_page_lists_its_products(client, product):
    category = CategoryFactory(name="肉禽蛋品")
    in_category = make_product(title="环江菜牛牛腩", category=category)
    response = client.get(category.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert in_category.title in html and product.title not in html


def test_unknown_catalogue_page_number_is_404(client, product):
    assert client.get(reverse("catalogue:index"), {"page": "99"}).status_code == 404


def test_product_page_shows_price_and_cooperative(client, product):
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "巴马香猪五花肉" in html and "¥88.00" in html and "巴马香猪合作社" in html


def test_product_view_writes_nothing(client, product, django_assert_num_queries, settings):
    client.get(product.get_absolute_url())  # warm thumbnails and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(product.get_absolute_url())
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


def test_cooperative_profile_shows_linkage_and_products(client, product):
    cooperative = product.stockrecords.get().partner
    response = client.get(cooperative.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "保底收购" in html and product.title in html and "GF451022250001" in html


@pytest.mark.parametrize("key", ["county_index", "project_index", "job_index", "news_index", "campaign", "news"])
def test_cms_pages_answer(client, site_tree, key):
    page = site_tree[key]
    response = client.get(page.url)
    assert response.status_code == 200
    assert page.title in response.content.decode()


def test_county_page_pulls_cooperatives_products_projects_and_jobs(client, site_tree, product):
    county_page = site_tree["county_pages"][0]
    html = client.get(county_page.url).content.decode()
    assert "巴马香猪合作社" in html
    assert product.title in html
    assert site_tree["projects"][0].title in html
    assert site_tree["posts"][0].job_title in html


def test_labor_post_page_has_job_posting_json_ld(client, site_tree):
    post = site_tree["posts"][0]
    html = client.get(post.url).content.decode()
    assert '"@type": "JobPosting"' in html
    assert f'"validThrough": "{post.valid_until.isoformat()}T23:59:59+08:00"' in html


def test_labor_post_list_filters_by_city(client, site_tree):
    index = site_tree["job_index"]
    assert site_tree["posts"][0].job_title in client.get(index.url, {"city": "东莞市"}).content.decode()
    assert site_tree["posts"][0].job_title not in client.get(index.url, {"city": "广州市"}).content.decode()


def test_project_index_filters_by_form(client, site_tree):
    index = site_tree["project_index"]
    assert site_tree["projects"][0].title in client.get(index.url, {"form": "consumption"}).content.decode()
    assert site_tree["projects"][0].title not in client.get(index.url, {"form": "labor"}).content.decode()


def test_basket_shows_added_product(client, product):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2}, follow=True)
    assert response.status_code == 200
    basket = client.get(reverse("basket:summary")).content.decode()
    assert product.title in basket and "¥176.00" in basket


def test_login_page_answers(client):
    assert client.get(reverse("customer:login")).status_code == 200


def test_every_main_page_has_the_language_switcher(client, site_tree, product):
    for url in ["/", reverse("catalogue:index"), product.get_absolute_url(), site_tree["job_index"].url]:
        html = client.get(url).content.decode()
        assert 'hreflang="zh-hant"' in html and 'hreflang="en"' in html, url


# --------------------------------------------------------------------------- query budgets


def _catalogue_of(size: int):
    county = CountyFactory()
    cooperative = CooperativeFactory(county=county)
    certificate = CertificationFactory(holder=cooperative)
    category = CategoryFactory(name="水果")
    for _ in range(size):
        make_product(cooperative=cooperative, category=category, certifications=[certificate], with_image=False)
    return county, category


QUERY_BUDGET = 15


@pytest.mark.parametrize("size", [20, 200])
def test_catalogue_pages_query_budget_does_not_grow(client, site_tree, size, django_assert_max_num_queries):
    county, category = _catalogue_of(size)
    product = category.product_set.first()
    county_page = site_tree["county_pages"][0]
    county_page.county = county
    county_page.save()
    urls = [
        reverse("catalogue:index"),
        category.get_absolute_url(),
        product.get_absolute_url(),
        county_page.url,
        "/",
        site_tree["job_index"].url,
    ]
    for url in urls:
        client.get(url)  # warm caches: thumbnails, Wagtail site lookup
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(url)
        assert response.status_code == 200, url
