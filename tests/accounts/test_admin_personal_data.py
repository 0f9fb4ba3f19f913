"""Personal data in the Django admin: masked, and never recoverable by filtering or searching on it."""

import pytest
from django.contrib import admin
from django.core import checks
from django.db import models
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model
from phonenumber_field.modelfields import PhoneNumberField

from core.personal_data import PersonalDataAdmin, PersonalDataAdminMixin, mask_name, mask_phone
from labor.models import PhoneAccess
from tests.factories import CooperativeFactory, UserFactory
from tests.labor.conftest import apply, publish_post

pytestmark = pytest.mark.django_db
UserAddress = get_model("address", "UserAddress")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")
NUMBER = "13812341234"


@pytest.fixture
def staff_browser(superuser):
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def application(db):
    from cms import models as cms
    from tests.factories import add_page, home_page

    jobs = add_page(home_page(), cms.LaborPostIndexPage(title="广东岗位", slug="jobs"))
    employer = cms.Employer.objects.create(name="东莞长安精密电子有限公司", city="东莞市", contact_name="李经理")
    return apply(publish_post(jobs, employer=employer, slug="assembly"), mobile=NUMBER, name="韦小梅")


@pytest.fixture
def customer(db):
    return UserFactory(email="customer@example.cn", first_name="小梅", mobile="+86" + NUMBER)


@pytest.fixture
def cooperative(db):
    return CooperativeFactory(name="巴马香猪合作社", contact_name="黄大山", contact_phone="+86" + NUMBER)


@pytest.fixture
def address(customer):
    country, _created = Country.objects.get_or_create(
        iso_3166_1_a2="CN", defaults={"iso_3166_1_a3": "CHN", "printable_name": "中国", "name": "China"}
    )
    return UserAddress.objects.create(
        user=customer,
        first_name="韦小梅",
        line1="天河路 100 号",
        line4="广州市",
        state="广东省",
        country=country,
        phone_number="+86" + NUMBER,
    )


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def listed(response, obj) -> bool:
    return change(obj) in response.content.decode()


# --------------------------------------------------------------------------- job applications (labor)
@pytest.mark.parametrize(
    "query",
    ["mobile__startswith=138", "mobile=13812341234", "mobile__contains=1234", "name__startswith=韦", "name=韦小梅"],
)
def test_job_applications_refuse_lookups_on_name_and_number(staff_browser, application, query):
    assert staff_browser.get(f"{changelist(type(application))}?{query}").status_code == 400


@pytest.mark.parametrize("term", [NUMBER, "韦小梅", "1381234"])
def test_job_application_search_ignores_name_and_number(staff_browser, application, term):
    response = staff_browser.get(changelist(type(application)), {"q": term})
    assert response.status_code == 200 and not listed(response, application)
    assert listed(staff_browser.get(changelist(type(application)), {"q": application.reference}), application)


def test_the_access_log_cannot_reach_a_number_through_its_application(staff_browser, application):
    url = changelist(PhoneAccess)
    assert staff_browser.get(f"{url}?application__mobile__startswith=138").status_code == 400
    assert staff_browser.get(f"{url}?application__name=韦小梅").status_code == 400


def test_job_applications_show_name_and_number_masked(staff_browser, application):
    for url in (changelist(type(application)), change(application)):
        html = staff_browser.get(url).content.decode()
        assert NUMBER not in html and "韦小梅" not in html
        assert "138****1234" in html and "韦**" in html


# --------------------------------------------------------------------------- users (accounts)
@pytest.mark.parametrize("query", ["mobile__startswith=%2B86138", "mobile=%2B8613812341234", "mobile__contains=1234"])
def test_users_refuse_lookups_on_the_mobile_number(staff_browser, customer, query):
    assert staff_browser.get(f"{changelist(type(customer))}?{query}").status_code == 400


