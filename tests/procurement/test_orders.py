"""A budget unit's orders: the unit and ship-by chosen at checkout, the portal's order pages,
approval and acceptance through them, isolation, and parts late to ship."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time
from oscar.core.loading import get_model

from core.models import SentMail
from marketplace.fulfilment.models import Fulfilment, FulfilmentStatus
from marketplace.procurement import ordering
from marketplace.procurement.models import ApprovalStatus, UnitOrder
from marketplace.procurement.tasks_orders import notify_late_parts_task
from tests.factories import unit_member
from tests.fulfilment.builders import deliver, part, place_order, ship, staff_user, stock, two_cooperatives
from tests.fulfilment.helpers import add_to_basket, ensure_checkout_data, start_checkout

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


@pytest.fixture
def shop(units):
    data = two_cooperatives()
    units["school_a"].approval_threshold = Decimal("100.00")
    units["school_a"].save()
    return data


def browser_for(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def at_preview(user, items) -> tuple[Client, int]:
    ensure_checkout_data()
    browser = browser_for(user)
    for product, quantity in items:
        add_to_basket(browser, product, quantity)
    return browser, start_checkout(browser)


def place(browser, basket_id, **fields):
    return browser.post(
        reverse("checkout:preview"), {"action": "place_order", "basket_token": str(basket_id), **fields}
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --------------------------------------------------------------------------- checkout
@pytest.fixture
def two_unit_buyer(units):
    """A buyer for school A (approval above ¥100) and school B (no approval)."""
    user = units["a_buyer"]
    unit_member(units["school_b"], roles=("buyer",), user=user)
    return user


def test_the_preview_offers_the_units_and_ship_by_15_days_preselected(shop, units, two_unit_buyer):
    browser, _basket = at_preview(two_unit_buyer, [(shop["pork"], 2)])

    response = browser.get(reverse("checkout:preview"))

    page = response.content.decode()
    form = response.context["unit_purchase_form"]
    assert form.several_units
    assert {pk for pk, _name in form.fields["unit"].choices} == {units["school_a"].pk, units["school_b"].pk}
    assert form["ship_within_days"].value() == 15
    assert 'name="ship_within_days" value="15"' in page and "checked" in page
    assert units["school_a"].name in page and units["school_b"].name in page
    assert str(response.context["unit_purchase"].unit.get_payment_mode_display()) in page


def test_the_preview_says_whether_the_order_waits_for_approval(shop, units, two_unit_buyer):
    browser, _basket = at_preview(two_unit_buyer, [(shop["pork"], 2)])

    browser.post(reverse("procurement:checkout-unit"), {"unit": units["school_a"].pk, "ship_within_days": 15})
    waiting = browser.get(reverse("checkout:preview"))
    browser.post(reverse("procurement:checkout-unit"), {"unit": units["school_b"].pk, "ship_within_days": 15})
    direct = browser.get(reverse("checkout:preview"))

    assert waiting.context["unit_needs_approval"] is True
    assert waiting.context["payment_policy"].code == "unit_approval"
    assert direct.context["unit_needs_approval"] is False
    assert direct.context["payment_policy"].code == "unit_deliver_first"


def test_the_order_is_placed_for_the_chosen_unit_with_the_chosen_ship_by(shop, units, two_unit_buyer):
    browser, basket_id = at_preview(two_unit_buyer, [(shop["pork"], 2)])

    response = place(browser, basket_id, unit=units["school_b"].pk, ship_within_days=7)

    assert response.status_code == 302
    unit_order = UnitOrder.objects.get(placed_by=two_unit_buyer)
    assert unit_order.unit == units["school_b"]
    assert unit_order.ship_within_days == 7
    assert unit_order.approval_status == ApprovalStatus.NOT_REQUIRED
    assert part(unit_order.order, shop["a"]).ship_by == timezone.localdate() + datetime.timedelta(days=7)


def test_a_choice_stored_with_update_is_used_at_placement(shop, units, two_unit_buyer):
    browser, basket_id = at_preview(two_unit_buyer, [(shop["pork"], 2)])
    browser.post(reverse("procurement:checkout-unit"), {"unit": units["school_b"].pk, "ship_within_days": 30})

    place(browser, basket_id)

    unit_order = UnitOrder.objects.get(placed_by=two_unit_buyer)
    assert (unit_order.unit, unit_order.ship_within_days) == (units["school_b"], 30)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"unit": "other_bureau", "ship_within_days": 15}, "Choose one of the units you buy for."),
        ({"unit": "bureau", "ship_within_days": 15}, "Choose one of the units you buy for."),
        ({"unit": "school_a", "ship_within_days": 10}, "Choose a latest ship date of 7, 15 or 30 days."),
        ({"unit": "school_a", "ship_within_days": "soon"}, "Choose a latest ship date of 7, 15 or 30 days."),
    ],
)
def test_another_unit_or_number_of_days_is_refused_and_nothing_placed(shop, units, two_unit_buyer, fields, message):
    browser, basket_id = at_preview(two_unit_buyer, [(shop["pork"], 2)])
    fields = {**fields, "unit": units[fields["unit"]].pk}

    response = place(browser, basket_id, **fields)

    assert response.status_code == 302 and response["Location"].endswith("/checkout/preview/")
    with translation.override("zh-hans"):
        assert messages_of(response) == [translation.gettext(message)]
    assert not Order.objects.filter(user=two_unit_buyer).exists()
    assert not UnitOrder.objects.filter(placed_by=two_unit_buyer).exists()
    assert stock(shop["pork"]) == (10, 0)


# --------------------------------------------------------------------------- portal pages
@pytest.fixture
def orders(shop, units):
    """School A: a waiting order (pork ×2 + mango) and a direct one (mango only)."""
    waiting = UnitOrder.objects.get(order=place_order(units["a_buyer"], [(shop["pork"], 2), (shop["mango"], 1)]))
    direct = UnitOrder.objects.get(order=place_order(units["a_buyer"], [(shop["mango"], 1)]))
    return {"waiting": waiting, "direct": direct}


def urls(units, orders) -> dict:
    unit = units["school_a"].pk
    waiting = orders["waiting"]
    pork_part = Fulfilment.objects.filter(order=waiting.order).order_by("pk").first()
    return {
        "orders": ("get", reverse("procurement:orders", kwargs={"unit": unit})),
        "approvals": ("get", reverse("procurement:approvals", kwargs={"unit": unit})),
        "order": ("get", reverse("procurement:order", kwargs={"unit": unit, "pk": waiting.pk})),
        "pdf": ("get", reverse("procurement:order-confirmation", kwargs={"unit": unit, "pk": waiting.pk})),
        "approve": (
            "post",
            reverse("procurement:approval-decide", kwargs={"unit": unit, "pk": waiting.pk, "action": "approve"}),
        ),
        "reject": (
            "post",
            reverse("procurement:approval-decide", kwargs={"unit": unit, "pk": waiting.pk, "action": "reject"}),
        ),
        **{
            action: (
                "post",
                reverse(
                    "procurement:part-action",
                    kwargs={"unit": unit, "pk": waiting.pk, "part": pork_part.pk, "action": action},
                ),
            )
            for action in ("accept", "problem", "evaluate")
        },
    }


@pytest.mark.parametrize("who", ["b_buyer", "b_manager", "other_manager"])
def test_another_units_member_and_the_sibling_manager_get_404_everywhere(shop, units, orders, who):
    browser = browser_for(units[who])
    waiting = orders["waiting"]
    before = UnitOrder.objects.filter(pk=waiting.pk).values().get()

    for name, (method, url) in urls(units, orders).items():
        data = {f"reject-{waiting.pk}-reason": "不要", "problem-0-problem": "坏了"}
        response = getattr(browser, method)(url, data) if method == "post" else browser.get(url)
        assert response.status_code == 404, (who, name)

    assert UnitOrder.objects.filter(pk=waiting.pk).values().get() == before


def test_a_buyer_who_is_not_an_approver_gets_403_on_approve_and_reject(shop, units, orders):
    browser = browser_for(units["a_buyer"])
    waiting = orders["waiting"]
    table = urls(units, orders)

    assert browser.post(table["approve"][1]).status_code == 403
    assert browser.post(table["reject"][1], {f"reject-{waiting.pk}-reason": "不要"}).status_code == 403

    waiting.refresh_from_db()
    assert waiting.approval_status == ApprovalStatus.PENDING
    assert stock(shop["pork"]) == (10, 2)


def test_a_manager_above_reads_the_orders_but_may_not_act(shop, units, orders):
    browser = browser_for(units["bureau_manager"])
    table = urls(units, orders)

    listing = browser.get(table["orders"][1])
    assert listing.status_code == 200
    assert orders["waiting"].order.number in listing.content.decode()
    detail = browser.get(table["order"][1]).content.decode()
    assert "/accept/" not in detail and "/problem/" not in detail
    assert browser.post(table["approve"][1]).status_code == 403
    orders["waiting"].refresh_from_db()
    assert orders["waiting"].approval_status == ApprovalStatus.PENDING


def test_the_orders_list_shows_parts_and_filters_by_approval(shop, units, orders):
    browser = browser_for(units["a_buyer"])
    url = reverse("procurement:orders", kwargs={"unit": units["school_a"].pk})

    everything = browser.get(url)
    pending = browser.get(url, {"approval": "pending"})
    to_ship = browser.get(url, {"status": "to_ship"})

    assert {u.pk for u in everything.context["unit_orders"]} == {orders["waiting"].pk, orders["direct"].pk}
    assert [u.pk for u in pending.context["unit_orders"]] == [orders["waiting"].pk]
    assert [u.pk for u in to_ship.context["unit_orders"]] == [orders["direct"].pk]
    page = everything.content.decode()
    assert "巴马瑶山香猪合作社" in page


def test_the_approver_approves_and_rejects_from_the_page(shop, units, orders):
    browser = browser_for(units["a_approver"])
    table = urls(units, orders)
    waiting = orders["waiting"]

    page = browser.get(table["approvals"][1])
    assert [u.pk for u in page.context["pending"]] == [waiting.pk]
    no_reason = browser.post(table["reject"][1], {f"reject-{waiting.pk}-reason": ""})
    assert no_reason.status_code == 400
    waiting.refresh_from_db()
    assert waiting.approval_status == ApprovalStatus.PENDING

    assert browser.post(table["approve"][1]).status_code == 302
    again = browser.post(table["approve"][1])
    assert again.status_code == 302 and messages_of(again)

    waiting.refresh_from_db()
    assert waiting.approval_status == ApprovalStatus.APPROVED
    assert set(waiting.order.fulfilments.values_list("status", flat=True)) == {FulfilmentStatus.TO_SHIP}


def test_the_approver_rejects_with_a_reason_from_the_page(shop, units, orders):
    browser = browser_for(units["a_approver"])
    waiting = orders["waiting"]

    browser.post(urls(units, orders)["reject"][1], {f"reject-{waiting.pk}-reason": "超出本月预算"})

    waiting.refresh_from_db()
    assert waiting.approval_status == ApprovalStatus.REJECTED and waiting.rejection_reason == "超出本月预算"
    assert stock(shop["pork"]) == (10, 0)


def test_a_buyer_of_the_unit_accepts_reports_a_problem_and_evaluates(shop, units, orders):
    direct = orders["direct"]
    mango_part = part(direct.order, shop["b"])
    deliver(ship(mango_part, shop["b_user"]), shop["b_user"])
    other_buyer = unit_member(units["school_a"], "buyer2@a.example.cn", roles=("buyer",))
    browser = browser_for(other_buyer)  # not the person who placed it: any buyer of the unit
    base = {"unit": units["school_a"].pk, "pk": direct.pk, "part": mango_part.pk}

    def action(name, data=None):
        return browser.post(reverse("procurement:part-action", kwargs={**base, "action": name}), data or {})

    detail = browser.get(reverse("procurement:order", kwargs={"unit": units["school_a"].pk, "pk": direct.pk}))
    assert "/accept/" in detail.content.decode()

    assert action("problem", {f"problem-{mango_part.pk}-problem": ""}).status_code == 400
    assert part(direct.order, shop["b"]).status == FulfilmentStatus.DELIVERED
    action("problem", {f"problem-{mango_part.pk}-problem": "芒果有压伤"})
    assert part(direct.order, shop["b"]).status == FulfilmentStatus.PROBLEM
    action("accept")
    assert part(direct.order, shop["b"]).status == FulfilmentStatus.ACCEPTED
    action("evaluate", {f"evaluate-{mango_part.pk}-rating": 4, f"evaluate-{mango_part.pk}-comment": "新鲜"})
    assert part(direct.order, shop["b"]).rating == 4


def test_a_finance_member_may_not_accept(shop, units, orders):
    direct = orders["direct"]
    mango_part = part(direct.order, shop["b"])
    deliver(ship(mango_part, shop["b_user"]), shop["b_user"])
    url = reverse(
        "procurement:part-action",
        kwargs={"unit": units["school_a"].pk, "pk": direct.pk, "part": mango_part.pk, "action": "accept"},
    )

    assert browser_for(units["a_finance"]).post(url).status_code == 403
    assert part(direct.order, shop["b"]).status == FulfilmentStatus.DELIVERED


def test_the_unit_stays_on_the_order_after_its_buyer_leaves_the_unit(shop, units, orders):
    units["a_buyer"].unit_memberships.all().delete()

    listing = browser_for(units["a_approver"]).get(reverse("procurement:orders", kwargs={"unit": units["school_a"].pk}))

    assert {u.pk for u in listing.context["unit_orders"]} == {orders["waiting"].pk, orders["direct"].pk}
    assert UnitOrder.objects.get(pk=orders["direct"].pk).unit == units["school_a"]


# --------------------------------------------------------------------------- late parts
def test_late_parts_are_flagged_to_the_unit_and_the_cooperative(shop, units, orders):
    direct = orders["direct"]
    mango_part = part(direct.order, shop["b"])
    later = timezone.localdate() + datetime.timedelta(days=16)

    assert not ordering.late_parts().filter(pk=mango_part.pk).exists()
    assert ordering.late_parts(today=later).filter(pk=mango_part.pk).exists()
    with freeze_time(later):
        listing = browser_for(units["a_buyer"]).get(
            reverse("procurement:orders", kwargs={"unit": units["school_a"].pk})
        )
        cooperative = browser_for(shop["b_user"]).get(reverse("fulfilment:list"))
    flagged = {u.pk: u.is_late for u in listing.context["unit_orders"]}
    assert flagged[direct.pk] is True
    on_time = browser_for(shop["b_user"]).get(reverse("fulfilment:list"))
    with translation.override("zh-hans"):
        badge = translation.gettext("overdue to ship")
    assert badge in cooperative.content.decode()
    assert badge not in on_time.content.decode()


def test_a_shipped_part_is_not_late(shop, units, orders):
    mango_part = ship(part(orders["direct"].order, shop["b"]), shop["b_user"])

    assert not ordering.late_parts(today=mango_part.ship_by + datetime.timedelta(days=1)).exists()


def test_late_parts_tell_the_cooperative_the_units_buyers_and_staff_once(shop, units, orders, mailoutbox):
    staff = staff_user()
    mango_part = part(orders["direct"].order, shop["b"])

    with freeze_time(timezone.now() + datetime.timedelta(days=16)):
        notify_late_parts_task()
        notify_late_parts_task()

    told = sorted(address for message in mailoutbox for address in message.to)
    assert told == sorted([shop["b_user"].email, units["a_buyer"].email, staff.email])
    assert SentMail.objects.filter(key__startswith=f"fulfilment:{mango_part.pk}:late:").count() == 3


def test_the_orders_list_and_detail_keep_to_a_query_budget(shop, units, orders, django_assert_max_num_queries):
    for _ in range(3):
        place_order(units["a_buyer"], [(shop["pork"], 1), (shop["mango"], 1)])
    browser = browser_for(units["a_buyer"])
    unit = units["school_a"].pk

    with django_assert_max_num_queries(30):
        listing = browser.get(reverse("procurement:orders", kwargs={"unit": unit}))
    with django_assert_max_num_queries(40):
        detail = browser.get(reverse("procurement:order", kwargs={"unit": unit, "pk": orders["waiting"].pk}))

    assert listing.status_code == 200 and len(listing.context["unit_orders"]) == 5
    assert detail.status_code == 200


def test_late_parts_are_reported_daily_on_celery_beat():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["procurement-late-parts"]
    assert entry["task"] == notify_late_parts_task.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({9}, {0})
