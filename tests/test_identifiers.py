"""Reference numbers and mainland mobiles: the one rule both applications (cooperative, job) use."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core import identifiers


def test_a_reference_is_prefix_date_and_four_readable_characters(monkeypatch):
    monkeypatch.setattr(identifiers.timezone, "localdate", lambda: datetime.date(2026, 3, 5))
    reference = identifiers.reference_generate(prefix="BM", taken=lambda reference: False)
    assert reference.startswith("BM20260305") and len(reference) == 14
    assert set(reference[-4:]) <= set(identifiers.REFERENCE_ALPHABET)
    assert not set(reference[-4:]) & set("01IO")


def test_a_taken_reference_is_drawn_again_and_running_out_says_so():
    seen = []
    first = identifiers.reference_generate(
        prefix="SQ", taken=lambda reference: not seen.append(reference) and len(seen) < 3
    )
    assert first == seen[2]
    with pytest.raises(RuntimeError):
        identifiers.reference_generate(prefix="SQ", taken=lambda reference: True)


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "008613800138000",
        "8613800138000",
        "１３８００１３８０００",
    ],
)
def test_a_mainland_mobile_is_accepted_as_people_type_it(typed):
    assert identifiers.mainland_mobile(typed) == "13800138000"


@pytest.mark.parametrize("typed", ["", "12800138000", "1380013800", "138001380001", "+852 5123 4567", "abc"])
def test_anything_else_is_refused_with_what_a_mobile_looks_like(typed):
    with pytest.raises(ValidationError) as refused:
        identifiers.mainland_mobile(typed)
    assert refused.value.code == "phone_invalid"
    assert "138 0013 8000" in refused.value.messages[0]


def test_references_are_read_back_as_stored_and_mobiles_masked():
    assert identifiers.reference_normalise(" sq 2026 0101 ab2c ") == "SQ20260101AB2C"
    assert identifiers.reference_normalise(None) == ""
    assert identifiers.mobile_mask("13812341234") == "138****1234"
    assert identifiers.mobile_mask("") == ""
