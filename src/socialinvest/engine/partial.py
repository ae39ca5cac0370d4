"""Every problem in one run: the reference checks of a scenario that failed validation.

A scenario is checked in two steps — its structure (pydantic) and its references
(:func:`.resolve.resolve`: actors, cost items, years within the horizon, price
index years).  The second step needs a valid scenario, so a file with an unknown
key used to show only that, and its unknown actor only after it was fixed.

Here the invalid parts are set aside — an unknown or invalid optional key is
removed, an entry with an invalid required field is left out, an invalid
top-level field falls back to its default — and the rest is resolved.  Its
problems are reported with the original entry numbers, except those that only
follow from what was set aside (a year checked against a horizon that was
itself invalid, a reference to an entry that was left out).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from .catalogue import Catalogue
from .errors import Problem, ScenarioError
from .resolve import resolve
from .scenario import Scenario

LISTS = ("actors", "cost_items", "costs", "participants", "outcomes")
# Fields an entry cannot do without: an invalid one leaves the entry out.
REQUIRED = {
    "actors": {"id", "name", "level"},
    "cost_items": {"id", "name", "unit", "price_year"},
    "costs": {"actor", "amount"},
    "participants": {"year", "count"},
    "outcomes": {"name", "cost_item", "baseline_risk", "effect"},
}
PLACEHOLDERS = {"name": "-", "price_year": 2000}
MAX_ROUNDS = 4
MAX_ERRORS = 200  # beyond this the file is not a scenario with a few mistakes; report those
_ENTRY = re.compile(r"^(" + "|".join(LISTS) + r")\[(\d+)\]")
_YEAR_PATH = re.compile(r"\.years?(\[\d+\])?$")


class _Draft:
    """The scenario's data with invalid parts set aside, entries remembering their original index."""

    def __init__(self, data: dict[Any, Any]):
        self.top: dict[Any, Any] = {k: v for k, v in data.items() if k not in LISTS}
        self.lists: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.dropped_ids: set[str] = set()
        self.dropped_top: set[str] = set()
        for name in LISTS:
            if name not in data:
                continue
            value = data[name]
            if not isinstance(value, list):
                self.top[name] = value  # validation will say so; then it is dropped whole
                continue
            self.lists[name] = [(i, dict(e) if isinstance(e, dict) else e) for i, e in enumerate(value)]

    def data(self) -> dict[Any, Any]:
        out = dict(self.top)
        out.update({name: [e for _, e in entries] for name, entries in self.lists.items()})
        return out

    def original(self, name: str, index: int) -> int:
        return self.lists[name][index][0]

    def drop_entry(self, name: str, index: int) -> None:
        _, entry = self.lists[name][index]
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            self.dropped_ids.add(entry["id"])
        self.lists[name][index] = (-1, entry)  # marked; removed after this round

    def set_aside(self, loc: tuple[Any, ...]) -> None:
        if not loc:
            return
        head = loc[0]
        if head in self.lists and len(loc) >= 2 and isinstance(loc[1], int):
            if loc[1] >= len(self.lists[head]) or self.lists[head][loc[1]][0] < 0:
                return
            entry = self.lists[head][loc[1]][1]
            key = loc[2] if len(loc) >= 3 else None
            if (
                isinstance(entry, dict)
                and key == "cost"
                and len(loc) >= 4
                and isinstance(entry.get("cost"), dict)
            ):
                entry["cost"] = {k: v for k, v in entry["cost"].items() if k != loc[3]}
            elif isinstance(entry, dict) and key in entry and key not in REQUIRED[head]:
                del entry[key]
            else:
                self.drop_entry(head, loc[1])
            return
        if head in self.lists:
            del self.lists[head]
        self.top.pop(head, None)
        self.dropped_top.add(str(head))
        if head in PLACEHOLDERS:
            self.top[head] = PLACEHOLDERS[head]

    def end_round(self) -> None:
        for name, entries in self.lists.items():
            self.lists[name] = [(i, e) for i, e in entries if i >= 0]


def _follows_from_set_aside(problem: Problem, draft: _Draft) -> bool:
    if {"horizon", "start_year"} & draft.dropped_top and _YEAR_PATH.search(problem.path):
        return True
    if {"price_year", "price_index"} & draft.dropped_top and "no price index" in problem.message:
        return True
    return any(f"{name!r}" in problem.message for name in draft.dropped_ids)


def _renumber(problem: Problem, draft: _Draft) -> Problem:
    match = _ENTRY.match(problem.path)
    if not match or match.group(1) not in draft.lists:
        return problem
    name, index = match.group(1), int(match.group(2))
    if index >= len(draft.lists[name]):
        return problem
    path = f"{name}[{draft.original(name, index)}]{problem.path[match.end() :]}"
    return Problem(path, problem.message)


def reference_problems(
    data: dict[Any, Any], exc: ValidationError, catalogue: Catalogue | None
) -> list[Problem]:
    """The problems :func:`.resolve.resolve` finds in the valid parts of ``data``.

    ``exc`` is the validation error of ``data`` itself (those problems are the
    caller's); returns ``[]`` when too little is valid to check references.
    """
    if exc.error_count() > MAX_ERRORS:
        return []
    draft = _Draft(data)
    errors = exc.errors(include_url=False)
    for _ in range(MAX_ROUNDS):
        for err in errors:
            draft.set_aside(tuple(err["loc"]))
        draft.end_round()
        try:
            scenario = Scenario.model_validate(draft.data())
        except ValidationError as again:
            errors = again.errors(include_url=False)
            continue
        try:
            resolve(scenario, catalogue)
        except ScenarioError as found:
            return [
                _renumber(p, draft)
                for p in found.problems
                if not _follows_from_set_aside(_renumber(p, draft), draft)
            ]
        return []
    return []
