"""Jobs near home in Guangxi (就地就近就业): kind and place of a post, the "near my home county" filter,
the key-assistance filter and mark, county pages, public-welfare posts and the JSON-LD address."""

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import override

from cms import selectors
from cms.models import Employer, LaborPostKind, LaborPostPage
from tests.factories import CooperativeFactory, CountyFactory, add_page, build_site, labor_post

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 15  # as every main page (tests/test_pages.py)


@pytest.fixture
def site():
    return build_site(counties=1, posts=0, projects=0)


@pytest.fixture
def counties():
    """Three counties: two in 百色市 (one a national key-assistance county), one in 河池市 (a regional one)."""
    return {
        "tianyang": CountyFactory(
            name="田阳区", slug="tianyang", prefecture="百色市", assistance_level="former_poverty",
            regional_key_assistance=False,
        ),
        "lingyun": CountyFactory(name="凌云县", slug="lingyun", prefecture="百色市", assistance_level="national"),
        "bama": CountyFactory(
            name="巴马瑶族自治县", slug="bama", prefecture="河池市", assistance_level="former_poverty",
            regional_key_assistance=True,
        ),
    }  # fmt: skip


@pytest.fixture
def local_employer():
    return Employer.objects.create(
        name="田阳区那坡镇帮扶车间", city="百色市田阳区", contact_name="黄主任", contact_phone="13907760001"
    )


def local(site, employer, slug, county, *, kind=LaborPostKind.WORKSHOP, town="那坡镇", **values):
    """A published job near home in ``county``."""
    return add_page(
        site["job_index"],
        labor_post(
            employer=employer,
            slug=slug,
            title=f"岗位{slug}",
            kind=kind,
            work_city="",
            work_county=county,
            work_town=town,
            **values,
        ),
    )


def outbound(site, slug, **values):
    return add_page(site["job_index"], labor_post(employer=site["employer"], slug=slug, title=f"岗位{slug}", **values))


# --------------------------------------------------------------------------- the place follows the kind


def _refused(site, page) -> dict:
    """The errors (in English) of saving ``page``, which must not be saved."""
    with override("en"):
        with pytest.raises(ValidationError) as caught:
            add_page(site["job_index"], page)
        errors = caught.value.message_dict
    assert not LaborPostPage.objects.filter(slug=page.slug).exists()
    return errors


def test_an_outbound_post_needs_a_guangdong_city_and_no_county(site, counties):
    errors = _refused(site, labor_post(employer=site["employer"], slug="no-city", work_city=""))
    assert errors["work_city"] == ["Choose the city in Guangdong where the job is."]
    errors = _refused(
        site,
        labor_post(employer=site["employer"], slug="both", work_county=counties["bama"], work_town="甲篆镇"),
    )
    assert "work_county" in errors and "work_town" in errors


def test_a_local_post_needs_a_county_and_a_township_and_no_guangdong_city(site, counties, local_employer):
    page = labor_post(employer=local_employer, slug="no-county", kind=LaborPostKind.WORKSHOP)  # 东莞市 still set
    errors = _refused(site, page)
    assert errors["work_city"] == ["A job near home in Guangxi has no Guangdong city: leave it empty."]
    assert errors["work_county"] == ["Choose the Guangxi county where the job is."]
    assert errors["work_town"] == ["Enter the township where the job is."]
    page = labor_post(
        employer=local_employer, slug="no-town", kind="work_relief", work_city="", work_county=counties["bama"],
        work_town="  ",
    )  # fmt: skip
    assert list(_refused(site, page)) == ["work_town"]


