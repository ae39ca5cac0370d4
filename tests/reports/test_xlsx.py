"""The audit workbook: live formulas that reproduce the engine, recomputed with ``formulas``."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import formulas
import openpyxl
import pytest
import yaml

from socialinvest.cli.main import main
from socialinvest.engine import ENGINE_VERSION, parse_scenario, run
from socialinvest.engine.calculate import Calculation
from socialinvest.reports.xlsx import write_audit_workbook

ROOT = Path(__file__).resolve().parents[2]
WORKED_EXAMPLE = ROOT / "examples" / "worked-example.yaml"
REL = 1e-9

STEPPED: dict[str, Any] = {
    "name": "Stepped rate, per-case and per-year outcomes",
    "price_year": 2024,
    "start_year": 2026,
    "horizon": 7,
    "draws": 200,
    "seed": 7,
    "optimism_bias": {"dist": "uniform", "low": 0.1, "high": 0.3},
    "discount_rate": {
        "steps": [{"from": 0, "rate": 0.035}, {"from": 3, "rate": 0.03}, {"from": 5, "rate": 0.0}]
    },
    "costs": [
        {
            "actor": "kommun.utbildning",
            "years": [1, 2],
            "amount": {"dist": "pert", "low": 1e5, "mode": 2e5, "high": 5e5},
        },
        {"actor": "kommun.socialtjanst", "year": 0, "amount": 250000},
        {"actor": "kommun.socialtjanst", "years": [0, 3], "amount": 40000},
    ],
    "participants": [
        {"year": 0, "count": 40},
        {"year": 2, "count": {"dist": "triangular", "low": 10, "mode": 20, "high": 45}},
        {"year": 5, "count": 30},
    ],
    "outcomes": [
        {  # per_case, catalogue item priced in 2015 (price-index factor from the catalogue)
            "name": "Färre barnavårdsärenden",
            "cost_item": "child_welfare_case",
            "baseline_risk": 0.08,
            "effect": {"dist": "uniform", "low": 0.1, "high": 0.3},
            "lag": 1,
            "attribution": 0.8,
        },
        {  # per_year, decaying, running past the horizon
            "name": "Färre år med ekonomiskt bistånd",
            "cost_item": "social_assistance_household_year",
            "baseline_risk": 0.4,
            "effect": 0.25,
            "lag": 2,
            "duration": 6,
            "persistence": 0.7,
            "deadweight": 0.2,
            "displacement": 0.1,
        },
        {  # the same cost item again (a shared unit-cost parameter), persistence 0
            "name": "Kortare bistånd",
            "cost_item": "social_assistance_household_year",
            "baseline_risk": 0.2,
            "effect": 0.1,
            "duration": 3,
            "persistence": 0.0,
        },
        {  # not cashable
            "name": "Mindre utanförskap",
            "cost_item": "lifelong_exclusion_year",
            "baseline_risk": 0.1,
            "effect": 0.3,
            "lag": 3,
            "duration": 10,
            "persistence": 0.9,
        },
    ],
}


def _scenario(data: dict[str, Any]) -> Any:
    return parse_scenario(copy.deepcopy(data))


def _worked_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKED_EXAMPLE.read_text(encoding="utf-8"))
    return data


class Book:
    """A written workbook, its formula model, and where the summary's keys sit."""

    def __init__(self, calc: Calculation, path: Path):
        write_audit_workbook(calc, path)
        self.calc, self.path = calc, path
        self.prefix = f"'[{path.name}]"
        self.xl = formulas.ExcelModel().loads(str(path)).finish()
        self.solution = self.xl.calculate()
        wb = openpyxl.load_workbook(path)
        ws = wb["Sammanfattning"]
        self.keys = {
            row[2].value: row[1].coordinate
            for row in ws.iter_rows(min_row=1, max_col=3)
            if isinstance(row[2].value, str) and row[1].coordinate
        }

    def address(self, sheet: str, coordinate: str) -> str:
        return f"{self.prefix}{sheet.upper()}'!{coordinate}"

    def key(self, name: str) -> str:
        return self.address("Sammanfattning", self.keys[name])

    def value(self, address: str, solution: Any = None) -> Any:
        return (solution or self.solution)[address].value[0, 0]

    def results(self, names: list[str], inputs: dict[str, float]) -> dict[str, Any]:
        outputs = [self.key(n) for n in names]
        solution = self.xl.calculate(inputs=inputs, outputs=outputs)
        return {n: self.value(o, solution) for n, o in zip(names, outputs, strict=True)}


