"""Bad scenarios: one problem line per rule, naming the field path and the rule.

The contract: ``outcomes[1].baseline_risk: must be between 0 and 1, got 1.4``.
Each test breaks one thing in the worked example and checks the exact line(s)
that :func:`parse_scenario` reports through :class:`ScenarioError`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from socialinvest.engine import ScenarioError, load_scenario, parse_scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "worked-example.yaml"
BASE: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
DISTS = "fixed, normal, lognormal, uniform, triangular, pert, beta, gamma"


def problems(data: Any) -> list[str]:
    """The problem lines ``parse_scenario`` reports; fails if it accepts the data."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    lines = [str(p) for p in info.value.problems]
    assert str(info.value) == "\n".join(lines)
    return lines


def broken(change: Callable[[dict[str, Any]], object]) -> list[str]:
    """The problem lines of the worked example after ``change``."""
    data = copy.deepcopy(BASE)
    change(data)
    return problems(data)


def accepted(change: Callable[[dict[str, Any]], object]) -> None:
    data = copy.deepcopy(BASE)
    change(data)
    parse_scenario(data)


def test_worked_example_is_valid() -> None:
    scenario = parse_scenario(copy.deepcopy(BASE))
    assert scenario.name == "Worked example"


# --- ranges ---------------------------------------------------------------------------------------------


def test_baseline_risk_above_one() -> None:
    lines = broken(lambda d: d["outcomes"][1].update(baseline_risk=1.4))
    assert lines == ["outcomes[1].baseline_risk: must be between 0 and 1, got 1.4"]


def test_baseline_risk_negative() -> None:
    lines = broken(lambda d: d["outcomes"][0].update(baseline_risk=-0.1))
    assert lines == ["outcomes[0].baseline_risk: must be between 0 and 1, got -0.1"]


def test_effect_above_one() -> None:
    lines = broken(lambda d: d["outcomes"][0].update(effect=1.5))
    assert lines == ["outcomes[0].effect: must be at most 1, got 1.5"]


def test_negative_effect_is_harm_and_allowed() -> None:
    accepted(lambda d: d["outcomes"][0].update(effect=-0.5))


def test_effect_distribution_reaching_above_one() -> None:
    lines = broken(
        lambda d: d["outcomes"][0].update(effect={"dist": "triangular", "low": 0.1, "mode": 0.5, "high": 1.2})
    )
    assert lines == ["outcomes[0].effect: must be at most 1, got high 1.2"]


def test_persistence_above_one() -> None:
    lines = broken(lambda d: d["outcomes"][0].update(persistence=1.2))
    assert lines == ["outcomes[0].persistence: must be between 0 and 1, got 1.2"]


def test_negative_participant_count() -> None:
    lines = broken(lambda d: d["participants"][0].update(count=-3))
    assert lines == ["participants[0].count: must be at least 0, got -3"]


def test_negative_cost_amount() -> None:
    lines = broken(lambda d: d["costs"][0].update(amount=-1000))
    assert lines == ["costs[0].amount: must be at least 0, got -1000"]


def test_large_amounts_are_written_in_full() -> None:
    # Not ``-1.23457e+06``: a person must recognise the number they typed.
    lines = broken(lambda d: d["costs"][0].update(amount=-1234567))
    assert lines == ["costs[0].amount: must be at least 0, got -1234567"]


def test_negative_optimism_bias() -> None:
    lines = broken(lambda d: d.update(optimism_bias=-0.1))
    assert lines == ["optimism_bias: must be at least 0, got -0.1"]


def test_not_finite() -> None:
    lines = broken(lambda d: d["outcomes"][0].update(baseline_risk=float("nan")))
    assert lines == ["outcomes[0].baseline_risk: must be a finite number, got nan"]


@pytest.mark.parametrize(
    ("horizon", "line"),
    [
        (-5, "horizon: must be at least 1, got -5"),
        (0, "horizon: must be at least 1, got 0"),
        (101, "horizon: must be at most 100, got 101"),
    ],
)
def test_horizon_out_of_range(horizon: int, line: str) -> None:
    assert broken(lambda d: d.update(horizon=horizon)) == [line]


