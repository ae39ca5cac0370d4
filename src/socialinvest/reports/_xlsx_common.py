"""Shared pieces of the audit workbook: sheet names, cell formats, references, layout."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from socialinvest.engine.distributions import AnyDist

SUMMARY = "Sammanfattning"
ASSUMPTIONS = "Antaganden"
COSTS = "Kostnader"
COHORTS = "Deltagare"
OUTCOMES = "Utfall"
UNIT_COSTS = "Enhetskostnader"
FLOWS = "Flöden"
AVOIDED = "Undvikna"
PARAMETERS = "Parametrar"
SHEET_ORDER = (SUMMARY, ASSUMPTIONS, COSTS, COHORTS, OUTCOMES, UNIT_COSTS, FLOWS, AVOIDED, PARAMETERS)

PAYBACK_TOLERANCE = 1e-3
"""Cumulative discounted net flows above −0.001 kr count as paid back (as in the engine)."""

NUMBER_FORMATS = {
    "text": None,
    "sek": "#,##0;-#,##0",  # shown as "# ##0" with a Swedish locale
    "pct": "0.0##%",
    "factor": "0.000000",
    "ratio": "0.0000",
    "cases": "#,##0.0000",
    "count": "General",
    "int": "0",
}

INPUT_FILL = "#FFF2CC"
INPUT_FONT = "#1F4E79"


class Formats:
    """Cell formats, created once per workbook: ``fmt("sek", input=True)``."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self._cache: dict[tuple[str, bool, bool], Any] = {}
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.section = workbook.add_format({"bold": True, "font_size": 12, "bottom": 1})
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "text_wrap": True, "valign": "top", "bottom": 1}
        )
        self.note = workbook.add_format(
            {"text_wrap": True, "valign": "top", "border": 1, "bg_color": "#F2F2F2"}
        )
        self.muted = workbook.add_format({"italic": True, "font_color": "#7F7F7F"})

    def fmt(self, kind: str, input: bool = False, bold: bool = False) -> Any:
        key = (kind, input, bold)
        if key not in self._cache:
            props: dict[str, Any] = {}
            number = NUMBER_FORMATS[kind]
            if number is not None:
                props["num_format"] = number
            if input:
                props.update({"bg_color": INPUT_FILL, "font_color": INPUT_FONT, "border": 1})
                props["border_color"] = "#BFBFBF"
            if bold:
                props["bold"] = True
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]


def cell(row: int, col: int, absolute: bool = False) -> str:
    """A1 reference of a zero-based row and column."""
    text: str = xl_rowcol_to_cell(row, col, absolute, absolute)
    return text


def ref(sheet: str, row: int, col: int) -> str:
    """Absolute reference to a cell of another sheet: ``'Flöden'!$C$3``."""
    return f"'{sheet}'!{xl_rowcol_to_cell(row, col, True, True)}"


def col_range(sheet: str, col: int, first: int, last: int) -> str:
    """Absolute reference to rows ``first..last`` (zero-based, inclusive) of one column."""
    name = xl_col_to_name(col, True)
    return f"'{sheet}'!{name}${first + 1}:{name}${last + 1}"


def local_range(col: int, first: int, last: int) -> str:
    """Absolute reference to a column range on the same sheet."""
    name = xl_col_to_name(col, True)
    return f"{name}${first + 1}:{name}${last + 1}"


def number_text(value: float) -> str:
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def describe(dist: AnyDist) -> str:
    """A distribution as text: ``fast värde`` or ``triangular(low=…, mode=…, high=…)``."""
    data = dist.model_dump()
    kind = data.pop("dist", "fixed")
    if kind == "fixed":
        return "fast värde"
    args = ", ".join(f"{k}={number_text(v)}" for k, v in data.items() if isinstance(v, int | float))
    return f"{kind}({args}); medelvärdet {number_text(dist.mean())} används"


def write_headers(ws: Worksheet, row: int, headers: list[str], fmt: Any) -> None:
    for col, text in enumerate(headers):
        ws.write_string(row, col, text, fmt)


@dataclass
class OutcomeRefs:
    """Where one outcome's parameters and derived figures sit on the Utfall sheet."""

    per_year: bool
    lag: str
    duration: str
    persistence: str
    share: str  # avoided per participant
    total: str  # avoided cases in total
    share_value: float


@dataclass
class UnitRow:
    """One row of Enhetskostnader: one actor's unit cost of one outcome."""

    outcome: int
    actor: int
    unit_cost: str  # unit cost in the scenario's price year (unit × factor)
    cashable: str
    unit_value: float
    cashable_value: bool
    receiver: int = -1  # a transfer's receiving actor; -1 for a resource


@dataclass
class Layout:
    """References the formula sheets need, filled in as the input sheets are written."""

    optimism: str = ""
    start_year: str = ""
    rates: list[str] = field(default_factory=list)  # r_t, t = 0..H-1
    cost_actor_range: str = ""
    cost_year_range: str = ""
    cost_amount_range: str = ""
    cohorts: list[tuple[str, str]] = field(default_factory=list)  # (year, count)
    outcomes: list[OutcomeRefs] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    params: dict[int, str] = field(default_factory=dict)  # parameter index → its input cell
    # Flöden / Undvikna, filled by the flow sheets
    first_row: int = 2
    discount_range: str = ""
    actor_costs: list[str] = field(default_factory=list)
    actor_benefits: list[str] = field(default_factory=list)
    actor_cashable: list[str] = field(default_factory=list)
    total_costs: str = ""
    total_benefits: str = ""
    total_cashable: str = ""
    last_cumulative: str = ""
    unpaid_range: str = ""