@pytest.fixture(scope="module")
def worked(tmp_path_factory: pytest.TempPathFactory) -> Book:
    calc = run(_scenario(_worked_data()))
    return Book(calc, tmp_path_factory.mktemp("xlsx") / "worked.xlsx")


@pytest.fixture(scope="module")
def stepped(tmp_path_factory: pytest.TempPathFactory) -> Book:
    calc = run(_scenario(STEPPED))
    return Book(calc, tmp_path_factory.mktemp("xlsx") / "stepped.xlsx")


KEYS = ["pv_costs", "pv_benefits", "pv_benefits_cashable", "pv_benefits_non_cashable", "npv", "bcr", "roi"]
MORE_KEYS = ["payback_year", "avoided_cases", "break_even_cases"]


def _check_against_engine(book: Book) -> None:
    base = book.calc.result.base
    for name in KEYS + MORE_KEYS:
        expected = getattr(base, name)
        got = book.value(book.key(name))
        assert got == pytest.approx(expected, rel=REL, abs=1e-6), name


def test_worked_example_recomputes_to_engine_and_hand_values(worked: Book) -> None:
    _check_against_engine(worked)
    npv = worked.value(worked.key("npv"))
    assert abs(npv - 2_768_722) <= 1
    assert worked.value(worked.key("pv_costs")) == pytest.approx(1_737_681, abs=1)
    assert worked.value(worked.key("pv_benefits")) == pytest.approx(4_506_403, abs=1)
    assert worked.value(worked.key("bcr")) == pytest.approx(2.593343, abs=1e-6)
    assert worked.value(worked.key("roi")) == pytest.approx(1.593343, abs=1e-6)
    assert worked.value(worked.key("payback_year")) == 2
    assert worked.value(worked.key("avoided_cases")) == pytest.approx(10.575, rel=REL)
    assert worked.value(worked.key("break_even_cases")) == pytest.approx(4.077749, abs=1e-6)


def test_worked_example_by_actor(worked: Book) -> None:
    summary = openpyxl.load_workbook(worked.path)["Sammanfattning"]
    rows = {
        r[1].value: r[0].row for r in summary.iter_rows(max_col=2) if r[1].value in worked.calc.result.actors
    }
    hand = {
        "kommun.socialtjanst": 3_712_377,
        "kommun.utbildning": -1_737_681,
        "stat.forsakringskassan": 794_026,
    }
    for actor, row in rows.items():
        engine = worked.calc.result.base.by_actor[actor]
        pv_costs, pv_benefits, cashable, npv = (
            worked.value(worked.address("Sammanfattning", f"{col}{row}")) for col in "DEFG"
        )
        assert pv_costs == pytest.approx(engine.pv_costs, rel=REL, abs=1e-6)
        assert pv_benefits == pytest.approx(engine.pv_benefits, rel=REL, abs=1e-6)
        assert cashable == pytest.approx(engine.pv_benefits_cashable, rel=REL, abs=1e-6)
        assert npv == pytest.approx(engine.npv, rel=REL, abs=1e-6)
        assert abs(npv - hand[actor]) <= 1
    assert len(rows) == 3


