"""The shop a buyer's journey runs in: cooperatives with one dashboard user each, their products, a
buyer and platform staff (the order journeys share it)."""

from django.contrib.auth.models import Permission

from tests.factories import CooperativeFactory, UserFactory, home_page, make_product
from tests.fulfilment.helpers import ensure_checkout_data


def money(amount) -> str:
    """An amount as pages show it after the currency sign: 1,234.50."""
    return f"{amount:,.2f}"


def build_shop(parts, *, buyer: str, staff: str, password: str) -> dict:
    """``parts``: (product, cooperative, code, cooperative user, price, quantity, storage) rows; the
    products by title."""
    home_page()
    ensure_checkout_data()
    dashboard = Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    products = {}
    for title, name, code, email, price, _quantity, storage in parts:
        cooperative = CooperativeFactory(name=name, code=code)
        member = UserFactory(email=email, password=password)
        member.user_permissions.add(dashboard)
        cooperative.users.add(member)
        products[title] = make_product(title=title, cooperative=cooperative, price=price, storage_type=storage)
    UserFactory(email=buyer, password=password)
    UserFactory(email=staff, is_staff=True, password=password)
    return products
