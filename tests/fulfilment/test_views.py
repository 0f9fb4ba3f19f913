"""The screens: the buyer's order page, the cooperative's fulfilment page, the staff list and its exports."""

import csv
import datetime
import io
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time
from openpyxl import load_workbook

from marketplace.fulfilment import services
from marketplace.fulfilment.models import BuyerType, FulfilmentStatus, ShippingMethod
from tests.factories import CooperativeFactory, CountyFactory, UserFactory, make_product
from tests.fulfilment.builders import (
    accept,
    budget_unit_buyer,
    cooperative_user,
    part,
    place_order,
    ship,
    snapshot,
    staff_user,
    stock,
    two_cooperatives,
)
from tests.fulfilment.helpers import buyer

pytestmark = pytest.mark.django_db
Status = FulfilmentStatus


def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def detail(fulfilment) -> str:
    return reverse("fulfilment:detail", kwargs={"pk": fulfilment.pk})


def buyer_action(fulfilment, action: str) -> str:
    return reverse("fulfilment:buyer-action", kwargs={"pk": fulfilment.pk, "action": action})


def order_page(order) -> str:
    return reverse("customer:order", kwargs={"order_number": order.number})


def messages_of(response, level: str) -> list[str]:
    return [str(message) for message in response.context["messages"] if message.level_tag == level]


@pytest.fixture
def shop():
    data = two_cooperatives()
    data["buyer"] = buyer(email="canteen@school.example.cn")
    data["order"] = place_order(data["buyer"], [(data["pork"], 2), (data["mango"], 1)])
    data["pork_part"] = part(data["order"], data["a"])
    data["mango_part"] = part(data["order"], data["b"])
    return data


# --------------------------------------------------------------------------- the buyer's order page
def card(html: str, fulfilment) -> str:
    match = re.search(rf'<article[^>]*id="fulfilment-{fulfilment.pk}".*?</article>', html, re.DOTALL)
    assert match, f"no card for fulfilment {fulfilment.pk}"
    return match.group(0)


def progress(card_html: str) -> tuple[int, int, int]:
    return tuple(card_html.count(f'class="step-{state}"') for state in ("done", "current", "todo"))


def test_the_order_page_shows_each_cooperatives_part_with_its_progress_and_actions(shop):
    ship(shop["pork_part"], shop["a_user"], carrier="顺丰速运", tracking="SF1001")
    browser = logged_in(shop["buyer"])

    html = browser.get(order_page(shop["order"])).content.decode()

    pork, mango = card(html, shop["pork_part"]), card(html, shop["mango_part"])
    assert "巴马瑶山香猪合作社" in pork and "巴马香猪五花肉" in pork and "田东芒果" not in pork
    assert "田东芒果合作社" in mango and "田东芒果" in mango and "巴马香猪五花肉" not in mango
    assert "SF1001" in pork and "SF1001" not in mango
    assert progress(pork) == (1, 1, 2)  # ordered ✓, shipped (current), delivered, accepted
    assert progress(mango) == (0, 1, 3)
    # accept only what has shipped; cancel only what has not
    assert buyer_action(shop["pork_part"], "accept") in pork
    assert buyer_action(shop["mango_part"], "accept") not in mango
    assert buyer_action(shop["mango_part"], "cancel") in mango
    assert buyer_action(shop["pork_part"], "cancel") not in pork
    assert "evaluate" not in pork and "evaluate" not in mango


def test_the_order_page_offers_evaluation_once_after_acceptance(shop):
    ship(shop["pork_part"], shop["a_user"])
    services.fulfilment_mark_delivered(fulfilment=shop["pork_part"], user=shop["a_user"])
    browser = logged_in(shop["buyer"])
    delivered = card(browser.get(order_page(shop["order"])).content.decode(), shop["pork_part"])
    assert progress(delivered) == (2, 1, 1) and buyer_action(shop["pork_part"], "accept") in delivered

    accept(shop["pork_part"], shop["buyer"])
    accepted = card(browser.get(order_page(shop["order"])).content.decode(), shop["pork_part"])
    assert progress(accepted) == (3, 1, 0)
    assert buyer_action(shop["pork_part"], "evaluate") in accepted
    assert buyer_action(shop["pork_part"], "accept") not in accepted

    services.fulfilment_evaluate(fulfilment=shop["pork_part"], user=shop["buyer"], rating=4, comment="肉质很好")
    evaluated = card(browser.get(order_page(shop["order"])).content.decode(), shop["pork_part"])
    assert buyer_action(shop["pork_part"], "evaluate") not in evaluated
    assert "★★★★☆" in evaluated and "肉质很好" in evaluated


