"""A cooperative's people post seasonal work for their own cooperative (合作社季节性用工), through the
employers' form, moderation and wording rules, and never for another cooperative."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cms import selectors, services
from cms.models import Employer, LaborPostKind, LaborPostPage
from tests.cms.conftest import add_url, admin_form_data, post_fields
from tests.factories import CooperativeFactory, CountyFactory, UserFactory

pytestmark = pytest.mark.django_db

POSTING = "/en/labor/cooperative/"


@pytest.fixture
def tea(site_tree):
    county = CountyFactory(name="凌云县", slug="lingyun", prefecture="百色市")
    cooperative = CooperativeFactory(
        name="凌云白毫茶叶专业合作社", county=county, contact_name="罗社长", contact_phone="13907760003"
    )
    member = UserFactory(email="luo@tea.example.cn")
    cooperative.users.add(member)
    return cooperative, member


@pytest.fixture
def kiwi(site_tree):
    county = CountyFactory(name="乐业县", slug="leye", prefecture="百色市")
    cooperative = CooperativeFactory(
        name="乐业猕猴桃种植家庭农场", county=county, contact_name="岑场长", contact_phone="13907760004"
    )
    member = UserFactory(email="cen@kiwi.example.cn")
    cooperative.users.add(member)
    return cooperative, member


def seasonal_fields(employer, county, **overrides) -> dict:
    return post_fields(
        employer=employer,
        slug=overrides.pop("slug", "tea-picking"),
        title=overrides.pop("title", "春茶采摘季节工"),
        kind=LaborPostKind.COOPERATIVE_SEASONAL,
        sector="agriculture",
        work_city="",
        work_county=county.pk,
        work_town="泗城镇",
        work_location="合作社茶园",
        pay_unit="day",
        pay_min="100",
        pay_max="160",
        **overrides,
    )


def _start_posting(client, cooperative, member):
    client.force_login(member)
    return client.post(POSTING, {"cooperative": cooperative.pk})


def test_a_member_posts_seasonal_work_for_their_cooperative_through_moderation(client, tea, jobs_index):
    cooperative, member = tea
    # given: the member asks to post for their cooperative
    response = _start_posting(client, cooperative, member)
    assert response.status_code == 302 and response["Location"] == add_url(jobs_index)
    employer = Employer.objects.get(cooperative=cooperative)
    assert list(selectors.employers_of(member)) == [employer]

    # the admin form starts as seasonal work in the cooperative's county
    form = client.get(add_url(jobs_index)).context["form"]
    assert form.initial["employer"] == employer.pk
    assert form.initial["kind"] == LaborPostKind.COOPERATIVE_SEASONAL
    assert form.initial["work_county"] == cooperative.county_id

    # when: they submit a post for moderation
    url = add_url(jobs_index)
    data = admin_form_data(client, url, **seasonal_fields(employer, cooperative.county), **{"action-submit": "1"})
    response = client.post(url, data)

    # then: a draft waits for the moderators, as any employer's
    assert response.status_code == 302, response.context and response.context["form"].errors
    post = LaborPostPage.objects.get(slug="tea-picking")
    assert post.employer == employer and post.kind == LaborPostKind.COOPERATIVE_SEASONAL
    assert not post.live and post.current_workflow_state is not None


def test_the_wording_rules_apply_to_cooperatives_too(client, tea, jobs_index):
    cooperative, member = tea
    _start_posting(client, cooperative, member)
    employer = Employer.objects.get(cooperative=cooperative)
    url = add_url(jobs_index)
    fields = seasonal_fields(employer, cooperative.county, requirements="仅限男性，高薪保录。")
    response = client.post(url, admin_form_data(client, url, **fields))
    assert response.status_code == 200 and "requirements" in response.context["form"].errors
    assert not LaborPostPage.objects.filter(slug="tea-picking").exists()


def test_a_member_never_posts_for_another_cooperative(client, tea, kiwi, jobs_index):
    cooperative, member = tea
    other, other_member = kiwi
    _start_posting(client, other, other_member)  # the other cooperative has its employer account
    other_employer = Employer.objects.get(cooperative=other)

    # Asking to post for the other cooperative: not found, nothing created or granted.
    response = _start_posting(client, other, member)
    assert response.status_code == 404
    assert not Employer.objects.filter(cooperative=cooperative).exists()
    assert not other_employer.users.filter(pk=member.pk).exists()
    with pytest.raises(PermissionDenied):
        services.cooperative_employer_enable(cooperative=other, user=member)

    # With their own account, a post naming the other cooperative's employer is refused.
    _start_posting(client, cooperative, member)
    url = add_url(jobs_index)
    data = admin_form_data(client, url, **seasonal_fields(other_employer, other.county, slug="as-other"))
    response = client.post(url, data)
    assert response.status_code == 200 and "employer" in response.context["form"].errors
    assert not LaborPostPage.objects.filter(slug="as-other").exists()


def test_someone_who_left_the_cooperative_no_longer_posts_for_it(client, tea, jobs_index):
    cooperative, member = tea
    _start_posting(client, cooperative, member)
    employer = Employer.objects.get(cooperative=cooperative)
    cooperative.users.remove(member)
    assert not selectors.employers_of(member).exists()
    url = add_url(jobs_index)
    data = admin_form_data(client, url, **seasonal_fields(employer, cooperative.county))
    response = client.post(url, data)
    assert not LaborPostPage.objects.filter(slug="tea-picking").exists()
    assert response.status_code in (200, 302, 403)


def test_a_suspended_cooperatives_people_lose_its_employer_account(tea):
    cooperative, member = tea
    services.cooperative_employer_enable(cooperative=cooperative, user=member)
    cooperative.is_active = False
    cooperative.save()
    assert not selectors.employers_of(member).exists()
    with pytest.raises(PermissionDenied):
        services.cooperative_employer_enable(cooperative=cooperative, user=member)


def test_the_posting_page_is_for_cooperative_members_only(client, tea, employer_a):
    cooperative, member = tea
    employer_user, _employer = employer_a
    client.force_login(employer_user)
    assert client.get(POSTING).status_code == 403
    assert client.post(POSTING, {"cooperative": cooperative.pk}).status_code == 403
    assert not Employer.objects.filter(cooperative=cooperative).exists()
    client.force_login(member)
    html = client.get(POSTING).content.decode()
    assert cooperative.name in html and 'name="cooperative"' in html


def test_a_cooperative_without_a_contact_phone_is_told_to_add_one(client, tea):
    cooperative, member = tea
    cooperative.contact_phone = ""
    cooperative.save()
    with pytest.raises(ValidationError) as caught:
        services.cooperative_employer_enable(cooperative=cooperative, user=member)
    assert caught.value.code == "no_contact_phone"
    response = _start_posting(client, cooperative, member)
    assert response.status_code == 302 and response["Location"].endswith("/labor/cooperative/")
    assert not Employer.objects.filter(cooperative=cooperative).exists()


def test_a_member_sees_the_applications_to_their_cooperatives_posts_while_a_member(tea, site_tree):
    from labor import selectors as labor_selectors
    from labor import services as labor_services
    from tests.factories import add_page, labor_post

    cooperative, member = tea
    employer = services.cooperative_employer_enable(cooperative=cooperative, user=member)
    post = add_page(
        site_tree["job_index"],
        labor_post(
            employer=employer, slug="tea", kind=LaborPostKind.COOPERATIVE_SEASONAL, work_city="",
            work_county=cooperative.county, work_town="泗城镇",
        ),
    )  # fmt: skip
    application, _ = labor_services.application_submit(
        post=post, name="罗小兰", mobile="13812341234", poverty_alleviated=True, consented=True
    )
    assert list(labor_selectors.applications_for_viewer(user=member)) == [application]
    assert labor_selectors.may_handle_application(user=member, application=application)
    cooperative.users.remove(member)
    assert not labor_selectors.applications_for_viewer(user=member).exists()
    assert not labor_selectors.may_handle_application(user=member, application=application)