def test_draws_negative() -> None:
    assert broken(lambda d: d.update(draws=-1)) == ["draws: must be at least 0, got -1"]


def test_discount_rate_too_large() -> None:
    lines = broken(lambda d: d.update(discount_rate=2))
    assert lines == ["discount_rate.steps[0].rate: must be at most 1, got 2"]


# --- unknown keys ---------------------------------------------------------------------------------------


def test_unknown_top_level_key() -> None:
    assert broken(lambda d: d.update(horizont=8)) == ["horizont: unknown key"]


def test_unknown_key_in_outcome() -> None:
    assert broken(lambda d: d["outcomes"][0].update(risk=0.3)) == ["outcomes[0].risk: unknown key"]


def test_unknown_key_in_distribution() -> None:
    # The uniform's union tag ('uniform') must not leak into the path.
    lines = broken(lambda d: d["outcomes"][1]["effect"].update(mode=0.3))
    assert lines == ["outcomes[1].effect.mode: unknown key"]


def test_unknown_key_named_like_a_distribution() -> None:
    # 'normal' is also a union tag pydantic puts in paths; as a key it must stay.
    assert broken(lambda d: d.update(normal=1)) == ["normal: unknown key"]
    lines = broken(lambda d: d["outcomes"][1]["effect"].update(beta=1))
    assert lines == ["outcomes[1].effect.beta: unknown key"]


def test_key_that_is_not_text() -> None:
    assert broken(lambda d: d.update({5: 1})) == ["key 5 must be text"]


def test_price_index_key_not_a_year() -> None:
    lines = broken(lambda d: d["price_index"].update(abc=5))
    assert lines == ["price_index: key 'abc' must be a whole number"]


def test_key_with_line_break_stays_on_one_line() -> None:
    lines = broken(lambda d: d.update({"a\nb": 1}))
    assert lines == ["['a\\nb']: unknown key"]


# --- references -------------------------------------------------------------------------------------------


def suggestion(line: str, prefix: str, first: str) -> None:
    """``line`` is ``prefix`` and a "did you mean" whose best guess is ``first``."""
    assert line.startswith(prefix + "; did you mean "), line
    assert line.endswith("?")
    guesses = line[len(prefix + "; did you mean ") : -1].split(", ")
    assert guesses[0] == first


def test_unknown_actor_in_costs_suggests_nearest() -> None:
    lines = broken(lambda d: d["costs"][0].update(actor="kommun.socialtjänst"))
    assert len(lines) == 1
    suggestion(lines[0], "costs[0].actor: unknown actor 'kommun.socialtjänst'", "kommun.socialtjanst")


def test_unknown_cost_item_suggests_nearest() -> None:
    lines = broken(lambda d: d["outcomes"][0].update(cost_item="welfare_yaer"))
    assert len(lines) == 1
    suggestion(lines[0], "outcomes[0].cost_item: unknown cost item 'welfare_yaer'", "welfare_year")


def test_unknown_actor_in_cost_item() -> None:
    lines = broken(lambda d: d["cost_items"][0]["cost"].update({"stat.forsakringskasan": 5}))
    assert len(lines) == 1
    suggestion(
        lines[0],
        "cost_items[0].cost[stat.forsakringskasan]: unknown actor 'stat.forsakringskasan'",
        "stat.forsakringskassan",
    )


def test_unknown_id_without_anything_close() -> None:
    lines = broken(lambda d: d["costs"][0].update(actor="zzzzzzzz"))
    assert lines == ["costs[0].actor: unknown actor 'zzzzzzzz'"]


def test_catalogue_ids_are_known() -> None:
    # An actor of the default catalogue needs no declaration in the scenario.
    accepted(lambda d: d["costs"][0].update(actor="region.halso_sjukvard"))


# --- distributions ----------------------------------------------------------------------------------------


def test_triangular_low_above_mode() -> None:
    lines = broken(
        lambda d: d["costs"][1].update(
            amount={"dist": "triangular", "low": 600000, "mode": 500000, "high": 1000000}
        )
    )
    assert lines == ["costs[1].amount: needs low ≤ mode ≤ high, got low 600000, mode 500000, high 1000000"]


