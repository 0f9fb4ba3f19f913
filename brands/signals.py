"""Domain events of regional brands.

brands does not know the catalogue's visibility rules: it says which products' brand
marks may have changed, and the catalogue (``products.receivers``) announces them
(``products.visibility.brands_changed``). Sent inside the transaction that made the change.
"""

from django.dispatch import Signal

brand_products_changed = Signal()
"""The brand shown on some products may have changed (an authorisation verified or revoked,
a brand verified or its dates edited, a product linked to or unlinked from a brand).

``sender``: the RegionalBrand model; ``product_ids``: a tuple of product ids.
"""
