"""Validation grows linearly with the scenario, and a file too large to be a scenario is refused early.

A 9.99 MB file once ran for over 300 s: ``resolve`` searched the parameter list
once per outcome.  The test counts the Python lines executed (``sys.settrace``)
for a scenario and for one four times its size — a count, not a wall time, so it
holds on a busy machine: linear work grows about 4×, quadratic work 16×.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from socialinvest.engine import ScenarioError, parse_scenario
from socialinvest.engine.loading import MAX_ENTRIES, MAX_FILE_BYTES, parse_text


def scenario(outcomes: int, **extra: Any) -> dict[str, Any]:
    return {
        "name": "many outcomes",
        "price_year": 2024,
        "horizon": 30,
        "costs": [{"actor": "kommun.utbildning", "year": 0, "amount": 1_000_000}],
        "participants": [{"year": 0, "count": 100}],
        "cost_items": [
            {
                "id": f"item{i}",
                "name": f"Item {i}",
                "unit": "per_year",
                "price_year": 2024,
                "cost": {"kommun.socialtjanst": {"dist": "normal", "mean": 1000 + i, "sd": 100}},
            }
            for i in range(outcomes)
        ],
        "outcomes": [
            {
                "name": f"outcome {i}",
                "cost_item": f"item{i}",
                "baseline_risk": {"dist": "pert", "low": 0.1, "mode": 0.2, "high": 0.3},
                "effect": {"dist": "uniform", "low": 0.0, "high": 0.2},
                "duration": 3,
            }
            for i in range(outcomes)
        ],
        **extra,
    }


def lines_executed(work: Callable[[], object]) -> int:
    count = 0

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        work()
    except ScenarioError:
        pass
    finally:
        sys.settrace(previous)
    return count


def growth(make: Callable[[int], dict[str, Any]], small: int = 100) -> float:
    one, four = make(small), make(4 * small)
    lines_executed(lambda: parse_scenario(make(small)))  # first-use work (imports, caches) not counted
    return lines_executed(lambda: parse_scenario(four)) / lines_executed(lambda: parse_scenario(one))


def test_validating_a_valid_scenario_is_linear() -> None:
    assert growth(scenario) < 5.0  # 16 when it was quadratic


def test_validating_an_invalid_scenario_is_linear() -> None:
    """With a structural problem the references of the rest are checked too (every problem in one run)."""

    def broken(n: int) -> dict[str, Any]:
        data = scenario(n, bogus=1)
        data["outcomes"][-1]["cost_item"] = "nowhere"
        return data

    with pytest.raises(ScenarioError) as info:
        parse_scenario(broken(3))
    assert [p.path for p in info.value.problems] == ["bogus", "outcomes[2].cost_item"]
    assert growth(broken) < 5.0


def test_a_ten_megabyte_file_of_entries_is_refused_before_parsing() -> None:
    text = "name: x\nprice_year: 2024\nprice_index:\n" + "".join(
        f"  {1900 + i % 300}{i}: 1.0\n" for i in range(MAX_FILE_BYTES // 16)
    )
    text = text[:MAX_FILE_BYTES]
    started = time.process_time()
    with pytest.raises(ScenarioError) as info:
        parse_text(text)
    (problem,) = info.value.problems
    assert problem.message.startswith("too many entries: about ")
    assert f"(at most {MAX_ENTRIES})" in problem.message
    # Refused by counting, not by building a million nodes (that took minutes).
    assert time.process_time() - started < 30


def test_the_largest_accepted_file_still_has_room_for_a_large_real_scenario() -> None:
    import yaml

    text = yaml.safe_dump(scenario(1_000), sort_keys=False)
    assert sum(text.count(c) for c in "-:,[{?") < MAX_ENTRIES
    parse_scenario(parse_text(text))
