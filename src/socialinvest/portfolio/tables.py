"""A report as tables: one description serves the page, the PDF and the XLSX beside it.

A :class:`Table` holds raw values (``Decimal`` kronor, ``float`` present values, dates,
text) and says how each column reads (:data:`KINDS`); the templates format cells with
the ``cell`` filter, the workbook writes the raw value with a number format.  So every
figure in the PDF is the figure on the page, and the XLSX holds the unrounded value.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from socialinvest.applications.calculation_results import perspective_label
from socialinvest.core import formatting

from .gains import shown_perspectives

KINDS = ("text", "kr", "mkr", "pct", "date", "int", "score")


@dataclass
class Column:
    label: str
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "date")


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    empty: str = ""
    total: list[Any] | None = None


def cell(value: Any, kind: str) -> str:
    """A value as the page and the PDF show it."""
    if value is None or value == "":
        return "–"
    if kind == "kr":
        return formatting.kronor(value)
    if kind == "mkr":
        return formatting.millions(value)
    if kind == "pct":
        return formatting.percent(float(value))
    if kind == "int":
        return formatting.number(float(value))
    if kind == "score":
        return formatting.number(float(value), 1)
    if kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_XLSX_FORMATS = {
    "kr": "#,##0",
    "mkr": "#,##0",
    "pct": "0.0%",
    "int": "0",
    "score": "0.0",
    "date": "yyyy-mm-dd",
}


def perspective_tables(
    result: dict[str, Any], headline: str, key: str, title: str, uncertainty_title: str
) -> tuple[Table, Table]:
    """A calculation's figures with one column per perspective the owners see (the fund's
    headline, society beside it, the public sector), and P(NPV > 0) the same way.

    A result stored before the engine had perspectives has one column: society's (its totals).
    """
    base = result["base"]
    views = base.get("perspectives") or {}
    mc = result.get("monte_carlo") or {}
    mc_views = mc.get("by_perspective") or {}
    keys = [k for k in shown_perspectives(headline) if k in views] or ["society"]

    def column(k: str) -> tuple[dict[str, Any], dict[str, Any]]:
        if k in views:
            return views[k], mc_views.get(k) or {}
        return base, mc  # society's are the totals

    labels = []
    for k in keys:
        label = perspective_label(k)
        labels.append(_("%(who)s (huvudperspektiv)") % {"who": label} if k == headline else label)
    cols = [column(k) for k in keys]
    figures = Table(
        f"calc-{key}",
        title,
        [Column(_("Mått")), *(Column(label, "mkr") for label in labels)],
        [
            [_("Nuvärde av kostnader"), *(v["pv_costs"] for v, _m in cols)],
            [_("Nuvärde av nyttor"), *(v["pv_benefits"] for v, _m in cols)],
            [_("Nettonuvärde"), *(v["npv"] for v, _m in cols)],
            [_("Nettonuvärde, 5:e percentilen"), *((m.get("npv") or {}).get("p5") for _v, m in cols)],
            [_("Nettonuvärde, 95:e percentilen"), *((m.get("npv") or {}).get("p95") for _v, m in cols)],
        ],
    )
    probability = Table(
        f"prob-{key}",
        uncertainty_title,
        [Column(_("Mått")), *(Column(label, "pct") for label in labels)],
        [
            [
                _("Sannolikhet för positivt nettonuvärde"),
                *(m.get("probability_positive_npv") for _v, m in cols),
            ]
        ],
    )
    return figures, probability


def workbook(title: str, tables: list[Table], notes: list[str] | None = None) -> bytes:
    """One sheet per table (name cut to Excel's 31 characters), raw values with number formats."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "default_date_format": "yyyy-mm-dd"})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "bottom": 1, "text_wrap": True})
    formats = {k: book.add_format({"num_format": v}) for k, v in _XLSX_FORMATS.items()}
    used: set[str] = set()
    for table in tables:
        name = _sheet_name(table.title, used)
        sheet = book.add_worksheet(name)
        sheet.write(0, 0, title, bold)
        sheet.write(1, 0, table.title, bold)
        for c, col in enumerate(table.columns):
            sheet.write(3, c, col.label, head)
            sheet.set_column(c, c, 14 if col.numeric else 36)
        rows = [*table.rows, *([table.total] if table.total else [])]
        for r, row in enumerate(rows, start=4):
            for c, (value, col) in enumerate(zip(row, table.columns, strict=True)):
                _write(sheet, r, c, value, formats.get(col.kind))
        if not table.rows and table.empty:
            sheet.write(4, 0, table.empty)
    if notes:
        sheet = book.add_worksheet(_sheet_name("Notes", used))
        for r, note in enumerate(notes):
            sheet.write(r, 0, note)
    book.close()
    return out.getvalue()


def _write(sheet: Any, r: int, c: int, value: Any, fmt: Any) -> None:
    if value is None:
        sheet.write_blank(r, c, None)
    elif isinstance(value, bool):
        sheet.write_string(r, c, str(value))
    elif isinstance(value, Decimal | int | float):
        sheet.write_number(r, c, float(value), fmt)
    elif isinstance(value, dt.date):
        sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt)
    else:
        text = str(value)
        # A text cell is never a formula: one starting with = + - @ is written as text as it is.
        sheet.write_string(r, c, text)


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    name, k = base, 2
    while name.lower() in used:
        name, k = f"{base[:26]} {k}", k + 1
    used.add(name.lower())
    return name
