"""Reading scenario files: whatever the bytes, a scenario or a ScenarioError — never a traceback."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from socialinvest.engine import (
    Scenario,
    ScenarioError,
    dump_scenario,
    load_scenario,
    parse_scenario,
    parse_text,
)
from socialinvest.engine.loading import MAX_DEPTH, decode

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "worked-example.yaml"
BASE: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def lines_of(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- empty and unreadable files -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.yaml", "empty.json"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    assert lines_of(write(tmp_path, name, b"")) == ["file is empty"]


@pytest.mark.parametrize("content", [" ", "\n\n", "  \t \n \r\n"])
def test_whitespace_only_file(tmp_path: Path, content: str) -> None:
    assert lines_of(write(tmp_path, "blank.yaml", content)) == ["file is empty"]


def test_comment_only_yaml(tmp_path: Path) -> None:
    lines = lines_of(write(tmp_path, "c.yaml", "# nothing but a comment\n"))
    assert lines == ["a scenario must be a mapping of keys to values, got empty"]


def test_nonexistent_path(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    assert lines_of(path) == [f"no such file: {path}"]


def test_directory(tmp_path: Path) -> None:
    assert lines_of(tmp_path) == [f"{tmp_path} is a directory, not a scenario file"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "locked.yaml", "name: x\n")
    path.chmod(0)
    try:
        assert lines_of(path) == [f"cannot read {path}: permission denied"]
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_device_is_refused_not_read_forever() -> None:
    (line,) = lines_of(Path("/dev/zero"))
    assert line.startswith("file is too large")


# --- syntax errors --------------------------------------------------------------------------------------


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "name: x\nprice_year: 2024\noutcomes: [\n  {a: 1\n")
    (line,) = lines_of(path)
    assert line.startswith("invalid YAML at line ")
    assert "\n" not in line


def test_invalid_yaml_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "name: x\n  price_year: 2024\n")
    assert lines_of(path) == [
        "invalid YAML at line 2, column 13: mapping values are not allowed in this context"
    ]


def test_yaml_tab_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, "tab.yaml", "name: x\n\tprice_year: 2024\n")
    assert lines_of(path) == [
        "invalid YAML at line 2, column 1: found a tab character that violates indentation"
    ]


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{\n  "name": "x",\n  "price_year": 2024,\n}\n')
    assert lines_of(path) == [
        "invalid JSON at line 4, column 1: Expecting property name enclosed in double quotes"
    ]


def test_json_file_is_parsed_as_strict_json(tmp_path: Path) -> None:
    # Valid YAML, but not JSON: a .json file must be JSON.
    (line,) = lines_of(write(tmp_path, "yaml.json", "name: x\nprice_year: 2024\n"))
    assert line.startswith("invalid JSON at line 1, column 1: ")


def test_json_duplicate_key(tmp_path: Path) -> None:
    path = write(tmp_path, "dup.json", '{"name": "a", "price_year": 2024, "name": "b"}')
    assert lines_of(path) == ["invalid JSON: key 'name' appears twice in one object"]


def test_yaml_value_that_cannot_be_read(tmp_path: Path) -> None:
    path = write(tmp_path, "date.yaml", "name: x\nprice_year: 2024-13-45\n")
    assert lines_of(path) == [
        "invalid YAML at line 2, column 13: cannot read '2024-13-45' as timestamp (month must be in 1..12)"
    ]


def test_yaml_explicit_tag_that_cannot_be_read(tmp_path: Path) -> None:
    path = write(tmp_path, "tag.yaml", "name: x\nhorizon: !!int abc\n")
    (line,) = lines_of(path)
    assert line.startswith("invalid YAML at line 2, column 10: cannot read 'abc' as int")


def test_yaml_number_with_too_many_digits(tmp_path: Path) -> None:
    path = write(tmp_path, "big.yaml", "name: x\nhorizon: " + "9" * 5000 + "\n")
    (line,) = lines_of(path)
    assert line.startswith("invalid YAML at line 2, column 10: cannot read '999")
    assert len(line) < 300


def test_json_number_with_too_many_digits(tmp_path: Path) -> None:
    (line,) = lines_of(write(tmp_path, "big.json", '{"horizon": ' + "9" * 5000 + "}"))
    assert line.startswith("invalid JSON: ")
    assert "\n" not in line


def test_yaml_python_tag_is_not_executed(tmp_path: Path) -> None:
    path = write(tmp_path, "evil.yaml", "name: !!python/object/apply:os.system ['true']\n")
    (line,) = lines_of(path)
    assert line.startswith("invalid YAML at line 1, column 7: could not determine a constructor")


def test_yaml_control_character(tmp_path: Path) -> None:
    path = write(tmp_path, "ctrl.yaml", "name: x\nprice_year: 2024\nfoo: a\x01b\n")
    assert lines_of(path) == ["invalid YAML at line 3: control character U+0001 is not allowed"]


def test_yaml_merge_keys_work(tmp_path: Path) -> None:
    # Anchors and ``<<`` merges are ordinary YAML; a repeated outcome may use them.
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("- name: Fewer placements\n", "- &placements\n  name: Fewer placements\n")
    text += "- <<: *placements\n  name: Fewer placements, again\n  lag: 2\n"
    path = write(tmp_path, "merge.yaml", text)
    scenario = load_scenario(path)
    assert [o.name for o in scenario.outcomes][-1] == "Fewer placements, again"
    assert scenario.outcomes[-1].lag == 2
    assert scenario.outcomes[-1].cost_item == "placement"


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,  # libyaml recursed in C and crashed the interpreter on this
        "- " * 100_000 + "x",
        "{a: " * 5_000 + "1" + "}" * 5_000,
        "".join("  " * i + "a:\n" for i in range(1_000)),
    ],
    ids=["flow-seq", "block-seq", "flow-map", "block-map"],
)
def test_deeply_nested_yaml(text: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_text(text)
    (problem,) = info.value.problems
    assert str(problem).startswith("invalid YAML at line ")
    assert str(problem).endswith(f"nested more than {MAX_DEPTH} levels deep")


@pytest.mark.parametrize("depth", [101, 999, 1_001, 100_000])
def test_flow_nesting_refused_at_our_limit_not_the_parsers(depth: int) -> None:
    # libyaml (0.2.6, bundled with PyYAML 6.0.4) stops at its own limit of 1000 flow
    # levels while scanning ahead; the refusal must be ours at level 101 whatever
    # the parser's limit is.
    with pytest.raises(ScenarioError) as info:
        parse_text("a: " + "[" * depth + "]" * depth)
    assert [str(p) for p in info.value.problems] == [
        f"invalid YAML at line 1, column {3 + MAX_DEPTH + 1}: nested more than {MAX_DEPTH} levels deep"
    ]


def test_brackets_in_quoted_scalars_and_comments_do_not_count() -> None:
    text = (
        "name: '" + "[" * 300 + "'\n"
        'description: "' + "{" * 300 + '"\n'
        "# " + "[" * 300 + "\n"
        "notes: [children's, '[x]', \"{y}\"]\n"
    )
    data = parse_text(text)
    assert data["name"] == "[" * 300 and data["description"] == "{" * 300
    assert data["notes"] == ["children's", "[x]", "{y}"]


def test_deeply_nested_json() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_text("[" * 100_000 + "]" * 100_000, json_only=True)
    assert [str(p) for p in info.value.problems] == ["invalid JSON: nested too deeply"]


def test_moderate_nesting_is_parsed() -> None:
    data = parse_text("a: " + "[" * 50 + "]" * 50)
    depth = 0
    node = data["a"]
    while node:
        node = node[0]
        depth += 1
    assert depth == 49 and node == []


# --- binary garbage -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (b"\x00\x01\x02\x03garbage\x00", "not a text file (it contains binary data)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "not a text file (it contains binary data)"),
        (b"\x89PNG\r\n\x1a\n", "not UTF-8 text (byte 0 cannot be decoded)"),
        (b"name: \xe5\xe4\xf6\n", "not UTF-8 text (byte 6 cannot be decoded)"),
        (
            b"\xff\xfe\x00n\x00a\x00m\x00e\x00",
            "not UTF-8 text (it starts with a UTF-16 byte-order mark); save it as UTF-8",
        ),
        (
            "name: x\n".encode("utf-16"),
            "not UTF-8 text (it starts with a UTF-16 byte-order mark); save it as UTF-8",
        ),
    ],
    ids=["nul", "png", "png-header", "latin-1", "utf-16-bytes", "utf-16-text"],
)
def test_binary_garbage(tmp_path: Path, raw: bytes, line: str) -> None:
    assert lines_of(write(tmp_path, "garbage.yaml", raw)) == [line]


def test_random_bytes(tmp_path: Path) -> None:
    raw = bytes(range(256)) * 4
    assert lines_of(write(tmp_path, "random.yaml", raw)) == ["not a text file (it contains binary data)"]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + EXAMPLE.read_bytes()
    assert load_scenario(write(tmp_path, "bom.yaml", raw)).name == "Worked example"


# --- not a mapping --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("list.yaml", "- a\n- b\n", "a list"),
        ("list.json", "[1, 2]", "a list"),
        ("scalar.yaml", "just words\n", "a str"),
        ("number.json", "42", "a int"),
        ("null.json", "null", "empty"),
    ],
)
def test_top_level_not_a_mapping(tmp_path: Path, name: str, content: str, kind: str) -> None:
    lines = lines_of(write(tmp_path, name, content))
    assert lines == [f"a scenario must be a mapping of keys to values, got {kind}"]


# --- the same scenario in YAML and JSON -----------------------------------------------------------------


def test_yaml_and_json_give_the_same_hash(tmp_path: Path) -> None:
    from_yaml = load_scenario(EXAMPLE)
    json_path = write(tmp_path, "example.json", json.dumps(BASE, ensure_ascii=False, indent=2))
    from_json = load_scenario(json_path)
    assert from_json.canonical_json() == from_yaml.canonical_json()
    assert from_json.input_sha256() == from_yaml.input_sha256()


def test_hash_ignores_formatting_and_key_order(tmp_path: Path) -> None:
    reordered = dict(reversed(list(copy.deepcopy(BASE).items())))
    path = write(
        tmp_path, "reordered.yaml", "# a comment\n" + yaml.safe_dump(reordered, default_flow_style=True)
    )
    assert load_scenario(path).input_sha256() == load_scenario(EXAMPLE).input_sha256()


def test_hash_changes_with_content() -> None:
    data = copy.deepcopy(BASE)
    data["outcomes"][0]["effect"] = 0.21
    assert parse_scenario(data).input_sha256() != load_scenario(EXAMPLE).input_sha256()


# --- dump_scenario round trip ---------------------------------------------------------------------------


def with_more_distributions() -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["discount_rate"] = {"steps": [{"from": 0, "rate": 0.035}, {"from": 5, "rate": 0.03}]}
    data["optimism_bias"] = {"dist": "pert", "low": 0.0, "mode": 0.1, "high": 0.3}
    data["outcomes"][0]["baseline_risk"] = {"dist": "beta", "mean": 0.3, "sd": 0.05}
    data["outcomes"][0]["persistence"] = {"dist": "normal", "mean": 0.8, "sd": 0.05}
    data["participants"][0]["count"] = {"dist": "lognormal", "mean": 100, "sd": 10}
    data["cost_items"][1]["cost"]["kommun.socialtjanst"] = {"dist": "gamma", "mean": 400000, "sd": 50000}
    data["costs"][0]["amount"] = {"dist": "fixed", "value": 1000000}
    return data


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("source", ["worked-example", "distributions"])
def test_dump_round_trips(fmt: str, source: str) -> None:
    scenario = (
        load_scenario(EXAMPLE) if source == "worked-example" else parse_scenario(with_more_distributions())
    )
    text = dump_scenario(scenario, fmt=fmt)
    again = parse_scenario(parse_text(text, json_only=fmt == "json"))
    assert again.canonical_json() == scenario.canonical_json()
    assert again.input_sha256() == scenario.input_sha256()
    assert again == scenario


def test_dump_is_readable() -> None:
    text = dump_scenario(parse_scenario(with_more_distributions()))
    data = yaml.safe_load(text)
    assert data["discount_rate"] == {"steps": [{"from": 0, "rate": 0.035}, {"from": 5, "rate": 0.03}]}
    assert data["outcomes"][0]["effect"] == 0.2  # a fixed value is written as the number
    assert data["costs"][0]["amount"] == 1000000
    assert list(data["optimism_bias"]) == ["dist", "low", "mode", "high"]
    assert data["price_index"] == {2020: 335.92, 2024: 415.0}


def test_dump_of_constant_rate_is_a_number() -> None:
    data = yaml.safe_load(dump_scenario(load_scenario(EXAMPLE)))
    assert data["discount_rate"] == 0.035


def test_dumped_file_loads(tmp_path: Path) -> None:
    scenario = parse_scenario(with_more_distributions())
    for suffix, fmt in ((".yaml", "yaml"), (".json", "json")):
        path = write(tmp_path, "dumped" + suffix, dump_scenario(scenario, fmt=fmt))
        assert load_scenario(path).input_sha256() == scenario.input_sha256()


# --- never a traceback ----------------------------------------------------------------------------------


def check_problems(exc: ScenarioError) -> None:
    assert exc.problems
    for problem in exc.problems:
        line = str(problem)
        assert line and "\n" not in line and "\r" not in line, line
        # Pydantic's own wording ("Input should be…", "Field required") starts with a capital.
        assert not problem.message[:1].isupper(), line


def parse_or_problem(data: Any) -> Scenario | None:
    try:
        return parse_scenario(data)
    except ScenarioError as exc:
        check_problems(exc)
        return None


def text_or_problem(text: str, *, json_only: bool = False) -> None:
    try:
        data = parse_text(text, json_only=json_only)
    except ScenarioError as exc:
        check_problems(exc)
        return
    parse_or_problem(data)


@settings(max_examples=300, deadline=None)
@given(st.text())
@example("name: x\nprice_year: 2024")
@example("{]")
@example("a: b: c")
@example("- [")
@example("? ? ?")
@example("&a [*a]")
@example("!!binary x")
@example("*a")
@example("<<: 5")
def test_any_text_as_yaml(text: str) -> None:
    text_or_problem(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
@example('{"a": 1, "a": 2}')
@example("NaN")
@example('{"horizon": 1e999}')
def test_any_text_as_json(text: str) -> None:
    text_or_problem(text, json_only=True)


@settings(max_examples=300, deadline=None)
@given(st.binary())
@example(b"\xff\xfe\x00\x01")
@example(b"\x89PNG\r\n\x1a\n")
@example(b"\xef\xbb\xbf")
def test_any_bytes(raw: bytes) -> None:
    try:
        text = decode(raw)
    except ScenarioError as exc:
        check_problems(exc)
        return
    text_or_problem(text)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hypothesis-files")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(), suffix=st.sampled_from([".yaml", ".yml", ".json", ".txt", ""]))
def test_any_file(scratch: Path, raw: bytes, suffix: str) -> None:
    path = scratch / f"scenario{suffix}"
    path.write_bytes(raw)
    try:
        load_scenario(path)
    except ScenarioError as exc:
        check_problems(exc)


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["normal", "beta", "triangular", "dist", "kommun.socialtjanst", "welfare_year", "from"])
)
json_like = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=10)
            | st.sampled_from(["dist", "mean", "sd", "low", "mode", "high", "steps", "from"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_like)
def test_any_json_like_data(data: Any) -> None:
    parse_or_problem(data)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*sorted(Scenario.model_fields), "from", "x"]), json_like, max_size=6))
def test_any_values_under_scenario_keys(data: dict[str, Any]) -> None:
    parse_or_problem(data)


def leaf_paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into the worked example: mappings by key, lists by index."""
    paths = [prefix] if prefix else []
    if isinstance(obj, dict):
        for key, value in obj.items():
            paths += leaf_paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            paths += leaf_paths(value, (*prefix, index))
    return paths


EXAMPLE_PATHS = leaf_paths(BASE)


@settings(max_examples=400, deadline=None)
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(EXAMPLE_PATHS), json_like | st.sampled_from([0, 1, -1, 0.5, 1.5, 100, ""])),
        min_size=1,
        max_size=3,
    )
)
def test_worked_example_with_random_values(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    data = copy.deepcopy(BASE)
    for path, value in changes:
        target: Any = data
        try:
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced the container
    scenario = parse_or_problem(data)
    if scenario is not None:
        # Whatever is accepted can be written back and read again unchanged.
        again = parse_scenario(parse_text(dump_scenario(scenario)))
        assert again.canonical_json() == scenario.canonical_json()
