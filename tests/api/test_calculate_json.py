"""POST /api/calculate's JSON is the CLI's: the same data as ``json.dumps(model_dump(mode="json"))``.

The API encodes with pydantic-core instead of ``json.dumps`` (cheaper); these tests hold the two
encoders to the same parsed JSON on every example, on arbitrary JSON data placed in a result, and
to the same refusal of a NaN or an infinity.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialinvest.api.calculate import result_json
from socialinvest.engine import Result, load_scenario, run

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def cli_json(result: Result) -> str:
    """What ``socialinvest calc --format json`` encodes (cli.main._json), compact."""
    data = result.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


@pytest.fixture(scope="module")
def result() -> Result:
    return run(load_scenario(EXAMPLES[0]), draws=200).result


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_gives_the_clis_json(path: Path) -> None:
    calculated = run(load_scenario(path), draws=500).result
    assert json.loads(result_json(calculated)) == json.loads(cli_json(calculated))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(data=JSON_VALUES)
def test_any_json_data_in_a_result_parses_the_same(result: Result, data: Any) -> None:
    changed = result.model_copy(update={"scenario": {"data": data}})
    assert json.loads(result_json(changed)) == json.loads(cli_json(changed))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_nan_or_an_infinity_is_refused_as_the_cli_refuses_it(result: Result, bad: float) -> None:
    # A float field: in the scenario's ``dict[str, Any]`` pydantic already dumps a NaN as null.
    changed = result.model_copy(update={"base": result.base.model_copy(update={"npv": bad})})
    with pytest.raises(ValueError):
        cli_json(changed)
    with pytest.raises(ValueError):
        result_json(changed)


def test_the_words_nan_and_infinity_in_a_name_are_only_words(result: Result) -> None:
    changed = result.model_copy(update={"name": "NaN och Infinity"})
    assert result_json(changed) == cli_json(changed).encode()
