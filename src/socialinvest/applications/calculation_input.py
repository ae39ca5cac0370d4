"""Checking the calculation form and reading uploaded scenario files.

Both end in the engine's one model (:func:`socialinvest.engine.parse_scenario`);
its problems are translated to Swedish and placed next to the field they name.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from socialinvest.core.personnummer import find_personnummer
from socialinvest.engine import Problem, Scenario, ScenarioError, default_catalogue, parse_scenario
from socialinvest.engine.loading import decode, parse_text

from . import scenario_form as sf
from .problem_messages import translate
from .scenario_paths import field_for

MAX_UPLOAD_BYTES = 1024 * 1024
UPLOAD_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Checked:
    """The form's fields, the scenario when they are valid, and the problems in Swedish."""

    fields: sf.Fields
    scenario: Scenario | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)  # field name → messages
    general: list[str] = field(default_factory=list)  # problems not tied to one field

    @property
    def ok(self) -> bool:
        return self.scenario is not None

    def count(self) -> int:
        return sum(len(v) for v in self.errors.values()) + len(self.general)


def place_problems(
    fields: Mapping[str, str], problems: list[Problem]
) -> tuple[dict[str, list[str]], list[str]]:
    """Each problem next to its field (in Swedish); those without one in a general list."""
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    for p in problems:
        name = field_for(p.path, p.message, fields)
        text = translate(p.message)
        if name is None:
            general.append(f"{p.path}: {text}" if p.path else text)
        elif text not in errors.setdefault(name, []):
            errors[name].append(text)
    return errors, general


PERSONNUMMER = N_(
    "Texten innehåller ett personnummer. Fonden får inte innehålla personuppgifter – ta bort det."
)


def check(fields: Mapping[str, str]) -> Checked:
    """Validate the fields through the engine's model; refuse personnummer in any text."""
    out = Checked(dict(fields))
    for name, value in fields.items():
        if find_personnummer(value):
            out.errors.setdefault(name, []).append(_(PERSONNUMMER))
    try:
        scenario = parse_scenario(sf.to_scenario(fields))
    except ScenarioError as exc:
        errors, out.general = place_problems(fields, exc.problems)
        for name, messages in errors.items():
            out.errors.setdefault(name, []).extend(messages)
        return out
    if not out.errors:
        out.scenario = scenario
    return out


@dataclass
class Upload:
    """An uploaded scenario file: the fields it fills (if it could be read) and its problems."""

    fields: sf.Fields | None
    problems: list[str]


def read_upload(name: str, raw: bytes, size: int) -> Upload:
    """Read a YAML/JSON scenario file (at most 1 MB) into form fields.

    The file is judged by ``decode`` + ``parse_text`` + ``parse_scenario``.  A file
    that can be read but has problems still fills the form (so they can be fixed
    there); one that cannot be read, or holds a personnummer, fills nothing.
    """
    if size > MAX_UPLOAD_BYTES:
        limit = MAX_UPLOAD_BYTES // 1024
        return Upload(None, [_("Filen är för stor (högst %(kb)d kB).") % {"kb": limit}])
    if PurePath(name).suffix.lower() not in UPLOAD_SUFFIXES:
        return Upload(None, [_("Välj en scenariofil i YAML- eller JSON-format (.yaml, .yml eller .json).")])
    try:
        text = decode(raw)
        if find_personnummer(text):
            return Upload(None, [_(PERSONNUMMER)])
        data = parse_text(text, json_only=name.lower().endswith(".json"))
    except ScenarioError as exc:
        return Upload(None, [translate(p.message) for p in exc.problems])
    try:
        scenario = parse_scenario(data)
    except ScenarioError as exc:
        problems = [
            f"{p.path}: {translate(p.message)}" if p.path else translate(p.message) for p in exc.problems
        ]
        return Upload(sf.to_fields(data) if isinstance(data, dict) else None, problems)
    return Upload(sf.to_fields(scenario.model_dump(mode="json", by_alias=True)), [])


def starter_fields(title: str, lead_actor: str | None) -> sf.Fields:
    """A sensible first scenario for a new application (every number marked as a placeholder on the page)."""
    return sf.to_fields(starter_data(title, lead_actor))


def starter_data(title: str, lead_actor: str | None) -> dict[str, Any]:
    """The first scenario as scenario-file data (the editor's starter, and an idea started from a need).

    Price year: the catalogue's latest price-index year, so catalogue unit costs
    convert; start year: this year; 20 years, 10 000 draws, a fixed seed.
    """
    catalogue = default_catalogue()
    today = datetime.date.today()
    actor = lead_actor if lead_actor in catalogue.actor_ids() else "kommun.ovrigt"
    data: dict[str, Any] = {
        "name": title[:200] or _("Kalkyl"),
        "price_year": max(catalogue.price_index),
        "start_year": today.year,
        "horizon": 20,
        "discount_rate": 0.035,
        "draws": 10_000,
        "seed": 1,
        "optimism_bias": 0.1,
        "costs": [{"actor": actor, "years": [0, 1], "amount": 1_500_000}],
        "participants": [{"year": 0, "count": 40}, {"year": 1, "count": 40}],
        "outcomes": [
            {
                "name": _("Färre unga i utanförskap"),
                "cost_item": "exclusion_year_varmdo",
                "baseline_risk": 0.25,
                "effect": {"dist": "triangular", "low": 0.05, "mode": 0.2, "high": 0.35},
                "lag": 2,
                "duration": 5,
                "persistence": 0.85,
                "deadweight": 0.2,
                "attribution": 0.8,
            }
        ],
    }
    return data
