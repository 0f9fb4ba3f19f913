"""A school's year of reserved-share buying (预留份额), in the browser at desktop and phone widths.

The school's manager files for the year; the bureau above returns the filing with a reason and
approves it once refiled. The school's buyer orders from three cooperatives with a 15-day ship-by;
the order is above the school's approval threshold and waits until the school's approver approves
it. The cooperatives ship; the buyer accepts one part and reports a problem with another; the
school's finance records a bank receipt and matches part of it; the progress page shows placed and
completed moved. A member of a school in another bureau sees none of it.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model
from playwright.sync_api import expect

from marketplace.fulfilment import services as fulfilment_services
from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus
from marketplace.procurement.models import (
    ApprovalStatus,
    FilingDeadline,
    FilingStatus,
    ReceiptAllocation,
    ReservedShareFiling,
    UnitOrder,
    UnitYearTotals,
)
from tests.e2e.conftest import log_in
from tests.factories import (
    CooperativeFactory,
    UserFactory,
    budget_unit,
    home_page,
    jurisdiction,
    make_product,
    share_ratio,
    unit_member,
)
from tests.fulfilment.helpers import ensure_checkout_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "journey-pass-2026"
Order = get_model("order", "Order")

# (product, cooperative, code, cooperative user, price, quantity, storage)
PARTS = [
    ("巴马香猪五花肉", "巴马瑶山香猪合作社", "bama-pork", "pork@coop.example.cn", "88.00", 2, "frozen"),
    ("田东芒果", "田东芒果合作社", "tiandong-mango", "mango@coop.example.cn", "59.90", 1, "ambient"),
    ("横县茉莉花茶", "横州茉莉花茶厂", "hengzhou-tea", "tea@coop.example.cn", "45.00", 3, "ambient"),
]
GOODS_TOTAL = Decimal("370.90")  # 2 × 88.00 + 59.90 + 3 × 45.00: every line counts (its county does)
TEA_TOTAL = Decimal("135.00")  # the tea ships free (over the parcel's free-shipping amount)
RECEIVED = Decimal("100.00")

PEOPLE = {
    "school_manager": "manager@nanshan-school.example.cn",
    "buyer": "canteen@nanshan-school.example.cn",
    "approver": "approver@nanshan-school.example.cn",
    "finance": "finance@nanshan-school.example.cn",
    "bureau_manager": "manager@nanshan-edu.example.cn",
    "other": "manager@baoan-school.example.cn",
}
CANTEEN_TOTAL = "1200000.00"
CANTEEN_TOTAL_REFILED = "1000000.00"


def _log_in(page, who: str, next_url: str) -> None:
    log_in(page, PEOPLE[who], PASSWORD, next_url)


def _money(amount) -> str:
    return f"{amount:,.2f}"


def _figure(table, heading: str):
    """The row of the progress figures headed ``heading``."""
    return table.locator("tr").filter(has=table.page.get_by_role("rowheader", name=heading, exact=True))


def _build_data() -> dict:
    home_page()
    ensure_checkout_data()
    year = timezone.localdate().year
    share_ratio("shenzhen", year, "0.2000")
    FilingDeadline.objects.create(
        jurisdiction=jurisdiction("shenzhen"), year=year, deadline=timezone.localdate() + datetime.timedelta(days=30)
    )
    bureau = budget_unit("深圳市南山区教育局", category="agency")
    school = budget_unit("深圳市南山区实验学校", parent=bureau, approval_threshold=Decimal("300.00"))
    other_bureau = budget_unit("深圳市宝安区教育局", category="agency")
    other_school = budget_unit("深圳市宝安中学", parent=other_bureau)
    people = {who: UserFactory(email=email, password=PASSWORD) for who, email in PEOPLE.items()}
    unit_member(school, user=people["school_manager"], roles=("manager",))
    unit_member(school, user=people["buyer"], roles=("buyer",))
    unit_member(school, user=people["approver"], roles=("approver",))
    unit_member(school, user=people["finance"], roles=("finance",))
    unit_member(bureau, user=people["bureau_manager"], roles=("manager",))
    unit_member(other_school, user=people["other"], roles=("manager", "buyer", "approver", "finance"))

    dashboard = Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    products, cooperative_users = {}, {}
    for title, name, code, email, price, _quantity, storage in PARTS:
        cooperative = CooperativeFactory(name=name, code=code)
        member = UserFactory(email=email, password=PASSWORD)
        member.user_permissions.add(dashboard)
        cooperative.users.add(member)
        cooperative_users[name] = member
        products[title] = make_product(title=title, cooperative=cooperative, price=price, storage_type=storage)
    return {
        "year": year,
        "bureau": bureau,
        "school": school,
        "other_school": other_school,
        "products": products,
        "cooperative_users": cooperative_users,
        "people": people,
    }


def _file(page, journey, school, year, total: str, *, label: str) -> None:
    """The school's manager fills in the filing (own canteen, 25 %) and submits it."""
    filing_url = reverse("procurement:filing", kwargs={"unit": school.pk, "year": year})
    _log_in(page, "school_manager", filing_url)
    page.check("#id_canteen_0")  # the unit has its own canteen
    page.fill("#id_canteen_food_total", total)
    page.fill("#id_ratio_percent", "25")
    journey.check(f"{label}-form")
    with page.expect_navigation():
        page.click("form:has(#id_canteen_food_total) button[type=submit]")
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()
    with page.expect_navigation():
        page.click(f"form[action$='/filings/{year}/submit/'] button[type=submit]")
    expect(page.locator("#filing-state")).to_contain_text("待审核")
    journey.check(f"{label}-submitted")


