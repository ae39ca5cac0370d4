"""Repayment agreements (återföring) and the schedules they yield.

An agreement binds one granted investment and one benefiting unit (a committee, or
in a multi-party fund an external party) to one of five models; see
:func:`repayment_schedule`.  Pure calculation: no ledger, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_DOWN, Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from .money import MAX_AMOUNT, ZERO, MoneyLike, share_of, split_evenly, to_ore
from .savings import forecast_by_year, measured_by_year
from .schedule import Basis, Schedule, ScheduleLine

Year = Annotated[int, Field(strict=True, ge=1900, le=2200, description="A calendar (budget) year.")]
Amount = Annotated[
    Decimal,
    Field(ge=0, lt=MAX_AMOUNT, decimal_places=2, allow_inf_nan=False, description="Kronor, whole öre."),
    AfterValidator(to_ore),
]
Share = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False, description="A fraction, 0 to 1.")]


class _Terms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoRepayment(_Terms):
    """A grant: nothing is repaid."""

    model: Literal["none"] = "none"


class FixedSchedule(_Terms):
    """``principal`` repaid straight-line over ``years`` years from ``first_year``."""

    model: Literal["fixed_schedule"] = "fixed_schedule"
    principal: Amount
    years: int = Field(strict=True, ge=1, le=100)
    first_year: Year


class _ShareOfSavings(_Terms):
    share: Share
    cap: Amount = Field(description="The most repaid in total over the window.")
    first_year: Year
    last_year: Year

    @model_validator(mode="after")
    def _window(self) -> _ShareOfSavings:
        if self.last_year < self.first_year:
            raise ValueError(f"last_year: {self.last_year} is before first_year {self.first_year}")
        return self


class ForecastShare(_ShareOfSavings):
    """A share of the cashable savings the decided calculation forecasts for the unit, capped."""

    model: Literal["forecast_share"] = "forecast_share"


class MeasuredShare(_ShareOfSavings):
    """A share of the unit's measured savings, capped; unmeasured years are pending."""

    model: Literal["measured_share"] = "measured_share"


class OutcomeContract(_Terms):
    """A guaranteed part repaid regardless; the rest, with a capped return, on measured savings."""

    model: Literal["outcome_contract"] = "outcome_contract"
    principal: Amount
    guaranteed_share: Share
    years: int = Field(strict=True, ge=1, le=100)
    first_year: Year
    conditional_share_of_savings: Share
    return_cap: Decimal = Field(ge=0, allow_inf_nan=False, description="0.2: at most principal × 1.2.")


RepaymentTerms = Annotated[
    NoRepayment | FixedSchedule | ForecastShare | MeasuredShare | OutcomeContract,
    Field(discriminator="model"),
]
_TERMS: TypeAdapter[RepaymentTerms] = TypeAdapter(RepaymentTerms)


def parse_terms(data: Mapping[str, Any]) -> RepaymentTerms:
    """Validate terms from a mapping (e.g. JSON); raises ``pydantic.ValidationError``."""
    return _TERMS.validate_python(data)


def _capped(
    share: Decimal,
    cap: Decimal,
    years: Iterable[int],
    savings: Mapping[int, Decimal | None],
    basis: Basis,
) -> list[ScheduleLine]:
    """``min(cap − paid so far, share × max(savings, 0))`` each year; ``None`` savings: pending."""
    lines: list[ScheduleLine] = []
    paid = ZERO
    for year in years:
        s = savings.get(year)
        if s is None:
            lines.append(ScheduleLine(year=year, amount=ZERO, basis=basis, pending=True))
            continue
        amount = min(share_of(share, max(s, ZERO)), cap - paid)
        paid += amount
        lines.append(ScheduleLine(year=year, amount=amount, basis=basis))
    return lines


