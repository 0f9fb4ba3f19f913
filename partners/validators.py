"""Checks of unified social credit codes (统一社会信用代码, GB 32100-2015)."""

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


def validate_credit_code_division(value: str, county) -> None:
    """Characters 3–8 are the registering division: a Guangxi code (45…), the county's own when known."""
    division = normalise_credit_code(value)[2:8]
    if not division.startswith("45"):
        raise ValidationError(
            _("The code was issued outside Guangxi (division %(division)s); Guangxi codes begin with 45."),
            code="credit_code_not_guangxi",
            params={"division": division},
        )
    if county is not None and county.division_code and division != county.division_code:
        raise ValidationError(
            _("The code's division %(division)s is not %(county)s (%(expected)s)."),
            code="credit_code_wrong_county",
            params={"division": division, "county": county.name, "expected": county.division_code},
        )
