"""A small hierarchy of budget units for the portal's tests.

市教育局 (bureau: manager)
├── 第一中学 (school_a: buyer, approver, finance, manager)
└── 第二中学 (school_b: buyer — the sibling subtree)
区卫健局 (other_bureau: manager) — another tree
"""

import pytest

from tests.factories import budget_unit, unit_member


@pytest.fixture
def units(db):
    bureau = budget_unit("深圳市测试教育局", category="agency")
    school_a = budget_unit("深圳市测试第一中学", parent=bureau)
    school_b = budget_unit("深圳市测试第二中学", parent=bureau)
    other_bureau = budget_unit("深圳市测试卫健局", category="agency")
    return {
        "bureau": bureau,
        "school_a": school_a,
        "school_b": school_b,
        "other_bureau": other_bureau,
        "bureau_manager": unit_member(bureau, "manager@bureau.example.cn", roles=("manager",)),
        "a_buyer": unit_member(school_a, "buyer@a.example.cn", roles=("buyer",)),
        "a_approver": unit_member(school_a, "approver@a.example.cn", roles=("approver",)),
        "a_finance": unit_member(school_a, "finance@a.example.cn", roles=("finance",)),
        "a_manager": unit_member(school_a, "manager@a.example.cn", roles=("manager",)),
        "b_buyer": unit_member(school_b, "buyer@b.example.cn", roles=("buyer",)),
        "b_manager": unit_member(school_b, "manager@b.example.cn", roles=("manager",)),
        "other_manager": unit_member(other_bureau, "manager@other.example.cn", roles=("manager",)),
    }