def test_a_cancelled_part_shows_its_reason_and_no_actions(shop):
    services.fulfilment_cancel(fulfilment=shop["mango_part"], user=shop["buyer"], reason="买多了")
    mango = card(logged_in(shop["buyer"]).get(order_page(shop["order"])).content.decode(), shop["mango_part"])
    assert progress(mango) == (0, 0, 0) and "买多了" in mango
    assert "<form" not in mango


def test_the_buyer_accepts_and_evaluates_from_the_order_page(shop):
    ship(shop["pork_part"], shop["a_user"])
    browser = logged_in(shop["buyer"])

    response = browser.post(buyer_action(shop["pork_part"], "accept"))

    assert response.status_code == 302
    assert response["Location"] == f"{order_page(shop['order'])}#fulfilment-{shop['pork_part'].pk}"
    assert part(shop["order"], shop["a"]).status == Status.ACCEPTED

    refused = browser.post(buyer_action(shop["pork_part"], "evaluate"), {"rating": "6"}, follow=True)
    assert messages_of(refused, "error")
    assert part(shop["order"], shop["a"]).rating is None

    browser.post(buyer_action(shop["pork_part"], "evaluate"), {"rating": "4", "comment": "新鲜"})
    again = browser.post(buyer_action(shop["pork_part"], "evaluate"), {"rating": "1", "comment": "差"}, follow=True)
    assert messages_of(again, "error")
    evaluated = part(shop["order"], shop["a"])
    assert (evaluated.rating, evaluated.comment) == (4, "新鲜")


@pytest.mark.parametrize("rating", ["0", "6", "abc", ""])
def test_the_evaluation_form_refuses_a_rating_outside_one_to_five(shop, rating):
    accept(ship(shop["pork_part"], shop["a_user"]), shop["buyer"])
    before = snapshot(shop["pork_part"])
    response = logged_in(shop["buyer"]).post(buyer_action(shop["pork_part"], "evaluate"), {"rating": rating})
    assert response.status_code == 302
    assert snapshot(shop["pork_part"]) == before


def test_the_buyer_cancels_a_part_once_from_the_order_page(shop):
    browser = logged_in(shop["buyer"])
    browser.post(buyer_action(shop["mango_part"], "cancel"), {"reason": "买多了"})
    mango_part = part(shop["order"], shop["b"])
    assert mango_part.status == Status.CANCELLED and mango_part.reason == "买多了"
    assert stock(shop["mango"]) == (10, 0)

    again = browser.post(buyer_action(shop["mango_part"], "cancel"), follow=True)
    assert messages_of(again, "error")
    assert stock(shop["mango"]) == (10, 0) and stock(shop["pork"]) == (10, 2)


# --------------------------------------------------------------------------- the cooperative's page
def ship_form(fulfilment, **overrides) -> dict:
    return {
        "action": "ship",
        "shipping_method": fulfilment.shipping_method_id,
        "carrier": "顺丰速运",
        "tracking_number": "SF1001",
        **overrides,
    }


def test_the_cooperative_ships_and_reports_delivery_from_its_page(shop):
    browser = logged_in(shop["a_user"])
    page = browser.get(detail(shop["pork_part"]))
    assert page.context["can_ship"] and not page.context["can_deliver"]
    assert [line.product for line in page.context["lines"]] == [shop["pork"]]

    response = browser.post(detail(shop["pork_part"]), ship_form(shop["pork_part"]))

    assert response.status_code == 302 and response["Location"] == detail(shop["pork_part"])
    shipped = part(shop["order"], shop["a"])
    assert (shipped.status, shipped.carrier, shipped.tracking_number) == (Status.SHIPPED, "顺丰速运", "SF1001")
    assert stock(shop["pork"]) == (8, 0)

    browser.post(detail(shop["pork_part"]), {"action": "deliver"})
    assert part(shop["order"], shop["a"]).status == Status.DELIVERED


