"""Signals of the catalogue.

``product_visibility_changed`` — what the shop shows or sells may have changed for some products.

Who sends it: ``products.visibility`` only, the one module every change of what the shop
shows or sells goes through — listing state (sent for review, listed, delisted, back to
review after a price change), certificates (added, renewed, verified, lapsed), a
cooperative's activation, stock that makes a product available or sold out (any stock
record save, checkout's allocations included, and imports), imports, product edits and
deletions in Oscar's dashboard and the Django admin.

When: once the transaction that made the change has committed (``transaction.on_commit``),
once per transaction however many changes it made; never for a change that rolled back.
An import in "valid rows" mode commits, and so announces, every 500 rows. A certificate
that lapses takes its products out of the shop at midnight (the shop checks dates on every
query); the signal for that comes when the nightly job writes the lapse down (00:05).

Arguments: ``sender`` is the Product model; ``product_ids`` a sorted tuple of product ids,
with the parent of any variant among them.

What receivers may rely on:

- ids only: read the products again, with ``products.selectors.shop_visible_products``
  (the one visibility rule) and Oscar's strategy for availability, to learn their state
  now; a product may since have been deleted.
- the ids may include products whose visibility did not actually change (a certificate's
  products when it is verified, every product of a cooperative when it is deactivated, a
  product edited in the dashboard), never fewer than those whose visibility did.
- the data is committed when the signal arrives; a receiver runs after the response's
  writes, in the same process, so it should be quick: enqueue work (``core.outbox``) rather
  than do it. A receiver that raises is logged and skipped: the change stays saved.
"""

from django.dispatch import Signal

product_visibility_changed = Signal()
