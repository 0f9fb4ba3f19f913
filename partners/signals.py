"""Domain events of cooperatives and certificates.

partners does not know the catalogue: it says what happened to a certificate or a
cooperative, and the catalogue (``products.receivers``) decides what follows for listings
and the shop.

Both signals are sent inside the transaction that made the change, so a receiver's writes
commit or roll back with it (a renewal relists its products in the same transaction).
A receiver that reaches outside the database (mail, search, a task) waits for the commit
itself (``transaction.on_commit``).
"""

from django.dispatch import Signal

# What happened to the certificates of a ``certification_changed``.
CERTIFICATE_SAVED = "saved"  # added or edited: number, dates or scan may be new (a renewal, a correction)
CERTIFICATE_VERIFIED = "verified"  # staff confirmed it against the issuer's register (核验)

certification_changed = Signal()
"""A certificate (认证证书) was saved or verified.

``sender``: the Certification model; ``certification_ids``: a tuple of ids;
``change``: ``CERTIFICATE_SAVED`` or ``CERTIFICATE_VERIFIED``.
"""

cooperative_activation_changed = Signal()
"""Cooperatives were activated or deactivated (启用/停用).

``sender``: the Partner model; ``cooperative_ids``: a tuple of ids; ``active``: their new state;
``suspended_since``: on reactivation, when the suspension began (None otherwise or when unknown).
"""
