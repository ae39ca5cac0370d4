"""The year-end statement (årsbokslut) of a fund as XLSX and as CSV.

Takes the pure :class:`~socialinvest.finance.statement.YearEndStatement` (and,
for the XLSX, the year's journal entries as plain :class:`EntryRow`); no database.

XLSX sheets: *Sammanfattning* (the fund: balance, earmarked-equity movement,
investments outstanding, corrections shown as such), *Per investering*,
*Per enhet*, *Per part* (a multi-party fund's parties; a note otherwise) and
*Verifikationer* (every entry of the year).  Amounts are numbers (not text) in
kronor with two decimals, so a spreadsheet can sum them.

Every breakdown adds up to the fund: per investment and per unit the last row
before *Summa* is the explicit rest, *Ej fördelat (fondkapital)* (capital
injections and other movements without an investment or unit), so each column's
*Summa* is the fund's figure.  Per unit there are no investments-outstanding
columns: investments belong to applications, a unit pays or repays.

CSV: one table — the fund, then each investment and the rest, each unit and the
rest, each party; a unit's investments-outstanding cells are empty.

Headers, sheet names and labels go through gettext: Swedish by default, English
when the active language is English.

By default the CSV is written the way **Swedish Excel** expects to open a file by
double-click: ``;`` between fields, decimal comma (``1234567,89``, no thousands
separator) and a UTF-8 byte-order mark so å, ä and ö survive.  ``swedish_excel=False``
gives plain CSV instead: ``,`` between fields, decimal point, no BOM.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from socialinvest.finance.statement import UNALLOCATED, Block, YearEndStatement
from socialinvest.reports.csv_export import write_csv

__all__ = [
    "EntryRow",
    "block_headers",
    "csv_headers",
    "sheet_names",
    "statement_csv",
    "statement_xlsx",
    "table_csv",
]

MONEY_FORMAT = "#,##0.00;-#,##0.00"


@dataclass(frozen=True)
class EntryRow:
    """One journal entry of the year, for the *Verifikationer* sheet."""

    number: int
    entry_date: dt.date
    budget_year: int
    kind: str
    description: str
    amount: Decimal
    reverses: int | None = None
    application: str = ""
    unit: str = ""
    party: str = ""
    posted_by: str = ""


def block_headers() -> list[str]:
    """The figures of an investment's or party's block (and of the fund's), in the active language."""
    return [
        _("Ingående saldo (kr)"),
        _("Kapitaltillskott (kr)"),
        _("Utbetalt (kr)"),
        _("Återfört kapital (kr)"),
        _("Avkastning (kr)"),
        _("Utgående saldo (kr)"),
        _("Ingående utestående investeringar (kr)"),
        _("Nedskrivet (kr)"),
        _("Utgående utestående investeringar (kr)"),
        _("Varav rättelser, kassa (kr)"),
        _("Varav rättelser, investeringar (kr)"),
    ]


UNIT_COLUMNS = (0, 1, 2, 3, 4, 5, 9)
"""A unit's figures: no investments outstanding (they belong to applications), no write-off."""


def csv_headers() -> list[str]:
    return [_("År"), _("Nivå"), _("Namn"), *block_headers()]


def _label(b: Block) -> str:
    return _("Ej fördelat (fondkapital)") if b.label == UNALLOCATED else b.label


def _figures(b: Block) -> list[Decimal]:
    n = b.net
    return [
        b.opening_balance,
        n.capital,
        n.paid,
        n.repaid,
        n.returned,
        b.closing_balance,
        b.opening_investments,
        n.written_off,
        b.closing_investments,
        b.corrections.cash,
        b.corrections.investments,
    ]


def _unit_figures(b: Block) -> list[Decimal | str]:
    """The unit's figures in the CSV's columns; the investments-outstanding cells empty."""
    f = _figures(b)
    return [f[i] if i in UNIT_COLUMNS else "" for i in range(len(f))]


def table_csv(headers: Sequence[str], rows: Iterable[Sequence[object]], *, swedish_excel: bool = True) -> str:
    """Any table as CSV in one of the two dialects: :func:`socialinvest.reports.csv_export.write_csv`."""
    return write_csv(headers, rows, swedish_excel=swedish_excel)


def statement_csv(statement: YearEndStatement, *, swedish_excel: bool = True) -> str:
    """The statement as one CSV table: the fund, each investment and the rest, each unit and the
    rest, each party (see the module docstring)."""
    s = statement
    rows: list[list[object]] = [[s.year, _("Fond"), _("Fonden"), *_figures(s.fund)]]
    rows += [[s.year, _("Investering"), _label(b), *_figures(b)] for b in s.investment_rows]
    rows += [[s.year, _("Enhet"), _label(b), *_unit_figures(b)] for b in s.unit_rows]
    rows += [[s.year, _("Part"), b.label, *_figures(b)] for b in s.parties]
    return table_csv(csv_headers(), rows, swedish_excel=swedish_excel)


class _Sheet:
    def __init__(self, wb: Workbook, name: str, formats: dict[str, Any]) -> None:
        self.ws: Worksheet = wb.add_worksheet(name)
        self.f = formats
        self.row = 0

    def title(self, text: str) -> None:
        self.ws.write_string(self.row, 0, text, self.f["title"])
        self.row += 2

    def text(self, text: str, fmt: str | None = None) -> None:
        self.ws.write_string(self.row, 0, text, self.f[fmt] if fmt else None)
        self.row += 1

    def pair(self, label: str, value: Decimal, bold: bool = False) -> None:
        self.ws.write_string(self.row, 0, label, self.f["bold"] if bold else None)
        self.ws.write_number(self.row, 1, float(value), self.f["money_bold" if bold else "money"])
        self.row += 1

    def table(self, headers: list[str], rows: Sequence[Sequence[object]]) -> None:
        for col, h in enumerate(headers):
            self.ws.write_string(self.row, col, h, self.f["header"])
        self.row += 1
        for r in rows:
            for col, v in enumerate(r):
                if isinstance(v, Decimal):
                    self.ws.write_number(self.row, col, float(v), self.f["money"])
                elif isinstance(v, int):
                    self.ws.write_number(self.row, col, v)
                elif isinstance(v, dt.date):
                    self.ws.write_datetime(self.row, col, dt.datetime(v.year, v.month, v.day), self.f["date"])
                else:
                    self.ws.write_string(self.row, col, "" if v is None else str(v))
            self.row += 1


def _summary(sh: _Sheet, s: YearEndStatement, fund_name: str) -> None:
    f = s.fund
    g, c, n = f.gross, f.corrections, f.net
    sh.title(_("Årsbokslut %(year)s – %(fund)s") % {"year": s.year, "fund": fund_name})
    sh.text(_("Fondens kassa (= öronmärkt eget kapital i den externa redovisningen)"), "section")
    sh.pair(_("Ingående saldo"), f.opening_balance, bold=True)
    sh.pair(_("Kapitaltillskott"), n.capital)
    sh.pair(_("Utbetalt till investeringar"), -n.paid)
    sh.pair(_("Återfört kapital"), n.repaid)
    sh.pair(_("Avkastning"), n.returned)
    sh.pair(_("Utgående saldo"), f.closing_balance, bold=True)
    sh.row += 1
    sh.text(_("Öronmärkt eget kapital (extern redovisning)"), "section")
    sh.pair(_("Ingående öronmärkt eget kapital"), f.opening_equity, bold=True)
    sh.pair(_("+ Kapitaltillskott"), n.capital)
    sh.pair(_("− Kostnader (utbetalningar kostnadsförs det år de betalas)"), -f.costs)
    sh.pair(_("+ Återföring (ramminskningar, inklusive avkastning)"), n.repayments)
    sh.pair(_("Utgående öronmärkt eget kapital"), f.closing_equity, bold=True)
    sh.row += 1
    sh.text(_("Utestående sociala investeringar (intern redovisning)"), "section")
    sh.pair(_("Ingående restvärde"), f.opening_investments, bold=True)
    sh.pair(_("+ Utbetalt"), n.paid)
    sh.pair(_("− Återfört kapital"), -n.repaid)
    sh.pair(_("− Nedskrivet"), -n.written_off)
    sh.pair(_("Utgående restvärde"), f.closing_investments, bold=True)
    sh.row += 1
    sh.text(_("Rättelser redovisas för sig: ursprungliga verifikationer, rättelser och netto."), "section")
    sh.table(
        [_("Rörelse"), _("Ursprungliga (kr)"), _("Rättelser (kr)"), _("Netto (kr)")],
        [
            (_("Kapitaltillskott"), g.capital, c.capital, n.capital),
            (_("Utbetalt"), g.paid, c.paid, n.paid),
            (_("Återfört kapital"), g.repaid, c.repaid, n.repaid),
            (_("Avkastning"), g.returned, c.returned, n.returned),
            (_("Nedskrivet"), g.written_off, c.written_off, n.written_off),
        ],
    )
    sh.ws.set_column(0, 0, 58)
    sh.ws.set_column(1, 3, 18)


def _blocks(
    sh: _Sheet,
    title: str,
    label: str,
    blocks: Sequence[Block],
    year: int,
    columns: Sequence[int] | None = None,
) -> None:
    """One breakdown: a row per block (the rest included), then *Summa* — the fund's figures."""
    headers = block_headers()
    cols = list(columns) if columns is not None else list(range(len(headers)))
    sh.title(f"{title} {year}")
    figures = [[fig[i] for i in cols] for fig in (_figures(b) for b in blocks)]
    sh.table(
        [label, *(headers[i] for i in cols)], [[_label(b), *f] for b, f in zip(blocks, figures, strict=True)]
    )
    if blocks:
        totals = [sum((f[i] for f in figures), Decimal(0)) for i in range(len(cols))]
        for col, v in enumerate(totals, start=1):
            sh.ws.write_number(sh.row, col, float(v), sh.f["money_bold"])
        sh.ws.write_string(sh.row, 0, _("Summa"), sh.f["bold"])
        sh.row += 1
    sh.ws.set_column(0, 0, 40)
    sh.ws.set_column(1, len(cols), 17)


def sheet_names() -> list[str]:
    """The workbook's sheets, in the active language."""
    return [_("Sammanfattning"), _("Per investering"), _("Per enhet"), _("Per part"), _("Verifikationer")]


def statement_xlsx(statement: YearEndStatement, *, fund_name: str, entries: Sequence[EntryRow] = ()) -> bytes:
    """The statement as an XLSX workbook (bytes); see the module docstring for the sheets."""
    buffer = io.BytesIO()
    wb = Workbook(buffer, {"in_memory": True})
    formats: dict[str, Any] = {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "section": wb.add_format({"bold": True, "font_size": 12}),
        "header": wb.add_format({"bold": True, "bg_color": "#D9E1F2", "text_wrap": True, "valign": "top"}),
        "bold": wb.add_format({"bold": True}),
        "money": wb.add_format({"num_format": MONEY_FORMAT}),
        "money_bold": wb.add_format({"num_format": MONEY_FORMAT, "bold": True}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
    }
    summary, investments, units, parties_name, entries_name = sheet_names()
    year = statement.year
    _summary(_Sheet(wb, summary, formats), statement, fund_name)
    _blocks(_Sheet(wb, investments, formats), investments, _("Investering"), statement.investment_rows, year)
    _blocks(_Sheet(wb, units, formats), units, _("Enhet"), statement.unit_rows, year, UNIT_COLUMNS)
    parties = _Sheet(wb, parties_name, formats)
    if statement.parties:
        _blocks(parties, parties_name, _("Part"), statement.parties, year)
    else:
        parties.title(f"{parties_name} {year}")
        parties.text(_("Fonden har en ägare; ingen fördelning på parter."))
    sheet = _Sheet(wb, entries_name, formats)
    sheet.title(f"{entries_name} {year}")
    sheet.table(
        [
            _("Nr"),
            _("Bokföringsdag"),
            _("Budgetår"),
            _("Typ"),
            _("Beskrivning"),
            _("Belopp (kr)"),
            _("Rättar nr"),
            _("Investering"),
            _("Enhet"),
            _("Part"),
            _("Bokförd av"),
        ],
        [
            (
                e.number,
                e.entry_date,
                e.budget_year,
                e.kind,
                e.description,
                e.amount,
                e.reverses if e.reverses is not None else "",
                e.application,
                e.unit,
                e.party,
                e.posted_by,
            )
            for e in entries
        ],
    )
    sheet.ws.set_column(1, 1, 13)
    sheet.ws.set_column(3, 4, 30)
    sheet.ws.set_column(5, 5, 16)
    sheet.ws.set_column(7, 10, 24)
    wb.close()
    return buffer.getvalue()
