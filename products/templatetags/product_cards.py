"""The product card's cache version: what the cached part of a card shows, in one string."""

from django import template

register = template.Library()


@register.simple_tag
def card_version(product, purchase_info) -> str:
    """Changes whenever the card's cached part would: the product (title, description… bump
    ``date_updated``), its first picture, its valid certificates today, its price and whether
    it can be bought. Uses only what the listing query prefetched: no query."""
    images = list(product.images.all())
    image = f"{images[0].pk}:{images[0].original.name}" if images else "-"
    certificates = ",".join(str(cert.pk) for cert in getattr(product, "valid_certifications", []))
    price = purchase_info.price
    amount = price.incl_tax if price.exists else "-"
    available = int(bool(purchase_info.availability.is_available_to_buy))
    updated = product.date_updated.timestamp() if product.date_updated else 0
    return f"{product.pk}:{updated}:{image}:{certificates}:{amount}:{available}:{product.origin_county_id}"