def test_user_search_ignores_the_mobile_number(staff_browser, customer):
    for term in (NUMBER, "+86" + NUMBER, "1381234"):
        assert not listed(staff_browser.get(changelist(type(customer)), {"q": term}), customer)
    assert listed(staff_browser.get(changelist(type(customer)), {"q": "customer@example.cn"}), customer)


def test_users_show_the_mobile_number_masked(staff_browser, customer):
    for url in (changelist(type(customer)), change(customer)):
        html = staff_browser.get(url).content.decode()
        assert NUMBER not in html and "138****1234" in html


def test_saving_a_user_in_the_admin_keeps_the_number(staff_browser, customer):
    page = staff_browser.get(change(customer))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "groups"}
    data.update({"date_joined_0": "2026-01-01", "date_joined_1": "08:00:00", "user_permissions": [], "groups": []})
    data = {k: v for k, v in data.items() if k not in ("date_joined", "last_login", "password")}
    response = staff_browser.post(change(customer), {**data, "first_name": "小梅改"})
    assert response.status_code == 302, response.content.decode()[:3000]
    customer.refresh_from_db()
    assert customer.first_name == "小梅改" and str(customer.mobile) == "+86" + NUMBER


# --------------------------------------------------------------------------- cooperatives (partners)
def test_cooperatives_refuse_lookups_on_the_contact(staff_browser, cooperative):
    url = changelist(type(cooperative))
    assert staff_browser.get(f"{url}?contact_phone__startswith=%2B86138").status_code == 400
    assert staff_browser.get(f"{url}?contact_name=黄大山").status_code == 400


def test_cooperatives_show_the_contact_number_masked(staff_browser, cooperative):
    html = staff_browser.get(change(cooperative)).content.decode()
    assert NUMBER not in html and "138****1234" in html


# --------------------------------------------------------------------------- Oscar's addresses
def test_addresses_refuse_lookups_and_searches_on_phone_name_and_lines(staff_browser, address):
    url = changelist(UserAddress)
    for query in (
        "phone_number__startswith=%2B86138",
        "first_name=韦小梅",
        "line1__contains=天河",
        "search_text__contains=韦",
    ):
        assert staff_browser.get(f"{url}?{query}").status_code == 400
    for term in (NUMBER, "+86" + NUMBER, "韦小梅", "天河路"):
        assert not listed(staff_browser.get(url, {"q": term}), address)
    html = staff_browser.get(change(address)).content.decode()
    assert NUMBER not in html and "138****1234" in html


def test_order_addresses_refuse_lookups_on_the_phone(staff_browser):
    assert staff_browser.get(f"{changelist(ShippingAddress)}?phone_number__startswith=%2B86138").status_code == 400


# --------------------------------------------------------------------------- every admin, now and later
PERSONAL_NAMES = ("mobile", "phone", "phone_number", "contact_phone")


def test_every_admin_of_a_model_with_a_phone_number_protects_it():
    """A model with a phone number added to the admin later must come with the protection."""
    unprotected = []
    for model, model_admin in admin.site._registry.items():
        phones = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, PhoneNumberField) or field.name in PERSONAL_NAMES
        ]
        for name in phones:
            if not isinstance(model_admin, PersonalDataAdminMixin) or name not in model_admin.personal_fields:
                unprotected.append(f"{model._meta.label}.{name}")
    assert unprotected == []


def test_a_personal_field_shown_raw_fails_the_system_check():
    class Leaky(PersonalDataAdmin):
        personal_fields = ("mobile",)
        list_display = ("email", "mobile")

    errors = Leaky(UserFactory._meta.model, admin.AdminSite()).check()
    assert [error.id for error in errors if isinstance(error, checks.Error)] == ["core.E101"]


def test_masks():
    assert mask_phone("+8613812341234") == "+86*******1234"
    assert mask_name("韦小梅") == "韦**" and mask_name("") == ""
    assert models  # keep the import for the model field check above
