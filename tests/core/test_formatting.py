"""Money reads the same way on every page: each kind of figure, rendered through the one
template library in Swedish and in English, hand-written expectations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from socialinvest.core import formatting

NB = "\u00a0"  # no-break space: Swedish thousands, and before kr, Mkr and %
MINUS = "\u2212"

# (filter, value, Swedish, English): every kind of figure the pages show.
CASES = [
    ("kronor", 1160000, f"1{NB}160{NB}000{NB}kr", f"SEK{NB}1,160,000"),
    ("kronor", 2768722.4, f"2{NB}768{NB}722{NB}kr", f"SEK{NB}2,768,722"),
    ("kronor", Decimal("-947701.61"), f"{MINUS}947{NB}702{NB}kr", f"{MINUS}SEK{NB}947,702"),
    ("kronor", None, "–", "–"),
    ("kronor_exact", Decimal("947701.61"), f"947{NB}701,61{NB}kr", f"SEK{NB}947,701.61"),
    ("kronor_exact", Decimal("1160000.00"), f"1{NB}160{NB}000{NB}kr", f"SEK{NB}1,160,000"),
    ("kronor_exact", Decimal("-0.50"), f"{MINUS}0,50{NB}kr", f"{MINUS}SEK{NB}0.50"),
    ("millions", 11600000, f"11,6{NB}Mkr", f"SEK{NB}11.6m"),
    ("kronor_short", 11600000, f"11,6{NB}Mkr", f"SEK{NB}11.6m"),
    ("kronor_short", 9999999, f"9{NB}999{NB}999{NB}kr", f"SEK{NB}9,999,999"),
    ("percent", 0.15, f"15,0{NB}%", "15.0%"),
    ("percent", Decimal("0.8735"), f"87,4{NB}%", "87.4%"),
    ("percent_exact", Decimal("0.125"), f"12,5{NB}%", "12.5%"),
    ("percent_exact", Decimal("1.65"), f"165{NB}%", "165%"),
    ("ratio", 2.591, "2,59", "2.59"),
    ("number", 1234.5, f"1{NB}235", "1,235"),
    ("filesize", 2500000, f"2,4{NB}MB".replace(NB, " "), "2.4 MB"),
]


@pytest.mark.parametrize(("name", "value", "sv", "en"), CASES)
def test_each_kind_of_figure_in_swedish_and_english(name: str, value: object, sv: str, en: str) -> None:
    template = Template("{% load money %}{{ value|" + name + " }}")
    for lang, expected in (("sv", sv), ("en", en)):
        with translation.override(lang):
            assert template.render(Context({"value": value})) == expected, lang


def test_number_with_decimals_argument() -> None:
    template = Template("{% load money %}{{ value|number:1 }} {{ value|percent:0 }}")
    with translation.override("sv"):
        assert template.render(Context({"value": Decimal("0.25")})) == f"0,3 25{NB}%"
    with translation.override("en"):
        assert template.render(Context({"value": Decimal("0.25")})) == "0.3 25%"


def test_rounding_is_half_up_on_the_decimal_value() -> None:
    # 0.125 is exactly representable; 2.675 is not (binary 2.67499…): read through repr, it is 2.675.
    assert formatting.number(0.125, 2, lang="sv") == "0,13"
    assert formatting.number(2.675, 2, lang="en") == "2.68"
    assert formatting.kronor(Decimal("0.5"), lang="sv") == f"1{NB}kr"


def test_without_django_settings_the_language_is_swedish() -> None:
    assert formatting.language("en-gb") == "en"
    assert formatting.language("sv") == "sv"


def test_form_values_are_the_same_in_every_language() -> None:
    with translation.override("en"):
        assert formatting.input_number(Decimal("-1234.5"), 1) == "-1 234,5"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_a_ledger_amount_reads_back_exactly(amount: Decimal) -> None:
    """Strip the grouping and the unit and the figure is the amount again (no float on the way)."""
    text = formatting.kronor_exact(amount, lang="sv")
    digits = text.removesuffix(f"{NB}kr").replace(NB, "").replace(",", ".").replace(MINUS, "-")
    assert Decimal(digits) == amount