def test_pert_without_spread() -> None:
    lines = broken(lambda d: d["costs"][0].update(amount={"dist": "pert", "low": 5, "mode": 5, "high": 5}))
    assert lines == ["costs[0].amount: high must be greater than low, both are 5"]


def test_uniform_low_above_high() -> None:
    lines = broken(lambda d: d["outcomes"][1].update(effect={"dist": "uniform", "low": 0.4, "high": 0.2}))
    assert lines == ["outcomes[1].effect: low (0.4) must not exceed high (0.2)"]


def test_beta_sd_too_large() -> None:
    lines = broken(lambda d: d["outcomes"][0].update(baseline_risk={"dist": "beta", "mean": 0.3, "sd": 0.5}))
    assert lines == [
        "outcomes[0].baseline_risk: sd too large for a beta with mean 0.3: must be below 0.4583, got 0.5"
    ]


def test_beta_mean_outside_zero_one() -> None:
    lines = broken(lambda d: d["outcomes"][0].update(baseline_risk={"dist": "beta", "mean": 1.2, "sd": 0.1}))
    assert lines == ["outcomes[0].baseline_risk.mean: must be less than 1, got 1.2"]


def test_gamma_sd_zero() -> None:
    lines = broken(lambda d: d["costs"][0].update(amount={"dist": "gamma", "mean": 1000, "sd": 0}))
    # "greater than 0", not pydantic's "greater than 0.0".
    assert lines == ["costs[0].amount.sd: must be greater than 0, got 0"]


def test_normal_negative_sd() -> None:
    lines = broken(lambda d: d["costs"][0].update(amount={"dist": "normal", "mean": 1000, "sd": -1}))
    assert lines == ["costs[0].amount.sd: must be at least 0, got -1"]


def test_distribution_missing_parameter() -> None:
    lines = broken(lambda d: d["costs"][0].update(amount={"dist": "normal", "sd": 1}))
    assert lines == ["costs[0].amount.mean: is required"]


def test_unknown_distribution_name() -> None:
    lines = broken(lambda d: d["costs"][0].update(amount={"dist": "weibull", "mean": 1000}))
    assert lines == [f"costs[0].amount: unknown distribution 'weibull'; use one of {DISTS}"]


def test_mapping_without_dist() -> None:
    lines = broken(lambda d: d["costs"][0].update(amount={"mean": 1000, "sd": 10}))
    assert lines == [f"costs[0].amount: a distribution needs 'dist' (one of {DISTS})"]


def test_distribution_parameter_not_a_number() -> None:
    lines = broken(lambda d: d["costs"][0].update(amount={"dist": "uniform", "low": "a", "high": 1}))
    assert lines == ["costs[0].amount.low: must be a number, got 'a'"]


# --- years ------------------------------------------------------------------------------------------------


def test_cost_year_beyond_horizon() -> None:
    lines = broken(lambda d: d["costs"][0].update(year=8))
    assert lines == ["costs[0].year: must be between 0 and 7 (horizon 8), got 8"]


def test_cost_years_beyond_horizon() -> None:
    def change(d: dict[str, Any]) -> None:
        del d["costs"][0]["year"]
        d["costs"][0]["years"] = [1, 9]

    assert broken(change) == ["costs[0].years[1]: must be between 0 and 7 (horizon 8), got 9"]


def test_cohort_year_beyond_horizon() -> None:
    lines = broken(lambda d: d["participants"][1].update(year=20))
    assert lines == ["participants[1].year: must be between 0 and 7 (horizon 8), got 20"]


def test_cost_line_with_year_and_years() -> None:
    lines = broken(lambda d: d["costs"][0].update(years=[1, 2]))
    assert lines == ["costs[0]: give either 'year' or 'years', not both and not neither"]


def test_cost_line_with_neither_year_nor_years() -> None:
    lines = broken(lambda d: d["costs"][0].pop("year"))
    assert lines == ["costs[0]: give either 'year' or 'years', not both and not neither"]


def test_cost_line_with_empty_years() -> None:
    def change(d: dict[str, Any]) -> None:
        del d["costs"][0]["year"]
        d["costs"][0]["years"] = []

    assert broken(change) == ["costs[0]: 'years' must list at least one year"]


# --- discount rate ----------------------------------------------------------------------------------------


