"""The embedded default catalogue: actors, sourced unit costs and the price index.

The catalogue ships with the package (``engine/data/catalogue.yaml``).  Every
cost item carries its source, price year, status (found / inferred /
assumption) and a confidence grade, so a calculation that uses it can show
where each number comes from.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .scenario import Actor, CostItem

# Beside this module in the installed package (read as a file: importlib.resources
# would add its own imports to every calculation's start-up).
_FILE = Path(__file__).with_name("data") / "catalogue.yaml"
# libyaml's parser when PyYAML has it (the same data, a fraction of the time).
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def nearest(name: str, options: Iterable[str], n: int = 3) -> list[str]:
    """The options closest to ``name``, best first, for "did you mean" hints.

    Parameters
    ----------
    name : str
        What the user typed.
    options : Iterable[str]
        The valid names.
    n : int, optional
        At most this many suggestions (default 3).

    Returns
    -------
    list[str]
        Up to ``n`` options with a similarity ratio of at least 0.5
        (:func:`difflib.get_close_matches`); empty when nothing is close.

    Examples
    --------
    >>> nearest("kommun.socialtjänst", ["kommun.socialtjanst", "stat.polisen"])
    ['kommun.socialtjanst']
    """
    import difflib  # only when there is a misspelling to suggest for

    return difflib.get_close_matches(name, list(options), n=n, cutoff=0.5)


def _did_you_mean(name: str, options: Iterable[str]) -> str:
    close = nearest(name, options)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


class Catalogue(BaseModel):
    """Actors, cost items and a consumer price index, with a version.

    Ids are unique, and every cost item's ``cost`` names only catalogue actors.
    The model is frozen: the default catalogue is shared, do not change it
    (``model_copy(deep=True)`` gives a private copy).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Annotated[str, Field(min_length=1)]
    price_index: dict[int, Annotated[float, Field(gt=0)]]
    price_index_source: Annotated[str, Field(min_length=1)]
    actors: list[Actor]
    cost_items: list[CostItem]

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        for kind, ids in (
            ("actor", [a.id for a in self.actors]),
            ("cost item", [c.id for c in self.cost_items]),
        ):
            seen: set[str] = set()
            for i in ids:
                if i in seen:
                    raise ValueError(f"{kind} id {i!r} appears twice")
                seen.add(i)
        actor_ids = self.actor_ids()
        for item in self.cost_items:
            for actor in [*item.cost, *item.transfers().values()]:
                if actor not in actor_ids:
                    raise ValueError(
                        f"cost item {item.id!r}: unknown actor {actor!r}" + _did_you_mean(actor, actor_ids)
                    )
        return self

    def actor_ids(self) -> list[str]:
        """The actor ids, in catalogue order."""
        return [a.id for a in self.actors]

    def cost_item_ids(self) -> list[str]:
        """The cost-item ids, in catalogue order."""
        return [c.id for c in self.cost_items]

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id.

        Raises
        ------
        KeyError
            If there is none; the message suggests the closest ids.
        """
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(f"unknown actor {actor_id!r}" + _did_you_mean(actor_id, self.actor_ids()))

    def cost_item(self, item_id: str) -> CostItem:
        """The cost item with this id.

        Raises
        ------
        KeyError
            If there is none; the message suggests the closest ids.
        """
        for c in self.cost_items:
            if c.id == item_id:
                return c
        raise KeyError(f"unknown cost item {item_id!r}" + _did_you_mean(item_id, self.cost_item_ids()))


def load_catalogue_text(text: str) -> Catalogue:
    """Parse and validate a catalogue from YAML text."""
    return Catalogue.model_validate(yaml.load(text, Loader=_LOADER))


@functools.cache
def default_catalogue() -> Catalogue:
    """The catalogue packaged with the engine, loaded and validated once.

    Returns
    -------
    Catalogue
        The same (frozen) object on every call.

    Examples
    --------
    >>> cat = default_catalogue()
    >>> cat.version
    '2026.2'
    >>> cat.cost_item("social_assistance_household_year").cost["kommun.socialtjanst"].mean()
    60225.0
    """
    return load_catalogue_text(_FILE.read_text(encoding="utf-8"))
