"""Approval (审核通过): one cooperative, one staff account with dashboard access, idempotent."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache

from core.models import SentMail
from partners import services
from partners.models import ApplicationEvent, ApplicationStatus, CooperativeApplication, Partner
from partners.tasks import send_application_emails_task
from tests.factories import CooperativeFactory, UserFactory
from tests.partners.conftest import submit
from tests.partners.helpers import application_data

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_staff_approve_in_the_browser(client, recommended, staff, django_capture_on_commit_callbacks, mailoutbox):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/cooperatives/review/{recommended.reference}/approve/")
    assert response.status_code == 302
    recommended.refresh_from_db()
    assert recommended.status == ApplicationStatus.APPROVED
    assert recommended.partner is not None
    assert "Approved: 巴马瑶山香猪养殖专业合作社 can now sell" in client.get(response["Location"]).content.decode()


def test_approval_creates_the_cooperative_and_its_account(
    client, recommended, staff, django_capture_on_commit_callbacks, mailoutbox
):
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        partner = services.application_approve(application=recommended, reviewer=staff)

    # the cooperative, copied from the application
    assert Partner.objects.count() == 1
    assert partner.code == "ba-ma-yao-shan-xiang-zhu-yang-zhi-zhuan-ye-he-zuo-she"
    assert (partner.name, partner.kind, partner.county, partner.credit_code) == (
        recommended.name,
        "cooperative",
        recommended.county,
        recommended.credit_code,
    )
    assert partner.households_linked == 86 and partner.farmer_linkage == recommended.farmer_linkage
    assert (partner.contact_name, str(partner.contact_phone)) == ("韦经理", "+8613800138000")
    assert partner.description == recommended.description and partner.is_active
    recommended.refresh_from_db()
    assert recommended.partner == partner and recommended.status == ApplicationStatus.APPROVED
    event = recommended.events.last()
    assert (event.action, event.actor) == (ApplicationEvent.Action.APPROVE, staff)

    # one new account, in the cooperative's staff group, with Oscar's partner dashboard permission
    assert User.objects.count() == users_before + 1
    user = User.objects.get(email="wei@coop.example.cn")
    assert list(partner.users.all()) == [user]
    assert not user.has_usable_password() and not user.is_staff
    assert user.groups.filter(name="合作社工作人员").exists()
    assert user.has_perm("partner.dashboard_access")

    # the applicant is told, with a link to set the password
    [message] = mailoutbox
    assert message.to == ["wei@coop.example.cn"]
    link = re.search(r"https?://[^/\s]+(/\S*password-reset/confirm/\S+/)", message.body).group(1)

    # which works: the new password logs in and opens the dashboard
    set_password_form = client.get(link, follow=True)
    assert set_password_form.status_code == 200
    response = client.post(
        set_password_form.redirect_chain[-1][0],
        {"new_password1": "Xiangzhu-2026-bama", "new_password2": "Xiangzhu-2026-bama"},
    )
    assert response.status_code == 302
    login = client.post(
        "/shop/accounts/login/",
        {"login-username": "wei@coop.example.cn", "login-password": "Xiangzhu-2026-bama", "login_submit": "1"},
    )
    assert login.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)
    dashboard = client.get("/shop/dashboard/")
    assert dashboard.status_code == 200


def test_approving_again_changes_nothing(recommended, staff, django_capture_on_commit_callbacks, mailoutbox):
    first = services.application_approve(application=recommended, reviewer=staff)
    counts = (Partner.objects.count(), User.objects.count(), ApplicationEvent.objects.count())
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = services.application_approve(application=recommended, reviewer=staff)

    assert again == first
    assert (Partner.objects.count(), User.objects.count(), ApplicationEvent.objects.count()) == counts
    assert mailoutbox == []


def test_approving_a_stale_copy_again_changes_nothing(recommended, staff):
    stale = CooperativeApplication.objects.get(pk=recommended.pk)  # loaded before the first approval
    services.application_approve(application=recommended, reviewer=staff)
    services.application_approve(application=stale, reviewer=staff)
    assert Partner.objects.count() == 1


def test_an_existing_account_with_the_contact_email_is_reused(
    recommended, staff, django_capture_on_commit_callbacks, mailoutbox
):
    existing = UserFactory(email="wei@coop.example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        partner = services.application_approve(application=recommended, reviewer=staff)
    assert list(partner.users.all()) == [existing]
    existing.refresh_from_db()
    assert existing.check_password("test-pass-123")  # their password is left alone
    assert "password-reset/confirm" not in mailoutbox[0].body


def test_partner_codes_stay_unique(recommended, staff):
    CooperativeFactory(code="ba-ma-yao-shan-xiang-zhu-yang-zhi-zhuan-ye-he-zuo-she")
    partner = services.application_approve(application=recommended, reviewer=staff)
    assert partner.code == "ba-ma-yao-shan-xiang-zhu-yang-zhi-zhuan-ye-he-zuo-she-2"


def test_the_staff_group_is_created_once(recommended, staff):
    Group.objects.filter(name="合作社工作人员").delete()
    services.application_approve(application=recommended, reviewer=staff)
    assert Group.objects.filter(name="合作社工作人员").count() == 1
    assert services.cooperative_staff_group().permissions.filter(codename="dashboard_access").exists()


def test_a_cooperative_already_selling_cannot_apply_again(client, recommended, staff):
    services.application_approve(application=recommended, reviewer=staff)
    response = client.post("/en/cooperatives/apply/", application_data(recommended.county))
    assert response.status_code == 400
    assert "already sells on the platform" in response.content.decode()


def test_ordinary_users_cannot_open_the_dashboard(client, ordinary_user):
    client.force_login(ordinary_user)
    assert client.get("/shop/dashboard/").status_code in (302, 403)


def test_email_task_is_idempotent(recommended, staff, mailoutbox):
    event = recommended.events.get(action="recommend")
    assert send_application_emails_task(event.pk) == 0  # the fixture's run sent them already
    cache.clear()  # the ledger is in the database: losing the cache re-sends nothing
    assert send_application_emails_task(event.pk) == 0
    assert SentMail.objects.filter(key__startswith=f"application-event:{event.pk}:").count() == 2
    SentMail.objects.filter(key__startswith=f"application-event:{event.pk}:").delete()
    assert send_application_emails_task(event.pk) == 2
    assert send_application_emails_task(event.pk) == 0
    assert len(mailoutbox) == 2
    assert send_application_emails_task(999_999) == 0


def test_emails_use_the_applicants_language(county, officer, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(county)
    applicant = next(m for m in mailoutbox if m.to == ["wei@coop.example.cn"])
    assert "/en/" not in applicant.body  # Simplified Chinese by default: no prefix
    mailoutbox.clear()
    SentMail.objects.all().delete()
    send_application_emails_task(application.events.get().pk, "en")
    applicant = next(m for m in mailoutbox if m.to == ["wei@coop.example.cn"])
    assert "/en/cooperatives/status/" in applicant.body
    assert "Reference number:" in applicant.body


@pytest.mark.parametrize(
    "change, message",
    [
        ({"bank_licence": ""}, "该申请未提供开户许可证"),
        ({"food_licence": "", "sells_processed_food": True}, "但未提供食品生产许可证：批准前"),
    ],
    ids=["no-bank-licence", "processed-food-without-food-licence"],
)
def test_an_application_without_the_licences_it_needs_is_not_approved(client, recommended, staff, change, message):
    """Applications made before the bank-account licence was asked for, or changed since, may lack one."""
    from django.core.exceptions import ValidationError

    CooperativeApplication.objects.filter(pk=recommended.pk).update(**change)
    with pytest.raises(ValidationError):
        services.application_approve(application=recommended, reviewer=staff)

    client.force_login(staff)
    response = client.post(f"/cooperatives/review/{recommended.reference}/approve/", follow=True)
    assert message in response.content.decode()
    recommended.refresh_from_db()
    assert recommended.status == ApplicationStatus.RECOMMENDED and recommended.partner is None
    assert not Partner.objects.exists()
    assert not recommended.events.filter(action=ApplicationEvent.Action.APPROVE).exists()
