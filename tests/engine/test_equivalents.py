"""Opportunity cost: what the money would buy instead (seed 001)."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

from socialinvest.engine import equivalents as equivalents_module
from socialinvest.engine.equivalents import (
    EquivalentItem,
    default_equivalent_items,
    equivalents,
    load_equivalent_items,
    opportunity_equivalents,
)


def test_seed_001_counts() -> None:
    result = equivalents(31_500_000)
    assert [e.count for e in result.items] == [2, 58, 85, 88_984]
    assert [e.name for e in result.items] == [
        "fritidsgårdar",
        "platser i äldreomsorgen",
        "förskollärare",
        "gitarrlektioner",
    ]
    assert all(e.name_en for e in result.items)
    assert result.amount == 31_500_000


def test_default_items_sourced() -> None:
    items = default_equivalent_items()
    assert [i.unit_price for i in items] == [15_750_000, 543_103, 370_588, 353.996]
    assert all(i.source and "seed 001" in i.source for i in items)


def test_exact_multiple_and_floor() -> None:
    items = [EquivalentItem(name="x", unit_price=0.1), EquivalentItem(name="y", unit_price=3)]
    assert [e.count for e in opportunity_equivalents(0.3, items).items] == [3, 0]
    assert [e.count for e in opportunity_equivalents(8.99, items).items] == [89, 2]
    assert [e.count for e in opportunity_equivalents(0, items).items] == [0, 0]


@pytest.mark.parametrize("amount", [-1, float("nan"), float("inf")])
def test_bad_amount(amount: float) -> None:
    with pytest.raises(ValueError, match="amount"):
        opportunity_equivalents(amount)


def test_load_yaml_and_json(tmp_path: Path) -> None:
    y = tmp_path / "items.yaml"
    y.write_text(
        "- {name: simhallar, unit_price: 100000000}\n- name: lärare\n  unit_price: 500000\n",
        encoding="utf-8",
    )
    items = load_equivalent_items(y)
    assert [i.name for i in items] == ["simhallar", "lärare"]
    j = tmp_path / "items.json"
    j.write_text(json.dumps({"items": [{"name": "a", "unit_price": 2, "name_en": "A"}]}), encoding="utf-8")
    assert load_equivalent_items(j)[0].name_en == "A"
    assert [e.count for e in opportunity_equivalents(5, load_equivalent_items(j)).items] == [2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- {name: a, unit_price: 1}\n- {name: b, unit_price: -5}\n",
            r"entry 2 \('b'\): unit_price: must be greater than 0, got -5",
        ),
        ("- {name: a, unit_price: 0}\n", r"entry 1 \('a'\): unit_price: must be greater than 0"),
        ("- {name: a}\n", r"entry 1 \('a'\): unit_price: missing"),
        ("- {name: a, unit_price: many}\n", "entry 1 .*unit_price: must be a number"),
        ("- {unit_price: 3}\n", "entry 1: name"),
        ("- {name: a, unit_price: 3, price: 2}\n", "entry 1 .*price"),
        ("- just a string\n", "entry 1: expected a mapping"),
        ("{name: a}\n", "expected a non-empty list"),
        ("[]\n", "expected a non-empty list"),
        ("- [unclosed\n", "not valid YAML"),
    ],
)
def test_load_errors(tmp_path: Path, text: str, message: str) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_equivalent_items(p)


def test_doctests() -> None:
    assert doctest.testmod(equivalents_module).failed == 0
