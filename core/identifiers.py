"""Identifiers people read out and type back: reference numbers (编号) and mainland mobile numbers (手机号).

Reference numbers are a prefix, the date and four characters from an alphabet without
0/O and 1/I (they are read out over the phone): ``SQ20260101AB2C`` for a cooperative's
application, ``BM20260101AB2C`` for a job application. Mobile numbers follow ``core.phones``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.utils import timezone

from core.phones import MAINLAND, phone_national, phone_normalise

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_RANDOM_LENGTH = 4
REFERENCE_ATTEMPTS = 20


def reference_generate(*, prefix: str, taken: Callable[[str], bool]) -> str:
    """A new reference ``prefix`` + today's date + four random characters that ``taken`` says is free.

    32⁴ (about a million) a day per prefix; running out raises ``RuntimeError``, which only
    happens if something is badly wrong.
    """
    today = timezone.localdate().strftime("%Y%m%d")
    for _attempt in range(REFERENCE_ATTEMPTS):
        suffix = "".join(secrets.choice(REFERENCE_ALPHABET) for _position in range(REFERENCE_RANDOM_LENGTH))
        reference = f"{prefix}{today}{suffix}"
        if not taken(reference):
            return reference
    raise RuntimeError(f"no free {prefix} reference today")


def reference_normalise(value: str | None) -> str:
    """What a person typed back (``sq 2026 0101 ab2c``) → the stored form (``SQ20260101AB2C``)."""
    return (value or "").strip().upper().replace(" ", "")


def mainland_mobile(value: str | None) -> str:
    """The eleven digits of a mainland mobile number (手机号) as typed: full-width digits, spaces,
    dashes and +86/0086 are accepted. Raises ``ValidationError`` saying what a number looks like."""
    return phone_national(phone_normalise(value, place=MAINLAND))


def mobile_mask(mobile: str | None) -> str:
    """``13812341234`` → ``138****1234``; an anonymised (empty) number stays empty."""
    if not mobile:
        return ""
    if len(mobile) < 8:
        return "*" * len(mobile)
    return f"{mobile[:3]}{'*' * (len(mobile) - 7)}{mobile[-4:]}"