def test_discount_steps_not_starting_at_zero() -> None:
    lines = broken(lambda d: d.update(discount_rate={"steps": [{"from": 5, "rate": 0.03}]}))
    assert lines == ["discount_rate.steps: the first step must start 'from: 0'"]


def test_discount_steps_out_of_order() -> None:
    steps = [{"from": 0, "rate": 0.035}, {"from": 30, "rate": 0.03}, {"from": 10, "rate": 0.02}]
    lines = broken(lambda d: d.update(discount_rate={"steps": steps}))
    assert lines == ["discount_rate.steps: steps must be in increasing order of 'from', each year once"]


def test_stepped_discount_rate_accepted() -> None:
    accepted(
        lambda d: d.update(discount_rate={"steps": [{"from": 0, "rate": 0.035}, {"from": 5, "rate": 0.03}]})
    )


# --- required fields and price years ----------------------------------------------------------------------


def test_price_year_missing() -> None:
    assert broken(lambda d: d.pop("price_year")) == ["price_year: is required"]


def test_name_missing() -> None:
    assert broken(lambda d: d.pop("name")) == ["name: is required"]


def test_name_empty() -> None:
    assert broken(lambda d: d.update(name="")) == ["name: must not be empty"]


def test_cost_item_price_year_without_index() -> None:
    lines = broken(lambda d: d["cost_items"][0].update(price_year=1999))
    assert lines == ["outcomes[0].cost_item: no price index for 1999; add it under price_index"]
    assert "price_index" in lines[0]


def test_cost_item_price_year_with_own_index() -> None:
    def change(d: dict[str, Any]) -> None:
        d["cost_items"][0]["price_year"] = 1999
        d["price_index"][1999] = 256.0

    accepted(change)


# --- types ------------------------------------------------------------------------------------------------


def test_bool_for_uncertain_number() -> None:
    lines = broken(lambda d: d["outcomes"][0].update(baseline_risk=True))
    assert lines == ["outcomes[0].baseline_risk: must be a number or a distribution, got True"]


def test_bool_for_whole_number() -> None:
    # YAML reads ``horizon: yes`` as True; it must not become a one-year horizon.
    assert broken(lambda d: d.update(horizon=True)) == ["horizon: must be a whole number, got True"]


def test_bool_for_version() -> None:
    assert broken(lambda d: d.update(version=True)) == ["version: must be 1, got True"]


def test_bool_for_distribution_parameter() -> None:
    lines = broken(lambda d: d.update(optimism_bias={"dist": "fixed", "value": True}))
    assert lines == ["optimism_bias.value: must be a number, got True"]


def test_bool_for_discount_rate() -> None:
    assert broken(lambda d: d.update(discount_rate=True)) == [
        "discount_rate: must be a rate or {steps: [...]}, got True"
    ]


def test_string_for_uncertain_number() -> None:
    lines = broken(lambda d: d["outcomes"][0].update(baseline_risk="abc"))
    assert lines == ["outcomes[0].baseline_risk: must be a number or a distribution, got 'abc'"]


def test_string_for_whole_number() -> None:
    assert broken(lambda d: d.update(horizon="abc")) == ["horizon: must be a whole number, got 'abc'"]


def test_whole_number_too_large() -> None:
    assert broken(lambda d: d.update(draws=9.3e18)) == ["draws: is too large, got 9.3e+18"]


def test_fraction_for_whole_number() -> None:
    lines = broken(lambda d: d["outcomes"][0].update(lag=1.5))
    assert lines == ["outcomes[0].lag: must be a whole number, got 1.5"]


def test_number_for_text() -> None:
    assert broken(lambda d: d.update(name=5)) == ["name: must be text, got 5"]


def test_list_where_mapping_expected() -> None:
    lines = broken(lambda d: d["outcomes"].__setitem__(0, "x"))
    assert lines == ["outcomes[0]: must be a mapping of keys to values, got 'x'"]


def test_mapping_where_list_expected() -> None:
    assert broken(lambda d: d.update(outcomes={"a": 1})) == ["outcomes: must be a list, got dict"]