def test_worked_example_yearly_rows(worked: Book) -> None:
    """Discount factors, the cumulative discounted net flow and avoided states, row by row."""
    base = worked.calc.result.base
    wb = openpyxl.load_workbook(worked.path)
    flows = wb["Flöden"]
    headers = {c.value: c.column_letter for c in flows[2] if c.value}
    cumulative = headers["Kumulativt diskonterat netto"]
    for t in range(worked.calc.model.horizon):
        row = 3 + t
        d = worked.value(worked.address("Flöden", f"C{row}"))
        assert d == pytest.approx(base.discount_factors[t], rel=REL)
        cum = worked.value(worked.address("Flöden", f"{cumulative}{row}"))
        assert cum == pytest.approx(base.cumulative_discounted_net_flow[t], rel=REL, abs=1e-6)
        for o, outcome in enumerate(base.outcomes):
            col = "CDEFGH"[o]
            avoided = worked.value(worked.address("Undvikna", f"{col}{row}"))
            assert avoided == pytest.approx(outcome.yearly[t], rel=REL, abs=1e-12)
    assert worked.value(worked.address("Flöden", f"{cumulative}3")) == pytest.approx(-1_100_000, abs=1e-6)
    assert worked.value(worked.address("Flöden", f"{cumulative}4")) == pytest.approx(-305_318, abs=1)
    assert worked.value(worked.address("Flöden", "C4")) == pytest.approx(0.966184, abs=1e-6)


def test_every_cached_result_is_what_the_formulas_give(stepped: Book) -> None:
    """Viewers that do not recalculate show the engine's numbers, and those equal the formulas'."""
    cached = openpyxl.load_workbook(stepped.path, data_only=True)
    compared = 0
    for address, cell in stepped.solution.items():
        if ":" in address:  # ranges repeat their cells
            continue
        value = cell.value[0, 0] if hasattr(cell, "value") else None
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        sheet, coordinate = address[len(stepped.prefix) :].split("'!")
        name = next(n for n in cached.sheetnames if n.upper() == sheet)
        stored = cached[name][coordinate].value
        assert isinstance(stored, int | float), address
        assert float(value) == pytest.approx(stored, rel=REL, abs=1e-6), address
        compared += 1
    assert compared > 500


@pytest.mark.parametrize(
    ("sheet", "coordinate", "new", "change"),
    [
        ("Antaganden", "B2", 0.2, lambda d: d.update(optimism_bias=0.2)),
        ("Utfall", "H3", 0.35, lambda d: d["outcomes"][1].update(effect=0.35)),
        ("Utfall", "H2", 0.5, lambda d: d["outcomes"][0].update(effect=0.5)),
        ("Utfall", "E2", 1, lambda d: d["outcomes"][0].update(lag=1)),
        ("Deltagare", "D3", 80, lambda d: d["participants"][1].update(count=80)),
        ("Kostnader", "F3", 700_000, lambda d: d["costs"][1].update(amount=700_000)),
        ("Antaganden", "C11", 0.05, None),  # r_2; the engine case is a stepped rate
    ],
)
def test_changing_an_input_recomputes_like_the_engine(
    worked: Book, sheet: str, coordinate: str, new: float, change: Any
) -> None:
    data = _worked_data()
    if change is None:
        data["discount_rate"] = {
            "steps": [{"from": 0, "rate": 0.035}, {"from": 2, "rate": 0.05}, {"from": 3, "rate": 0.035}]
        }
    else:
        change(data)
    expected = run(_scenario(data), draws=0, with_sensitivity=False).result.base
    got = worked.results(
        ["npv", "pv_costs", "pv_benefits", "payback_year"], {worked.address(sheet, coordinate): new}
    )
    assert got["npv"] == pytest.approx(expected.npv, rel=REL)
    assert got["pv_costs"] == pytest.approx(expected.pv_costs, rel=REL)
    assert got["pv_benefits"] == pytest.approx(expected.pv_benefits, rel=REL)
    assert got["payback_year"] == expected.payback_year
    assert not math.isclose(got["npv"], worked.calc.result.base.npv, rel_tol=1e-6)