def test_shipping_again_from_a_stale_page_is_refused_and_says_why(shop):
    """A colleague already shipped; the second submission of the form must not pass silently."""
    ship(shop["pork_part"], shop["a_user"], tracking="SF1001")
    browser = logged_in(shop["a_user"])

    response = browser.post(detail(shop["pork_part"]), ship_form(shop["pork_part"], tracking_number="SF2"), follow=True)

    assert part(shop["order"], shop["a"]).tracking_number == "SF1001" and stock(shop["pork"]) == (8, 0)
    with translation.override(settings.LANGUAGE_CODE):
        reason = translation.gettext("A fulfilment that is “%(status)s” cannot be shipped.") % {
            "status": Status.SHIPPED.label
        }
    assert reason in response.content.decode()


def test_a_shipment_without_tracking_number_is_refused_and_changes_nothing(shop):
    before = snapshot(shop["pork_part"])
    response = logged_in(shop["a_user"]).post(
        detail(shop["pork_part"]), ship_form(shop["pork_part"], tracking_number="")
    )
    assert response.status_code == 400
    assert "tracking_number" in response.context["ship_form"].errors
    assert snapshot(shop["pork_part"]) == before and stock(shop["pork"]) == (10, 2)


def test_an_unknown_action_is_a_bad_request(shop):
    before = snapshot(shop["pork_part"])
    assert logged_in(shop["a_user"]).post(detail(shop["pork_part"]), {"action": "teleport"}).status_code == 400
    assert snapshot(shop["pork_part"]) == before


def test_the_ship_form_offers_only_cold_chain_for_chilled_goods(client):
    frozen_coop = CooperativeFactory(name="巴马冷鲜肉合作社")
    user = cooperative_user(frozen_coop, "cold@coop.example.cn")
    frozen_pork = make_product(title="冷冻香猪排骨", cooperative=frozen_coop, storage_type="frozen", stock=5)
    order = place_order(buyer(email="canteen@school.example.cn"), [(frozen_pork, 1)])
    fulfilment = part(order, frozen_coop)
    parcel, cold = ShippingMethod.objects.get(code="parcel"), ShippingMethod.objects.get(code="cold-chain")
    browser = logged_in(user)
    offered = browser.get(detail(fulfilment)).context["ship_form"].fields["shipping_method"].queryset
    assert list(offered) == [cold]
    before = snapshot(fulfilment)

    response = browser.post(detail(fulfilment), ship_form(fulfilment, shipping_method=parcel.pk))

    assert response.status_code == 400 and "shipping_method" in response.context["ship_form"].errors
    assert snapshot(fulfilment) == before and stock(frozen_pork) == (5, 1)
    browser.post(detail(fulfilment), ship_form(fulfilment, shipping_method=cold.pk))
    assert part(order, frozen_coop).status == Status.SHIPPED


def test_staff_cancel_once_and_record_a_return_from_the_cooperative_page(shop):
    browser = logged_in(staff_user())
    response = browser.post(detail(shop["mango_part"]), {"action": "cancel", "cancel-reason": "缺货"})
    assert response.status_code == 302
    assert part(shop["order"], shop["b"]).status == Status.CANCELLED and stock(shop["mango"]) == (10, 0)
    again = browser.post(detail(shop["mango_part"]), {"action": "cancel", "cancel-reason": "再取消"}, follow=True)
    assert messages_of(again, "error") and stock(shop["mango"]) == (10, 0)
    assert part(shop["order"], shop["b"]).reason == "缺货"

    ship(shop["pork_part"], shop["a_user"])
    no_reason = browser.post(detail(shop["pork_part"]), {"action": "return", "return-reason": ""})
    assert no_reason.status_code == 400 and part(shop["order"], shop["a"]).status == Status.SHIPPED
    browser.post(detail(shop["pork_part"]), {"action": "return", "return-reason": "拒收"})
    assert part(shop["order"], shop["a"]).status == Status.RETURNED and stock(shop["pork"]) == (10, 0)
    browser.post(detail(shop["pork_part"]), {"action": "return", "return-reason": "再退"})
    assert stock(shop["pork"]) == (10, 0)