def test_the_database_refuses_a_place_that_does_not_follow_the_kind(site, counties, local_employer):
    post = local(site, local_employer, "workshop", counties["tianyang"])
    with pytest.raises(IntegrityError), transaction.atomic():
        LaborPostPage.objects.filter(pk=post.pk).update(work_county=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        LaborPostPage.objects.filter(pk=post.pk).update(kind=LaborPostKind.OUTBOUND)
    with pytest.raises(IntegrityError), transaction.atomic():
        LaborPostPage.objects.filter(pk=post.pk).update(kind=LaborPostKind.PUBLIC_WELFARE)  # no township contact


def test_existing_posts_are_outbound_with_their_city(site):
    post = outbound(site, "old")
    post.refresh_from_db()
    assert post.kind == LaborPostKind.OUTBOUND and post.work_city == "东莞市" and post.work_county is None
    assert LaborPostPage._meta.get_field("kind").default == LaborPostKind.OUTBOUND


def test_seasonal_work_at_a_cooperative_is_posted_by_that_cooperatives_account(site, counties, local_employer):
    page = labor_post(
        employer=local_employer, slug="not-a-coop", kind=LaborPostKind.COOPERATIVE_SEASONAL, work_city="",
        work_county=counties["tianyang"], work_town="那坡镇",
    )  # fmt: skip
    assert _refused(site, page)["employer"] == [
        "Seasonal work at a cooperative is posted by the cooperative's own account."
    ]
    cooperative = CooperativeFactory(county=counties["lingyun"], name="凌云白毫茶叶专业合作社")
    coop_employer = Employer.objects.create(
        name=cooperative.name, city="百色市凌云县", contact_name="罗社长", contact_phone="13907760003",
        cooperative=cooperative,
    )  # fmt: skip
    page = labor_post(
        employer=coop_employer, slug="elsewhere", kind=LaborPostKind.COOPERATIVE_SEASONAL, work_city="",
        work_county=counties["bama"], work_town="甲篆镇",
    )  # fmt: skip
    assert "work_county" in _refused(site, page)
    cooperative.is_active = False
    cooperative.save()
    page = labor_post(
        employer=coop_employer, slug="suspended", kind=LaborPostKind.COOPERATIVE_SEASONAL, work_city="",
        work_county=counties["lingyun"], work_town="泗城镇",
    )  # fmt: skip
    assert _refused(site, page)["employer"] == ["This cooperative is suspended and cannot post jobs."]


# --------------------------------------------------------------------------- how the place is shown


def test_the_place_is_written_the_chinese_way_on_cards_and_the_page(client, site, counties, local_employer):
    post = local(site, local_employer, "sewing", counties["tianyang"])
    far = outbound(site, "shenzhen", work_city="深圳市")
    assert post.place == "广西 百色市 田阳区 那坡镇"
    assert far.place == "广东 深圳市"
    html = client.get(site["job_index"].url).content.decode()
    assert "广西 百色市 田阳区 那坡镇" in html and "广东 深圳市" in html
    assert "Assistance workshop" in html or "帮扶车间" in html
    page = client.get(post.url).content.decode()
    assert "广西 百色市 田阳区 那坡镇" in page


def test_json_ld_address_follows_the_place(client, site, counties, local_employer):
    post = local(site, local_employer, "sewing", counties["tianyang"], work_location="安置区帮扶车间")
    address = post.job_posting()["jobLocation"]["address"]
    assert address["addressRegion"] == "广西壮族自治区"
    assert address["addressLocality"] == "百色市"
    assert address["streetAddress"] == "田阳区那坡镇安置区帮扶车间"
    html = client.get(post.url).content.decode()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["jobLocation"]["address"]["addressRegion"] == "广西壮族自治区"
    far = outbound(site, "shenzhen", work_city="深圳市")
    assert far.job_posting()["jobLocation"]["address"]["addressRegion"] == "广东省"
    assert far.job_posting()["jobLocation"]["address"]["addressLocality"] == "深圳市"


def test_key_assistance_mark_agrees_with_the_county(client, site, counties, local_employer):
    posts = {name: local(site, local_employer, name, county) for name, county in counties.items()}
    for name, county in counties.items():
        assert posts[name].in_key_assistance_county == county.is_key_assistance
    html = client.get(site["job_index"].url).content.decode()
    assert html.count("badge-cert badge-key") == sum(county.is_key_assistance for county in counties.values()) == 2


# --------------------------------------------------------------------------- the jobs list


def _listed(client, site, **params) -> list[str]:
    response = client.get(site["job_index"].url, params)
    assert response.status_code == 200
    return [post.slug for post in response.context["posts"]]


@pytest.fixture
def spread(site, counties, local_employer):
    """Jobs in the seeker's county, their prefecture, another prefecture and Guangdong, oldest first."""
    today = timezone.localdate()

    def days_ago(n):
        return {"valid_from": today - datetime.timedelta(days=n)}

    return {
        "tianyang-workshop": local(site, local_employer, "tianyang-workshop", counties["tianyang"], **days_ago(9)),
        "lingyun-relief": local(
            site, local_employer, "lingyun-relief", counties["lingyun"], kind="work_relief", town="泗城镇",
            **days_ago(1),
        ),
        "bama-enterprise": local(
            site, local_employer, "bama-enterprise", counties["bama"], kind="local_enterprise", town="甲篆镇",
            **days_ago(2),
        ),
        "dongguan": outbound(site, "dongguan", **days_ago(0)),
    }  # fmt: skip


def test_near_my_home_county_lists_my_county_then_my_prefecture_then_the_rest(client, site, counties, spread):
    listed = _listed(client, site, home_county=counties["tianyang"].pk)
    assert listed[:2] == ["tianyang-workshop", "lingyun-relief"]
    assert set(listed[2:]) == {"bama-enterprise", "dongguan"}  # nothing left out
    html = client.get(site["job_index"].url, {"home_county": counties["tianyang"].pk}).content.decode()
    same, prefecture, rest = html.index('id="near-0"'), html.index('id="near-1"'), html.index('id="near-2"')
    assert same < html.index("岗位tianyang-workshop") < prefecture < html.index("岗位lingyun-relief") < rest
    assert "田阳区" in html[same:prefecture] and "百色市" in html[prefecture:rest]
    # Without a home county the list keeps its order (newest first) and shows no groups.
    assert _listed(client, site)[0] == "dongguan"
    assert 'id="near-0"' not in client.get(site["job_index"].url).content.decode()


def test_filter_by_kind_place_and_key_assistance_counties(client, site, counties, spread):
    assert _listed(client, site, kind="work_relief") == ["lingyun-relief"]
    assert set(_listed(client, site, city="guangxi")) == {"tianyang-workshop", "lingyun-relief", "bama-enterprise"}
    assert _listed(client, site, city="guangdong") == ["dongguan"]
    assert set(_listed(client, site, city="百色市")) == {"tianyang-workshop", "lingyun-relief"}
    assert _listed(client, site, city="东莞市") == ["dongguan"]
    # 凌云 is a national, 巴马 an autonomous-region key-assistance county; 田阳 is neither.
    assert set(_listed(client, site, key_counties="on")) == {"lingyun-relief", "bama-enterprise"}
    assert set(_listed(client, site, key_counties="on", home_county=counties["bama"].pk)) == {
        "lingyun-relief",
        "bama-enterprise",
    }
    assert _listed(client, site, home_county="99999", kind="nonsense")[0] == "dongguan"  # wrong values ignored


def test_the_filter_form_works_without_script(client, site, counties, spread):
    html = client.get(site["job_index"].url).content.decode()
    form = html.split('<form method="get" class="filters"')[1].split("</form>")[0]
    assert "<script" not in form
    for name in ("home_county", "city", "kind"):
        assert f'<label for="id_{name}">' in form and f'<select name="{name}"' in form, name
    assert '<input type="checkbox" name="key_counties"' in form and '<label for="id_key_counties">' in form
    assert '<optgroup label="百色市">' in form  # home counties grouped by prefecture


def test_the_new_filters_cost_no_query_per_post(client, site, counties, local_employer, django_assert_max_num_queries):
    url = site["job_index"].url
    every = {"home_county": counties["tianyang"].pk, "kind": "workshop", "city": "guangxi", "key_counties": ""}
    near = {"home_county": counties["bama"].pk}
    key = {"key_counties": "on"}
    client.get(url)  # warm the site and menu caches
    measured = {}
    for size in (3, 24):
        while LaborPostPage.objects.filter(kind__in=["workshop", "work_relief"]).count() < size:
            n = LaborPostPage.objects.count()
            county = list(counties.values())[n % 3]
            local(site, local_employer, f"local-{n}", county, kind="workshop" if n % 2 else "work_relief")
        for name, params in {"every": every, "near": near, "key": key}.items():
            with django_assert_max_num_queries(QUERY_BUDGET) as captured:
                response = client.get(url, params)
            assert response.status_code == 200 and len(response.context["posts"]) > 0
            measured[size, name] = len(captured)
    for name in ("every", "near", "key"):
        assert measured[3, name] == measured[24, name], measured


# --------------------------------------------------------------------------- county pages


def test_a_county_page_shows_its_open_local_jobs_only(client, site, counties, local_employer):
    county_page = site["county_pages"][0]
    county = county_page.county
    mine = local(site, local_employer, "mine", county)
    other = local(site, local_employer, "other", counties["bama"], town="甲篆镇")
    closed = local(site, local_employer, "closed", county)
    LaborPostPage.objects.filter(pk=closed.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    draft = local(site, local_employer, "draft", county)
    draft.unpublish()
    response = client.get(county_page.url)
    assert [post.slug for post in response.context["local_labor_posts"]] == ["mine"]
    html = response.content.decode()
    section = html.split('id="local-jobs"')[1].split("</section>")[0]
    assert mine.job_title in section
    assert other.job_title not in section and closed.job_title not in section and draft.job_title not in section


# --------------------------------------------------------------------------- public-welfare posts


@pytest.fixture
def public_welfare(site, counties):
    township = Employer.objects.create(
        name="巴马瑶族自治县甲篆镇人民政府", city="河池市巴马瑶族自治县", contact_name="蓝主任",
        contact_phone="13907780004",
    )  # fmt: skip
    return local(
        site, township, "cleaner", counties["bama"], kind=LaborPostKind.PUBLIC_WELFARE, town="甲篆镇",
        township_contact_name="甲篆镇社会保障服务中心 蓝主任", township_contact_phone="13907780004",
    )  # fmt: skip


def test_a_public_welfare_post_needs_the_township_contact(site, counties, local_employer):
    page = labor_post(
        employer=local_employer, slug="no-contact", kind=LaborPostKind.PUBLIC_WELFARE, work_city="",
        work_county=counties["bama"], work_town="甲篆镇",
    )  # fmt: skip
    errors = _refused(site, page)
    assert errors["township_contact_name"] == ["Public-welfare posts name the township office's contact."]
    assert errors["township_contact_phone"] == ["Public-welfare posts give the township office's phone number."]


def test_a_public_welfare_post_shows_how_to_ask_the_township_and_no_form(client, public_welfare):
    html = client.get(public_welfare.url).content.decode()
    assert 'id="township-contact"' in html and "甲篆镇社会保障服务中心 蓝主任" in html
    assert "139 0778 0004" in html
    assert 'id="apply-link"' not in html and "/labor/apply/" not in html
    assert not public_welfare.takes_applications


def test_selectors_of_the_county_page_and_similar_posts_keep_places_apart(site, counties, local_employer):
    a = local(site, local_employer, "a", counties["bama"], town="甲篆镇", sector="services")
    local(site, local_employer, "b", counties["bama"], town="甲篆镇", sector="care")
    c = local(site, local_employer, "c", counties["lingyun"], town="泗城镇", sector="care")
    near, recruiting = selectors.open_labor_posts_of_county(county=counties["bama"])
    assert [p.slug for p in near] == ["b", "a"] and recruiting == []
    assert [p.slug for p in selectors.similar_open_labor_posts(post=a)] == ["b"]  # same county, not 凌云's
    assert c not in selectors.similar_open_labor_posts(post=a)
