"""The ``socialinvest`` command line: output shapes, Swedish tables, exit codes, no tracebacks.

Most checks call :func:`socialinvest.cli.main.main` in-process; a few run the
real thing as a subprocess (``python -m socialinvest.cli.main``).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from socialinvest import engine
from socialinvest.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "worked-example.yaml"
BASE: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
ACTORS = {"kommun.utbildning", "kommun.socialtjanst", "stat.forsakringskassan"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``main(args)`` → (exit code, stdout, stderr); argparse's SystemExit counts as an exit."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "socialinvest.cli.main", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=ROOT,
    )


def scenario_file(tmp_path: Path, name: str = "scenario.yaml", **changes: Any) -> Path:
    data = copy.deepcopy(BASE)
    data.update(changes)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def with_draws(tmp_path: Path) -> Path:
    return scenario_file(tmp_path, "mc.yaml", draws=2000)


# --- calc -----------------------------------------------------------------------------------------------


def check_result_shape(result: dict[str, Any], *, monte_carlo: bool) -> None:
    for key in ("name", "price_year", "start_year", "horizon", "engine_version", "input_sha256"):
        assert key in result, key
    base = result["base"]
    for key in (
        "pv_costs",
        "pv_benefits",
        "npv",
        "bcr",
        "roi",
        "payback_year",
        "avoided_cases",
        "break_even_cases",
        "by_actor",
        "years",
        "flows",
    ):
        assert key in base, key
    assert set(base["by_actor"]) == ACTORS
    for values in base["by_actor"].values():
        assert {"pv_costs", "pv_benefits", "npv"} <= set(values)
    assert set(base["flows"]) == ACTORS
    for flows in base["flows"].values():
        assert {"costs", "benefits"} <= set(flows)
        assert len(flows["costs"]) == len(flows["benefits"]) == result["horizon"]
    assert len(base["years"]) == result["horizon"]
    mc = result["monte_carlo"]
    if not monte_carlo:
        assert mc is None
        return
    assert {"draws", "seed", "npv", "bcr", "probability_positive_npv", "by_actor"} <= set(mc)
    for summary in (mc["npv"], mc["bcr"]):
        assert set(summary) >= {"mean", "sd", "p5", "p50", "p95"}
        assert summary["p5"] <= summary["p50"] <= summary["p95"]
    assert 0 <= mc["probability_positive_npv"] <= 1
    assert set(mc["by_actor"]) == ACTORS
    for values in mc["by_actor"].values():
        assert set(values) >= {"npv_mean", "npv_p5", "npv_p95", "probability_positive_npv"}


def test_calc_json_without_monte_carlo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "calc", str(EXAMPLE), "--format", "json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    check_result_shape(result, monte_carlo=False)
    assert result["name"] == "Worked example"
    assert (result["price_year"], result["start_year"], result["horizon"]) == (2024, 2025, 8)
    assert result["base"]["npv"] == pytest.approx(2_768_722, abs=0.5)
    assert result["base"]["years"] == list(range(2025, 2033))
    assert len(result["input_sha256"]) == 64


def test_calc_json_with_monte_carlo(capsys: pytest.CaptureFixture[str], with_draws: Path) -> None:
    code, out, err = run(capsys, "calc", str(with_draws), "--format", "json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    check_result_shape(result, monte_carlo=True)
    assert result["monte_carlo"]["draws"] == 2000
    assert result["monte_carlo"]["seed"] == 0


def test_calc_draws_and_seed_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calc", str(EXAMPLE), "--format", "json", "--draws", "300", "--seed", "7")
    assert code == 0
    mc = json.loads(out)["monte_carlo"]
    assert (mc["draws"], mc["seed"]) == (300, 7)


def test_calc_is_reproducible(capsys: pytest.CaptureFixture[str], with_draws: Path) -> None:
    first = run(capsys, "calc", str(with_draws), "--format", "json")[1]
    second = run(capsys, "calc", str(with_draws), "--format", "json")[1]
    assert first == second


def test_calc_json_as_subprocess(with_draws: Path) -> None:
    proc = run_process("calc", str(with_draws), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    check_result_shape(json.loads(proc.stdout), monte_carlo=True)


def test_calc_table_in_swedish(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "calc", str(EXAMPLE), "--lang", "sv")
    assert (code, err) == (0, "")
    assert "2 768 722 kr" in out
    assert "2,59" in out
    assert "Nettonuvärde (NPV)" in out
    assert "−1 737 681 kr" in out  # the education committee pays: a real minus sign
    assert "Socialnämnden" in out and "Försäkringskassan" in out


def test_calc_table_shows_monte_carlo(capsys: pytest.CaptureFixture[str], with_draws: Path) -> None:
    code, out, _ = run(capsys, "calc", str(with_draws), "--no-sensitivity", "--lang", "sv")
    assert code == 0
    assert "Monte Carlo (2 000 dragningar, seed 0)" in out and "Kommunen" in out
    assert "P(NPV > 0)" in out
    assert "Känslighet" not in out


def test_calc_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    code, out, err = run(capsys, "calc", str(EXAMPLE), "--format", "json", "--output", str(target))
    assert (code, out, err) == (0, "", "")
    assert json.loads(target.read_text(encoding="utf-8"))["name"] == "Worked example"


def test_calc_output_to_unwritable_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "calc", str(EXAMPLE), "--format", "json", "--output", "/proc/x/y")
    assert code == 2
    assert out == ""
    assert err == "--output: cannot write /proc/x/y: No such file or directory\n"


def test_calc_xlsx_needs_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "calc", str(EXAMPLE), "--format", "xlsx")
    assert (code, out) == (2, "")
    assert err == "--output: required with --format xlsx (the workbook's file name)\n"


def test_sensitivity_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--lang", "sv", "sensitivity", str(EXAMPLE))
    assert code == 0
    assert "Känslighet" in out and "Kalkylränta" in out
    # Amounts as whole kronor, not "418 321,596".
    assert "418 322" in out


# --- validate and bad input -----------------------------------------------------------------------------


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(EXAMPLE), "--lang", "sv")
    assert (code, err) == (0, "")
    assert out.startswith(f"{EXAMPLE}: giltig (Worked example; sha256 ")


def test_validate_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(EXAMPLE), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["valid"] is True and data["name"] == "Worked example" and len(data["input_sha256"]) == 64


def bad_files(tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    risky = copy.deepcopy(BASE)
    risky["outcomes"][1]["baseline_risk"] = 1.4
    three = copy.deepcopy(risky)
    three["horizon"] = 0
    three["foo"] = 1
    files: dict[str, tuple[bytes | str, list[str]]] = {
        "risk.yaml": (
            yaml.safe_dump(risky, allow_unicode=True),
            ["outcomes[1].baseline_risk: must be between 0 and 1, got 1.4"],
        ),
        "three.yaml": (
            yaml.safe_dump(three, allow_unicode=True),
            [
                "horizon: must be at least 1, got 0",
                "outcomes[1].baseline_risk: must be between 0 and 1, got 1.4",
                "foo: unknown key",
            ],
        ),
        "empty.yaml": ("", ["file is empty"]),
        "syntax.yaml": (
            "name: x\n  price_year: 2024\n",
            ["invalid YAML at line 2, column 13: mapping values are not allowed in this context"],
        ),
        "syntax.json": (
            '{"name": "x",}',
            ["invalid JSON at line 1, column 14: Expecting property name enclosed in double quotes"],
        ),
        "binary.yaml": (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            ["not a text file (it contains binary data)"],
        ),
        "latin1.yaml": (b"name: \xe5\n", ["not UTF-8 text (byte 6 cannot be decoded)"]),
        "list.yaml": ("- 1\n- 2\n", ["a scenario must be a mapping of keys to values, got a list"]),
        "dup.yaml": (
            "name: a\nname: b\n",
            ["invalid YAML at line 2, column 1: key 'name' appears twice (lines 1 and 2)"],
        ),
    }
    out = {}
    for name, (content, lines) in files.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        out[name] = (path, lines)
    out["missing.yaml"] = (tmp_path / "missing.yaml", [f"no such file: {tmp_path / 'missing.yaml'}"])
    out["directory"] = (tmp_path, [f"{tmp_path} is a directory, not a scenario file"])
    return out


@pytest.mark.parametrize("command", ["validate", "calc", "sensitivity"])
def test_bad_files_exit_2_with_problem_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    for name, (path, lines) in bad_files(tmp_path).items():
        code, out, err = run(capsys, command, str(path))
        assert code == 2, name
        assert out == "", name
        assert err.splitlines() == lines, name
        assert "Traceback" not in err


def test_bad_files_as_subprocess(tmp_path: Path) -> None:
    files = bad_files(tmp_path)
    for name in ("three.yaml", "binary.yaml"):
        path, lines = files[name]
        proc = run_process("calc", str(path), "--format", "json")
        assert proc.returncode == 2, name
        assert proc.stdout == ""
        assert proc.stderr.splitlines() == lines
        assert "Traceback" not in proc.stderr


def test_deeply_nested_file_as_subprocess(tmp_path: Path) -> None:
    # This once crashed the interpreter itself (libyaml recursing in C).
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 100_000, encoding="utf-8")
    proc = run_process("validate", str(path))
    assert proc.returncode == 2
    assert proc.stderr == "invalid YAML at line 1, column 101: nested more than 100 levels deep\n"


def test_unexpected_error_is_one_line_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.delenv("SOCIALINVEST_DEBUG", raising=False)
    monkeypatch.setattr(engine, "run", boom)  # cmd_calc imports it when it runs
    code, out, err = run(capsys, "calc", str(EXAMPLE))
    assert (code, out, err) == (1, "", "internal error: RuntimeError: boom\n")


# --- argparse errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "last_line"),
    [
        (["frobnicate"], "socialinvest: argument command: invalid choice: 'frobnicate'"),
        ([], "socialinvest: the following arguments are required: command"),
        (["calc", str(EXAMPLE), "--bogus"], "socialinvest: unrecognized arguments: --bogus"),
        (
            ["calc", str(EXAMPLE), "--draws", "-1"],
            "socialinvest: argument --draws: must be at least 0, got -1",
        ),
        (
            ["calc", str(EXAMPLE), "--draws", "many"],
            "socialinvest: argument --draws: must be a whole number, got 'many'",
        ),
        (["calc", str(EXAMPLE), "--format", "pdf"], "socialinvest: argument --format: invalid choice: 'pdf'"),
        (["calc"], "socialinvest: the following arguments are required: file"),
        (
            [
                "cohort",
                "--cohort-size",
                "170",
                "--excluded",
                "22",
                "--share",
                "0.1",
                "--years",
                "45",
                "--annual-cost",
                "350000",
            ],
            "socialinvest: argument --share: not allowed with argument --excluded",
        ),
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], last_line: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.splitlines()[-1].startswith(last_line)
    assert err.startswith("usage: socialinvest")
    assert "Traceback" not in err


def test_unknown_subcommand_as_subprocess() -> None:
    proc = run_process("frobnicate")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "invalid choice: 'frobnicate'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "calc" in out and "portfolio" in out


# --- cohort ---------------------------------------------------------------------------------------------

COHORT = ["cohort", "--cohort-size", "170", "--years", "45", "--annual-cost", "350000"]


def test_cohort_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *COHORT, "--excluded", "22", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["total_cost"] == 346_500_000
    assert data["per_person"] == 15_750_000
    assert data["cohort_size"] == 170 and data["excluded"] == 22


def test_cohort_share(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *COHORT, "--share", "0.1294", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["share"] == 0.1294
    assert data["excluded"] == pytest.approx(170 * 0.1294)
    assert data["total_cost"] == pytest.approx(170 * 0.1294 * 45 * 350_000)


def test_cohort_swedish_decimal_comma(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *COHORT, "--share", "0,1294", "--format", "json")
    assert code == 0
    assert json.loads(out)["share"] == 0.1294


def test_cohort_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *COHORT, "--excluded", "22", "--lang", "sv")
    assert code == 0
    assert "346 500 000 kr" in out and "15 750 000 kr" in out and "12,9 %" in out


def test_cohort_with_split(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *COHORT, "--excluded", "22", "--split-item", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["split_item"] == "exclusion_year_varmdo"
    assert sum(data["by_actor"].values()) == pytest.approx(data["total_cost"])


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        (["--share", "1.5"], "share: must be between 0 and 1, got 1.5"),
        (["--excluded", "200"], "excluded: must be between 0 and cohort_size (170), got 200"),
        (["--excluded", "22", "--split-item", "nope"], "--split-item: unknown cost item 'nope'"),
    ],
)
def test_cohort_bad_values(capsys: pytest.CaptureFixture[str], extra: list[str], line: str) -> None:
    code, out, err = run(capsys, *COHORT, *extra)
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith(line)


def test_cohort_as_subprocess() -> None:
    proc = run_process(*COHORT, "--excluded", "22", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total_cost"] == 346_500_000


# --- equivalents ----------------------------------------------------------------------------------------


def test_equivalents_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "equivalents", "31500000", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["amount"] == 31_500_000
    assert [i["count"] for i in data["items"]] == [2, 58, 85, 88_984]


def test_equivalents_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "equivalents", "31 500 000", "--lang", "sv")
    assert code == 0
    assert out.startswith("31 500 000 kr motsvarar")
    assert "88 984" in out and "fritidsgårdar" in out


def test_equivalents_custom_items(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    items = tmp_path / "items.yaml"
    items.write_text("- {name: Bok, unit_price: 250}\n- {name: Cykel, unit_price: 5000}\n", encoding="utf-8")
    code, out, err = run(capsys, "equivalents", "100000", "--items", str(items), "--format", "json")
    assert (code, err) == (0, "")
    assert [(i["name"], i["count"]) for i in json.loads(out)["items"]] == [("Bok", 400), ("Cykel", 20)]


def test_equivalents_custom_items_json_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    items = tmp_path / "items.json"
    items.write_text(json.dumps({"items": [{"name": "Lektion", "unit_price": 354}]}), encoding="utf-8")
    code, out, _ = run(capsys, "equivalents", "31500000", "--items", str(items), "--format", "json")
    assert code == 0
    assert json.loads(out)["items"][0]["count"] == 88_983


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (None, "--items: cannot read {path}: No such file or directory"),
        ("a: [\n", "--items: {path}: invalid YAML at line 2, column 1: did not find expected node content"),
        (b"\x89PNG\x00", "--items: {path}: not a text file (it contains binary data)"),
        (
            "- {name: x, unit_price: -5}\n",
            "items.yaml: entry 1 ('x'): unit_price: must be greater than 0, got -5",
        ),
        ("[]\n", "items.yaml: expected a non-empty list of {{name, unit_price}} entries"),
    ],
    ids=["missing", "yaml", "binary", "negative", "empty-list"],
)
def test_equivalents_bad_items_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | bytes | None, line: str
) -> None:
    path = tmp_path / "items.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "equivalents", "1000", "--items", str(path))
    assert (code, out) == (2, "")
    assert err == line.format(path=path) + "\n"


@pytest.mark.parametrize(
    ("amount", "line"),
    [
        ("-5", "amount: must be a finite number of at least 0, got -5.0"),
        ("inf", "amount: must be a finite number of at least 0, got inf"),
    ],
)
def test_equivalents_bad_amount(capsys: pytest.CaptureFixture[str], amount: str, line: str) -> None:
    code, out, err = run(capsys, "equivalents", amount)
    assert (code, out, err) == (2, "", line + "\n")


# --- portfolio ------------------------------------------------------------------------------------------


@pytest.fixture
def portfolio_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "portfolio"
    folder.mkdir()
    scenario_file(folder, "a.yaml", draws=500, seed=1)
    data = copy.deepcopy(BASE)
    data.update(name="Second", draws=500, seed=2)
    (folder / "b.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (folder / "notes.txt").write_text("not a scenario\n", encoding="utf-8")
    return folder


def test_portfolio_json(capsys: pytest.CaptureFixture[str], portfolio_dir: Path) -> None:
    code, out, err = run(capsys, "portfolio", str(portfolio_dir), "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert {"scenarios", "npv", "probability_positive_npv", "by_actor", "by_scenario"} <= set(data)
    assert data["scenarios"] == 2
    assert [s["name"] for s in data["by_scenario"]] == ["Worked example", "Second"]
    assert set(data["by_actor"]) == ACTORS
    assert data["base"]["npv"] == pytest.approx(2 * 2_768_721.56, rel=1e-6)
    assert 0 <= data["probability_positive_npv"] <= 1


def test_portfolio_table(capsys: pytest.CaptureFixture[str], portfolio_dir: Path) -> None:
    code, out, _ = run(capsys, "portfolio", str(portfolio_dir), "--lang", "sv")
    assert code == 0
    assert out.startswith("Portfölj: 2 scenarier, 500 dragningar")


def test_portfolio_workers_do_not_change_numbers(
    capsys: pytest.CaptureFixture[str], portfolio_dir: Path
) -> None:
    one = run(capsys, "portfolio", str(portfolio_dir), "--format", "json")[1]
    two = run(capsys, "portfolio", str(portfolio_dir), "--format", "json", "--workers", "2")[1]
    assert one == two


def test_portfolio_with_one_bad_file(capsys: pytest.CaptureFixture[str], portfolio_dir: Path) -> None:
    data = copy.deepcopy(BASE)
    data["outcomes"][1]["baseline_risk"] = 1.4
    bad = portfolio_dir / "c.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, err = run(capsys, "portfolio", str(portfolio_dir), "--format", "json")
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"{bad}: outcomes[1].baseline_risk: must be between 0 and 1, got 1.4"]


def test_portfolio_with_bad_file_as_subprocess(portfolio_dir: Path) -> None:
    bad = portfolio_dir / "empty.yaml"
    bad.write_text("", encoding="utf-8")
    proc = run_process("portfolio", str(portfolio_dir))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [f"{bad}: file is empty"]


def test_portfolio_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    code, out, err = run(capsys, "portfolio", str(missing))
    assert (code, out) == (2, "")
    assert err == f"{missing}: no such file or directory\n"


def test_portfolio_empty_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "portfolio", str(tmp_path))
    assert code == 2
    assert err == f"{tmp_path}: no scenario files (.yaml, .yml, .json) in directory\n"


# --- catalogue ------------------------------------------------------------------------------------------


def test_catalogue_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "catalogue", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert isinstance(data["actors"], list) and isinstance(data["cost_items"], list)
    assert "kommun.socialtjanst" in {a["id"] for a in data["actors"]}
    assert "exclusion_year_varmdo" in {c["id"] for c in data["cost_items"]}


def test_catalogue_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalogue", "--lang", "sv")
    assert code == 0
    assert out.startswith("Katalog ")
    assert "kommun.socialtjanst" in out


# --- language: the user's locale, or --lang; Swedish by default ------------------------------------


def test_swedish_by_default_tables_and_problems_alike(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("LC_ALL")
    monkeypatch.setenv("LANG", "C.UTF-8")
    code, out, err = run(capsys, "calc", str(EXAMPLE))
    assert (code, err) == (0, "")
    assert "Nettonuvärde (NPV)" in out and "2 768 722 kr" in out and "Break-even, fall" in out
    bad = scenario_file(tmp_path, outcomes=[{**BASE["outcomes"][0], "baseline_risk": 1.4}])
    code, out, err = run(capsys, "validate", str(bad))
    assert code == 2 and out == ""
    assert err == "outcomes[0].baseline_risk: måste vara mellan 0 och 1, men är 1,4\n"


def test_english_locale_gives_english_tables_and_the_engines_messages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "calc", str(EXAMPLE))
    assert (code, err) == (0, "")
    assert "Net present value (NPV)" in out and "SEK 2,768,722" in out
    assert "Break-even, cases: how many avoided cases" in out
    assert "Nettonuvärde" not in out and " kr" not in out
    bad = scenario_file(tmp_path, outcomes=[{**BASE["outcomes"][0], "baseline_risk": 1.4}])
    code, _, err = run(capsys, "validate", str(bad))
    assert err == "outcomes[0].baseline_risk: must be between 0 and 1, got 1.4\n"


@pytest.mark.parametrize(
    ("lang", "expected"), [("sv", "Nettonuvärde (NPV)"), ("en", "Net present value (NPV)")]
)
def test_lang_option_wins_over_the_locale_before_or_after_the_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str, expected: str
) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8" if lang == "sv" else "sv_SE.UTF-8")
    for args in (("--lang", lang, "calc", str(EXAMPLE)), ("calc", str(EXAMPLE), "--lang", lang)):
        code, out, _ = run(capsys, *args)
        assert code == 0 and expected in out


def test_the_text_output_explains_break_even_and_negative_switching_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "calc", str(ROOT / "examples" / "alla-barn-i-skolan.yaml"), "--draws", "0")
    assert code == 0
    assert "Break-even, cases: how many avoided cases (with the same mix of outcomes) would" in out
    assert "Negative: the NPV is positive even if the outcome has\nno effect at all" in out
    code, out, _ = run(capsys, "--lang", "sv", "sensitivity", str(EXAMPLE))
    assert "Negativ: NPV är positivt även om utfallet inte har någon effekt" in out


def test_language_of_a_real_process_follows_lang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    proc = run_process("validate", str(tmp_path / "missing.yaml"))
    assert proc.returncode == 2 and proc.stderr == f"filen finns inte: {tmp_path / 'missing.yaml'}\n"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    proc = run_process("validate", str(tmp_path / "missing.yaml"))
    assert proc.stderr == f"no such file: {tmp_path / 'missing.yaml'}\n"
