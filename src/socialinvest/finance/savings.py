"""Savings by calendar year: read from a decided calculation, or checked from a caller.

The engine is not imported (it needs numpy); :func:`forecast_savings` reads any
object shaped like :class:`socialinvest.engine.results.Result`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from .money import MoneyLike, to_ore


class _ActorFlows(Protocol):
    @property
    def benefits_cashable(self) -> Sequence[float]: ...


class _BaseCase(Protocol):
    @property
    def years(self) -> Sequence[int]: ...

    @property
    def flows(self) -> Mapping[str, _ActorFlows]: ...


class DecidedCalculation(Protocol):
    """What :func:`forecast_savings` needs of an engine ``Result``."""

    @property
    def base(self) -> _BaseCase: ...


def _year(key: object, field: str) -> int:
    if isinstance(key, bool) or not isinstance(key, int):
        raise ValueError(f"{field}: years must be whole calendar years, got {key!r}")
    return key


def forecast_savings(result: DecidedCalculation, actor_id: str) -> dict[int, Decimal]:
    """The cashable benefits a decided calculation forecasts for one unit, by calendar year.

    Parameters
    ----------
    result : Result
        A decided calculation (``socialinvest.engine.results.Result``).
    actor_id : str
        The benefiting unit's actor id, e.g. ``"kommun.socialtjanst"``.

    Returns
    -------
    dict of int to Decimal
        ``{base.years[t]: base.flows[actor_id].benefits_cashable[t]}`` rounded to öre.
        The engine's flows are undiscounted, in the calculation's price year.

    Raises
    ------
    ValueError
        The actor has no flows in the calculation, or years and flows differ in length.
    """
    flows = result.base.flows
    if actor_id not in flows:
        known = ", ".join(sorted(flows)) or "none"
        raise ValueError(f"actor_id: {actor_id!r} has no flows in the calculation (it has: {known})")
    years = list(result.base.years)
    cashable = list(flows[actor_id].benefits_cashable)
    if len(years) != len(cashable):
        raise ValueError(f"benefits_cashable: {len(cashable)} values for {len(years)} years for {actor_id!r}")
    return {
        _year(y, "base.years"): to_ore(v, field=f"benefits_cashable[{y}]")
        for y, v in zip(years, cashable, strict=True)
    }


def forecast_by_year(forecast: Mapping[int, MoneyLike]) -> dict[int, Decimal]:
    """Check and round a forecast ``{year: savings}``; a forecast has a number for every year."""
    out: dict[int, Decimal] = {}
    for key, value in forecast.items():
        year = _year(key, "forecast")
        if value is None:
            raise ValueError(f"forecast[{year}]: a forecast needs an amount, got None")
        out[year] = to_ore(value, field=f"forecast[{year}]")
    return out


def measured_by_year(measured: Mapping[int, MoneyLike | None]) -> dict[int, Decimal | None]:
    """Check and round measured savings ``{year: savings}``; ``None`` means not yet measured."""
    out: dict[int, Decimal | None] = {}
    for key, value in measured.items():
        year = _year(key, "measured")
        out[year] = None if value is None else to_ore(value, field=f"measured[{year}]")
    return out
