"""Checks of unified social credit codes (统一社会信用代码, GB 32100-2015)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_check_character(first17: str) -> str:
    """The 18th character: 31 − (Σ value × 3^i mod 31) mod 31, where 31 means 0."""
    total = sum(CREDIT_CODE_ALPHABET.index(char) * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_credit_code(value: str) -> None:
    """18 characters of the GB 32100 alphabet with a correct check character."""
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)s."),
            code="credit_code_length",
            params={"count": len(code)},
        )
    wrong = sorted({char for char in code if char not in CREDIT_CODE_ALPHABET})
    if wrong:
        raise ValidationError(
            _("The code contains characters never used in credit codes: %(chars)s (I, O, S, V, Z are not used)."),
            code="credit_code_alphabet",
            params={"chars": " ".join(wrong)},
        )
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character (the last one) does not match: please check the code for typing mistakes."),
            code="credit_code_check",
        )


def division_codes(text: str) -> list[str]:
    """The six-digit division codes in ``text`` (spaces or commas between them), in order."""
    return [code for code in re.split(r"[\s,，、;；]+", text or "") if re.fullmatch(r"\d{6}", code)]


def county_accepted_divisions(county) -> set[str]:
    """Divisions whose credit codes a county's applicants may hold: its own code, the codes it had
    before a renaming (县 → 区/市) and its prefecture's bureau (the first four digits + ``00``)."""
    if not county.division_code:
        return set()
    return {county.division_code, county.division_code[:4] + "00", *division_codes(county.former_division_codes)}


def _division_owner(division: str, county) -> str:
    """Who registered under ``division``: another county (now or before a renaming), a prefecture's
    bureau, or "" when no county on record has it."""
    owners = type(county)._default_manager.exclude(pk=county.pk)
    owner = owners.filter(division_code=division).first()
    if owner is None:
        owner = next(
            (
                other
                for other in owners.filter(former_division_codes__contains=division)
                if division in division_codes(other.former_division_codes)
            ),
            None,
        )
    if owner is not None:
        return owner.name
    if division.endswith("00"):
        same_prefecture = owners.filter(division_code__startswith=division[:4]).exclude(prefecture="").first()
        if same_prefecture is not None:
            return same_prefecture.prefecture
    return ""


def validate_credit_code_division(value: str, county) -> None:
    """Characters 3–8 are the registering division: a Guangxi code (45…), the county's when known.

    A county's codes include those of before its renaming and its prefecture's bureau
    (``county_accepted_divisions``); a code of another county or prefecture is refused naming both.
    """
    division = normalise_credit_code(value)[2:8]
    if not division.startswith("45"):
        raise ValidationError(
            _("The code was issued outside Guangxi (division %(division)s); Guangxi codes begin with 45."),
            code="credit_code_not_guangxi",
            params={"division": division},
        )
    if county is None or not county.division_code or division in county_accepted_divisions(county):
        return
    owner = _division_owner(division, county)
    if owner:
        raise ValidationError(
            _("The code was registered in %(owner)s (division %(division)s), not in %(county)s (%(expected)s)."),
            code="credit_code_wrong_county",
            params={"owner": owner, "division": division, "county": county.name, "expected": county.division_code},
        )
    raise ValidationError(
        _("The code's division %(division)s is not %(county)s (%(expected)s)."),
        code="credit_code_wrong_county",
        params={"division": division, "county": county.name, "expected": county.division_code},
    )
