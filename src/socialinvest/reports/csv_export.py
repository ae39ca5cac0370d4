"""The one CSV writer of the application: every CSV download is written here.

Two dialects (why: the users open the file by double-click in Swedish Excel):
Swedish Excel — ``;`` between fields, decimal comma, a UTF-8 byte-order mark so å, ä
and ö survive — or plain CSV (``,``, decimal point, no BOM).

Text cells that a spreadsheet would run as a formula (starting with ``= + - @``, a tab
or a carriage return: "CSV injection", e.g. a party named ``=cmd|' /C calc'!A0``) are
written with a leading apostrophe, as OWASP recommends, so they are shown as text.
Numbers are never touched: a negative amount stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

__all__ = ["FORMULA_STARTS", "neutralise", "write_csv"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs.

    >>> neutralise("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> neutralise("Socialnämnden")
    'Socialnämnden'
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(
    headers: Sequence[object], rows: Iterable[Sequence[object]], *, swedish_excel: bool = True
) -> str:
    """A table as CSV text (encode it as UTF-8).

    ``Decimal`` cells get two decimals, ``int``/``float`` are written as numbers, ``None`` as
    empty; every other cell is text and neutralised (see the module docstring).
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if swedish_excel else ",", lineterminator="\r\n")

    def cell(v: object) -> object:
        if v is None:
            return ""
        if isinstance(v, Decimal):
            text = f"{v:.2f}"
            return text.replace(".", ",") if swedish_excel else text
        if isinstance(v, int | float) and not isinstance(v, bool):
            text = str(v)
            return text.replace(".", ",") if swedish_excel else text
        return neutralise(str(v))

    writer.writerow([cell(h) for h in headers])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return ("\ufeff" if swedish_excel else "") + out.getvalue()
