"""The year-end statement (årsbokslut) of a fund as XLSX and as CSV.

Takes the pure :class:`~socialinvest.finance.statement.YearEndStatement` (and,
for the XLSX, the year's journal entries as plain :class:`EntryRow`); no database.

XLSX sheets: *Sammanfattning* (the fund: balance, earmarked-equity movement,
investments outstanding, corrections shown as such), *Per investering*,
*Per enhet*, *Per part* (a multi-party fund's parties; a note otherwise) and
*Verifikationer* (every entry of the year).  Amounts are numbers (not text) in
kronor with two decimals, so a spreadsheet can sum them.

CSV: one table — the fund, then each investment, unit and party — with Swedish
headers.  By default it is written the way **Swedish Excel** expects to open a file
by double-click: ``;`` between fields, decimal comma (``1234567,89``, no thousands
separator) and a UTF-8 byte-order mark so å, ä and ö survive.  ``swedish_excel=False``
gives plain CSV instead: ``,`` between fields, decimal point, no BOM.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from socialinvest.finance.statement import Block, YearEndStatement

__all__ = ["CSV_HEADERS", "EntryRow", "statement_csv", "statement_xlsx", "table_csv"]

SUMMARY = "Sammanfattning"
INVESTMENTS = "Per investering"
UNITS = "Per enhet"
PARTIES = "Per part"
ENTRIES = "Verifikationer"

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


BLOCK_HEADERS = [
    "Ingående saldo (kr)",
    "Kapitaltillskott (kr)",
    "Utbetalt (kr)",
    "Återfört kapital (kr)",
    "Avkastning (kr)",
    "Utgående saldo (kr)",
    "Ingående utestående investeringar (kr)",
    "Nedskrivet (kr)",
    "Utgående utestående investeringar (kr)",
    "Varav rättelser, kassa (kr)",
    "Varav rättelser, investeringar (kr)",
]
CSV_HEADERS = ["År", "Nivå", "Namn", *BLOCK_HEADERS]


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


def _levels(s: YearEndStatement) -> list[tuple[str, Block]]:
    return [
        ("Fond", s.fund),
        *(("Investering", b) for b in s.investments),
        *(("Enhet", b) for b in s.units),
        *(("Part", b) for b in s.parties),
    ]


def table_csv(headers: Sequence[str], rows: Iterable[Sequence[object]], *, swedish_excel: bool = True) -> str:
    """Any table as CSV in one of the two dialects (see the module docstring).

    ``Decimal`` cells are written with two decimals (decimal comma for Swedish
    Excel); other cells as text.  Returns text: encode it as UTF-8.  With
    ``swedish_excel`` it starts with a byte-order mark.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if swedish_excel else ",", lineterminator="\r\n")
    writer.writerow(headers)

    def cell(v: object) -> object:
        if isinstance(v, Decimal):
            text = f"{v:.2f}"
            return text.replace(".", ",") if swedish_excel else text
        return v

    for row in rows:
        writer.writerow([cell(v) for v in row])
    return ("\ufeff" if swedish_excel else "") + out.getvalue()


def statement_csv(statement: YearEndStatement, *, swedish_excel: bool = True) -> str:
    """The statement as one CSV table: a row for the fund, each investment, unit and party."""
    rows = ([statement.year, level, b.label, *_figures(b)] for level, b in _levels(statement))
    return table_csv(CSV_HEADERS, rows, swedish_excel=swedish_excel)


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
    sh.title(f"Årsbokslut {s.year} – {fund_name}")
    sh.text("Fondens kassa (= öronmärkt eget kapital i den externa redovisningen)", "section")
    sh.pair("Ingående saldo", f.opening_balance, bold=True)
    sh.pair("Kapitaltillskott", n.capital)
    sh.pair("Utbetalt till investeringar", -n.paid)
    sh.pair("Återfört kapital", n.repaid)
    sh.pair("Avkastning", n.returned)
    sh.pair("Utgående saldo", f.closing_balance, bold=True)
    sh.row += 1
    sh.text("Öronmärkt eget kapital (extern redovisning)", "section")
    sh.pair("Ingående öronmärkt eget kapital", f.opening_equity, bold=True)
    sh.pair("+ Kapitaltillskott", n.capital)
    sh.pair("− Kostnader (utbetalningar kostnadsförs det år de betalas)", -f.costs)
    sh.pair("+ Återföring (ramminskningar, inklusive avkastning)", n.repayments)
    sh.pair("Utgående öronmärkt eget kapital", f.closing_equity, bold=True)
    sh.row += 1
    sh.text("Utestående sociala investeringar (intern redovisning)", "section")
    sh.pair("Ingående restvärde", f.opening_investments, bold=True)
    sh.pair("+ Utbetalt", n.paid)
    sh.pair("− Återfört kapital", -n.repaid)
    sh.pair("− Nedskrivet", -n.written_off)
    sh.pair("Utgående restvärde", f.closing_investments, bold=True)
    sh.row += 1
    sh.text("Rättelser redovisas för sig: ursprungliga verifikationer, rättelser och netto.", "section")
    sh.table(
        ["Rörelse", "Ursprungliga (kr)", "Rättelser (kr)", "Netto (kr)"],
        [
            ("Kapitaltillskott", g.capital, c.capital, n.capital),
            ("Utbetalt", g.paid, c.paid, n.paid),
            ("Återfört kapital", g.repaid, c.repaid, n.repaid),
            ("Avkastning", g.returned, c.returned, n.returned),
            ("Nedskrivet", g.written_off, c.written_off, n.written_off),
        ],
    )
    sh.ws.set_column(0, 0, 58)
    sh.ws.set_column(1, 3, 18)


def _blocks(sh: _Sheet, title: str, label: str, blocks: Sequence[Block], year: int) -> None:
    sh.title(f"{title} {year}")
    figures = [_figures(b) for b in blocks]
    sh.table([label, *BLOCK_HEADERS], [[b.label, *f] for b, f in zip(blocks, figures, strict=True)])
    if blocks:
        totals = [sum((f[i] for f in figures), Decimal(0)) for i in range(len(BLOCK_HEADERS))]
        for col, v in enumerate(totals, start=1):
            sh.ws.write_number(sh.row, col, float(v), sh.f["money_bold"])
        sh.ws.write_string(sh.row, 0, "Summa", sh.f["bold"])
        sh.row += 1
    sh.ws.set_column(0, 0, 40)
    sh.ws.set_column(1, len(BLOCK_HEADERS), 17)


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
    _summary(_Sheet(wb, SUMMARY, formats), statement, fund_name)
    _blocks(
        _Sheet(wb, INVESTMENTS, formats),
        "Per investering",
        "Investering",
        statement.investments,
        statement.year,
    )
    _blocks(_Sheet(wb, UNITS, formats), "Per enhet", "Enhet", statement.units, statement.year)
    parties = _Sheet(wb, PARTIES, formats)
    if statement.parties:
        _blocks(parties, "Per part", "Part", statement.parties, statement.year)
    else:
        parties.title(f"Per part {statement.year}")
        parties.text("Fonden har en ägare; ingen fördelning på parter.")
    sheet = _Sheet(wb, ENTRIES, formats)
    sheet.title(f"Verifikationer {statement.year}")
    sheet.table(
        [
            "Nr",
            "Bokföringsdag",
            "Budgetår",
            "Typ",
            "Beskrivning",
            "Belopp (kr)",
            "Rättar nr",
            "Investering",
            "Enhet",
            "Part",
            "Bokförd av",
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
