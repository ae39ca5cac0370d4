"""Opportunity cost: what an amount would buy instead.

Seed 001: the 31.5 Mkr that two persons in lifelong exclusion cost would pay for
2 youth centres, 58 places in elderly care, 85 preschool teachers or 88 984
guitar lessons.  The default list (``engine/data/equivalents.yaml``) holds unit
prices inferred from that sentence; a municipality can supply its own list.
"""

from __future__ import annotations

import functools
import math
import os
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .distributions import MAX_MAGNITUDE, number_text, too_large

_PACKAGE = "socialinvest.engine"
_RESOURCE = "data/equivalents.yaml"
_EPS = 1e-9  # keeps 31.5 M / 15.75 M from landing just below 2 through rounding


class EquivalentItem(BaseModel):
    """Something an amount could buy: a name and a price per unit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    unit_price: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    name_en: str | None = None
    source: str | None = None


class EquivalentCount(BaseModel):
    """How many units of one item the amount buys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    name_en: str | None = None
    unit_price: float
    count: int


class Equivalents(BaseModel):
    """The result of :func:`opportunity_equivalents`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: float
    items: list[EquivalentCount]


def _parse_items(data: Any, where: str) -> list[EquivalentItem]:
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if not isinstance(data, list) or not data:
        raise ValueError(f"{where}: expected a non-empty list of {{name, unit_price}} entries")
    items: list[EquivalentItem] = []
    for index, entry in enumerate(data, start=1):
        label = f"{where}: entry {index}"
        if not isinstance(entry, dict):
            raise ValueError(f"{label}: expected a mapping with name and unit_price, got {entry!r}")
        if isinstance(entry.get("name"), str):
            label += f" ({entry['name']!r})"
        price = entry.get("unit_price")
        if "unit_price" not in entry:
            raise ValueError(f"{label}: unit_price: missing")
        if isinstance(price, bool) or not isinstance(price, int | float):
            raise ValueError(f"{label}: unit_price: must be a number, got {price!r}")
        if not math.isfinite(price) or price <= 0:
            raise ValueError(f"{label}: unit_price: must be greater than 0, got {price!r}")
        try:
            items.append(EquivalentItem.model_validate(entry))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(part) for part in err["loc"]) or "entry"
            raise ValueError(f"{label}: {field}: {err['msg']}") from None
    return items


def load_equivalent_items(path: str | os.PathLike[str]) -> list[EquivalentItem]:
    """Read a list of items from a YAML or JSON file.

    The file holds a list of ``{name, unit_price}`` mappings (optionally with
    ``name_en`` and ``source``), or a mapping with such a list under ``items``.

    Parameters
    ----------
    path : str or os.PathLike
        The file; JSON is read as YAML, which it is a subset of.

    Returns
    -------
    list[EquivalentItem]

    Raises
    ------
    ValueError
        If the file is not a list of valid entries; the message names the file,
        the entry (counted from 1) and the field, e.g.
        ``items.yaml: entry 2 ('fritidsgårdar'): unit_price: must be greater than 0, got -5``.
    """
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{p.name}: not valid YAML or JSON: {exc}") from None
    return _parse_items(data, p.name)


@functools.cache
def _default_items() -> tuple[EquivalentItem, ...]:
    text = resources.files(_PACKAGE).joinpath(_RESOURCE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    source = data.get("source") if isinstance(data, dict) else None
    items = _parse_items(data, "equivalents.yaml")
    return tuple(i if i.source else i.model_copy(update={"source": source}) for i in items)


def default_equivalent_items() -> list[EquivalentItem]:
    """The packaged list (unit prices inferred from seed 001)."""
    return list(_default_items())


def opportunity_equivalents(amount: float, items: list[EquivalentItem] | None = None) -> Equivalents:
    """How many units of each item ``amount`` would pay for.

    Parameters
    ----------
    amount : float
        An amount in SEK (at least 0).
    items : list[EquivalentItem], optional
        What to express the amount in; the packaged list by default.

    Returns
    -------
    Equivalents
        One :class:`EquivalentCount` per item, in the order given.

    Notes
    -----
    ``count = ⌊amount / unit_price + 10⁻⁹⌋``: whole units only; the small
    tolerance keeps an exact multiple from rounding down.

    Examples
    --------
    >>> [e.count for e in opportunity_equivalents(31_500_000).items]
    [2, 58, 85, 88984]
    """
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise ValueError(f"amount: must be a number, got {amount!r}")
    if not math.isfinite(amount) or amount < 0:
        raise ValueError(f"amount: must be a finite number of at least 0, got {amount!r}")
    if amount > MAX_MAGNITUDE:  # 1e308 kronor printed a 300-digit count per item
        raise ValueError(f"amount: {too_large(number_text(amount))}")
    chosen = default_equivalent_items() if items is None else items
    counts = [
        EquivalentCount(
            name=item.name,
            name_en=item.name_en,
            unit_price=item.unit_price,
            count=math.floor(amount / item.unit_price + _EPS),
        )
        for item in chosen
    ]
    return Equivalents(amount=float(amount), items=counts)


equivalents = opportunity_equivalents
"""Short alias of :func:`opportunity_equivalents`."""