# --------------------------------------------------------------------------- the staff list and exports
@pytest.fixture
def market():
    """Three orders from three cooperatives in three counties, placed on three days."""
    data = two_cooperatives()
    hengzhou = CountyFactory(name="横州市", slug="hengzhou")
    data["c"] = CooperativeFactory(name="横州茉莉花茶厂", code="hengzhou-tea", county=hengzhou)
    data["tea"] = make_product(title="横县茉莉花茶", cooperative=data["c"], price="45.00", stock=10)
    data["canteen"] = budget_unit_buyer("canteen@school.example.cn")
    data["family"] = buyer(email="family@example.cn")
    with freeze_time("2026-03-02 02:00:00"):
        data["first"] = place_order(data["family"], [(data["pork"], 2), (data["mango"], 1)])
    with freeze_time("2026-03-10 02:00:00"):
        data["second"] = place_order(data["canteen"], [(data["mango"], 2), (data["tea"], 3)])
    with freeze_time("2026-03-20 02:00:00"):
        data["third"] = place_order(data["family"], [(data["tea"], 1)])
    ship(part(data["first"], data["a"]), data["a_user"])
    data["staff"] = staff_user()
    return data


def listed(browser, **filters) -> set[tuple[str, str]]:
    response = browser.get(reverse("fulfilment:list"), filters)
    assert response.status_code == 200
    return {(f.order.number, f.partner.code) for f in response.context["fulfilments"]}


def test_staff_see_every_fulfilment_and_filter_them(market):
    first, second, third = market["first"].number, market["second"].number, market["third"].number
    browser = logged_in(market["staff"])

    assert listed(browser) == {
        (first, "bama-pork"),
        (first, "tiandong-mango"),
        (second, "tiandong-mango"),
        (second, "hengzhou-tea"),
        (third, "hengzhou-tea"),
    }
    assert listed(browser, partner=market["b"].pk) == {(first, "tiandong-mango"), (second, "tiandong-mango")}
    assert listed(browser, county=market["c"].county_id) == {(second, "hengzhou-tea"), (third, "hengzhou-tea")}
    assert listed(browser, buyer_type=BuyerType.BUDGET_UNIT) == {(second, "tiandong-mango"), (second, "hengzhou-tea")}
    assert listed(browser, buyer_type=BuyerType.BUYER, partner=market["c"].pk) == {(third, "hengzhou-tea")}
    assert listed(browser, status=Status.SHIPPED) == {(first, "bama-pork")}
    assert listed(browser, date_from="2026-03-05", date_to="2026-03-15") == {
        (second, "tiandong-mango"),
        (second, "hengzhou-tea"),
    }
    assert listed(browser, q="canteen@school") == {(second, "tiandong-mango"), (second, "hengzhou-tea")}
    assert listed(browser, q=third) == {(third, "hengzhou-tea")}


def test_the_staff_list_shows_names_counties_and_buyer_types(market):
    html = logged_in(market["staff"]).get(reverse("fulfilment:list")).content.decode()
    for text in ("巴马瑶山香猪合作社", "田东芒果合作社", "横州茉莉花茶厂", "巴马瑶族自治县", "横州市"):
        assert text in html
    with translation.override(settings.LANGUAGE_CODE):
        assert str(BuyerType.BUDGET_UNIT.label) in html


def export_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_has_a_bom_chinese_names_and_the_filtered_rows(market):
    browser = logged_in(market["staff"])

    response = browser.get(reverse("fulfilment:list"), {"export": "csv", "county": market["c"].county_id})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert re.match(r'attachment; filename="fulfilments-\d{8}-\d{4}\.csv"', response["Content-Disposition"])
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel then reads UTF-8
    header, *rows = export_rows(response)
    assert len(header) == 17  # … and the delivery address: recipient, phone, address, postcode
    assert sorted(row[0] for row in rows) == sorted([market["second"].number, market["third"].number])
    by_order = {row[0]: row for row in rows}
    canteen = by_order[market["second"].number]
    assert canteen[2:4] == ["横州茉莉花茶厂", "横州市"]
    with translation.override(settings.LANGUAGE_CODE):
        assert canteen[4] == str(BuyerType.BUDGET_UNIT.label)
    assert canteen[6:9] == ["135.00", "0.00", "135.00"]  # 3 × 45, free shipping over 99
    assert by_order[market["third"].number][6:9] == ["45.00", "10.00", "55.00"]


