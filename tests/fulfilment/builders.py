"""People, orders and steps for the fulfilment tests: orders go through the real checkout."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.test import Client
from oscar.core.loading import get_model

from marketplace.fulfilment import services
from marketplace.fulfilment.models import Fulfilment
from tests.factories import CooperativeFactory, CountyFactory, UserFactory, budget_unit, make_product, unit_member
from tests.fulfilment.helpers import buyer, checkout

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


def cooperative_user(cooperative, email: str, *, language: str = "zh-hans"):
    """Cooperative staff (合作社工作人员): dashboard access and membership of ``cooperative``."""
    user = UserFactory(email=email, preferred_language=language)
    user.user_permissions.add(Permission.objects.get(codename="dashboard_access", content_type__app_label="partner"))
    cooperative.users.add(user)
    return user


def staff_user(email: str = "staff@platform.example.cn", *, order_dashboard: bool = False):
    """Platform staff; with ``order_dashboard`` also the permission Oscar's order dashboard asks for."""
    user = UserFactory(email=email, is_staff=True)
    if order_dashboard:
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="order", codename__in=("view_order", "change_order"))
        )
    return user


def budget_unit_buyer(email: str, *, unit=None, **kwargs):
    """A canteen's purchaser (预算单位采购员): a buyer of ``unit`` (a new school canteen by default)."""
    user = buyer(email=email, **kwargs)
    unit_member(unit or budget_unit("深圳市测试学校"), user=user, roles=("buyer",))
    return user


def two_cooperatives():
    """Pork from 巴马 (cooperative A, with one user) and mango from 田东 (cooperative B, with one user)."""
    bama = CountyFactory(name="巴马瑶族自治县", slug="bama")
    tiandong = CountyFactory(name="田东县", slug="tiandong")
    pork_coop = CooperativeFactory(name="巴马瑶山香猪合作社", code="bama-pork", county=bama)
    mango_coop = CooperativeFactory(name="田东芒果合作社", code="tiandong-mango", county=tiandong)
    return {
        "a": pork_coop,
        "b": mango_coop,
        "pork": make_product(title="巴马香猪五花肉", cooperative=pork_coop, price="88.00", stock=10),
        "mango": make_product(title="田东芒果", cooperative=mango_coop, price="59.90", stock=10),
        "a_user": cooperative_user(pork_coop, "pork@coop.example.cn"),
        "b_user": cooperative_user(mango_coop, "mango@coop.example.cn"),
    }


def place_order(user, items: list[tuple]) -> Order:
    """``user`` checks out ``(product, quantity)`` items in a browser of their own; the order placed."""
    browser = Client()
    browser.force_login(user)
    response, _basket_id = checkout(browser, items)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Order.objects.filter(user=user).latest("pk")


def part(order, cooperative) -> Fulfilment:
    """The fulfilment of ``cooperative`` in ``order``, fresh from the database."""
    return Fulfilment.objects.get(order=order, partner=cooperative)


def stock(product) -> tuple[int, int]:
    """(num_in_stock, num_allocated) of the product's only stock record."""
    record = StockRecord.objects.get(product=product)
    return record.num_in_stock, record.num_allocated or 0


def order_status(order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def ship(fulfilment, user, *, carrier: str = "顺丰速运", tracking: str = "SF1234567890", method=None) -> Fulfilment:
    return services.fulfilment_ship(
        fulfilment=fulfilment, user=user, carrier=carrier, tracking_number=tracking, shipping_method=method
    )


def deliver(fulfilment, user) -> Fulfilment:
    return services.fulfilment_mark_delivered(fulfilment=fulfilment, user=user)


def accept(fulfilment, user) -> Fulfilment:
    return services.fulfilment_accept(fulfilment=fulfilment, user=user)


def snapshot(fulfilment) -> dict:
    """Every field of the fulfilment, to show that a refused step changed nothing."""
    fresh = Fulfilment.objects.get(pk=fulfilment.pk)
    values = {field.attname: getattr(fresh, field.attname) for field in Fulfilment._meta.concrete_fields}
    values["events"] = list(fresh.events.values_list("action", flat=True))
    return values
