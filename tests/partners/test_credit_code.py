"""Unified social credit codes (统一社会信用代码, GB 32100-2015): format, check character, Guangxi division."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from partners.models import County
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


@pytest.mark.django_db
def test_guangxi_code_of_a_division_no_county_has_is_refused():
    county = CountyFactory.build(name="巴马瑶族自治县", division_code=BAMA_DIVISION)
    with pytest.raises(ValidationError) as error:
        validate_credit_code_division(credit_code(MASHAN_DIVISION), county)
    assert error.value.code == "credit_code_wrong_county"
    with translation.override("en"):
        assert "is not 巴马瑶族自治县 (451227)" in error.value.messages[0]


# Renamed divisions: 田阳县 451021 became 田阳区 451003 (2019), 靖西县 451025 became 靖西市 451081 (2015).
TIANYANG_DIVISION, TIANYANG_FORMER = "451003", "451021"
JINGXI_DIVISION, JINGXI_FORMER = "451081", "451025"


@pytest.fixture
def renamed(db):
    """Two renamed counties of 百色市, one of 河池市 and one of 南宁市, as staff or the reference CSV left them."""
    return {
        "田阳区": CountyFactory(
            name="田阳区", prefecture="百色市", division_code=TIANYANG_DIVISION, former_division_codes=TIANYANG_FORMER
        ),
        "靖西市": CountyFactory(
            name="靖西市", prefecture="百色市", division_code=JINGXI_DIVISION, former_division_codes="451025, 999999"
        ),
        "巴马瑶族自治县": CountyFactory(name="巴马瑶族自治县", prefecture="河池市", division_code=BAMA_DIVISION),
        "马山县": CountyFactory(name="马山县", prefecture="南宁市", division_code=MASHAN_DIVISION),
    }


@pytest.mark.parametrize(
    "county, division",
    [
        ("田阳区", TIANYANG_DIVISION),  # its own code
        ("田阳区", TIANYANG_FORMER),  # registered before the renaming
        ("靖西市", JINGXI_FORMER),  # codes separated by a comma and a space
        ("田阳区", "451000"),  # 百色市's own bureau
        ("巴马瑶族自治县", "451200"),  # 河池市's own bureau
    ],
    ids=["own", "before-renaming", "before-renaming-comma", "prefecture-bureau", "other-prefecture-bureau"],
)
def test_codes_of_a_renamed_division_or_the_prefecture_bureau_are_accepted_for_the_county(renamed, county, division):
    validate_credit_code_division(credit_code(division), renamed[county])


@pytest.mark.parametrize(
    "county, division, owner",
    [
        ("巴马瑶族自治县", MASHAN_DIVISION, "马山县"),  # another county's code
        ("靖西市", TIANYANG_FORMER, "田阳区"),  # another county's code before its renaming
        ("巴马瑶族自治县", "450100", "南宁市"),  # another prefecture's bureau
        ("巴马瑶族自治县", "451000", "百色市"),
    ],
    ids=["other-county", "other-county-before-renaming", "other-prefecture-bureau", "renamed-counties-prefecture"],
)
def test_a_code_of_another_county_or_prefecture_is_refused_naming_both(renamed, county, division, owner):
    with pytest.raises(ValidationError) as error:
        validate_credit_code_division(credit_code(division), renamed[county])
    assert error.value.code == "credit_code_wrong_county"
    expected = renamed[county].division_code
    with translation.override("en"):
        assert error.value.messages == [
            f"The code was registered in {owner} (division {division}), not in {county} ({expected})."
        ]


@pytest.mark.django_db
def test_the_reference_csv_loads_former_division_codes_and_they_are_accepted():
    from partners.services import counties_import_reference
    from partners.validators import county_accepted_divisions

    counties_import_reference()
    tianyang, jingxi = County.objects.get(name="田阳区"), County.objects.get(name="靖西市")
    assert (tianyang.division_code, tianyang.former_division_codes) == (TIANYANG_DIVISION, TIANYANG_FORMER)
    assert county_accepted_divisions(jingxi) == {JINGXI_DIVISION, JINGXI_FORMER, "451000"}
    validate_credit_code_division(credit_code(TIANYANG_FORMER), tianyang)
    with pytest.raises(ValidationError) as error:
        validate_credit_code_division(credit_code(TIANYANG_FORMER), jingxi)
    assert "田阳区" in error.value.messages[0] and "靖西市" in error.value.messages[0]


@pytest.mark.django_db
def test_an_application_with_a_code_from_before_the_renaming_goes_through_form_and_service(client, renamed):
    from partners.models import CooperativeApplication
    from tests.partners.helpers import application_data

    county = renamed["田阳区"]
    code = credit_code(TIANYANG_FORMER)
    response = client.post("/en/cooperatives/apply/", application_data(county, credit_code=code))
    assert response.status_code == 302
    assert CooperativeApplication.objects.get().credit_code == code


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
