"""The year-end statement as XLSX (read back with openpyxl) and as CSV in both dialects."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from socialinvest.finance.statement import Movement, PartyKeys, year_end_statement
from socialinvest.reports.year_end import EntryRow, csv_headers, statement_csv, statement_xlsx

D = Decimal

MOVEMENTS = [
    Movement(2025, "capital", D(40_000_000)),
    Movement(2025, "paid", D(4_000_000), application="2025-001 Alla barn i skolan", unit="Socialnämnden"),
    Movement(2026, "paid", D("3000000.50"), application="2025-001 Alla barn i skolan", unit="Socialnämnden"),
    Movement(2026, "paid", D(-500_000), correction=True, application="2025-002 Föräldrastöd", unit="Skola"),
    Movement(2026, "paid", D(1_000_000), application="2025-002 Föräldrastöd", unit="Skola"),
    Movement(2026, "repaid", D(2_000_000), application="2025-001 Alla barn i skolan", unit="Socialnämnden"),
]
PARTIES = [
    PartyKeys("Kommunen", D(30_000_000), D("0.75"), D("0.75")),
    PartyKeys("Regionen", D(10_000_000), D("0.25"), D("0.25")),
]


def test_xlsx_read_back() -> None:
    s = year_end_statement(MOVEMENTS, 2026, parties=PARTIES)
    entries = [
        EntryRow(
            7, dt.date(2026, 3, 1), 2026, "Utbetalning", "Del 2", D("3000000.50"), application="2025-001"
        ),
        EntryRow(8, dt.date(2026, 4, 1), 2026, "Rättelse (omföring)", "Fel belopp", D(500_000), reverses=5),
    ]
    data = statement_xlsx(s, fund_name="Sociala investeringsfonden", entries=entries)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Sammanfattning", "Per investering", "Per enhet", "Per part", "Verifikationer"]
    summary = {row[0]: row[1] for row in wb["Sammanfattning"].iter_rows(values_only=True) if row[0]}
    assert summary["Ingående saldo"] == 36_000_000
    assert summary["Utbetalt till investeringar"] == -3_500_000.5
    assert summary["Återfört kapital"] == 2_000_000
    assert summary["Utgående saldo"] == 34_499_999.5
    assert summary["Utgående öronmärkt eget kapital"] == 34_499_999.5
    assert summary["Ingående restvärde"] == 4_000_000
    assert summary["Utgående restvärde"] == 5_500_000.5
    corrections = {
        row[0]: row[1:4] for row in wb["Sammanfattning"].iter_rows(values_only=True) if row[0] == "Utbetalt"
    }
    assert corrections["Utbetalt"] == (4_000_000.5, -500_000, 3_500_000.5)

    inv = list(wb["Per investering"].iter_rows(values_only=True))
    header = inv[2]
    assert header[0] == "Investering" and header[3] == "Utbetalt (kr)"
    by_name = {r[0]: r for r in inv[3:]}
    assert by_name["2025-001 Alla barn i skolan"][3] == 3_000_000.5
    assert by_name["2025-002 Föräldrastöd"][3] == 500_000
    # The reversal shown as such: it put 500 000 back in cash and took it off the investments.
    assert by_name["2025-002 Föräldrastöd"][10:12] == (500_000, -500_000)
    assert by_name["Summa"][3] == 3_500_000.5

    parties = {r[0]: r for r in list(wb["Per part"].iter_rows(values_only=True))[3:]}
    assert parties["Kommunen"][1] == 27_000_000  # 0.75 of the 36 Mkr opening balance
    assert parties["Kommunen"][3] + parties["Regionen"][3] == parties["Summa"][3] == 3_500_000.5
    assert parties["Kommunen"][3] == 2_625_000.38  # 0.75 × 3 500 000.50 = 2 625 000.375 → the spare öre
    rows = list(wb["Verifikationer"].iter_rows(values_only=True))
    assert rows[3][:2] == (7, dt.datetime(2026, 3, 1)) and rows[4][6] == 5


def test_xlsx_single_owner_has_a_note_on_parties() -> None:
    wb = openpyxl.load_workbook(
        io.BytesIO(statement_xlsx(year_end_statement(MOVEMENTS, 2026), fund_name="F"))
    )
    texts = [r[0] for r in wb["Per part"].iter_rows(values_only=True) if r[0]]
    assert any("en ägare" in t for t in texts)


def test_csv_swedish_excel() -> None:
    text = statement_csv(year_end_statement(MOVEMENTS, 2026, parties=PARTIES))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == csv_headers() and rows[0][:3] == ["År", "Nivå", "Namn"]
    fund = rows[1]
    assert fund[:3] == ["2026", "Fond", "Fonden"]
    assert fund[3] == "36000000,00" and fund[5] == "3500000,50" and fund[8] == "34499999,50"
    assert [r[1] for r in rows[1:]] == [
        "Fond",
        "Investering",
        "Investering",
        "Investering",
        "Enhet",
        "Enhet",
        "Enhet",
        "Part",
        "Part",
    ]
    assert [r[2] for r in rows if r[1] in ("Investering", "Enhet")][2::3] == ["Ej fördelat (fondkapital)"] * 2
    assert "Föräldrastöd" in text


def test_csv_plain() -> None:
    text = statement_csv(year_end_statement(MOVEMENTS, 2026), swedish_excel=False)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "År" and rows[1][5] == "3500000.50"
    # Every level (the rest included) sums to the fund in every column it fills.
    for level in ("Investering", "Enhet"):
        for col in range(3, len(rows[0])):
            cells = [r[col] for r in rows if r[1] == level]
            if all(cells):
                assert sum(D(c) for c in cells) == D(rows[1][col]), (level, rows[0][col])
    # A unit has no investments-outstanding figures (investments belong to applications).
    units = [r for r in rows if r[1] == "Enhet"]
    assert all(r[9] == r[10] == r[11] == r[13] == "" for r in units)
    assert all(r[3] != "" and r[5] != "" for r in units)


def _sheet_rows(wb: openpyxl.Workbook, name: str) -> dict[str, tuple[object, ...]]:
    return {str(r[0]): r for r in list(wb[name].iter_rows(values_only=True))[3:] if r[0]}


def test_xlsx_breakdowns_sum_to_the_fund() -> None:
    """Capital has no investment or unit: the rest row holds it, so each "Summa" is the fund's figure."""
    s = year_end_statement(MOVEMENTS, 2026, parties=PARTIES)
    wb = openpyxl.load_workbook(io.BytesIO(statement_xlsx(s, fund_name="F")))
    inv = _sheet_rows(wb, "Per investering")
    assert inv["Ej fördelat (fondkapital)"][1] == 40_000_000  # the opening capital
    assert inv["Summa"][1:] == (
        36_000_000,  # opening balance
        0,
        3_500_000.5,
        2_000_000,
        0,
        34_499_999.5,  # = the fund's closing balance
        4_000_000,
        0,
        5_500_000.5,
        500_000,
        -500_000,
    )
    units = _sheet_rows(wb, "Per enhet")
    header = list(wb["Per enhet"].iter_rows(values_only=True))[2]
    assert "Utgående utestående investeringar (kr)" not in header and "Utbetalt (kr)" in header
    assert units["Summa"][1:] == (36_000_000, 0, 3_500_000.5, 2_000_000, 0, 34_499_999.5, 500_000)
    assert units["Socialnämnden"][4] == 2_000_000  # what it repaid


