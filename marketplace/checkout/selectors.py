"""Reads for checkout: a buyer's delivery addresses (地址簿), and the order a basket became."""

from oscar.core.loading import get_model

Order = get_model("order", "Order")
UserAddress = get_model("address", "UserAddress")


def placed_order_for_basket(basket_id: int):
    """The order placed from basket ``basket_id``, or None: the basket is the placement's one
    idempotency key (``services.order_place``)."""
    return Order.objects.filter(basket_id=basket_id).order_by("pk").first()


def delivery_addresses_for(*, user):
    """The user's addresses we deliver to, the default one first, then the most used."""
    if not user.is_authenticated:
        return UserAddress.objects.none()
    return (
        UserAddress.objects.filter(user=user, country__is_shipping_country=True)
        .select_related("country")
        .order_by("-is_default_for_shipping", "-num_orders_as_shipping_address", "-pk")
    )


def user_address_for(*, user, pk):
    """One of the user's own addresses, or None (another's, or no such address)."""
    if not user.is_authenticated or not str(pk).isdigit():
        return None
    return UserAddress.objects.filter(user=user, pk=int(pk)).first()


def address_book_for(*, user):
    """Every address of the user's address book, the default one first."""
    return (
        UserAddress.objects.filter(user=user)
        .select_related("country")
        .order_by("-is_default_for_shipping", "-num_orders_as_shipping_address", "-pk")
    )
