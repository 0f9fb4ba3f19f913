"""Who may see and work which fulfilment: each refusal leaves everything as it was."""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from marketplace.fulfilment import services
from marketplace.fulfilment.models import FulfilmentStatus, SettlementStatement, StatementStatus
from tests.fulfilment.builders import (
    accept,
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
BUYER_EMAIL = "canteen@school.example.cn"


@pytest.fixture
def shop():
    """A (pork) and B (mango); one order with both, and an order with only B's mango from a hospital."""
    data = two_cooperatives()
    data["buyer"] = buyer(email=BUYER_EMAIL)
    data["order"] = place_order(data["buyer"], [(data["pork"], 2), (data["mango"], 1)])
    data["pork_part"] = part(data["order"], data["a"])
    data["mango_part"] = part(data["order"], data["b"])
    data["hospital"] = buyer(email="hospital@example.cn")
    data["b_only_order"] = place_order(data["hospital"], [(data["mango"], 2)])
    return data


def detail(fulfilment) -> str:
    return reverse("fulfilment:detail", kwargs={"pk": fulfilment.pk})


def buyer_action(fulfilment, action: str) -> str:
    return reverse("fulfilment:buyer-action", kwargs={"pk": fulfilment.pk, "action": action})


def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


# --------------------------------------------------------------------------- cooperative A and B
def test_a_cooperative_cannot_open_another_cooperatives_fulfilment(shop):
    browser = logged_in(shop["a_user"])
    assert browser.get(detail(shop["mango_part"])).status_code == 404
    assert browser.get(detail(part(shop["b_only_order"], shop["b"]))).status_code == 404
    assert browser.get(detail(shop["pork_part"])).status_code == 200


def test_a_cooperative_cannot_ship_or_deliver_another_cooperatives_fulfilment(shop):
    browser = logged_in(shop["a_user"])
    before = snapshot(shop["mango_part"])
    form = {"action": "ship", "shipping_method": shop["mango_part"].shipping_method_id, "carrier": "顺丰速运"}

    response = browser.post(detail(shop["mango_part"]), {**form, "tracking_number": "SF-HIJACK"})

    assert response.status_code == 404
    assert snapshot(shop["mango_part"]) == before
    assert stock(shop["mango"]) == (10, 3)

    ship(shop["mango_part"], shop["b_user"])
    shipped = snapshot(shop["mango_part"])
    assert browser.post(detail(shop["mango_part"]), {"action": "deliver"}).status_code == 404
    assert snapshot(shop["mango_part"]) == shipped


def test_a_cooperatives_list_shows_only_its_own_fulfilments(shop):
    browser = logged_in(shop["a_user"])
    response = browser.get(reverse("fulfilment:list"))

    assert response.status_code == 200
    assert [f.pk for f in response.context["fulfilments"]] == [shop["pork_part"].pk]
    html = response.content.decode()
    assert shop["order"].number in html
    assert shop["b_only_order"].number not in html
    assert "田东芒果" not in html and BUYER_EMAIL not in html

    # asking for B's fulfilments by filter does not help
    response = browser.get(reverse("fulfilment:list"), {"partner": shop["b"].pk, "q": shop["b_only_order"].number})
    assert list(response.context["fulfilments"]) == []


def test_a_cooperatives_export_holds_only_its_own_rows_without_buyer_type(shop):
    browser = logged_in(shop["a_user"])
    response = browser.get(reverse("fulfilment:list"), {"export": "csv", "partner": shop["b"].pk})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]

    assert [row[0] for row in rows] == [shop["order"].number]
    assert rows[0][2] == "巴马瑶山香猪合作社"
    assert "田东芒果合作社" not in text and shop["b_only_order"].number not in text
    assert rows[0][4] == ""  # buyer type is for platform staff


def test_a_cooperatives_page_shows_its_own_lines_and_no_other_cooperatives_or_the_buyers_account(shop):
    html = logged_in(shop["a_user"]).get(detail(shop["pork_part"])).content.decode()

    assert "巴马香猪五花肉" in html
    assert "田东芒果" not in html  # B's product and B's name
    assert BUYER_EMAIL not in html
    assert "59.90" not in html and str(shop["order"].total_incl_tax) not in html


ORDER_DASHBOARD = [
    ("dashboard:order-list", lambda order: {}),
    ("dashboard:order-stats", lambda order: {}),
    ("dashboard:order-detail", lambda order: {"number": order.number}),
    ("dashboard:order-shipping-address", lambda order: {"number": order.number}),
    ("dashboard:order-line-detail", lambda order: {"number": order.number, "line_id": order.lines.first().pk}),
]


