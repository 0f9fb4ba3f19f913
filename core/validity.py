"""Validity windows (有效期): a first valid day and a last one, empty for long-term.

Certificates and regional brands share the rule; the query and the in-memory check say the
same thing.
"""

import datetime

from django.db.models import Q
from django.utils import timezone


def valid_on_q(on: datetime.date | None = None) -> Q:
    """Rows whose ``valid_from``/``valid_until`` window includes ``on`` (today by default)."""
    on = on or timezone.localdate()
    return Q(valid_from__lte=on) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))


def is_valid_on(valid_from: datetime.date, valid_until: datetime.date | None, day: datetime.date | None = None) -> bool:
    day = day or timezone.localdate()
    return valid_from <= day and (valid_until is None or valid_until >= day)
