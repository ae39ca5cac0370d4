"""The audit workbook: a calculation as an Excel file an economist can check and change.

``write_audit_workbook(calc, path)`` writes the scenario's inputs (yellow cells,
at their base values), the avoided states and the flows per actor and year, and
the present values as live formulas that follow the engine's semantics:

* ``D_0 = 1``, ``D_t = D_{t−1} / (1 + r_t)``;
* cost to an actor in year ``t`` = Σ cost lines × (1 + optimism bias);
* benefit = avoided person-years or cases × unit cost × price-index factor;
* years past the horizon are dropped;
* ``pv = SUMPRODUCT(D, flow)``, ``npv``, ``bcr``, ``roi``, payback year,
  avoided cases and break-even cases.

Each formula also carries the engine's number as its cached result, so viewers
that do not recalculate show the right figures.  Monte Carlo and sensitivity
results are copied as values (labelled as such).

Sheets: Sammanfattning, Antaganden, Kostnader, Deltagare, Utfall,
Enhetskostnader, Flöden, Undvikna, Parametrar.
"""

from __future__ import annotations

import io
from os import PathLike
from pathlib import Path

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from socialinvest.engine.calculate import Calculation

from ._xlsx_common import (
    ASSUMPTIONS,
    AVOIDED,
    COHORTS,
    COSTS,
    FLOWS,
    OUTCOMES,
    PARAMETERS,
    SHEET_ORDER,
    SUMMARY,
    UNIT_COSTS,
    Formats,
    Layout,
    describe,
    write_headers,
)
from ._xlsx_flows import write_avoided, write_flows
from ._xlsx_inputs import (
    write_assumptions,
    write_cohorts,
    write_costs,
    write_outcomes,
    write_unit_costs,
)
from ._xlsx_summary import write_summary

__all__ = ["write_audit_workbook"]


def write_audit_workbook(calc: Calculation, path: str | PathLike[str]) -> None:
    """Write the audit workbook of a calculation to ``path`` (``.xlsx``).

    Parameters
    ----------
    calc : Calculation
        From :func:`socialinvest.engine.calculate.run`.
    path : str or path-like
        The file to write; an existing file is replaced.

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    # Built in memory and written in one go: no half-written file when something
    # fails, and a plain OSError (not XlsxWriter's FileCreateError) when the path is bad.
    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"in_memory": True})
    try:
        _fill(workbook, calc)
    finally:
        workbook.close()
    Path(path).write_bytes(buffer.getvalue())


def _fill(workbook: Workbook, calc: Calculation) -> None:
    result, model = calc.result, calc.model
    workbook.set_properties(
        {
            "title": f"Socialinvest – {result.name}",
            "subject": "Granskningsunderlag (audit workbook)",
            "comments": (
                f"engine {result.engine_version}; catalogue {result.catalogue_version}; "
                f"input sha256 {result.input_sha256}"
            ),
        }
    )
    sheets = {name: workbook.add_worksheet(name) for name in SHEET_ORDER}
    f = Formats(workbook)
    layout = Layout()
    # Inputs first (they record where each parameter sits), then the formula sheets.
    write_assumptions(sheets[ASSUMPTIONS], model, f, layout)
    write_costs(sheets[COSTS], model, f, layout)
    write_cohorts(sheets[COHORTS], model, f, layout)
    write_outcomes(sheets[OUTCOMES], model, f, layout)
    write_unit_costs(sheets[UNIT_COSTS], model, f, layout)
    write_avoided(sheets[AVOIDED], calc, f, layout)
    write_flows(sheets[FLOWS], calc, f, layout)
    write_summary(sheets[SUMMARY], calc, f, layout)
    write_parameters(sheets[PARAMETERS], calc, f, layout)


def write_parameters(ws: Worksheet, calc: Calculation, f: Formats, layout: Layout) -> None:
    """Every parameter of the compiled model, its distribution and where its input cell is."""
    headers = ["Parameter", "Beskrivning", "Fördelning", "Grundvärde (medelvärde)", "Osäker", "Indatacell"]
    write_headers(ws, 0, headers, f.header)
    for i, p in enumerate(calc.model.parameters):
        row = 1 + i
        ws.write_string(row, 0, p.path)
        ws.write_string(row, 1, p.label)
        ws.write_string(row, 2, describe(p.dist))
        ws.write_number(row, 3, p.base, f.fmt("count"))
        ws.write_string(row, 4, "ja" if p.uncertain else "nej")
        where = layout.params.get(i)
        if where:
            ws.write_url(row, 5, "internal:" + where.replace("$", ""), string=where)
        else:
            ws.write_string(row, 5, "används inte (per_case-utfall)", f.muted)
    ws.write_string(
        len(calc.model.parameters) + 2,
        0,
        "Monte Carlo drar varje parameter ur sin fördelning; arbetsboken visar grundfallet (medelvärdena).",
        f.muted,
    )
    for col, width in enumerate([34, 50, 50, 20, 8, 26]):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