def repayment_schedule(
    terms: RepaymentTerms | Mapping[str, Any],
    *,
    forecast: Mapping[int, MoneyLike] | None = None,
    measured: Mapping[int, MoneyLike | None] | None = None,
) -> Schedule:
    """The schedule one repayment agreement yields, per budget year.

    Parameters
    ----------
    terms : RepaymentTerms or mapping
        The agreement; a mapping is validated with :func:`parse_terms`.
    forecast : mapping of int to amount, optional
        ``{calendar year: cashable savings}`` the decided calculation forecasts for the
        benefiting unit (see :func:`~socialinvest.finance.savings.forecast_savings`).
        Required for ``forecast_share``; a year in the window missing from it counts
        as 0 (the calculation's horizon ended).  Ignored by the other models.
    measured : mapping of int to amount or None, optional
        ``{calendar year: measured savings}``; ``None`` as a value, a missing year, or
        no mapping at all means "not yet measured".  Used by ``measured_share`` and
        ``outcome_contract``; ignored by the others.

    Returns
    -------
    Schedule
        Lines in year order, every amount ≥ 0 in whole öre.

    Raises
    ------
    pydantic.ValidationError
        Invalid terms; the error's location names the field.
    ValueError
        A forecast is missing, or a savings year or amount is not a number.

    Notes
    -----
    Savings are money: each is rounded to whole öre as it comes in, so every figure
    can be checked by hand from the figures shown.  Each derived amount is then rounded
    once, to whole öre, half to even (``round``, :func:`~.money.to_ore`);
    ``split(X, N)`` is :func:`~.money.split_evenly`: ``N`` equal parts rounded down to
    öre, the remainder in the last, summing to ``X`` exactly.  Savings below 0 (a year
    where costs rose) count as 0: repayment is never negative, and a bad year is not
    set off against a good one.

    * ``none`` — no lines.
    * ``fixed_schedule`` — years ``L … L+N−1`` owe ``split(P, N)``; basis ``fixed``.
    * ``forecast_share`` / ``measured_share`` — for ``t`` from ``first_year`` to
      ``last_year``, with savings ``S_t`` and share ``s``:
      ``a_t = min(C − Σ_{u<t} a_u, round(s · max(S_t, 0)))``, hence ``Σ a_t ≤ C``
      (in fact ``Σ a_t = min(C, Σ round(s · max(S_t, 0)))``).  For
      ``measured_share`` an unmeasured year is a pending line of 0 and uses none of
      the cap; it is recalculated when the measurement arrives.
    * ``outcome_contract`` — principal ``P``, guaranteed share ``g``, years
      ``L … L+N−1``, share of savings ``s``, return cap ``r``:

      - guaranteed part ``G = round(P·g)``, lines ``split(G, N)``, paid regardless;
      - ceiling ``T = round_down(P·(1 + r))``: the most ever repaid, rounded down
        so it never exceeds the exact ``P·(1 + r)``;
      - conditional entitlement ``E = T − G``: the rest of the principal ``P − G``
        plus the capped return ``P·r`` — the return is earned only through the
        conditional part;
      - each year ``c_t = min(E − Σ_{u<t} c_u, round(s · max(m_t, 0)))`` on measured
        savings ``m_t`` in the same ``N`` years; unmeasured years are pending;
      - so ``G ≤ total = G + Σ c_t ≤ T``.  Savings that would pay more than ``E``
        are not repaid, and a shortfall is not carried beyond the ``N`` years: the
        investor carries the risk of the conditional part.

    Examples
    --------
    Norrköping's contract: 10 Mkr, 40 % guaranteed over 4 years, half of measured
    savings pays the conditional part, return capped at 20 %.

    >>> terms = OutcomeContract(principal=10_000_000, guaranteed_share="0.4", years=4,
    ...     first_year=2016, conditional_share_of_savings="0.5", return_cap="0.2")
    >>> s = repayment_schedule(terms, measured={2016: 1_000_000, 2017: 4_000_000,
    ...     2018: -500_000, 2019: 12_000_000})
    >>> [str(a) for a in s.by_year().values()]
    ['1500000.00', '3000000.00', '1000000.00', '6500000.00']
    >>> s.total, s.ceiling
    (Decimal('12000000.00'), Decimal('12000000.00'))
    >>> repayment_schedule({"model": "fixed_schedule", "principal": 10_000_000,
    ...     "years": 5, "first_year": 2026}).by_year()[2026]
    Decimal('2000000.00')
    """
    t = terms if isinstance(terms, _Terms) else parse_terms(terms)
    if isinstance(t, NoRepayment):
        return Schedule(model=t.model, ceiling=ZERO, lines=[])
    if isinstance(t, FixedSchedule):
        parts = split_evenly(t.principal, t.years)
        lines = [ScheduleLine(year=t.first_year + i, amount=a, basis="fixed") for i, a in enumerate(parts)]
        return Schedule(model=t.model, ceiling=t.principal, lines=lines)
    if isinstance(t, ForecastShare):
        if forecast is None:
            raise ValueError(
                "forecast: required for model 'forecast_share' (the decided calculation's "
                "cashable savings for the unit, by year)"
            )
        window = range(t.first_year, t.last_year + 1)
        by_year = forecast_by_year(forecast)
        savings: dict[int, Decimal | None] = {y: by_year.get(y, ZERO) for y in window}
        lines = _capped(t.share, t.cap, window, savings, "forecast")
        return Schedule(model=t.model, ceiling=t.cap, lines=lines)
    m = measured_by_year(measured or {})
    if isinstance(t, MeasuredShare):
        window = range(t.first_year, t.last_year + 1)
        lines = _capped(t.share, t.cap, window, m, "measured")
        return Schedule(model=t.model, ceiling=t.cap, lines=lines)
    if isinstance(t, OutcomeContract):
        return _outcome(t, m)
    raise TypeError(f"terms: unknown repayment model {type(t).__name__}")  # pragma: no cover


def _outcome(t: OutcomeContract, measured: Mapping[int, Decimal | None]) -> Schedule:
    guaranteed = share_of(t.guaranteed_share, t.principal, field="principal × guaranteed_share")
    ceiling = share_of(
        1 + t.return_cap, t.principal, field="principal × (1 + return_cap)", rounding=ROUND_DOWN
    )
    window = range(t.first_year, t.first_year + t.years)
    fixed = split_evenly(guaranteed, t.years)
    entitlement = ceiling - guaranteed  # the rest of the principal plus the capped return
    conditional = _capped(t.conditional_share_of_savings, entitlement, window, measured, "conditional")
    lines: list[ScheduleLine] = []
    for year, g, c in zip(window, fixed, conditional, strict=True):
        lines += [ScheduleLine(year=year, amount=g, basis="guaranteed"), c]
    return Schedule(model=t.model, ceiling=ceiling, lines=lines)