def test_unknown_level() -> None:
    lines = broken(lambda d: d["actors"][0].update(level="county"))
    assert lines == [
        "actors[0].level: must be one of 'kommun', 'region', 'stat', 'individ' or 'samhalle', got 'county'"
    ]


def test_long_value_is_shortened() -> None:
    lines = broken(lambda d: d.update(horizon="x" * 500))
    assert len(lines) == 1 and len(lines[0]) < 100
    assert lines[0].startswith("horizon: must be a whole number, got 'xxx")
    assert lines[0].endswith("…")


def test_top_level_not_a_mapping() -> None:
    assert problems([1, 2]) == ["a scenario must be a mapping of keys to values, got a list"]
    assert problems(None) == ["a scenario must be a mapping of keys to values, got empty"]
    assert problems("text") == ["a scenario must be a mapping of keys to values, got a str"]


# --- files ------------------------------------------------------------------------------------------------


def test_duplicate_yaml_key_names_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("name: A\nprice_year: 2024\nname: B\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert [str(p) for p in info.value.problems] == [
        "invalid YAML at line 3, column 1: key 'name' appears twice (lines 1 and 3)"
    ]


def test_duplicate_key_in_nested_mapping(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("  lag: 2\n", "  lag: 2\n  lag: 3\n")
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (line,) = [str(p) for p in info.value.problems]
    pattern = r"invalid YAML at line (\d+), column 3: key 'lag' appears twice \(lines (\d+) and (\d+)\)"
    match = re.fullmatch(pattern, line)
    assert match, line
    at, first, second = map(int, match.groups())
    assert at == second == first + 1


def test_bad_file_reports_the_same_lines(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["outcomes"][1]["baseline_risk"] = 1.4
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert [str(p) for p in info.value.problems] == [
        "outcomes[1].baseline_risk: must be between 0 and 1, got 1.4"
    ]


# --- several problems at once -----------------------------------------------------------------------------


def test_three_structural_problems_three_lines() -> None:
    def change(d: dict[str, Any]) -> None:
        d["horizon"] = 0
        d["foo"] = 1
        d["outcomes"][1]["baseline_risk"] = 1.4

    assert sorted(broken(change)) == [
        "foo: unknown key",
        "horizon: must be at least 1, got 0",
        "outcomes[1].baseline_risk: must be between 0 and 1, got 1.4",
    ]


def test_three_reference_problems_three_lines() -> None:
    def change(d: dict[str, Any]) -> None:
        d["costs"][0]["actor"] = "zzzzzzzz"
        d["costs"][1]["year"] = 9
        d["outcomes"][0]["cost_item"] = "qqqqqqqq"

    assert broken(change) == [
        "costs[0].actor: unknown actor 'zzzzzzzz'",
        "costs[1].year: must be between 0 and 7 (horizon 8), got 9",
        "outcomes[0].cost_item: unknown cost item 'qqqqqqqq'",
    ]


def test_problems_are_one_line_each_with_a_path() -> None:
    def change(d: dict[str, Any]) -> None:
        d["outcomes"][0]["effect"] = 1.5
        d["outcomes"][0]["persistence"] = 1.2
        d["participants"][0]["count"] = -3
        d["costs"][0]["amount"] = {"dist": "gamma", "mean": 1000, "sd": 0}

    lines = broken(change)
    assert len(lines) == 4
    for line in lines:
        assert "\n" not in line
        assert re.match(r"^[a-z_]+(\[\d+\])?(\.[a-z_]+)*: ", line), line
        assert "Input should" not in line and "Value error" not in line


def test_absurdly_large_numbers_are_refused():
    data = {
        "name": "x",
        "price_year": 2024,
        "costs": [
            {
                "actor": "kommun.utbildning",
                "year": 0,
                "amount": {"dist": "triangular", "low": 0, "mode": 1, "high": 1e300},
            }
        ],
    }
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(data)
    assert [str(p) for p in exc.value.problems] == [
        "costs[0].amount: must be at most 1000000000000 in size, got high 1e+300"
    ]


def test_duplicate_ids_in_one_scenario_are_refused():
    item = {"name": "a", "unit": "per_year", "price_year": 2024, "cost": {"individ": 1}}
    data = {"name": "x", "price_year": 2024, "cost_items": [{"id": "a", **item}, {"id": "a", **item}]}
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(data)
    assert [str(p) for p in exc.value.problems] == ["cost_items: id 'a' appears twice (entries 0 and 1)"]


# ---- every problem in one run (issue: a file showed its unknown key, and only after that was
# fixed its unknown actor, its year beyond the horizon and its unknown cost item) ----------------


def test_structure_and_reference_problems_in_one_run() -> None:
    def change(d: dict[str, Any]) -> None:
        d["bogus_key"] = 1
        d["horizon"] = 5
        d["costs"][0]["actor"] = "kommun.nope"
        d["costs"][1]["year"] = 9
        d["outcomes"][0]["cost_item"] = "no_such_item"
        d["outcomes"][1]["effect"] = 7  # invalid: this outcome is left out of the reference checks

    lines = broken(change)
    assert "bogus_key: unknown key" in lines
    assert "outcomes[1].effect: must be at most 1, got 7" in lines
    assert any(line.startswith("costs[0].actor: unknown actor 'kommun.nope'") for line in lines)
    assert "costs[1].year: must be between 0 and 4 (horizon 5), got 9" in lines
    assert any(line.startswith("outcomes[0].cost_item: unknown cost item 'no_such_item'") for line in lines)


def test_reference_problems_keep_the_original_entry_numbers() -> None:
    """An invalid entry is left out; the entries after it are still reported by their own number."""

    def change(d: dict[str, Any]) -> None:
        d["costs"][0]["amount"] = -5
        d["costs"].append({"actor": "kommun.nope", "year": 0, "amount": 1})

    lines = broken(change)
    last = len(BASE["costs"])
    assert "costs[0].amount: must be at least 0, got -5" in lines
    assert any(line.startswith(f"costs[{last}].actor: unknown actor 'kommun.nope'") for line in lines)


def test_nothing_that_only_follows_from_an_invalid_part() -> None:
    def change(d: dict[str, Any]) -> None:
        d["horizon"] = "long"  # invalid: years cannot be checked against it
        d["cost_items"][0]["unit"] = "per_week"  # invalid: the item is left out, its users not blamed

    lines = broken(change)
    assert lines[0] == "horizon: must be a whole number, got 'long'"
    assert len(lines) == 2 and lines[1].startswith("cost_items[0].unit: must be one of")


# ---- messages that say what is wrong ----------------------------------------------------------------


def test_nan_rate_must_be_finite() -> None:
    lines = problems(parse_text_yaml("discount_rate: .nan"))
    assert lines == ["discount_rate.steps[0].rate: must be a finite number, got nan"]


@pytest.mark.parametrize(
    ("written", "shown"),
    [("1e400", "1e400"), ("-1e400", "-1e400"), ("1.0e+999", "inf")],  # YAML reads the last as a float
)
def test_overflowing_count_is_too_large(written: str, shown: str) -> None:
    lines = problems(parse_text_yaml(f"participants: [{{year: 0, count: {written}}}]"))
    assert lines == [f"participants[0].count: is too large, got {shown} (at most 1000000000000 in size)"]


def test_overflowing_number_in_json_is_too_large() -> None:
    from socialinvest.engine.loading import parse_text

    text = '{"name": "x", "price_year": 2024, "participants": [{"year": 0, "count": 1e400}]}'
    data = parse_text(text, json_only=True)
    assert problems(data) == ["participants[0].count: is too large, got inf (at most 1000000000000 in size)"]


def test_exponent_without_a_point_says_how_to_write_it() -> None:
    (line,) = problems(parse_text_yaml("participants: [{year: 0, count: 1e5}]"))
    assert line.startswith("participants[0].count: must be a number or a distribution, got the text '1e5'")
    assert "1.0e+5" in line


def parse_text_yaml(extra: str) -> Any:
    from socialinvest.engine.loading import parse_text

    return parse_text(f"name: x\nprice_year: 2024\n{extra}\n")


def test_equivalents_refuse_an_absurd_amount() -> None:
    from socialinvest.engine import opportunity_equivalents

    with pytest.raises(ValueError, match=r"^amount: is too large, got 1e\+308"):
        opportunity_equivalents(1e308)
    assert opportunity_equivalents(1e12).amount == 1e12
