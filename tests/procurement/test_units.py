"""Units and their people: the hierarchy stays a tree, and who may read which unit."""

import pytest
from django.core.exceptions import ValidationError

from marketplace.procurement import access
from marketplace.procurement.models import BudgetUnit
from marketplace.procurement.units import membership_set, unit_save
from tests.factories import UserFactory, budget_unit, unit_member

pytestmark = pytest.mark.django_db


def test_a_units_path_runs_from_the_top_of_its_hierarchy(units):
    bureau, school_a = units["bureau"], units["school_a"]
    assert bureau.path == f"/{bureau.pk}/"
    assert school_a.path == f"/{bureau.pk}/{school_a.pk}/" and school_a.depth == 1


def test_moving_a_unit_moves_its_whole_subtree(units):
    canteen = budget_unit("第一中学教工食堂", parent=units["school_a"])
    school_a = units["school_a"]
    school_a.parent = units["other_bureau"]
    unit_save(unit=school_a)

    canteen.refresh_from_db()
    assert canteen.path == f"/{units['other_bureau'].pk}/{school_a.pk}/{canteen.pk}/"


@pytest.mark.parametrize("target", ["itself", "its subordinate"])
def test_a_unit_cannot_be_placed_under_itself_or_its_subordinates(units, target):
    bureau = units["bureau"]
    bureau.parent = bureau if target == "itself" else units["school_a"]
    with pytest.raises(ValidationError) as error:
        unit_save(unit=bureau)

    assert "parent" in error.value.message_dict
    assert BudgetUnit.objects.get(pk=bureau.pk).parent_id is None


def test_a_credit_code_with_a_wrong_check_character_is_refused():
    with pytest.raises(ValidationError) as error:
        budget_unit(credit_code="11440300000000001X")
    assert "credit_code" in error.value.message_dict


def test_a_member_reads_their_own_units_and_a_manager_the_subtree_below(units):
    visible = {name: set(access.visible_units(units[name])) for name in ("a_buyer", "bureau_manager", "b_manager")}

    assert visible["a_buyer"] == {units["school_a"]}
    assert visible["bureau_manager"] == {units["bureau"], units["school_a"], units["school_b"]}
    # a manager of a sibling subtree sees nothing beside or above it
    assert visible["b_manager"] == {units["school_b"]}
    assert set(access.visible_units(units["other_manager"])) == {units["other_bureau"]}


def test_a_manager_supervises_the_units_below_and_not_their_own(units):
    assert access.supervises(units["bureau_manager"], units["school_a"])
    assert not access.supervises(units["bureau_manager"], units["bureau"])
    assert not access.supervises(units["a_manager"], units["school_a"])
    assert not access.supervises(units["b_manager"], units["school_a"])


def test_a_person_may_belong_to_several_units_with_different_roles(units):
    person = unit_member(units["school_a"], "both@units.example.cn", roles=("buyer",))
    unit_member(units["school_b"], roles=("approver",), user=person)

    assert access.has_unit_role(person, units["school_a"], "buyer")
    assert not access.has_unit_role(person, units["school_b"], "buyer")
    assert access.has_unit_role(person, units["school_b"], "approver")


def test_a_membership_without_roles_ends(units):
    membership_set(unit=units["school_a"], user=units["a_buyer"])
    assert not access.is_unit_member(units["a_buyer"])


def test_an_inactive_units_people_lose_it():
    unit = budget_unit("已撤并单位")
    person = unit_member(unit, roles=("buyer",))
    BudgetUnit.objects.filter(pk=unit.pk).update(is_active=False)
    assert not access.is_unit_buyer(person)


def test_the_portal_lists_the_visitors_units_and_refuses_outsiders(client, units):
    client.force_login(units["a_buyer"])
    page = client.get("/procurement/")
    assert page.status_code == 200 and units["school_a"].name in page.content.decode()
    assert units["school_b"].name not in page.content.decode()

    client.force_login(UserFactory(email="consumer@example.cn"))
    assert client.get("/procurement/").status_code == 403
    client.logout()
    assert client.get("/procurement/").status_code == 302