@pytest.mark.parametrize("url_name, kwargs_of", ORDER_DASHBOARD)
def test_a_cooperative_user_is_refused_on_oscars_order_dashboard(shop, url_name, kwargs_of):
    url = reverse(url_name, kwargs=kwargs_of(shop["order"]))
    response = logged_in(shop["a_user"]).get(url)
    assert response.status_code == 403
    assert "田东芒果" not in response.content.decode()


@pytest.mark.parametrize("url_name, kwargs_of", ORDER_DASHBOARD[:3])
def test_platform_staff_still_open_oscars_order_dashboard(shop, url_name, kwargs_of):
    url = reverse(url_name, kwargs=kwargs_of(shop["order"]))
    response = logged_in(staff_user(order_dashboard=True)).get(url)
    assert response.status_code == 200


def test_a_cooperative_user_can_still_reach_the_rest_of_the_dashboard(shop):
    browser = logged_in(shop["a_user"])
    assert browser.get(reverse("dashboard:index")).status_code == 200
    assert browser.get(reverse("dashboard:catalogue-product-list")).status_code == 200


def test_a_cooperatives_dashboard_home_does_not_reveal_the_other_cooperatives_amounts(shop):
    """The order spans A and B: its total (A's 176.00 + B's 59.90 + 10.00 shipping) is partly B's business."""
    html = logged_in(shop["a_user"]).get(reverse("dashboard:index")).content.decode()
    assert f"{shop['order'].total_incl_tax:,.2f}" not in html  # ¥245.90


# --------------------------------------------------------------------------- buyers
@pytest.mark.parametrize(
    "action, prepare",
    [
        ("cancel", lambda shop: None),
        ("accept", lambda shop: ship(shop["pork_part"], shop["a_user"])),
        ("evaluate", lambda shop: accept(ship(shop["pork_part"], shop["a_user"]), shop["buyer"])),
    ],
)
def test_a_buyer_cannot_act_on_someone_elses_fulfilment(shop, action, prepare):
    prepare(shop)
    before, stock_before = snapshot(shop["pork_part"]), stock(shop["pork"])

    response = logged_in(shop["hospital"]).post(buyer_action(shop["pork_part"], action), {"rating": 1})

    assert response.status_code == 404
    assert snapshot(shop["pork_part"]) == before
    assert stock(shop["pork"]) == stock_before


def test_a_cooperative_user_cannot_act_as_the_buyer(shop):
    ship(shop["pork_part"], shop["a_user"])
    before = snapshot(shop["pork_part"])
    assert logged_in(shop["a_user"]).post(buyer_action(shop["pork_part"], "accept")).status_code == 404
    assert snapshot(shop["pork_part"]) == before


def test_a_buyer_cannot_open_someone_elses_order_page(shop):
    url = reverse("customer:order", kwargs={"order_number": shop["order"].number})
    assert logged_in(shop["hospital"]).get(url).status_code == 404
    assert logged_in(shop["buyer"]).get(url).status_code == 200


def test_an_unknown_buyer_action_is_not_found(shop):
    before = snapshot(shop["pork_part"])
    assert logged_in(shop["buyer"]).post(buyer_action(shop["pork_part"], "ship")).status_code == 404
    assert snapshot(shop["pork_part"]) == before


def test_a_buyer_is_refused_on_the_cooperative_pages(shop):
    browser = logged_in(shop["buyer"])
    assert browser.get(reverse("fulfilment:list")).status_code == 403
    assert browser.get(detail(shop["pork_part"])).status_code == 403
    before = snapshot(shop["pork_part"])
    response = browser.post(detail(shop["pork_part"]), {"action": "ship", "carrier": "x", "tracking_number": "y"})
    assert response.status_code == 403
    assert snapshot(shop["pork_part"]) == before
    assert browser.get(reverse("fulfilment:statements")).status_code == 403


# --------------------------------------------------------------------------- staff-only steps
def test_a_cooperative_user_cannot_cancel_from_the_cooperative_page(shop):
    before = snapshot(shop["pork_part"])
    response = logged_in(shop["a_user"]).post(
        detail(shop["pork_part"]), {"action": "cancel", "cancel-reason": "不想发货"}
    )
    assert response.status_code == 403
    assert snapshot(shop["pork_part"]) == before
    assert stock(shop["pork"]) == (10, 2)


def test_a_cooperative_user_cannot_record_a_return(shop):
    ship(shop["pork_part"], shop["a_user"])
    before = snapshot(shop["pork_part"])
    response = logged_in(shop["a_user"]).post(
        detail(shop["pork_part"]), {"action": "return", "return-reason": "自己退回"}
    )
    assert response.status_code == 403
    assert snapshot(shop["pork_part"]) == before
    assert stock(shop["pork"]) == (8, 0)


