"""Which form field a problem belongs to: the engine's field paths → the calculation form's names.

See :mod:`.scenario_form` for the naming scheme.  A problem whose path names no
field of the form (``version``, the file as a whole) belongs to the form as a
whole and is listed above it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .scenario_form import BASICS, ROW_FIELDS, UNCERTAIN_PARTS, read_number, row_count, rows_of

_TOKEN = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[('(?:[^'\\]|\\.)*'|[^\]]*)\]")


def path_tokens(path: str) -> list[str]:
    """``cost_items[0].cost[kommun.x]`` → ``['cost_items', '0', 'cost', 'kommun.x']``."""
    tokens = []
    for m in _TOKEN.finditer(path):
        token = m.group(1) if m.group(1) is not None else m.group(2)
        if token.startswith("'") and token.endswith("'") and len(token) >= 2:
            token = token[1:-1]
        tokens.append(token)
    return tokens


def _uncertain_field(base: str, rest: list[str]) -> str:
    if rest and rest[0] in UNCERTAIN_PARTS:
        return f"{base}-{rest[0]}"
    if rest and rest[0] == "dist":
        return f"{base}-dist"
    return base


def _is_key_problem(message: str) -> bool:
    return message.startswith(("key ", "unknown actor"))


def field_for(path: str, message: str, f: Mapping[str, str]) -> str | None:
    """The one form field a problem belongs to, or ``None`` for the form as a whole."""
    t = path_tokens(path)
    if not t:
        return None
    head, rest = t[0], t[1:]
    name: str | None = None
    if head in BASICS or head == "public_funds_factor":
        name = head
    elif head == "optimism_bias":
        name = _uncertain_field("optimism_bias", rest)
    elif head == "discount_rate":
        if len(rest) >= 2 and rest[0] == "steps" and rest[1].isdigit():
            name = f"discount_rate-steps-{rest[1]}-{rest[2] if len(rest) > 2 else 'rate'}"
        else:
            name = "discount_rate-steps-0-rate"
    elif head == "price_index":
        name = "price_index"
        for i, row in enumerate(rows_of(f, "price_index")):
            if rest and str(read_number(row.get("year", ""))) == rest[0]:
                name = f"price_index-{i}-{'year' if _is_key_problem(message) else 'value'}"
                break
    elif head in ("participants", "costs", "outcomes", "actors", "cost_items") and rest and rest[0].isdigit():
        name = _row_field(f"{head}-{rest[0]}", head, rest[1:], message, f)
    known = name is not None and (name in f or f"{name}-dist" in f or name in group_slots(f))
    return name if known else None


def _row_field(prefix: str, group: str, rest: list[str], message: str, f: Mapping[str, str]) -> str:
    kinds = ROW_FIELDS[group]
    if group == "costs" and (not rest or rest[0] in ("year", "years")):
        return f"{prefix}-year"
    if not rest:
        return f"{prefix}-{next(iter(kinds))}"
    if group == "cost_items" and rest[0] == "cost":
        if len(rest) == 1:
            return f"{prefix}-cost"
        for j, row in enumerate(rows_of(f, f"{prefix}-cost")):
            if row.get("actor", "").strip() == rest[1]:
                if _is_key_problem(message):
                    return f"{prefix}-cost-{j}-actor"
                return _uncertain_field(f"{prefix}-cost-{j}-amount", rest[2:])
        return f"{prefix}-cost"
    if rest[0] in kinds and kinds[rest[0]] is None:
        return _uncertain_field(f"{prefix}-{rest[0]}", rest[1:])
    return f"{prefix}-{rest[0]}"


def group_slots(f: Mapping[str, str]) -> list[str]:
    """Error places that belong to a group, not an input: the price index, a cost item's costs."""
    return ["price_index", *[f"cost_items-{i}-cost" for i in range(row_count(f, "cost_items"))]]