def test_the_csv_export_carries_tracking_and_acceptance(market):
    accept(part(market["first"], market["a"]), market["family"])
    response = logged_in(market["staff"]).get(reverse("fulfilment:list"), {"export": "csv", "partner": market["a"].pk})
    (_header, row) = export_rows(response)
    assert row[0] == market["first"].number and row[10:12] == ["顺丰速运", "SF1234567890"]
    assert row[12] == part(market["first"], market["a"]).accepted_at.astimezone(
        datetime.timezone(datetime.timedelta(hours=8))
    ).strftime("%Y-%m-%d")


def test_the_xlsx_export_opens_with_the_filtered_rows(market):
    response = logged_in(market["staff"]).get(
        reverse("fulfilment:list"), {"export": "xlsx", "buyer_type": BuyerType.BUYER}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(header) == 17  # … and the delivery address: recipient, phone, address, postcode
    assert sorted((row[0], row[2]) for row in rows) == sorted(
        [
            (market["first"].number, "巴马瑶山香猪合作社"),
            (market["first"].number, "田东芒果合作社"),
            (market["third"].number, "横州茉莉花茶厂"),
        ]
    )
    totals = {row[2]: row[8] for row in rows}
    assert totals["巴马瑶山香猪合作社"] == pytest.approx(176.00)
    assert totals["田东芒果合作社"] == pytest.approx(69.90)


# --------------------------------------------------------------------------- queries
def order_from(count: int, customer, first: int):
    """An order with one product from each of ``count`` new cooperatives."""
    products = [
        make_product(title=f"帮扶产品{n}", cooperative=CooperativeFactory(name=f"帮扶合作社{n:02d}"), with_image=False)
        for n in range(first, first + count)
    ]
    return place_order(customer, [(product, 1) for product in products])


def queries_for(browser, url: str, limit) -> int:
    """Queries of a second GET of ``url`` (the first warms caches), which must stay within ``limit``."""
    browser.get(url)
    with limit, CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_order_page_costs_the_same_queries_for_three_or_six_cooperatives(django_assert_max_num_queries):
    customer = buyer(email="canteen@school.example.cn")
    small, large = order_from(3, customer, 0), order_from(6, customer, 10)
    ship(small.fulfilments.first(), staff_user())
    browser = logged_in(customer)

    three = queries_for(browser, order_page(small), django_assert_max_num_queries(20))
    six = queries_for(browser, order_page(large), django_assert_max_num_queries(20))

    assert three == six
    assert browser.get(order_page(large)).content.decode().count('class="card mb-3 fulfilment-card"') == 6


def test_the_cooperative_page_costs_the_same_queries_for_one_or_four_lines(django_assert_max_num_queries):
    cooperative = CooperativeFactory(name="巴马瑶山香猪合作社")
    worker = cooperative_user(cooperative, "pork@coop.example.cn")
    products = [make_product(title=f"香猪产品{n}", cooperative=cooperative, with_image=False) for n in range(4)]
    customer = buyer(email="canteen@school.example.cn")
    small = part(place_order(customer, [(products[0], 1)]), cooperative)
    large = part(place_order(customer, [(product, 1) for product in products]), cooperative)
    browser = logged_in(worker)

    one = queries_for(browser, detail(small), django_assert_max_num_queries(25))
    four = queries_for(browser, detail(large), django_assert_max_num_queries(25))

    assert one == four


def test_the_fulfilment_lists_cost_the_same_queries_for_three_or_six_cooperatives(django_assert_max_num_queries):
    customer = buyer(email="canteen@school.example.cn")
    worker = UserFactory(email="worker@coop.example.cn")  # one person working for several cooperatives
    staff, cooperative_view = logged_in(staff_user()), logged_in(worker)
    url = reverse("fulfilment:list")

    order_from(3, customer, 0)
    worker.partners.set(CooperativeFactory._meta.model.objects.all())
    staff_three = queries_for(staff, url, django_assert_max_num_queries(15))
    cooperative_three = queries_for(cooperative_view, url, django_assert_max_num_queries(15))

    order_from(6, customer, 10)
    worker.partners.set(CooperativeFactory._meta.model.objects.all())
    staff_nine = queries_for(staff, url, django_assert_max_num_queries(15))
    cooperative_nine = queries_for(cooperative_view, url, django_assert_max_num_queries(15))

    assert staff_three == staff_nine
    assert cooperative_three == cooperative_nine
    assert len(cooperative_view.get(url).context["fulfilments"]) == 9
