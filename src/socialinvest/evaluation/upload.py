"""Aggregate a pseudonymised individual-level upload into group aggregates.

A project lead may upload follow-up data per person as a CSV file::

    id,group,period,value
    a17,intervention,2025,1
    b02,comparison,2025,0

* a header row naming the four columns ``id``, ``group``, ``period``, ``value``
  (any order, case-insensitive), separated by ``,`` or ``;`` (taken from the
  header; with ``;`` a decimal comma is accepted in values: ``3,5``);
* UTF-8, with or without a byte-order mark;
* ``group``: ``intervention`` / ``insats`` (``insatsgrupp``) or ``comparison`` /
  ``jämförelse`` (``jämförelsegrupp``, ``jamforelse``), case-insensitive;
* ``period``: a label (``2025``, ``2025-H1``, ``baseline``) matched by the caller
  to a measurement period;
* ``value``: a number; for ``kind="proportion"`` 0 or 1, for ``"count"`` a whole
  number ≥ 0, for ``"mean"`` and ``"amount"`` any finite number.

:func:`aggregate_upload` returns per (group, period) ``n``, ``events``
(proportions), ``mean`` and ``sd`` (divisor ``n − 1``).  The rows themselves are
not kept or returned.  Anything resembling a Swedish personal identity number
(a personnummer or samordningsnummer with a valid check digit,
:func:`socialinvest.identity.find_personnummer`) in any field refuses the whole
file; the message never repeats the number.

Limits: at most :data:`MAX_BYTES` (5 MB) and :data:`MAX_ROWS` (200 000 data
rows).  Every problem found is reported (up to :data:`MAX_PROBLEMS`) as an
:class:`UploadError`, each with its line number (the header is line 1) and
column, and a ``code`` the web layer translates.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from socialinvest.identity import find_personnummer

from .did import MeanCell, ProportionCell

UploadKind = Literal["proportion", "mean", "count", "amount"]
Group = Literal["intervention", "comparison"]

MAX_BYTES = 5 * 1024 * 1024
"""The largest file accepted: 5 MB."""
MAX_ROWS = 200_000
"""The most data rows accepted (the header not counted)."""
MAX_PROBLEMS = 50
"""Problems reported at most; the last one says how many more there were."""

MAX_MAGNITUDE = 1e12
"""The largest value accepted in size (larger ones are typing mistakes)."""
COLUMNS = ("id", "group", "period", "value")
MAX_FIELD_CHARS = 200

GROUPS: dict[str, Group] = {
    "intervention": "intervention",
    "insats": "intervention",
    "insatsgrupp": "intervention",
    "comparison": "comparison",
    "jämförelse": "comparison",
    "jämförelsegrupp": "comparison",
    "jamforelse": "comparison",
    "jamforelsegrupp": "comparison",
}

_SURROGATE = re.compile("[\ud800-\udfff]")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class UploadProblem:
    """One problem in an upload: line (1 = header; ``None`` for the whole file), column, code, message."""

    line: int | None
    column: str | None
    code: str
    message: str

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line is not None else []
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


class UploadError(ValueError):
    """The upload was refused; ``problems`` lists why.  Nothing of it is kept."""

    def __init__(self, problems: list[UploadProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class GroupAggregate:
    """One group in one period: ``n`` persons, ``events`` (proportions only), mean, sd (``None`` if n < 2)."""

    group: Group
    period: str
    n: int
    events: int | None
    mean: float
    sd: float | None

    def proportion_cell(self) -> ProportionCell:
        """As a :class:`~socialinvest.evaluation.did.ProportionCell` (proportions only)."""
        if self.events is None:
            raise ValueError("not a proportion: no events")
        return ProportionCell(self.n, self.events)

    def mean_cell(self) -> MeanCell:
        """As a :class:`~socialinvest.evaluation.did.MeanCell`.

        The sd is 0 when n < 2 (which :func:`~socialinvest.evaluation.did.did_mean` refuses).
        """
        return MeanCell(self.n, self.mean, self.sd if self.sd is not None else 0.0)


@dataclass(frozen=True)
class Aggregates:
    """The aggregates of one upload, sorted by period then group (intervention first)."""

    kind: UploadKind
    rows: int
    cells: tuple[GroupAggregate, ...]

    @property
    def periods(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.period for c in self.cells))

    @property
    def groups(self) -> tuple[Group, ...]:
        return tuple(
            dict.fromkeys(c.group for c in sorted(self.cells, key=lambda c: c.group != "intervention"))
        )

    def cell(self, group: Group, period: str) -> GroupAggregate | None:
        return next((c for c in self.cells if c.group == group and c.period == period), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Problems:
    def __init__(self) -> None:
        self.items: list[UploadProblem] = []
        self.dropped = 0

    def add(self, line: int | None, column: str | None, code: str, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(UploadProblem(line, column, code, message))
        else:
            self.dropped += 1

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = list(self.items)
        if self.dropped:
            items.append(UploadProblem(None, None, "more", f"and {self.dropped} more problems"))
        raise UploadError(items)


def _fail(code: str, message: str, line: int | None = None, column: str | None = None) -> UploadError:
    return UploadError([UploadProblem(line, column, code, message)])


def _decode(data: str | bytes) -> str:
    if isinstance(data, str):
        if len(data) > MAX_BYTES or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise _fail("too_large", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        text = data
    else:
        if len(data) > MAX_BYTES:
            raise _fail("too_large", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise _fail("not_utf8", "the file is not UTF-8 text (save it as CSV UTF-8)", line) from None
    if _SURROGATE.search(text):
        raise _fail("not_utf8", "the file is not UTF-8 text (save it as CSV UTF-8)")
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    if "\x00" in text:
        raise _fail("malformed", "the file holds NUL characters: it is not a CSV text file")
    if not text.strip():
        raise _fail("empty", "the file is empty")
    return text


def _header(row: list[str]) -> dict[str, int]:
    names = [unicodedata.normalize("NFC", c).strip().strip('"').lower() for c in row]
    problems = _Problems()
    missing = [c for c in COLUMNS if c not in names]
    extra = [c for c in names if c not in COLUMNS]
    twice = sorted({c for c in names if c in COLUMNS and names.count(c) > 1})
    if missing:
        problems.add(1, None, "missing_columns", f"missing column(s): {', '.join(missing)}")
    if extra:
        shown = ", ".join(repr(c[:40]) if c else "(empty)" for c in extra[:5])
        problems.add(
            1, None, "extra_columns", f"unexpected column(s): {shown}; expected id, group, period, value"
        )
    if twice:
        problems.add(1, None, "duplicate_columns", f"column(s) given twice: {', '.join(twice)}")
    problems.raise_if_any()
    return {c: names.index(c) for c in COLUMNS}


def _personnummer_column(row: list[str], index: dict[str, int] | None) -> str | None:
    if index is None:
        return None
    return next((c for c, i in index.items() if i < len(row) and find_personnummer(row[i])), None)


def _number(raw: str, semicolon: bool) -> float | None:
    text = raw.strip().replace("\u2212", "-")
    if semicolon:
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _check_value(value: float, kind: UploadKind) -> tuple[str, str] | None:
    if abs(value) > MAX_MAGNITUDE:
        return "too_large_value", f"must be at most {MAX_MAGNITUDE:g} in size"
    if kind == "proportion" and value not in (0.0, 1.0):
        return "not_binary", f"must be 0 or 1 for a proportion, got {value:g}"
    if kind == "count" and (value < 0 or value != int(value)):
        return "not_count", f"must be a whole number of at least 0 for a count, got {value:g}"
    return None


def aggregate_upload(data: str | bytes, *, kind: UploadKind) -> Aggregates:
    """Aggregate a pseudonymised CSV ``id,group,period,value`` per (group, period).

    Parameters
    ----------
    data : str or bytes
        The file's content (bytes must be UTF-8; a BOM is allowed).
    kind : {"proportion", "mean", "count", "amount"}
        The indicator's type: decides which values are valid.

    Returns
    -------
    Aggregates
        ``n``, ``events`` (proportions), ``mean`` and ``sd`` (``n − 1``) of each
        group in each period.  No row is kept.

    Raises
    ------
    UploadError
        Every problem found, each with line and column: empty, not UTF-8, too
        large, missing or extra columns, a row with the wrong number of fields,
        an empty or overlong field, a non-numeric value, an unknown group, an
        id twice in one (group, period), a value not 0/1 for a proportion (not a
        whole number ≥ 0 for a count), a period with only one group when the
        file has both, anything resembling a personnummer.

    Examples
    --------
    >>> a = aggregate_upload("id;group;period;value\\nx1;insats;2025;1\\nx2;insats;2025;0\\n"
    ...                      "y1;jämförelse;2025;0\\ny2;jämförelse;2025;0\\n", kind="proportion")
    >>> a.cell("intervention", "2025")
    GroupAggregate(group='intervention', period='2025', n=2, events=1, mean=0.5, sd=0.7071067811865476)
    >>> a.cell("comparison", "2025").events
    0
    """
    if kind not in ("proportion", "mean", "count", "amount"):
        raise _fail("kind", f"unknown kind {kind!r}")
    text = _decode(data)
    first_line = next((x for x in text.splitlines() if x.strip()), "")
    semicolon = first_line.count(";") > first_line.count(",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if semicolon else ",", strict=True)
    # A personnummer lies within one field, so a file with none anywhere needs no check per field.
    screen = find_personnummer(text) is not None
    problems = _Problems()
    values: dict[tuple[Group, str], list[float]] = defaultdict(list)
    ids: dict[tuple[Group, str], set[str]] = defaultdict(set)
    rows = 0
    index: dict[str, int] | None = None
    try:
        for row in reader:
            line = reader.line_num
            if not any(field.strip() for field in row):
                continue
            if index is not None:
                rows += 1
                if rows > MAX_ROWS:
                    raise _fail("too_many_rows", f"the file has more than {MAX_ROWS} rows", line)
            if screen and any(find_personnummer(field) for field in row):
                column = _personnummer_column(row, index)
                message = "resembles a personal identity number: the file is refused"
                if index is None:
                    raise _fail("personnummer", message, line)
                problems.add(line, column, "personnummer", message)
                continue
            if index is None:
                index = _header(row)
                continue
            _read_row(row, line, index, kind, semicolon, problems, values, ids)
    except csv.Error as error:
        raise _fail("malformed", f"not a valid CSV file: {error}", reader.line_num) from None
    if index is None:
        raise _fail("empty", "the file is empty")
    if rows == 0:
        raise _fail("no_rows", "the file has a header but no rows")
    _check_groups(values, problems)
    problems.raise_if_any()
    return Aggregates(kind=kind, rows=rows, cells=_aggregate(values, kind))


def _read_row(
    row: list[str],
    line: int,
    index: dict[str, int],
    kind: UploadKind,
    semicolon: bool,
    problems: _Problems,
    values: dict[tuple[Group, str], list[float]],
    ids: dict[tuple[Group, str], set[str]],
) -> None:
    if len(row) != len(COLUMNS):
        problems.add(line, None, "field_count", f"has {len(row)} fields, expected {len(COLUMNS)}")
        return
    fields = {c: row[i].strip() for c, i in index.items()}
    ok = True
    for column in COLUMNS:
        if not fields[column]:
            problems.add(line, column, "empty_field", "is empty")
            ok = False
        elif len(fields[column]) > MAX_FIELD_CHARS:
            problems.add(line, column, "too_long", f"is longer than {MAX_FIELD_CHARS} characters")
            ok = False
    if not ok:
        return
    group = GROUPS.get(fields["group"].lower())
    if group is None:
        shown = fields["group"][:40]
        problems.add(
            line,
            "group",
            "unknown_group",
            f"unknown group {shown!r}; use intervention/insats or comparison/jämförelse",
        )
    value = _number(fields["value"], semicolon)
    if value is None:
        problems.add(line, "value", "not_a_number", f"{fields['value'][:40]!r} is not a number")
    else:
        wrong = _check_value(value, kind)
        if wrong:
            problems.add(line, "value", *wrong)
            value = None
    if group is None or value is None:
        return
    key = (group, fields["period"])
    if fields["id"] in ids[key]:
        problems.add(
            line, "id", "duplicate_id", f"id {fields['id'][:40]!r} appears twice in {group} {key[1]!r}"
        )
        return
    ids[key].add(fields["id"])
    values[key].append(value)


def _check_groups(values: dict[tuple[Group, str], list[float]], problems: _Problems) -> None:
    groups = {g for g, _ in values}
    if len(groups) < 2:
        return
    periods = sorted({p for _, p in values})
    for period in periods:
        for group, other in (("intervention", "comparison"), ("comparison", "intervention")):
            if (group, period) in values and (other, period) not in values:
                problems.add(
                    None,
                    "period",
                    f"missing_{other}",
                    f"period {period[:40]!r} has {group} data but no {other} data",
                )


def _aggregate(values: dict[tuple[Group, str], list[float]], kind: UploadKind) -> tuple[GroupAggregate, ...]:
    cells = []
    for (group, period), vs in sorted(values.items(), key=lambda kv: (kv[0][1], kv[0][0] != "intervention")):
        x = np.asarray(vs, dtype=np.float64)
        n = int(x.size)
        cells.append(
            GroupAggregate(
                group=group,
                period=period,
                n=n,
                events=int(x.sum()) if kind == "proportion" else None,
                mean=float(np.mean(x)),
                sd=float(np.std(x, ddof=1)) if n >= 2 else None,
            )
        )
    return tuple(cells)
