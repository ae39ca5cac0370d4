"""Open-data problems in the user's language (the pure package speaks English with a code)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from socialinvest.opendata import OpenDataError

_COLUMNS = {
    "kpi": "kpi",
    "municipality": "municipality",
    "year": "year",
    "value": "value",
}


def _row_problem(p: object) -> str:
    line = getattr(p, "line", 0)
    column = getattr(p, "column", "")
    value = getattr(p, "value", "")
    code = getattr(p, "code", "")
    what = {
        "bad_id": _("”%(value)s” är inget giltigt id"),
        "bad_year": _("”%(value)s” är inget år mellan 1950 och 2100"),
        "bad_number": _("”%(value)s” är inget tal (skriv till exempel 12,5 eller 12.5)"),
        "too_large": _("”%(value)s” är för stort"),
        "duplicate": _("samma värde finns redan på rad %(value)s"),
        "columns": _("raden har %(value)s kolumner, ska ha 4"),
    }.get(code, _("ogiltigt värde ”%(value)s”"))
    where = _("rad %(line)s") % {"line": line}
    if column:
        where += f", {_COLUMNS.get(column, column)}"
    return f"{where}: {what % {'value': value}}"


def open_data_message(exc: OpenDataError) -> str:
    """One sentence (or one per bad row) saying what went wrong and that nothing was stored."""
    p = exc.params
    if exc.code == "bad_rows":
        rows = [_row_problem(problem) for problem in p.get("problems", [])]
        head = _("Filen har %(n)s felaktiga rader; inget sparades.") % {"n": len(rows)}
        return " ".join([head, *[r + "." for r in rows[:50]]])
    texts = {
        "unreachable": _(
            "Kolada gick inte att nå (%(attempts)s försök). Inget sparades; "
            "försök senare eller ladda upp en CSV-fil."
        ),
        "http_status": _("Kolada svarade med fel (HTTP %(status)s). Inget sparades."),
        "unknown_kpi": _("Kolada har inget nyckeltal med id %(kpi)s."),
        "unknown_municipality": _("Kolada har ingen kommun eller grupp med kod %(municipality)s."),
        "bad_response": _("Koladas svar gick inte att läsa. Inget sparades."),
        "no_data": _("Kolada har inga värden för %(kpi)s i %(municipality)s åren %(first)s–%(last)s."),
        "bad_code": _("”%(value)s” är inget giltigt Kolada-id."),
        "bad_years": _("Ange minst ett år."),
        "bad_encoding": _("Filen är inte UTF-8-text. Spara den som CSV UTF-8."),
        "empty": _("Filen har inga rader."),
        "bad_header": _("Första raden ska vara %(expected)s (den är %(got)s)."),
        "too_many_rows": _("Filen har fler än %(limit)s rader."),
    }
    text = texts.get(exc.code)
    if text is None:
        return exc.message
    try:
        return text % p
    except (KeyError, TypeError, ValueError):
        return exc.message
