"""One name per actor: the organisation's unit that stands for a calculation actor.

A calculation names its actors from the engine's catalogue ("Regionen, hälso- och
sjukvård"); the organisation names the same actor as a unit ("Region Exempel"), and a
committee and its administration share one actor ("Socialnämnden", "Socialförvaltningen").
Every page shows the unit's name, the committee's (or the external actor's) before the
administration's, so the same actor has the same name on the calculation, on forecast
against outcome, in the budget's payer list and in the frame-cut list.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from .models import Unit


def _preferred(units: Iterable[Unit]) -> dict[str, Unit]:
    chosen: dict[str, Unit] = {}
    # The last written wins: a committee or external unit (the lowest id) over an administration.
    for unit in sorted(units, key=lambda u: (u.kind != Unit.Kind.ADMINISTRATION, -u.pk)):
        if unit.actor_id:
            chosen[unit.actor_id] = unit
    return chosen


def actor_unit_names(organisation_id: int) -> dict[str, str]:
    """``{actor id: the unit's name}`` for the organisation's units that stand for an actor."""
    units = Unit.objects.filter(organisation_id=organisation_id).exclude(actor_id="")
    return {actor: unit.name for actor, unit in _preferred(units).items()}


def one_unit_per_actor(organisation_id: int) -> list[int]:
    """The ids of the organisation's active units, one per actor (units without an actor all kept)."""
    units = list(Unit.objects.filter(organisation_id=organisation_id, active=True))
    keep = {u.pk for u in _preferred(units).values()}
    return [u.pk for u in units if not u.actor_id or u.pk in keep]


def named_by_units(result: Mapping[str, Any], organisation_id: int) -> dict[str, Any]:
    """A stored engine result whose actors carry the organisation's unit names (a copy)."""
    names = actor_unit_names(organisation_id)
    out = copy.copy(dict(result))
    actors = {k: dict(v) for k, v in (result.get("actors") or {}).items()}
    for actor_id, info in actors.items():
        if actor_id in names:
            info["name"] = names[actor_id]
    out["actors"] = actors
    return out
