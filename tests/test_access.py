"""One access layer: roles, platform staff, a user's cooperatives and what they may see."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.access import BUDGET_UNIT_ROLES, Role, cooperative_or_staff, has_role, is_platform_staff, refuse
from partners.access import cooperatives_of, is_cooperative_member, may_act_for, scope_to_cooperatives
from partners.models import Certification, Partner
from tests.factories import CertificationFactory, CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- roles
def test_roles_keep_the_group_names_databases_hold():
    assert {role.name: str(role) for role in Role} == {
        "PLATFORM_STAFF": "平台工作人员",
        "COUNTY_OFFICER": "县级工作人员",
        "COOPERATIVE_STAFF": "合作社工作人员",
        "EMPLOYER": "用人单位",
        "GBA_BUYER": "大湾区买家",
        "BUDGET_UNIT_BUYER": "预算单位采购员",
        "BUDGET_UNIT_APPROVER": "预算单位审批人",
        "BUDGET_UNIT_MANAGER": "预算单位管理员",
        "BUDGET_UNIT_FINANCE": "预算单位财务",
    }
    assert [str(role) for role in BUDGET_UNIT_ROLES] == [
        "预算单位采购员",
        "预算单位审批人",
        "预算单位管理员",
        "预算单位财务",
    ]


def test_has_role_reads_the_groups_of_active_users():
    user = UserFactory()
    user.groups.add(Group.objects.create(name="预算单位财务"))
    assert has_role(user, Role.BUDGET_UNIT_FINANCE)
    assert has_role(user, *BUDGET_UNIT_ROLES)
    assert not has_role(user, Role.EMPLOYER)
    assert not has_role(user)
    user.is_active = False
    assert not has_role(user, Role.BUDGET_UNIT_FINANCE)
    assert not has_role(AnonymousUser(), Role.BUDGET_UNIT_FINANCE)
    assert not has_role(None, Role.BUDGET_UNIT_FINANCE)


# --------------------------------------------------------------------------- platform staff
def test_platform_staff_are_active_users_with_is_staff():
    staff = UserFactory(is_staff=True)
    assert is_platform_staff(staff)
    staff.is_active = False
    assert not is_platform_staff(staff)


def test_a_superuser_is_platform_staff_only_with_is_staff():
    assert not is_platform_staff(UserFactory(is_superuser=True, is_staff=False))
    assert is_platform_staff(UserFactory(is_superuser=True, is_staff=True))


def test_anonymous_nobody_and_ordinary_users_are_not_platform_staff():
    assert not is_platform_staff(AnonymousUser())
    assert not is_platform_staff(None)
    assert not is_platform_staff(UserFactory())
    # Being in the platform staff group is not enough: ``is_staff`` decides.
    member = UserFactory()
    member.groups.add(Group.objects.create(name=Role.PLATFORM_STAFF))
    assert not is_platform_staff(member)


def test_the_dashboard_menu_shows_cooperative_entries_to_staff_and_permission_holders():
    assert cooperative_or_staff(UserFactory(is_staff=True))
    assert not cooperative_or_staff(UserFactory(is_staff=True, is_active=False))
    assert not cooperative_or_staff(UserFactory())
    assert not cooperative_or_staff(AnonymousUser())


def test_refuse_raises_permission_denied_with_or_without_a_message():
    with pytest.raises(PermissionDenied) as bare:
        refuse()
    assert bare.value.args == ()
    with pytest.raises(PermissionDenied, match="staff only"):
        refuse("staff only")


# --------------------------------------------------------------------------- cooperatives
@pytest.fixture
def cooperatives():
    active, other, inactive = CooperativeFactory(), CooperativeFactory(), CooperativeFactory(is_active=False)
    member = UserFactory(email="member@example.com")
    active.users.add(member)
    inactive.users.add(member)
    return {"active": active, "other": other, "inactive": inactive, "member": member}


def test_a_user_works_for_their_active_cooperatives_only(cooperatives):
    assert list(cooperatives_of(cooperatives["member"])) == [cooperatives["active"]]
    assert is_cooperative_member(cooperatives["member"])


def test_staff_anonymous_and_inactive_users_work_for_no_cooperative(cooperatives):
    assert not cooperatives_of(UserFactory(is_staff=True)).exists()
    assert not cooperatives_of(AnonymousUser()).exists()
    assert not cooperatives_of(None).exists()
    cooperatives["member"].is_active = False
    assert not cooperatives_of(cooperatives["member"]).exists()


def test_people_of_only_a_deactivated_cooperative_are_no_members(cooperatives):
    alone = UserFactory()
    cooperatives["inactive"].users.add(alone)
    assert not is_cooperative_member(alone)
    assert not may_act_for(alone, cooperatives["inactive"].pk)


def test_scope_gives_staff_everything_members_their_cooperatives_others_nothing(cooperatives):
    certificates = {
        name: CertificationFactory(holder=cooperative) for name, cooperative in cooperatives.items() if name != "member"
    }
    everything = Certification.objects.all()
    assert set(scope_to_cooperatives(everything, UserFactory(is_staff=True), path="holder")) == set(
        certificates.values()
    )
    assert list(scope_to_cooperatives(everything, cooperatives["member"], path="holder")) == [certificates["active"]]
    assert not scope_to_cooperatives(everything, UserFactory(), path="holder").exists()
    assert not scope_to_cooperatives(everything, AnonymousUser(), path="holder").exists()
    assert not scope_to_cooperatives(everything, UserFactory(is_staff=True, is_active=False), path="holder").exists()


def test_scope_on_cooperatives_themselves(cooperatives):
    partners = Partner.objects.all()
    assert scope_to_cooperatives(partners, UserFactory(is_staff=True), path="pk").count() == 3
    assert list(scope_to_cooperatives(partners, cooperatives["member"], path="pk")) == [cooperatives["active"]]


def test_may_act_for(cooperatives):
    member = cooperatives["member"]
    assert may_act_for(member, cooperatives["active"].pk)
    assert not may_act_for(member, cooperatives["other"].pk)
    assert not may_act_for(member, cooperatives["inactive"].pk)
    assert may_act_for(UserFactory(is_staff=True), cooperatives["other"].pk)
    assert not may_act_for(AnonymousUser(), cooperatives["active"].pk)


# --------------------------------------------------------------------------- the member mixin on the pages
@pytest.mark.parametrize(
    ("url_name", "words"),
    [
        ("cooperatives:certificates", "只有合作社工作人员可以管理证书。"),
        ("cooperatives:listings", "只有合作社工作人员可以管理本社的商品与上架。"),
        ("cooperatives:imports", "您没有权限打开此页面。"),
        ("fulfilment:list", "只有合作社和平台工作人员可以查看分单。"),
        ("fulfilment:statements", "只有合作社和平台工作人员可以查看分单。"),
    ],
)
def test_cooperative_pages_refuse_people_of_a_deactivated_cooperative_telling_them_why(client, url_name, words):
    alone = UserFactory()
    CooperativeFactory(name="停用合作社", is_active=False, suspension_reason="资质过期").users.add(alone)
    client.force_login(alone)
    response = client.get(reverse(url_name))
    assert response.status_code == 403
    page = response.content.decode()
    assert "停用合作社 已被平台暂停" in page and words not in page


@pytest.mark.parametrize(
    "url_name",
    [
        "cooperatives:certificates",
        "cooperatives:listings",
        "cooperatives:imports",
        "fulfilment:list",
        "fulfilment:statements",
    ],
)
def test_cooperative_pages_let_in_staff_and_members_and_send_anonymous_users_to_log_in(client, url_name, cooperatives):
    assert client.get(reverse(url_name)).status_code == 302
    client.force_login(cooperatives["member"])
    assert client.get(reverse(url_name)).status_code == 200
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse(url_name)).status_code == 200


# --------------------------------------------------------------------------- templates ask the same predicate
@pytest.mark.django_db
def test_templates_get_the_same_staff_predicate_and_anonymous_pages_read_no_session(rf):
    from django.contrib.auth.models import AnonymousUser

    from core.access import access_context

    inactive = UserFactory(is_staff=True, is_active=False)
    for user, expected in ((UserFactory(is_staff=True), True), (inactive, False), (AnonymousUser(), False)):
        request = rf.get("/")
        request.user = user
        assert bool(access_context(request)["platform_staff"]) is expected

    request = rf.get("/")  # no user attribute at all: the lazy value is not read unless a page asks
    access_context(request)
