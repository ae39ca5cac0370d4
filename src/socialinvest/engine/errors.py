"""Problems with an input, each naming the field path and the rule that failed.

``outcomes[1].baseline_risk: must be between 0 and 1, got 1.4`` — one line per
problem, the same text in the CLI, the API's JSON errors and next to a form field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from .distributions import DIST_NAMES, number_text, shown

Loc = Sequence[str | int]


def format_path(loc: Loc) -> str:
    """``('outcomes', 1, 'baseline_risk')`` → ``outcomes[1].baseline_risk``.

    Keys that are not plain identifiers (actor ids contain dots) are shown in
    brackets: ``cost_items[0].cost[kommun.socialtjanst]``; a key with a line
    break or another unprintable character is quoted, so a problem stays one line.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}" if out else part
        elif part.isprintable():
            out += f"[{part}]"
        else:
            out += f"[{part!r}]"
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
    "string_unicode": "must be text",
    "int_parsing_size": "is too large",
    "mapping_type": "must be a mapping of keys to values",
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


def _bad_key(err: dict[str, object]) -> tuple[Loc, object] | None:
    """``(location of the mapping, the key)`` when the error is about a key, not a value.

    Pydantic reports a key that fails its type as ``(..., key, '[key]')`` and a
    key that is not text at all as ``(..., key)`` with type ``invalid_key``.
    """
    loc = err.get("loc")
    if not isinstance(loc, tuple) or not loc:
        return None
    if len(loc) >= 2 and loc[-1] == "[key]":
        return loc[:-2], err.get("input", loc[-2])
    if err.get("type") == "invalid_key":
        return loc[:-1], loc[-1]
    return None


def _message(err: dict[str, object]) -> str:
    message = _rule(err)
    bad_key = _bad_key(err)
    if bad_key is not None:
        return f"key {shown(bad_key[1])} {message.split(', got ')[0]}"
    return message


def _rule(err: dict[str, object]) -> str:
    kind = str(err.get("type", ""))
    ctx = err.get("ctx")
    ctx = ctx if isinstance(ctx, dict) else {}
    got = err.get("input")
    if kind in ("value_error", "assertion_error"):
        error = ctx.get("error")
        return str(error) if error is not None else str(err.get("msg", ""))
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        rule = {
            "greater_than_equal": f"must be at least {_bound(ctx.get('ge'))}",
            "greater_than": f"must be greater than {_bound(ctx.get('gt'))}",
            "less_than_equal": f"must be at most {_bound(ctx.get('le'))}",
            "less_than": f"must be less than {_bound(ctx.get('lt'))}",
        }[kind]
        return f"{rule}, got {shown(got)}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {shown(got)}"
    if kind in ("string_too_short",):
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return f"{shown(got)} is not a valid id (lower-case letters, digits, '_' and '.')"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "invalid_key":
        return "must be text"
    if kind == "recursion_loop":
        return "refers to itself"
    if kind in _MESSAGES:
        what = type(got).__name__ if isinstance(got, dict | list | bytes) else shown(got)
        return f"{_MESSAGES[kind]}, got {what}" if kind != "missing" else _MESSAGES[kind]
    # Anything not foreseen: pydantic's text, in the same voice as the rest.
    msg = " ".join(str(err.get("msg", kind)).split())
    msg = msg.replace("Input should be", "must be").replace("Input should", "must")
    return msg[:1].lower() + msg[1:]


def _bound(value: object) -> str:
    # pydantic keeps ``gt=0`` on a float field as ``0.0``; a person wrote 0.
    return number_text(value) if isinstance(value, int | float) else str(value)


def problems_from_validation(exc: ValidationError, prefix: Loc = ()) -> list[Problem]:
    """Turn pydantic's errors into :class:`Problem` lines with clean paths."""
    problems = []
    for err in exc.errors(include_url=False):
        bad_key = _bad_key(dict(err))
        if bad_key is not None:
            loc = [*prefix, *_clean_loc(bad_key[0])]
        elif err["type"] == "extra_forbidden" and err["loc"]:
            # The last part is the unknown key itself, even one spelled 'normal'.
            loc = [*prefix, *_clean_loc(err["loc"][:-1]), err["loc"][-1]]
        else:
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
