"""Phone numbers as people type them, for a place: mainland mobile (手机号), Hong Kong, Macau.

The one rule for phone numbers typed into forms: delivery addresses, job applications
(through ``core.identifiers.mainland_mobile``) and whatever comes next.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAINLAND, HONG_KONG, MACAU = "CN", "HK", "MO"

_SEPARATORS = re.compile(r"[\s\-().·]")


class _Rule(NamedTuple):
    calling_code: str
    pattern: re.Pattern
    message: Promise
    groups: tuple[int, ...]  # how the national number is grouped for reading


RULES = {
    MAINLAND: _Rule(
        "86",
        re.compile(r"1[3-9]\d{9}"),
        _("Enter a mainland China mobile number of 11 digits, e.g. 138 0013 8000."),
        (3, 4, 4),
    ),
    HONG_KONG: _Rule(
        "852", re.compile(r"[2-9]\d{7}"), _("Enter a Hong Kong phone number of 8 digits, e.g. 5123 4567."), (4, 4)
    ),
    MACAU: _Rule(
        "853",
        re.compile(r"6\d{7}"),
        _("Enter a Macau mobile number of 8 digits beginning with 6, e.g. 6612 3456."),
        (4, 4),
    ),
}


def _national_digits(value: str, calling_code: str) -> str:
    """Full-width digits, spaces, dashes and a leading +CC / 00CC removed."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(value or "")))
    for prefix in (f"+{calling_code}", f"00{calling_code}"):
        if text.startswith(prefix):
            return text[len(prefix) :]
    if calling_code == RULES[MAINLAND].calling_code and len(text) == 13 and text.startswith(calling_code):
        return text[len(calling_code) :]  # 8613800138000: the code typed without + or 00
    return text


def phone_normalise(value: str, *, place: str) -> str:
    """The number in E.164 (``+8613800138000``) for a phone of ``place`` (CN, HK, MO).

    Raises ``ValidationError`` saying what a number there looks like.
    """
    rule = RULES[place]
    digits = _national_digits(value, rule.calling_code)
    if rule.pattern.fullmatch(digits):
        e164 = f"+{rule.calling_code}{digits}"
        if phonenumbers.is_valid_number(phonenumbers.parse(e164)):
            return e164
    raise ValidationError(rule.message, code="phone_invalid")


def phone_place(value) -> str | None:
    """CN, HK or MO for a stored number (E.164 string or PhoneNumber), None for others."""
    text = str(value or "")
    for place, rule in RULES.items():
        if text.startswith(f"+{rule.calling_code}"):
            return place
    return None


def phone_display(value, *, domestic: str | None = MAINLAND) -> str:
    """A stored number for reading: ``138 0013 8000`` at home, ``+852 5123 4567`` across a border.

    ``domestic`` is the place whose numbers are shown without their calling code.
    """
    text = str(value or "").strip()
    place = phone_place(text)
    if place is None:
        return text
    rule = RULES[place]
    national = text[len(rule.calling_code) + 1 :]
    if not rule.pattern.fullmatch(national):
        return text
    parts, start = [], 0
    for size in rule.groups:
        parts.append(national[start : start + size])
        start += size
    grouped = " ".join(parts)
    return grouped if place == domestic else f"+{rule.calling_code} {grouped}"


def phone_national(value) -> str:
    """The digits a person would type back into a form (no calling code, no spaces)."""
    text = _SEPARATORS.sub("", str(value or ""))
    place = phone_place(text)
    return text[len(RULES[place].calling_code) + 1 :] if place else text
