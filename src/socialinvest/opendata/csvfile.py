"""Figures entered by hand or from a file: ``kpi,municipality,year,value``.

Where there is no network, the same figures Kolada publishes can be uploaded as
CSV.  The file is read whole and every row checked; one bad row refuses the
file (every bad row is reported, with its line number), so nothing is written
from a half-good file.

Both the international form (comma-separated, decimal point) and the one a
Swedish spreadsheet saves (semicolon-separated, decimal comma) are read.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass

from .errors import OpenDataError
from .records import Observation

HEADER = ("kpi", "municipality", "year", "value")
MAX_ROWS = 100_000
_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class RowProblem:
    """A bad row: its line in the file, the column and what is wrong (English; ``code`` for translation)."""

    line: int
    column: str
    code: str
    message: str
    value: str = ""


def parse_csv(raw: bytes) -> list[Observation]:
    """Every row of the file as an observation, or :class:`OpenDataError` ``bad_rows`` listing each problem.

    Examples
    --------
    >>> parse_csv(b"kpi,municipality,year,value\\nN15428,0581,2023,74.1\\n")
    [Observation(kpi='N15428', municipality='0581', year=2023, value=74.1, gender='T')]
    >>> parse_csv("kpi;municipality;year;value\\nN15428;0581;2023;74,1\\n".encode())[0].value
    74.1
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OpenDataError("bad_encoding", "the file is not UTF-8 text; save it as CSV UTF-8") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise OpenDataError("empty", "the file is empty")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    if tuple(header) != HEADER:
        raise OpenDataError(
            "bad_header",
            f"the first row must be {','.join(HEADER)}, got {','.join(header)}",
            expected=",".join(HEADER),
            got=",".join(header),
        )
    problems: list[RowProblem] = []
    rows: list[Observation] = []
    seen: dict[tuple[str, str, int], int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(rows) + len(problems) >= MAX_ROWS:
            raise OpenDataError("too_many_rows", f"the file has more than {MAX_ROWS} rows", limit=MAX_ROWS)
        row = _row(number, cells, problems)
        if row is None:
            continue
        key = (row.kpi, row.municipality, row.year)
        if key in seen:
            problems.append(
                RowProblem(
                    number, "year", "duplicate", f"the same figure as line {seen[key]}", str(seen[key])
                )
            )
            continue
        seen[key] = number
        rows.append(row)
    if problems:
        raise OpenDataError("bad_rows", f"{len(problems)} bad row(s)", problems=problems)
    if not rows:
        raise OpenDataError("empty", "the file has no rows after its header")
    return rows


def _row(number: int, cells: list[str], problems: list[RowProblem]) -> Observation | None:
    if len(cells) != len(HEADER):
        problems.append(
            RowProblem(
                number, "", "columns", f"has {len(cells)} columns, expected {len(HEADER)}", str(len(cells))
            )
        )
        return None
    kpi, municipality, year_text, value_text = (c.strip() for c in cells)
    before = len(problems)
    if not _ID.match(kpi):
        problems.append(
            RowProblem(number, "kpi", "bad_id", "is not a key-figure id (letters and digits)", kpi)
        )
    if not _ID.match(municipality):
        problems.append(
            RowProblem(
                number, "municipality", "bad_id", "is not a municipality code (e.g. 0581)", municipality
            )
        )
    year = 0
    if not year_text.isdigit() or not 1950 <= int(year_text) <= 2100:
        problems.append(RowProblem(number, "year", "bad_year", "must be a year from 1950 to 2100", year_text))
    else:
        year = int(year_text)
    value = math.nan
    if not _NUMBER.match(value_text):
        problems.append(
            RowProblem(number, "value", "bad_number", "must be a number like 12.5 or 12,5", value_text)
        )
    else:
        value = float(value_text.replace(",", "."))
        if abs(value) > 1e12:
            problems.append(RowProblem(number, "value", "too_large", "is too large", value_text))
    if len(problems) > before:
        return None
    return Observation(kpi=kpi, municipality=municipality, year=year, value=value)
