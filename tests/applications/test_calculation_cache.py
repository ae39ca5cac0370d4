"""The editor's result cache (input SHA-256, draws, seed, engine version); a save reuses a preview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from socialinvest.applications import calculation_cache
from socialinvest.engine import load_scenario, run

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "alla-barn-i-skolan.yaml"


@pytest.fixture
def engine_calls(monkeypatch: pytest.MonkeyPatch, db: None) -> list[tuple[str, int]]:
    """Every calculation the cache asks the engine for: (input SHA-256, draws).

    ``db``: the default cache is shared by all workers, a database table unless REDIS_URL is set."""
    cache.clear()
    calls: list[tuple[str, int]] = []

    def counted(scenario: Any, **kwargs: Any) -> Any:
        calls.append((scenario.input_sha256(), kwargs["draws"]))
        return run(scenario, **kwargs)

    monkeypatch.setattr(calculation_cache, "run", counted)
    yield calls
    cache.clear()


def test_the_same_input_is_calculated_once(engine_calls: list[tuple[str, int]]) -> None:
    scenario = load_scenario(EXAMPLE)
    first = calculation_cache.cached_result(scenario, 2_000)
    again = calculation_cache.cached_result(load_scenario(EXAMPLE), 2_000)  # parsed anew: same content
    assert again == first == run(scenario, draws=2_000).result
    assert len(engine_calls) == 1


def test_draws_seed_and_engine_version_are_part_of_the_key(
    engine_calls: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = load_scenario(EXAMPLE)
    calculation_cache.cached_result(scenario, 1_000)
    calculation_cache.cached_result(scenario, 1_500)
    other_seed = scenario.model_copy(update={"seed": scenario.seed + 1})
    assert calculation_cache.cached_result(other_seed, 1_000).seed == scenario.seed + 1
    monkeypatch.setattr(calculation_cache, "ENGINE_VERSION", "next")
    calculation_cache.cached_result(scenario, 1_000)
    assert len(engine_calls) == 4


@pytest.mark.django_db
def test_a_save_reuses_the_previewed_result(engine_calls: list[tuple[str, int]], world: Any) -> None:
    from socialinvest.applications import actions

    app = actions.do_create_application(
        fund=world.fund, title="Tidiga insatser", lead_unit=world.school, acting_user=world.applicant
    )
    scenario = load_scenario(EXAMPLE)
    preview = calculation_cache.cached_result(scenario, scenario.draws)  # what the editor showed
    version = actions.do_save_calculation(application=app, scenario=scenario, acting_user=world.applicant)
    assert len(engine_calls) == 1
    assert version.npv == preview.base.npv and version.input_sha256 == preview.input_sha256


@pytest.mark.django_db
def test_the_api_answers_from_the_editors_cache_but_stores_nothing(
    engine_calls: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import yaml

    from socialinvest.api import calculate as api_calculate
    from socialinvest.engine.loading import parse_scenario

    api_runs: list[int] = []

    def counted(scenario: Any, **kwargs: Any) -> Any:
        api_runs.append(scenario.seed)
        return run(scenario, **kwargs)

    monkeypatch.setattr(api_calculate, "run", counted)
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    editors = calculation_cache.cached_result(load_scenario(EXAMPLE))  # the editor's preview
    body = json.dumps(document).encode()
    assert json.loads(api_calculate.calculation_json(body)) == editors.model_dump(mode="json")
    assert len(engine_calls) == 1 and api_runs == []  # served from the editor's entry

    reseeded = {**document, "seed": document["seed"] + 1}
    other = json.dumps(reseeded).encode()
    assert api_calculate.calculation_json(other) == api_calculate.calculation_json(other)
    assert api_runs == [reseeded["seed"]] * 2  # calculated each time: the API stores nothing
    assert calculation_cache.stored_result(parse_scenario(reseeded)) is None
    # A seed override is not the scenario's own calculation: not served from its entry.
    assert json.loads(api_calculate.calculation_json(body, seed=7))["seed"] == 7
