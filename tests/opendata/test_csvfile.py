"""The CSV format for figures entered without the network."""

from __future__ import annotations

import pytest

from socialinvest.opendata import OpenDataError
from socialinvest.opendata.csvfile import parse_csv


def test_comma_file_with_bom_and_blank_lines() -> None:
    rows = parse_csv(
        "\ufeffkpi,municipality,year,value\nN15428,0581,2023,74.1\n\nN15428,0000,2023,83\n".encode()
    )
    assert [(r.kpi, r.municipality, r.year, r.value) for r in rows] == [
        ("N15428", "0581", 2023, 74.1),
        ("N15428", "0000", 2023, 83.0),
    ]


def test_swedish_spreadsheet_file() -> None:
    rows = parse_csv(b"KPI;Municipality;Year;Value\nN15428;0581;2023;74,1\n")
    assert rows[0].value == 74.1


def test_every_bad_row_is_reported_with_its_line() -> None:
    text = (
        "kpi,municipality,year,value\n"
        "N15428,0581,2023,74.1\n"
        "N 1,0581,2023,1\n"  # line 3: kpi
        "N15428,0581,1800,1\n"  # line 4: year
        "N15428,0581,2022,1e5\n"  # line 5: value
        "N15428,0581,2023,70\n"  # line 6: duplicate of line 2
        "N15428,0581\n"  # line 7: columns
    )
    with pytest.raises(OpenDataError) as info:
        parse_csv(text.encode())
    problems = [(p.line, p.column, p.code) for p in info.value.params["problems"]]
    assert problems == [
        (3, "kpi", "bad_id"),
        (4, "year", "bad_year"),
        (5, "value", "bad_number"),
        (6, "year", "duplicate"),
        (7, "", "columns"),
    ]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "empty"),
        (b"kpi,municipality,year,value\n", "empty"),
        (b"kpi,kommun,ar,varde\nN1,0581,2020,1\n", "bad_header"),
        ("kpi,municipality,year,value\nN1,0581,2020,1\n".encode("utf-16"), "bad_encoding"),
    ],
)
def test_files_that_cannot_be_read(raw: bytes, code: str) -> None:
    with pytest.raises(OpenDataError) as info:
        parse_csv(raw)
    assert info.value.code == code
