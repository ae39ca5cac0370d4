"""Problems with an input, each naming the field path and the rule that failed.

``outcomes[1].baseline_risk: must be between 0 and 1, got 1.4`` — one line per
problem, the same text in the CLI, the API's JSON errors and next to a form field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from .distributions import DIST_NAMES

Loc = Sequence[str | int]


def format_path(loc: Loc) -> str:
    """``('outcomes', 1, 'baseline_risk')`` → ``outcomes[1].baseline_risk``.

    Keys that are not plain identifiers (actor ids contain dots) are shown in
    brackets: ``cost_items[0].cost[kommun.socialtjanst]``.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}" if out else part
        else:
            out += f"[{part}]"
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def as_dict(self) -> dict[str, str]:
        return {"field": self.path, "message": self.message}


class ScenarioError(ValueError):
    """An input that cannot be calculated; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "unknown key",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of keys to values",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "finite_number": "must be a finite number",
}


def _clean_loc(loc: Loc) -> list[str | int]:
    # Pydantic puts the union tag (e.g. 'normal') and validator names into the
    # location; a person wants the field path only.
    cleaned: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (part in DIST_NAMES or part.startswith("function-")):
            continue
        if part in ("DiscountRate",):
            continue
        cleaned.append(part)
    return cleaned


def _message(err: dict[str, object]) -> str:
    kind = str(err.get("type", ""))
    ctx = err.get("ctx")
    ctx = ctx if isinstance(ctx, dict) else {}
    got = err.get("input")
    if kind in ("value_error", "assertion_error"):
        error = ctx.get("error")
        return str(error) if error is not None else str(err.get("msg", ""))
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        rule = {
            "greater_than_equal": f"must be at least {ctx.get('ge')}",
            "greater_than": f"must be greater than {ctx.get('gt')}",
            "less_than_equal": f"must be at most {ctx.get('le')}",
            "less_than": f"must be less than {ctx.get('lt')}",
        }[kind]
        return f"{rule}, got {got!r}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {got!r}"
    if kind in ("string_too_short",):
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return f"{got!r} is not a valid id (lower-case letters, digits, '_' and '.')"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind in _MESSAGES:
        shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
        return f"{_MESSAGES[kind]}, got {shown}" if kind != "missing" else _MESSAGES[kind]
    return str(err.get("msg", kind))


def problems_from_validation(exc: ValidationError, prefix: Loc = ()) -> list[Problem]:
    """Turn pydantic's errors into :class:`Problem` lines with clean paths."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = [*prefix, *_clean_loc(err["loc"])]
        problems.append(Problem(format_path(loc), _message(dict(err))))
    # The same problem can surface twice through a union; keep the first.
    seen: set[tuple[str, str]] = set()
    unique = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            unique.append(p)
    return unique