def test_the_cooperative_page_offers_cancel_and_return_to_staff_only(shop):
    ship(shop["pork_part"], shop["a_user"])
    cooperative_view = logged_in(shop["a_user"]).get(detail(shop["pork_part"])).context
    staff_view = logged_in(staff_user()).get(detail(shop["pork_part"])).context
    assert cooperative_view["can_return"] is False and staff_view["can_return"] is True
    cooperative_view = logged_in(shop["b_user"]).get(detail(shop["mango_part"])).context
    assert cooperative_view["can_cancel"] is False and cooperative_view["can_ship"] is True


# --------------------------------------------------------------------------- statements
@pytest.fixture
def statements(shop, django_capture_on_commit_callbacks):
    """March statements of A and B, both ready (accepted in March, prepared in April)."""
    with freeze_time("2026-03-10 04:00:00"):
        accept(ship(shop["pork_part"], shop["a_user"]), shop["buyer"])
        accept(ship(shop["mango_part"], shop["b_user"]), shop["buyer"])
    with freeze_time("2026-04-02 04:00:00"), django_capture_on_commit_callbacks(execute=True):
        mine = services.statement_request(partner=shop["a"], period=datetime.date(2026, 3, 1))
        theirs = services.statement_request(partner=shop["b"], period=datetime.date(2026, 3, 1))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == theirs.status == StatementStatus.READY
    return {"mine": mine, "theirs": theirs}


def download(statement, kind: str) -> str:
    return reverse("fulfilment:statement-download", kwargs={"pk": statement.pk, "kind": kind})


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_a_cooperative_downloads_its_own_statement_and_not_anothers(shop, statements, kind):
    browser = logged_in(shop["a_user"])
    own = browser.get(download(statements["mine"], kind))
    assert own.status_code == 200 and own["Content-Disposition"].startswith("attachment")
    assert "bama-pork" in own["Content-Disposition"]
    assert browser.get(download(statements["theirs"], kind)).status_code == 404


def test_a_cooperatives_statement_list_shows_only_its_own(shop, statements):
    response = logged_in(shop["a_user"]).get(reverse("fulfilment:statements"))
    assert [s.pk for s in response.context["statements"]] == [statements["mine"].pk]
    assert "田东芒果合作社" not in response.content.decode()
    assert "request_form" not in response.context


def test_a_cooperative_cannot_request_statements(shop):
    with freeze_time("2026-04-02 04:00:00"):
        response = logged_in(shop["a_user"]).post(reverse("fulfilment:statements"), {"month": "2026-03"})
    assert response.status_code == 403
    assert SettlementStatement.objects.count() == 0


def test_a_cooperative_cannot_mark_its_statement_paid_or_prepare_it_again(shop, statements):
    browser = logged_in(shop["a_user"])
    before = SettlementStatement.objects.values().get(pk=statements["mine"].pk)
    paid = browser.post(reverse("fulfilment:statement-paid", kwargs={"pk": statements["mine"].pk}), {"reference": "X"})
    retry = browser.post(reverse("fulfilment:statement-retry", kwargs={"pk": statements["mine"].pk}))
    assert paid.status_code == 403 and retry.status_code == 403
    assert SettlementStatement.objects.values().get(pk=statements["mine"].pk) == before
    # another cooperative's statement is not even found
    other = browser.post(
        reverse("fulfilment:statement-paid", kwargs={"pk": statements["theirs"].pk}), {"reference": "X"}
    )
    assert other.status_code == 404
    assert SettlementStatement.objects.get(pk=statements["theirs"].pk).status == StatementStatus.READY


# --------------------------------------------------------------------------- anonymous
def test_anonymous_visitors_are_sent_to_log_in(shop, statements):
    browser = Client()
    login = reverse(settings.LOGIN_URL)
    gets = [
        reverse("fulfilment:list"),
        detail(shop["pork_part"]),
        reverse("fulfilment:statements"),
        download(statements["mine"], "pdf"),
    ]
    for url in gets:
        response = browser.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login), url
    before = snapshot(shop["pork_part"])
    for action in ("accept", "cancel", "evaluate"):
        response = browser.post(buyer_action(shop["pork_part"], action), {"rating": 5})
        assert response.status_code == 302 and response["Location"].startswith(login)
    response = browser.post(detail(shop["mango_part"]), {"action": "cancel", "cancel-reason": "x"})
    assert response.status_code == 302 and response["Location"].startswith(login)
    assert snapshot(shop["pork_part"]) == before
    assert part(shop["order"], shop["b"]).status == Status.ACCEPTED