def test_stepped_rate_per_case_and_per_year(stepped: Book) -> None:
    _check_against_engine(stepped)
    base = stepped.calc.result.base
    assert base.pv_benefits_non_cashable > 0 and base.pv_benefits_cashable > 0
    # A shared unit cost: changing it once changes both outcomes that use it.
    wb = openpyxl.load_workbook(stepped.path)
    units = wb["Enhetskostnader"]
    inputs = [
        r[5].coordinate
        for r in units.iter_rows(min_row=2)
        if r[2].value == "social_assistance_household_year"
    ]
    assert len(inputs) == 2 and str(units[inputs[1]].value).startswith("=")
    data = copy.deepcopy(STEPPED)
    data["cost_items"] = [
        {
            "id": "social_assistance_household_year",
            "name": "Ekonomiskt bistånd",
            "unit": "per_year",
            "price_year": 2020,
            "cost": {"kommun.socialtjanst": 90000},
            "transfer_to": "individ",  # as in the catalogue
        }
    ]
    data["version"] = 2
    data["optimism_bias"] = 0.25
    expected = run(_scenario(data), draws=0, with_sensitivity=False).result.base
    optimism = stepped.address("Antaganden", "B2")
    names = ["npv", "pv_benefits", "perspectives.municipality.npv", "perspectives.participants.npv"]
    got = stepped.results(names, {stepped.address("Enhetskostnader", inputs[0]): 90000, optimism: 0.25})
    assert got["npv"] == pytest.approx(expected.npv, rel=REL)
    assert got["pv_benefits"] == pytest.approx(expected.pv_benefits, rel=REL)
    # Social assistance is a transfer: the new amount moves the municipality's and
    # the participants' figures, not society's benefits.
    for name in ("municipality", "participants"):
        key = f"perspectives.{name}.npv"
        assert got[key] == pytest.approx(expected.perspectives[name].npv, rel=REL)


def test_openpyxl_reads_provenance_and_layout(worked: Book) -> None:
    wb = openpyxl.load_workbook(worked.path)
    expected = ["Sammanfattning", "Antaganden", "Kostnader", "Deltagare", "Utfall", "Enhetskostnader"]
    assert wb.sheetnames[:8] == [*expected, "Flöden", "Undvikna"]
    summary = wb["Sammanfattning"]
    texts = {c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)}
    result = worked.calc.result
    assert result.input_sha256 in texts
    assert ENGINE_VERSION in texts
    assert any("inte formler" in t for t in texts)
    assert any(t.startswith("Läs mig") for t in texts)
    assert str(summary[worked.keys["npv"]].value).startswith("=")
    optimism = wb["Antaganden"]["B2"]
    assert optimism.value == pytest.approx(0.1)
    assert optimism.fill.fgColor.rgb.endswith("FFF2CC")
    assert wb["Flöden"].freeze_panes == "D3"


def test_cli_writes_the_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "audit.xlsx"
    assert main(["calc", str(WORKED_EXAMPLE), "--format", "xlsx", "--output", str(out)]) == 0
    assert out.stat().st_size > 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Sammanfattning"


