"""What changed between two scenarios: the paths whose values differ, old → new."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from socialinvest.engine.errors import format_path

from .scenario_form import number_text

MISSING = object()


@dataclass(frozen=True)
class Change:
    path: str
    old: str
    new: str


def shown(value: Any) -> str:
    """A value for the compare table: numbers in Swedish form, structures as compact JSON."""
    if value is MISSING or value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)


def _walk(a: Any, b: Any, loc: list[str | int], out: list[Change]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        keys = list(a) + [k for k in b if k not in a]
        for key in keys:
            _walk(a.get(key, MISSING), b.get(key, MISSING), [*loc, key], out)
    elif isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            _walk(a[i] if i < len(a) else MISSING, b[i] if i < len(b) else MISSING, [*loc, i], out)
    elif (a is MISSING and b is None) or (b is MISSING and a is None):
        return
    elif type(a) is not type(b) and isinstance(a, int | float) and isinstance(b, int | float):
        if float(a) != float(b):
            out.append(Change(format_path(loc), shown(a), shown(b)))
    elif a != b:
        out.append(Change(format_path(loc), shown(a), shown(b)))


def changes(a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    """Every path where scenario ``a`` and ``b`` differ, in ``a``'s order (new keys last).

    >>> [c.path for c in changes({"outcomes": [{"effect": 0.2}]}, {"outcomes": [{"effect": 0.3}]})]
    ['outcomes[0].effect']
    """
    out: list[Change] = []
    _walk(a, b, [], out)
    return out
