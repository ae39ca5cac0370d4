"""The Django-free personnummer detection shared by forms and uploads."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialinvest.identity import find_personnummer, luhn_ok, plausible_date


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("19811218-9876", "19811218-9876"),
        ("811218-9876", "811218-9876"),
        ("8112189876", "8112189876"),
        ("811218+9876", "811218+9876"),  # over 100 years old
        ("811278-9873", "811278-9873"),  # samordningsnummer: day 18 + 60
        ("811218-9875", None),  # wrong check digit
        ("811318-9870", None),  # month 13
        ("1 200 000 kr, dnr KS 2024/0123", None),
        ("12345678901234", None),  # longer digit runs are not numbers of this shape
    ],
)
def test_find_personnummer(text, found):
    assert find_personnummer(text) == found


def test_parts():
    assert luhn_ok("8112189876") and not luhn_ok("8112189875")
    assert plausible_date("12", "31") and plausible_date("02", "89") and not plausible_date("00", "10")
    assert not plausible_date("02", "91")  # 31 February as a samordningsnummer: no such date
    assert plausible_date("02", "29", "00") and not plausible_date("02", "29", "01")  # leap years


def test_the_django_validator_uses_the_same_detection():
    from socialinvest.core import personnummer

    assert personnummer.find_personnummer is find_personnummer


@given(st.text(max_size=200))
def test_never_crashes(text):
    found = find_personnummer(text)
    assert found is None or found in text
