"""Unified social credit codes (统一社会信用代码, GB 32100-2015): format, check character, Guangxi division."""

import pytest
from django.core.exceptions import ValidationError

from partners.validators import (
    credit_code_check_character,
    normalise_credit_code,
    validate_credit_code,
    validate_credit_code_division,
)
from tests.factories import CountyFactory
from tests.partners.helpers import BAMA_DIVISION, MASHAN_DIVISION, credit_code


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B"])
def test_known_valid_codes_pass_the_check_character(code):
    assert credit_code_check_character(code[:17]) == code[17]
    validate_credit_code(code)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B"])
def test_valid_codes_from_outside_guangxi_are_refused_by_division(code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code_division(code, None)
    assert error.value.code == "credit_code_not_guangxi"


def test_constructed_guangxi_code_is_valid_for_its_county():
    code = credit_code(BAMA_DIVISION)
    validate_credit_code(code)
    county = CountyFactory.build(name="巴马瑶族自治县", division_code=BAMA_DIVISION)
    validate_credit_code_division(code, county)


def test_guangxi_code_of_another_county_is_refused():
    county = CountyFactory.build(name="巴马瑶族自治县", division_code=BAMA_DIVISION)
    with pytest.raises(ValidationError) as error:
        validate_credit_code_division(credit_code(MASHAN_DIVISION), county)
    assert error.value.code == "credit_code_wrong_county"


@pytest.mark.parametrize(
    "code, expected",
    [
        ("9345122700000", "credit_code_length"),
        (credit_code() + "0", "credit_code_length"),
        ("93451227MA5KXYI23" + "0", "credit_code_alphabet"),  # I is never used
        ("93451227MA5KXYO23" + "0", "credit_code_alphabet"),  # nor O
        (credit_code()[:17] + ("1" if credit_code()[17] != "1" else "2"), "credit_code_check"),
    ],
)
def test_bad_codes_are_refused_with_a_reason(code, expected):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == expected


def test_codes_are_normalised_to_upper_case_without_spaces():
    code = credit_code()
    assert normalise_credit_code(f" {code[:9].lower()} {code[9:]} ") == code
    validate_credit_code(code.lower())
