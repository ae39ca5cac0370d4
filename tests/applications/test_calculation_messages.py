"""Every shape of problem message the engine produces has a Swedish text.

Each case makes the engine itself produce the message (a bad scenario, a bad
file), so a changed engine text shows up here as a message without a shape.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from socialinvest.applications.problem_messages import matches_a_shape, translate
from socialinvest.engine import ScenarioError, load_scenario, parse_scenario, parse_text
from socialinvest.engine.loading import decode

BASE: dict[str, Any] = {"name": "x", "price_year": 2024, "horizon": 5, "draws": 0}
OUTCOME = {"name": "o", "cost_item": "social_assistance_household_year", "baseline_risk": 0.3, "effect": 0.2}
COST = {"actor": "kommun.utbildning", "year": 0, "amount": 100}


def scenario(**changes: Any) -> dict[str, Any]:
    return {
        **BASE,
        "costs": [COST],
        "participants": [{"year": 0, "count": 10}],
        "outcomes": [OUTCOME],
        **changes,
    }


def outcome(**changes: Any) -> dict[str, Any]:
    return scenario(outcomes=[{**OUTCOME, **changes}])


def item(**changes: Any) -> dict[str, Any]:
    base = {
        "id": "own",
        "name": "Own",
        "unit": "per_year",
        "price_year": 2024,
        "cost": {"kommun.socialtjanst": 1},
    }
    return scenario(cost_items=[{**base, **changes}])


def problems_of(make: Any) -> list[str]:
    try:
        make()
    except ScenarioError as exc:
        return [p.message for p in exc.problems]
    raise AssertionError("no problem raised")


def parse(data: Any):
    return lambda: parse_scenario(data)


CASES = [
    # errors.py: pydantic's rules
    (parse({"price_year": 2024}), "name: is required", "måste fyllas i"),
    (parse({**BASE, "colour": "red"}), "unknown key", "okänd uppgift"),
    (parse({**BASE, "name": ""}), "must not be empty", "får inte vara tomt"),
    (parse({**BASE, "name": "x" * 201}), "at most 200 characters", "får vara högst 200 tecken"),
    (
        parse(scenario(actors=[{"id": "Bad Id", "name": "x", "level": "kommun"}])),
        "not a valid id",
        "inte ett giltigt id",
    ),
    (
        parse(scenario(actors=[{"id": "kommun.x", "name": "x", "level": "land"}])),
        "must be one of",
        "måste vara något av 'kommun', 'region', 'stat', 'individ' eller 'samhalle', men är 'land'",
    ),
    (parse({**BASE, "horizon": "abc"}), "whole number, got 'abc'", "måste vara ett heltal, men är 'abc'"),
    (parse({**BASE, "horizon": 2.5}), "whole number, got 2.5", "måste vara ett heltal, men är 2,5"),
    (
        parse({**BASE, "price_index": {2020: "x"}}),
        "must be a number, got 'x'",
        "måste vara ett tal, men är 'x'",
    ),
    (parse({**BASE, "name": 5}), "must be text", "måste vara text, men är 5"),
    (
        parse(item(cashable="maybe")),
        "true or false",
        "måste vara sant eller falskt (true/false), men är 'maybe'",
    ),
    (parse({**BASE, "costs": 5}), "must be a list", "måste vara en lista, men är 5"),
    (
        parse({**BASE, "costs": [5]}),
        "mapping of keys to values",
        "måste vara en tabell med nycklar och värden",
    ),
    (parse({**BASE, "costs": [[1]]}), "got list", "men är en lista"),
    (parse(outcome(effect=float("nan"))), "finite number", "måste vara ett ändligt tal, men är nan"),
    (parse({**BASE, "horizon": 0}), "must be at least 1, got 0", "måste vara minst 1, men är 0"),
    (parse({**BASE, "horizon": 101}), "must be at most 100, got 101", "får vara högst 100, men är 101"),
    (parse({**BASE, "seed": 2**63}), "must be less than", "måste vara mindre än 9223372036854775808"),
    (parse({**BASE, "price_index": {2020: 0}}), "greater than 0", "måste vara större än 0, men är 0"),
    (parse({**BASE, "discount_rate": -1}), "greater than -1", "måste vara större än −1, men är −1"),
    (
        parse({**BASE, "price_index": {"abc": 100}}),
        "key 'abc' must be a whole number",
        "nyckeln 'abc': måste vara ett heltal",
    ),
    # scenario.py: ranges of uncertain parameters and structure
    (parse(outcome(baseline_risk=1.4)), "between 0 and 1, got 1.4", "måste vara mellan 0 och 1, men är 1,4"),
    (
        parse(outcome(baseline_risk={"dist": "uniform", "low": -0.2, "high": 0.5})),
        "got low -0.2",
        "måste vara mellan 0 och 1, men lägsta värdet är −0,2",
    ),
    (
        parse(outcome(baseline_risk={"dist": "uniform", "low": 0.2, "high": 1.5})),
        "got high 1.5",
        "men högsta värdet är 1,5",
    ),
    (parse(scenario(costs=[{**COST, "amount": -5}])), "at least 0, got -5", "måste vara minst 0, men är −5"),
    (parse(outcome(effect=1.5)), "at most 1, got 1.5", "får vara högst 1, men är 1,5"),
    (parse(item(cost={})), "at least one actor", "behöver kostnaden för minst en aktör"),
    (
        parse(scenario(costs=[{"actor": "kommun.utbildning", "amount": 1}])),
        "either 'year' or 'years'",
        "ange ett år",
    ),
    (
        parse(scenario(costs=[{"actor": "kommun.utbildning", "years": [], "amount": 1}])),
        "at least one year",
        "minst ett år",
    ),
    (
        parse(scenario(costs=[{"actor": "kommun.utbildning", "years": [1, 1], "amount": 1}])),
        "a year twice",
        "två gånger",
    ),
    (parse({**BASE, "version": True}), "must be 1, got True", "måste vara 1, men är True"),
    (
        parse({**BASE, "version": 3}),
        "must be one of 1 or 2, got 3",
        "måste vara något av 1 eller 2, men är 3",
    ),
    (parse({**BASE, "discount_rate": True}), "must be a rate", "måste vara en räntesats"),
    (parse({**BASE, "discount_rate": {"steps": []}}), "at least one step", "minst en räntesats"),
    (parse({**BASE, "discount_rate": {"steps": [{"from": 1, "rate": 0.03}]}}), "first step", "från år 0"),
    (
        parse({**BASE, "discount_rate": {"steps": [{"from": 0, "rate": 0.03}, {"from": 0, "rate": 0.02}]}}),
        "increasing order",
        "i ordning efter startår",
    ),
    # distributions.py
    (parse({**BASE, "horizon": True}), "whole number, got True", "måste vara ett heltal, men är True"),
    (parse({**BASE, "price_index": {2020: True}}), "a number, got True", "måste vara ett tal, men är True"),
    (
        parse(outcome(effect={"dist": "uniform", "low": 0.5, "high": 0.2})),
        "must not exceed",
        "får inte vara större än",
    ),
    (
        parse(outcome(effect={"dist": "triangular", "low": 0.1, "mode": 0.5, "high": 0.3})),
        "low ≤ mode ≤ high",
        "men lägsta är 0,1, troligaste 0,5 och högsta 0,3",
    ),
    (
        parse(outcome(effect={"dist": "pert", "low": 0.2, "mode": 0.2, "high": 0.2})),
        "both are 0.2",
        "båda är 0,2",
    ),
    (
        parse(outcome(effect={"dist": "beta", "mean": 0.5, "sd": 0.6})),
        "sd too large",
        "den måste vara under 0,5, men är 0,6",
    ),
    (
        parse(outcome(effect=True)),
        "number or a distribution, got True",
        "ett tal eller en fördelning, men är True",
    ),
    (parse(outcome(effect="abc")), "number or a distribution, got 'abc'", "ett tal eller en fördelning"),
    (parse(outcome(effect={"low": 1})), "needs 'dist'", "en fördelning behöver ”dist”"),
    (parse(outcome(effect={"dist": "weird"})), "unknown distribution", "okänd fördelning 'weird'"),
    # resolve.py: references
    (
        parse(scenario(costs=[{**COST, "actor": "kommun.utbildnin"}])),
        "did you mean",
        "okänd aktör 'kommun.utbildnin'; menade du kommun.utbildning",
    ),
    (parse(scenario(costs=[{**COST, "actor": "zzz"}])), "unknown actor 'zzz'", "okänd aktör 'zzz'"),
    (
        parse(scenario(costs=[{**COST, "year": 7}])),
        "(horizon 5), got 7",
        "mellan 0 och 4 (tidshorisonten är 5 år), men är 7",
    ),
    (
        parse({**item(price_year=1990), "price_year": 2030, "outcomes": [{**OUTCOME, "cost_item": "own"}]}),
        "no price index",
        "prisindex saknas för 2030 och 1990; lägg till det under Prisindex",
    ),
    (
        parse(outcome(cost_item="social_assistance")),
        "unknown cost item",
        "okänd kostnadspost 'social_assistance'; menade du",
    ),
    (parse(outcome(cost_item="qqq")), "unknown cost item 'qqq'", "okänd kostnadspost 'qqq'"),
    (parse([1, 2]), "got a list", "men filen är en lista"),
    # scenario.py: transfers (version 2)
    (
        parse(item(transfer_to="individ")),
        "needs 'version: 2'",
        "cost_items[0].transfer_to: kräver 'version: 2' (version 1 har inga transfereringar)",
    ),
    (parse({**item(transfer_to=[1]), "version": 2}), "map from paying actor", "en tabell från betalande"),
    (parse({**item(transfer_to={}), "version": 2}), "at least one paying actor", "ange minst en betalande"),
    (
        parse({**item(transfer_to={"stat.polisen": "individ"}), "version": 2}),
        "not one of this item's actors",
        "'stat.polisen' är inte en av postens aktörer",
    ),
    (
        parse({**item(transfer_to="kommun.socialtjanst"), "version": 2}),
        "cannot pay a transfer to itself",
        "kan inte betala en transferering till sig själv",
    ),
    (parse(None), "got empty", "men filen är tom"),
    # loading.py: files
    (lambda: parse_text("  "), "file is empty", "filen är tom"),
    (lambda: parse_text("a: [1, 2"), "invalid YAML at line", "ogiltig YAML på rad"),
    (
        lambda: parse_text("a: 1\na: 2\n"),
        "appears twice (lines 1 and 2)",
        "nyckeln 'a' förekommer två gånger (rad 1 och 2)",
    ),
    (lambda: parse_text("a: !!int abc"), "cannot read", "kan inte läsa 'abc' som int"),
    (lambda: parse_text("a: b\x07"), "control character", "styrtecknet U+0007 är inte tillåtet"),
    (lambda: parse_text("a:\n" + "- " * 150 + "1"), "levels deep", "nästlad i mer än 100 nivåer"),
    (lambda: parse_text("{", json_only=True), "invalid JSON at line 1", "ogiltig JSON på rad 1, kolumn 2"),
    (
        lambda: parse_text('{"a": 1, "a": 2}', json_only=True),
        "twice in one object",
        "förekommer två gånger i samma objekt",
    ),
    (
        lambda: parse_text("[" * 100_000, json_only=True),
        "nested too deeply",
        "ogiltig JSON: för djupt nästlad",
    ),
    (lambda: decode(b"\xff\xfea\x00"), "UTF-16", "spara den som UTF-8"),
    (lambda: decode(b"a\x00b"), "binary data", "inte en textfil"),
    (lambda: decode(b"a\xc3\x28"), "cannot be decoded", "byte 1 kan inte avkodas"),
]


@pytest.mark.parametrize(("make", "english", "swedish"), CASES, ids=[c[1] for c in CASES])
def test_each_engine_message_has_a_swedish_text(make, english, swedish):
    messages = problems_of(make)
    matching = [m for m in messages if english.split(": ", 1)[-1] in m]
    assert matching, f"the engine did not say {english!r}: {messages}"
    for message in matching:
        assert matches_a_shape(message), message
        assert translate(message) != message
    assert any(swedish in translate(m) for m in matching), [translate(m) for m in matching]


def test_file_level_messages(tmp_path):
    assert translate(problems_of(lambda: load_scenario(tmp_path))[0]).endswith(
        "är en mapp, inte en scenariofil"
    )
    assert translate(problems_of(lambda: load_scenario(tmp_path / "nej.yaml"))[0]).startswith(
        "filen finns inte: "
    )
    for english, swedish in [
        (
            "file is too large (20000000 bytes; at most 10485760)",
            "filen är för stor (20000000 byte; högst 10485760)",
        ),
        ("file is too large (more than 10485760 bytes)", "filen är för stor (mer än 10485760 byte)"),
        ("cannot read /x.yaml: permission denied", "kan inte läsa /x.yaml: behörighet saknas"),
        ("cannot read /x.yaml: Is a directory", "kan inte läsa /x.yaml: Is a directory"),
        ("invalid YAML: nested too deeply", "ogiltig YAML: för djupt nästlad"),
        ("a portfolio needs at least one scenario", "en portfölj behöver minst ett scenario"),
    ]:
        assert translate(english) == swedish


def test_unknown_message_is_kept_and_english_is_left_alone():
    assert translate("something the engine never said") == "something the engine never said"
    assert translate("invalid YAML at line 2, column 3: mapping values are not allowed here") == (
        "ogiltig YAML på rad 2, kolumn 3: mapping values are not allowed here"
    )
    with translation.override("en"):
        assert translate("must be between 0 and 1, got 1.4") == "must be between 0 and 1, got 1.4"
