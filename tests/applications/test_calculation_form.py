"""The calculation form's field scheme: flat fields ↔ scenario, rows, and problem paths → fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialinvest.applications import scenario_form as sf
from socialinvest.applications.calculation_input import check, starter_fields
from socialinvest.applications.scenario_diff import changes
from socialinvest.applications.scenario_paths import field_for, path_tokens
from socialinvest.engine import ScenarioError, load_scenario, parse_scenario, parse_text

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
WORKED = Path(__file__).parents[2] / "examples" / "worked-example.yaml"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_survives_the_form_unchanged(path):
    expected = load_scenario(path).input_sha256()
    from_file = sf.to_fields(parse_text(path.read_text(encoding="utf-8")))
    assert parse_scenario(sf.to_scenario(from_file)).input_sha256() == expected
    dumped = sf.to_fields(load_scenario(path).model_dump(mode="json", by_alias=True))
    assert parse_scenario(sf.to_scenario(dumped)).input_sha256() == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 000 000", 1_000_000),
        ("0,035", 0.035),
        ("0.035", 0.035),
        ("−2", -2),
        ("1e-05", 1e-05),
        ("2024", 2024),
        ("2024.0", 2024),
        ("abc", "abc"),
        ("1\u00a0200,5", 1200.5),
    ],
)
def test_numbers_are_read_the_swedish_way(text, value):
    assert sf.read_number(text) == value


def test_years_one_list_or_range():
    assert sf.read_years("0") == ("year", 0)
    assert sf.read_years("1, 2") == ("years", [1, 2])
    assert sf.read_years("1–3") == ("years", [1, 2, 3])
    assert sf.read_years("1-3, 5") == ("years", [1, 2, 3, 5])
    assert sf.read_years("x") == ("year", "x")


def test_numbers_are_shown_with_a_decimal_comma_and_read_back_exactly():
    for value in (0.1, 0.035, 1 / 3, 1234567.891, 1e-7, 2024):
        assert sf.read_number(sf.number_text(value)) == value


def test_rows_are_added_removed_and_renumbered():
    fields = sf.to_fields(parse_text(WORKED.read_text(encoding="utf-8")))
    added, prefix = sf.add_row(fields, "costs")
    assert prefix == "costs-2" and added["costs-2-actor"] == "kommun.utbildning"
    removed, group = sf.remove_row(added, "costs-0")
    assert group == "costs" and sf.row_count(removed, "costs") == 2
    assert removed["costs-0-amount-dist"] == "triangular" and removed["costs-0-year"] == "1"
    nested, prefix = sf.add_row(fields, "cost_items-0-cost")
    assert prefix == "cost_items-0-cost-2" and sf.row_count(nested, "cost_items-0-cost") == 3
    assert sf.remove_row(fields, "nothing-1")[1] == ""
    assert sf.is_group("cost_items-3-cost") and not sf.is_group("name")


def test_post_keeps_only_scenario_fields():
    post = {"csrfmiddlewaretoken": "t", "note": "n", "add_row": "costs", "name": "x", "costs-0-actor": "a"}
    assert sf.fields_from_post(post) == {"name": "x", "costs-0-actor": "a"}


@pytest.mark.parametrize(
    ("path", "message", "field"),
    [
        ("name", "must not be empty", "name"),
        ("optimism_bias.sd", "must be at least 0, got -1", "optimism_bias-sd"),
        ("discount_rate.steps[0].rate", "must be at most 1, got 2", "discount_rate-steps-0-rate"),
        ("discount_rate", "needs at least one step", "discount_rate-steps-0-rate"),
        ("costs[1]", "give either 'year' or 'years', not both and not neither", "costs-1-year"),
        ("costs[1].years[1]", "must be between 0 and 7 (horizon 8), got 9", "costs-1-year"),
        ("costs[1].amount", "needs low ≤ mode ≤ high, got low 1, mode 3, high 2", "costs-1-amount"),
        ("costs[1].amount.high", "must be a number, got 'x'", "costs-1-amount-high"),
        ("outcomes[1].effect.mean", "is required", "outcomes-1-effect-mean"),
        ("outcomes[0].baseline_risk", "must be between 0 and 1, got 1.4", "outcomes-0-baseline_risk"),
        (
            "cost_items[0].cost[stat.forsakringskassan]",
            "must be a number, got 'x'",
            "cost_items-0-cost-1-amount",
        ),
        (
            "cost_items[0].cost[stat.forsakringskassan]",
            "unknown actor 'stat.forsakringskassan'",
            "cost_items-0-cost-1-actor",
        ),
        ("cost_items[1].cost", "needs the cost for at least one actor", "cost_items-1-cost"),
        ("price_index[2020]", "must be greater than 0, got 0", "price_index-0-value"),
        ("price_index.abc", "key 'abc' must be a whole number", "price_index"),
        ("actors[2].level", "must be one of 'kommun' or 'stat', got 'x'", "actors-2-level"),
        ("participants[1]", "is required", "participants-1-year"),
        ("version", "must be one of 1, got 2", None),
        ("", "file is empty", None),
    ],
)
def test_each_problem_path_names_one_field(path, message, field):
    fields = sf.to_fields(parse_text(WORKED.read_text(encoding="utf-8")))
    assert field_for(path, message, fields) == field


def test_path_tokens_handle_dotted_and_quoted_keys():
    assert path_tokens("cost_items[0].cost[kommun.x]") == ["cost_items", "0", "cost", "kommun.x"]
    assert path_tokens("price_index['a\\nb']") == ["price_index", "a\\nb"]


def test_every_problem_of_a_broken_form_lands_on_a_field():
    fields = sf.to_fields(parse_text(WORKED.read_text(encoding="utf-8")))
    broken = {
        **fields,
        "horizon": "x",
        "costs-0-actor": "nobody",
        "costs-1-amount-low": "",
        "participants-1-year": "12",
        "outcomes-0-effect-dist": "beta",
        "outcomes-0-effect-mean": "2",
        "outcomes-1-cost_item": "nothing",
        "cost_items-0-cost-1-amount": "abc",
        "actors-1-level": "planet",
        "discount_rate-steps-0-rate": "x",
    }
    checked = check(broken)
    assert not checked.ok and checked.general == []
    assert set(checked.errors) == {
        "horizon",
        "costs-1-amount-low",
        "outcomes-0-effect-mean",
        "outcomes-0-effect-sd",
        "cost_items-0-cost-1-amount",
        "actors-1-level",
        "discount_rate-steps-0-rate",
        # Every problem in one round: the references of the valid parts too.  The year
        # waits for a valid horizon to be checked against.
        "costs-0-actor",
        "outcomes-1-cost_item",
    }
    # With the structure valid, the year is checked as well.
    broken.update(horizon="8", **{k: fields[k] for k in ("costs-1-amount-low", "outcomes-0-effect-mean")})
    broken.update(
        {"cost_items-0-cost-1-amount": "1", "actors-1-level": "kommun", "discount_rate-steps-0-rate": "0"}
    )
    broken["outcomes-0-effect-dist"] = "fixed"
    checked = check(broken)
    assert set(checked.errors) == {"costs-0-actor", "participants-1-year", "outcomes-1-cost_item"}


def test_starter_scenario_is_valid():
    fields = starter_fields("Ny ansökan", "kommun.utbildning")
    assert check(fields).ok
    assert fields["name"] == "Ny ansökan" and fields["horizon"] == "20" and fields["draws"] == "10000"


def test_changes_lists_paths_old_and_new():
    a = load_scenario(WORKED).model_dump(mode="json", by_alias=True)
    b = {**a, "horizon": 10, "outcomes": [{**a["outcomes"][0], "effect": 0.25}, a["outcomes"][1]]}
    assert [(c.path, c.old, c.new) for c in changes(a, b)] == [
        ("horizon", "8", "10"),
        ("outcomes[0].effect", "0,2", "0,25"),
    ]
    assert [c.path for c in changes(a, {**a, "costs": a["costs"][:1]})] == ["costs[1]"]


def test_invalid_scenario_is_refused_by_the_engine_not_the_form():
    with pytest.raises(ScenarioError):
        parse_scenario(sf.to_scenario({"name": "x"}))