def test_budget_unit_journey(page, journey):
    data = _build_data()
    year, school, bureau = data["year"], data["school"], data["bureau"]
    people = data["people"]

    # 1. The school's manager files for the year; the bureau returns it with a reason.
    _file(page, journey, school, year, CANTEEN_TOTAL, label="filing")
    filing = ReservedShareFiling.objects.get(unit=school, year=year)
    assert filing.status == FilingStatus.SUBMITTED
    assert filing.reserved_amount == Decimal("300000.00")  # 1,200,000.00 × 25 %

    review_url = reverse("procurement:filing-review")
    _log_in(page, "bureau_manager", review_url)
    row = page.locator("tr", has_text=school.name)
    expect(row).to_contain_text(_money(Decimal("300000.00")))
    journey.check("review")
    row.locator(f"#reason-{filing.pk}").fill("食堂食材年度总额与上年决算不符，请核实后重报。")
    with page.expect_navigation():
        row.locator(f"form[action$='/filings/{year}/return/'] button[type=submit]").click()
    expect(page.get_by_text("没有待您审核的填报。")).to_be_visible()
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED
    assert filing.return_reason == "食堂食材年度总额与上年决算不符，请核实后重报。"

    # The school's manager sees the reason, corrects the total and submits again.
    filing_url = reverse("procurement:filing", kwargs={"unit": school.pk, "year": year})
    _log_in(page, "school_manager", filing_url)
    expect(page.locator(".alert-warning")).to_contain_text("食堂食材年度总额与上年决算不符")
    journey.check("filing-returned")
    _file(page, journey, school, year, CANTEEN_TOTAL_REFILED, label="refiling")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    assert filing.reserved_amount == Decimal("250000.00")

    _log_in(page, "bureau_manager", review_url)
    row = page.locator("tr", has_text=school.name)
    with page.expect_navigation():
        row.locator(f"form[action$='/filings/{year}/approve/'] button[type=submit]").click()
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED
    assert list(filing.events.values_list("action", flat=True)) == [
        "saved",
        "submitted",
        "returned",
        "saved",
        "submitted",
        "approved",
    ]
    journey.check("review-approved")

    # 2. The school's buyer fills a basket from three cooperatives and checks out.
    products = data["products"]
    _log_in(page, "buyer", "/shop/basket/")
    for title, *_rest, quantity, _storage in PARTS:
        for _ in range(quantity):
            page.goto(products[title].get_absolute_url())
            with page.expect_navigation():
                page.click("#add_to_basket_form button[type=submit]")
    page.goto("/shop/basket/")
    page.click(f"a[href='{reverse('checkout:index')}']")
    page.wait_for_url(f"**{reverse('checkout:shipping-address')}")
    page.fill("#id_first_name", "王芳")
    page.fill("#id_phone_number", "139 2345 6789")
    page.select_option("#id_province", label="广东省")
    page.locator("#id_city option[value='4403']").wait_for(state="attached")
    page.select_option("#id_city", label="深圳市")
    page.select_option("#id_district", label="南山区")
    page.fill("#id_line1", "南海大道 2000 号 实验学校食堂")
    page.fill("#id_postcode", "518052")
    page.click("#new_shipping_address button[type=submit]")
    page.wait_for_url(f"**{reverse('checkout:preview')}")
    expect(page.locator(".unit-purchase-summary")).to_contain_text(school.name)
    # above the threshold: the payment text says the order waits for an approver of the unit
    expect(page.locator(".unit-purchase-summary + p")).to_contain_text("审批")
    # The buyer looks at 30 days, updates the preview, then settles on 15 days.
    page.check("input[name=ship_within_days][value='30']")
    with page.expect_navigation():
        page.click(f"input[formaction='{reverse('procurement:checkout-unit')}']")
    expect(page.locator("input[name=ship_within_days][value='30']")).to_be_checked()
    page.check("input[name=ship_within_days][value='15']")
    journey.check("preview")
    page.click("#place_order_form button[type=submit]")
    page.wait_for_url(f"**{reverse('checkout:thank-you')}")

    order = Order.objects.get()
    unit_order = UnitOrder.objects.get(order=order)
    assert unit_order.unit == school
    assert unit_order.ship_within_days == 15
    assert unit_order.approval_status == ApprovalStatus.PENDING
    assert order.total_incl_tax > school.approval_threshold
    parts = {f.partner.name: f for f in Fulfilment.objects.filter(order=order).select_related("partner")}
    assert {f.status for f in parts.values()} == {FulfilmentStatus.AWAITING_APPROVAL}
    totals = UnitYearTotals.objects.get(unit=school, year=year)
    assert (totals.placed, totals.completed) == (GOODS_TOTAL, Decimal("0.00"))
    expect(page.get_by_text(order.number).first).to_be_visible()
    expect(page.get_by_text("订单金额超过贵单位审批限额，需经本单位审批人审批。").first).to_be_visible()
    journey.check("thank-you")

    # 3. The school's approver approves; the parts can ship within 15 days of today.
    approvals_url = reverse("procurement:approvals", kwargs={"unit": school.pk})
    _log_in(page, "approver", approvals_url)
    expect(page.get_by_text(order.number).first).to_be_visible()
    journey.check("approvals")
    with page.expect_navigation():
        page.click(f"form[action$='/approvals/{unit_order.pk}/approve/'] button[type=submit]")
    expect(page.get_by_text("暂无待审批订单。")).to_be_visible()
    approved_on = timezone.localdate()
    unit_order.refresh_from_db()
    assert unit_order.approval_status == ApprovalStatus.APPROVED
    assert unit_order.decided_by == people["approver"]
    for part in parts.values():
        part.refresh_from_db()
        assert part.status == FulfilmentStatus.TO_SHIP
        assert part.ship_by == approved_on + datetime.timedelta(days=15)
    journey.check("approved")

    # 4. The tea cooperative ships from its own page; the other two through the services.
    tea = parts["横州茉莉花茶厂"]
    log_in(page, "tea@coop.example.cn", PASSWORD, reverse("fulfilment:detail", kwargs={"pk": tea.pk}))
    ship_by = (approved_on + datetime.timedelta(days=15)).isoformat()
    expect(page.get_by_text(ship_by).first).to_be_visible()
    page.fill("#id_carrier", "顺丰速运")
    page.fill("#id_tracking_number", "SF3002026")
    page.click("form:has(input[name=action][value=ship]) button[type=submit]")
    expect(page.locator("form:has(input[name=action][value=deliver]) button[type=submit]")).to_be_visible()
    journey.check("cooperative-shipped")
    page.click("form:has(input[name=action][value=deliver]) button[type=submit]")
    expect(page.locator("form:has(input[name=action][value=deliver])")).to_have_count(0)
    for name, part in parts.items():
        cooperative_user = data["cooperative_users"][name]
        part.refresh_from_db()
        if part.status == FulfilmentStatus.TO_SHIP:
            fulfilment_services.fulfilment_ship(
                fulfilment=part, user=cooperative_user, carrier="中国邮政", tracking_number=f"EMS{part.pk}2026"
            )
            fulfilment_services.fulfilment_mark_delivered(fulfilment=part, user=cooperative_user)
        part.refresh_from_db()
        assert part.status == FulfilmentStatus.DELIVERED
        assert part.ship_by == approved_on + datetime.timedelta(days=15)
        assert not part.auto_accepted

    # 5. The buyer accepts the tea and reports a problem with the mango.
    mango, pork = parts["田东芒果合作社"], parts["巴马瑶山香猪合作社"]
    order_url = reverse("procurement:order", kwargs={"unit": school.pk, "pk": unit_order.pk})
    _log_in(page, "buyer", order_url)
    journey.check("order-to-accept")
    accept = reverse(
        "procurement:part-action", kwargs={"unit": school.pk, "pk": unit_order.pk, "part": tea.pk, "action": "accept"}
    )
    with page.expect_navigation():
        page.click(f"form[action='{accept}'] button[type=submit]")
    expect(page.locator(f"form[action='{accept}']")).to_have_count(0)
    problem = reverse(
        "procurement:part-action",
        kwargs={"unit": school.pk, "pk": unit_order.pk, "part": mango.pk, "action": "problem"},
    )
    page.fill(f"#id_problem-{mango.pk}-problem", "芒果到货时有 5 个压伤，已拍照留存。")
    with page.expect_navigation():
        page.click(f"form[action='{problem}'] button[type=submit]")
    expect(page.locator(f"#part-{mango.pk}").locator("xpath=..")).to_contain_text("验收有问题")
    problem_text = page.locator(f"#part-{mango.pk} ~ .part-problem")
    expect(problem_text).to_have_text("验收发现的问题: 芒果到货时有 5 个压伤，已拍照留存。")
    journey.check("order-accepted-problem")
    tea.refresh_from_db()
    mango.refresh_from_db()
    pork.refresh_from_db()
    assert tea.status == FulfilmentStatus.ACCEPTED and tea.accepted_at is not None
    assert mango.status == FulfilmentStatus.PROBLEM
    assert mango.reason == "芒果到货时有 5 个压伤，已拍照留存。"
    assert pork.status == FulfilmentStatus.DELIVERED
    totals.refresh_from_db()
    assert (totals.placed, totals.completed) == (GOODS_TOTAL, TEA_TOTAL)

    # 6. The school's finance records a bank receipt smaller than the tea part and matches it.
    receipts_url = reverse("procurement:receipts", kwargs={"unit": school.pk})
    _log_in(page, "finance", receipts_url)
    expect(page.locator("table.owed-table")).to_contain_text(order.number)
    journey.check("receipts-owed")
    page.fill("#id_receipt-payer_name", school.name)
    page.fill("#id_receipt-amount", str(RECEIVED))
    page.fill("#id_receipt-reference", "ICBC20260001")
    with page.expect_navigation():
        page.click("form:has(input[name=action][value=record]) button[type=submit]")
    page.select_option("#id_match-target", value=f"part:{tea.pk}")
    page.fill("#id_match-amount", str(RECEIVED))
    with page.expect_navigation():
        page.click("form:has(input[name=action][value=match]) button[type=submit]")
    allocation = ReceiptAllocation.objects.get()
    assert (allocation.fulfilment, allocation.amount) == (tea, RECEIVED)
    assert allocation.matched_by == people["finance"]
    outstanding = TEA_TOTAL - RECEIVED
    row = page.locator("table.owed-table tbody tr", has_text="横州茉莉花茶厂")
    expect(row).to_contain_text(_money(RECEIVED))
    expect(row).to_contain_text(_money(outstanding))
    expect(page.locator("#owed-heading + p")).to_contain_text(_money(outstanding))
    expect(page.get_by_text("所有到账均已认领。")).to_be_visible()
    journey.check("receipts-matched")

    # 7. The progress page shows placed and completed moved (and reads in each language).
    progress_url = reverse("procurement:progress", kwargs={"unit": school.pk})
    page.goto(progress_url)
    figures = page.locator("#progress-figures")
    expect(figures).to_contain_text(_money(Decimal("250000.00")))
    expect(_figure(figures, "采购交易额")).to_contain_text(_money(GOODS_TOTAL))
    expect(_figure(figures, "已完成交易额")).to_contain_text(_money(TEA_TOTAL))
    journey.check("progress")
    totals.refresh_from_db()
    assert (totals.placed, totals.completed) == (GOODS_TOTAL, TEA_TOTAL)
    page.goto(f"/zh-hant{progress_url}")
    expect(page.locator("h1")).to_contain_text("預留份額")
    expect(_figure(page.locator("#progress-figures"), "採購交易額")).to_contain_text(_money(GOODS_TOTAL))
    expect(_figure(page.locator("#progress-figures"), "已完成交易額")).to_contain_text(_money(TEA_TOTAL))
    journey.check("progress-zh-hant")
    page.goto(f"/en{progress_url}")
    expect(page.locator("h1")).to_contain_text("Reserved-share progress")
    expect(_figure(page.locator("#progress-figures"), "Placed (采购交易额)")).to_contain_text(_money(GOODS_TOTAL))
    expect(_figure(page.locator("#progress-figures"), "Completed (已完成)")).to_contain_text(_money(TEA_TOTAL))
    journey.check("progress-en")

    # The bureau's manager sees the school among its subordinates.
    _log_in(page, "bureau_manager", reverse("procurement:progress", kwargs={"unit": bureau.pk}))
    expect(page.locator("table.subordinate-ranking")).to_contain_text(school.name)
    journey.check("bureau-progress")

    # 8. A member of a school in another bureau finds none of it.
    _log_in(page, "other", reverse("procurement:home"))
    assert school.name not in page.content() and order.number not in page.content()
    journey.check("other-unit-home")
    for url in (
        reverse("procurement:orders", kwargs={"unit": school.pk}),
        order_url,
        approvals_url,
        filing_url,
        reverse("procurement:filings", kwargs={"unit": school.pk}),
        receipts_url,
        progress_url,
    ):
        response = page.goto(url)
        assert response.status == 404, url
    response = page.goto(reverse("procurement:filing-review"))
    assert school.name not in page.content()