@pytest.mark.parametrize("swedish_excel", [True, False])
def test_english_headers_and_sheet_names(swedish_excel: bool) -> None:
    s = year_end_statement(MOVEMENTS, 2026, parties=PARTIES)
    with translation.override("en"):
        wb = openpyxl.load_workbook(io.BytesIO(statement_xlsx(s, fund_name="F")))
        text = statement_csv(s, swedish_excel=swedish_excel)
    assert wb.sheetnames == ["Summary", "Per investment", "Per unit", "Per party", "Entries"]
    assert list(wb["Per investment"].iter_rows(values_only=True))[2][:2] == (
        "Investment",
        "Opening balance (SEK)",
    )
    assert "Unallocated (fund capital)" in _sheet_rows(wb, "Per unit")
    summary = [r[0] for r in wb["Summary"].iter_rows(values_only=True) if r[0]]
    assert "Opening balance" in summary and "Ingående saldo" not in summary
    first = text.lstrip("\ufeff").splitlines()[0]
    assert first.startswith("Year") and "Opening balance (SEK)" in first and "Ingående" not in first
    assert "Unallocated (fund capital)" in text and ("Fund" in text)
    # Swedish is the default again outside the override.
    assert statement_csv(s).lstrip("\ufeff").startswith("År")


_cents = st.integers(min_value=-(10**10), max_value=10**10).map(lambda n: D(n) / 100)
_movement = st.builds(
    Movement,
    year=st.integers(min_value=2023, max_value=2026),
    kind=st.sampled_from(["capital", "paid", "repaid", "returned", "written_off"]),
    amount=_cents,
    correction=st.booleans(),
    application=st.sampled_from([None, "A", "B"]),
    unit=st.sampled_from([None, "Soc", "Skola"]),
    party=st.sampled_from([None, "Kommunen", "Regionen"]),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(_movement, max_size=25), st.integers(min_value=2024, max_value=2026))
def test_exports_every_breakdown_sums_to_the_fund(ms: list[Movement], year: int) -> None:
    s = year_end_statement(ms, year, parties=PARTIES)
    rows = list(csv.reader(io.StringIO(statement_csv(s, swedish_excel=False))))
    fund = rows[1]
    for level in ("Investering", "Enhet", "Part"):
        mine = [r for r in rows[2:] if r[1] == level]
        for col in range(3, len(rows[0])):
            if all(r[col] != "" for r in mine):
                assert sum((D(r[col]) for r in mine), D(0)) == D(fund[col]), (level, rows[0][col])
    wb = openpyxl.load_workbook(io.BytesIO(statement_xlsx(s, fund_name="F")))
    fund_figures = [float(D(x)) for x in fund[3:]]
    for sheet in ("Per investering", "Per part"):
        total = _sheet_rows(wb, sheet)["Summa"][1:]
        assert total == pytest.approx(fund_figures, abs=0.005)
    unit_total = _sheet_rows(wb, "Per enhet")["Summa"][1:]
    assert unit_total == pytest.approx([fund_figures[i] for i in (0, 1, 2, 3, 4, 5, 9)], abs=0.005)