def test_cli_needs_output_for_xlsx(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", str(WORKED_EXAMPLE), "--format", "xlsx"]) == 2
    assert "--output" in capsys.readouterr().err


BENEFITS_ONLY: dict[str, Any] = {
    "name": "Benefits only",
    "price_year": 2024,
    "horizon": 3,
    "draws": 0,
    "participants": [{"year": 0, "count": 10}],
    "outcomes": [{"name": "A", "cost_item": "child_welfare_case", "baseline_risk": 0.5, "effect": 0.5}],
}
COSTS_ONLY: dict[str, Any] = {
    "name": "Costs only",
    "price_year": 2024,
    "horizon": 1,
    "draws": 0,
    "costs": [{"actor": "kommun.utbildning", "year": 0, "amount": 1000}],
}
EMPTY: dict[str, Any] = {"name": "Nothing", "price_year": 2024, "horizon": 2, "draws": 0}


@pytest.mark.parametrize("data", [BENEFITS_ONLY, COSTS_ONLY, EMPTY], ids=["benefits", "costs", "empty"])
def test_degenerate_scenarios(tmp_path: Path, data: dict[str, Any]) -> None:
    """No costs (bcr blank), no benefits (never paid back), nothing at all."""
    book = Book(run(_scenario(data), with_sensitivity=False), tmp_path / "edge.xlsx")
    base = book.calc.result.base
    for name in KEYS + MORE_KEYS:
        expected = getattr(base, name)
        got = book.value(book.key(name))
        if expected is None:
            assert got == "", name
        else:
            assert got == pytest.approx(expected, rel=REL, abs=1e-9), name


def test_cli_reports_an_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "missing-dir" / "audit.xlsx"
    assert main(["calc", str(WORKED_EXAMPLE), "--format", "xlsx", "--output", str(out), "--lang", "en"]) == 2
    assert "--output: cannot write" in capsys.readouterr().err
    assert not out.exists()


TRANSFERS_EXAMPLE = ROOT / "examples" / "worked-example-transfers.yaml"
PERSPECTIVE_KEYS = ["pv_costs", "pv_benefits", "npv", "bcr", "break_even_cases"]


@pytest.fixture(scope="module")
def transfers(tmp_path_factory: pytest.TempPathFactory) -> Book:
    data = yaml.safe_load(TRANSFERS_EXAMPLE.read_text(encoding="utf-8"))
    return Book(run(_scenario(data)), tmp_path_factory.mktemp("xlsx") / "transfers.xlsx")


@pytest.mark.parametrize("fixture", ["worked", "stepped", "transfers"])
def test_each_perspective_recomputes_to_the_engine(fixture: str, request: pytest.FixtureRequest) -> None:
    book: Book = request.getfixturevalue(fixture)
    _check_against_engine(book)
    views = book.calc.result.base.perspectives
    assert views
    for name, view in views.items():
        for field in PERSPECTIVE_KEYS:
            got = book.value(book.key(f"perspectives.{name}.{field}"))
            expected = getattr(view, field)
            if expected is None:
                assert got in ("", None) or (isinstance(got, float) and math.isnan(got)), (name, field, got)
            else:
                assert got == pytest.approx(expected, rel=REL, abs=1e-6), (name, field)


def test_transfers_workbook_by_hand_and_with_another_public_funds_factor(transfers: Book) -> None:
    """docs/worked-example.md, part 2: the perspectives to the krona; λ is a live input."""
    hand = {"municipality": 1_974_696, "public_sector": 2_768_722, "participants": -2_382_077}
    for name, npv in hand.items():
        assert abs(transfers.value(transfers.key(f"perspectives.{name}.npv")) - npv) <= 1
    assert abs(transfers.value(transfers.key("perspectives.society.npv")) - 386_645) <= 1
    assert abs(transfers.value(transfers.key("npv")) - 386_645) <= 1
    assert abs(transfers.value(transfers.key("perspectives.society_public_funds.npv")) - 1_217_261) <= 1
    # λ = 1.5: society + 0.5 × public sector.
    got = transfers.results(
        ["perspectives.society_public_funds.npv"], {transfers.key("public_funds_factor"): 1.5}
    )
    society = transfers.calc.result.base.perspectives["society"].npv
    public = transfers.calc.result.base.perspectives["public_sector"].npv
    assert got["perspectives.society_public_funds.npv"] == pytest.approx(society + 0.5 * public, rel=REL)


def test_monte_carlo_by_perspective_is_in_the_workbook_once(stepped: Book) -> None:
    summary = openpyxl.load_workbook(stepped.path, data_only=True)["Sammanfattning"]
    heads = [r[0].row for r in summary.iter_rows(max_col=1) if r[0].value == "Perspektiv"]
    assert len(heads) == 1
    mc = stepped.calc.result.monte_carlo
    assert mc is not None
    rows = {
        r[0].value: r[1].value
        for r in summary.iter_rows(min_row=heads[0] + 1, max_row=heads[0] + len(mc.by_perspective), max_col=2)
    }
    assert rows["Kommunen"] == pytest.approx(mc.by_perspective["municipality"].npv.mean)
    assert rows["Samhället"] == pytest.approx(mc.npv.mean)
