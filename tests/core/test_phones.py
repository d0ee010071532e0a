"""core/phones.py: every way a Taiwan mobile number is written reads as one E.164 form."""
import re

import pytest
from hypothesis import given, settings, strategies as st

from core.phones import PATTERN, PhoneError, mask, normalise_or_none, parse


@pytest.mark.parametrize("written", [
    "0912-345-678", "0912 345 678", "0912345678", "+886 912 345 678", "+886-912-345-678",
    "886912345678", "+8860912345678", "00886912345678", "(0912)345-678", "０９１２－３４５－６７８",
    "912345678",
])
def test_taiwan_mobile_written_any_way(written):
    phone = parse(written)
    assert phone.e164 == "+886912345678"
    assert phone.national == "0912345678"
    assert phone.masked == "0912-***-678"


@pytest.mark.parametrize("written, code", [
    ("", "empty"), ("   ", "empty"), ("abc", "not_a_number"), ("0912-345-67x", "not_a_number"),
    ("02-2345-6789", "landline"), ("(04)2345-6789", "landline"), ("0912345", "invalid"),
    ("09123456789", "invalid"), ("12345", "invalid"), ("+81 90 1234 5678", "foreign"),
    ("+1", "invalid"),
])
def test_what_is_not_a_usable_mobile_number_says_why(written, code):
    with pytest.raises(PhoneError) as err:
        parse(written)
    assert err.value.code == code


def test_foreign_numbers_only_when_allowed():
    phone = parse("+81 90-1234-5678", allow_foreign=True)
    assert phone.e164 == "+819012345678"
    assert not phone.is_taiwan
    assert "1234" not in phone.masked and phone.masked.endswith("678")


def test_lookup_form_and_mask():
    assert normalise_or_none("0912 345 678") == "+886912345678"
    assert normalise_or_none("not a phone") is None
    assert normalise_or_none(None) is None
    assert mask("+886912345678") == "0912-***-678"
    assert mask(None) is None


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.from_regex(PATTERN))
def test_every_writing_the_pattern_allows_reads_as_a_number(written):
    assert normalise_or_none(written) is not None, repr(written)


@pytest.mark.parametrize("written,allowed", [
    ("0912-345-678", True), ("+886 912 345 678", True), ("００９１２３４５６７８", True), ("+81 90 1234 5678", True),
    ("912345678", True), ("02-2345-6789", False), ("+886 2 2345 6789", False), ("0", False), ("abc", False),
    ("0912-345-67", False),
])
def test_the_pattern_says_what_parse_reads(written, allowed):
    assert bool(re.search(PATTERN, written)) is allowed is (normalise_or_none(written) is not None)


def test_the_api_document_states_the_pattern():
    from api.openapi import document
    lookup = document()["paths"]["/members"]["get"]["parameters"][0]
    assert lookup["schema"]["properties"]["phone"]["pattern"] == PATTERN
