"""The fund's two accounting views, year by year, from the same flows.

A social investment fund is accounted for twice (see ``docs/design/revolving-fund-and-follow-up.md``):

* **Statutory** (extern redovisning, the annual accounts): a disbursement is a
  *cost* in the year it is paid; the fund is *earmarked equity* (öronmärkt eget
  kapital) that the cost decreases, a repayment — a frame cut (ramminskning) in the
  committee where the savings arise — re-earmarks, and capital added increases.
  Seed 002: "i den externa redovisningen får en kostnad inte redovisas som en
  investering".
* **Internal** (the fund's own books, the journal): the money paid out is an
  *asset*, the investment outstanding (paid − repaid − written off), written down as
  repayments arrive; its residual value, the fund's cash and the fund's equity
  (cash + residual value) are shown each year.

Both views are derived from one list of :class:`YearFlows`; nothing is posted twice.
:func:`straight_line_depreciation` and :func:`property_versus_social_investment`
reproduce the seeds' accounting example (seed 003, "Redovisning exempel").
Pure calculation on exact :class:`~decimal.Decimal` kronor in whole öre.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .money import ZERO, MoneyLike, is_whole_ore, split_evenly, to_ore

__all__ = [
    "AccountingExample",
    "AccountingViews",
    "DepreciationLine",
    "ExampleYear",
    "InternalYear",
    "StatutoryYear",
    "YearFlows",
    "accounting_views",
    "property_versus_social_investment",
    "straight_line_depreciation",
]


def _ore(value: MoneyLike, name: str) -> Decimal:
    """An amount in whole öre; a Decimal with more decimals is an error, not rounded away."""
    if isinstance(value, Decimal) and value.is_finite() and not is_whole_ore(value):
        raise ValueError(f"{name}: must be in whole öre, got {value}")
    return to_ore(value, field=name)


@dataclass(frozen=True)
class YearFlows:
    """What happened in the fund in one budget (calendar) year, in kronor.

    Attributes
    ----------
    year : int
    capital_added : Decimal
        Capital injections (the owners' contributions).
    paid : Decimal
        Disbursements paid out to investments, net of corrections.
    repaid : Decimal
        Repayments of principal (återföring), net of corrections.
    returned : Decimal
        Repaid above the principal: an outcome contract's capped return.
    written_off : Decimal
        Principal written off (an agreement ended with principal unpaid).

    Amounts may be negative only as the net effect of corrections in the year
    (a reversal of an earlier year's entry).
    """

    year: int
    capital_added: Decimal = ZERO
    paid: Decimal = ZERO
    repaid: Decimal = ZERO
    returned: Decimal = ZERO
    written_off: Decimal = ZERO

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise ValueError(f"year: must be a whole calendar year, got {self.year!r}")
        for name in ("capital_added", "paid", "repaid", "returned", "written_off"):
            object.__setattr__(self, name, _ore(getattr(self, name), f"{name}[{self.year}]"))


@dataclass(frozen=True)
class StatutoryYear:
    """One year of the statutory view: the earmarked equity's movement.

    ``closing_equity = opening_equity + capital_added − costs + repayments``, where
    ``costs`` are the disbursements paid and ``repayments`` principal plus return.
    Written-off principal does not appear: it was a cost already when paid.
    """

    year: int
    opening_equity: Decimal
    capital_added: Decimal
    costs: Decimal
    repayments: Decimal
    closing_equity: Decimal


@dataclass(frozen=True)
class InternalYear:
    """One year of the internal view: the investment as an asset.

    ``closing_investments = opening_investments + paid − repaid − written_off`` (the
    residual value); ``cash`` is the fund's money at year end; ``result = returned −
    written_off``; ``equity = cash + closing_investments``.
    """

    year: int
    opening_investments: Decimal
    paid: Decimal
    repaid: Decimal
    written_off: Decimal
    closing_investments: Decimal
    cash: Decimal
    returned: Decimal
    result: Decimal
    equity: Decimal

    @property
    def residual_value(self) -> Decimal:
        return self.closing_investments


@dataclass(frozen=True)
class AccountingViews:
    """Both views over the same years, in year order."""

    statutory: tuple[StatutoryYear, ...]
    internal: tuple[InternalYear, ...]

    def side_by_side(self) -> list[tuple[StatutoryYear, InternalYear]]:
        return list(zip(self.statutory, self.internal, strict=True))


def _contiguous(flows: Iterable[YearFlows]) -> list[YearFlows]:
    by_year: dict[int, YearFlows] = {}
    for f in flows:
        if not isinstance(f, YearFlows):
            raise ValueError(f"flows: expected YearFlows, got {type(f).__name__}")
        if f.year in by_year:
            raise ValueError(f"flows: year {f.year} appears twice")
        by_year[f.year] = f
    if not by_year:
        return []
    first, last = min(by_year), max(by_year)
    return [by_year.get(y, YearFlows(year=y)) for y in range(first, last + 1)]


def accounting_views(
    flows: Iterable[YearFlows],
    *,
    opening_cash: MoneyLike = ZERO,
    opening_investments: MoneyLike = ZERO,
) -> AccountingViews:
    """The statutory and the internal view, year by year.

    Parameters
    ----------
    flows : iterable of YearFlows
        Any order; years between the first and the last that are missing count as
        years with no flows, so the tables have no gaps.
    opening_cash : amount
        The fund's cash at the start of the first year.
    opening_investments : amount
        Investments outstanding (paid, not repaid or written off) at the start.

    Returns
    -------
    AccountingViews

    Notes
    -----
    With cash ``C``, investments outstanding ``I``, and the year's capital added
    ``K``, paid ``P``, principal repaid ``R``, return ``A`` and written off ``W``:

    * statutory: ``E_close = E_open + K − P + (R + A)``, with ``E_open`` the opening
      cash (everything paid out was expensed, so earmarked equity is the cash);
    * internal: ``I_close = I_open + P − R − W``, ``C_close = C_open + K − P + R + A``,
      result ``A − W``, equity ``C_close + I_close``.

    Hence every year the statutory closing equity equals the internal cash, and the
    internal equity exceeds it by the residual value of the investments.

    Examples
    --------
    >>> v = accounting_views([YearFlows(2025, paid=Decimal(10_000_000), repaid=Decimal(2_000_000))],
    ...                      opening_cash=10_000_000)
    >>> v.statutory[0].closing_equity, v.internal[0].residual_value, v.internal[0].equity
    (Decimal('2000000.00'), Decimal('8000000.00'), Decimal('10000000.00'))
    """
    cash = _ore(opening_cash, "opening_cash")
    invested = _ore(opening_investments, "opening_investments")
    statutory: list[StatutoryYear] = []
    internal: list[InternalYear] = []
    for f in _contiguous(flows):
        repayments = f.repaid + f.returned
        closing_cash = cash + f.capital_added - f.paid + repayments
        statutory.append(
            StatutoryYear(
                year=f.year,
                opening_equity=cash,
                capital_added=f.capital_added,
                costs=f.paid,
                repayments=repayments,
                closing_equity=closing_cash,
            )
        )
        closing_invested = invested + f.paid - f.repaid - f.written_off
        internal.append(
            InternalYear(
                year=f.year,
                opening_investments=invested,
                paid=f.paid,
                repaid=f.repaid,
                written_off=f.written_off,
                closing_investments=closing_invested,
                cash=closing_cash,
                returned=f.returned,
                result=f.returned - f.written_off,
                equity=closing_cash + closing_invested,
            )
        )
        cash, invested = closing_cash, closing_invested
    return AccountingViews(statutory=tuple(statutory), internal=tuple(internal))


@dataclass(frozen=True)
class DepreciationLine:
    """One year of a depreciation plan: this year's depreciation and the book value after it."""

    year: int
    depreciation: Decimal
    accumulated: Decimal
    book_value: Decimal


def straight_line_depreciation(cost: MoneyLike, years: int, first_year: int) -> list[DepreciationLine]:
    """Linear planned depreciation (linjär planenlig avskrivning), exact to öre.

    Parameters
    ----------
    cost : amount
        Acquisition cost in kronor, ≥ 0, whole öre.
    years : int
        Useful life, ≥ 1.
    first_year : int
        The first year depreciated (the year of acquisition).

    Returns
    -------
    list of DepreciationLine
        ``years`` lines; depreciation sums to ``cost`` exactly, the last book value is 0.

    Notes
    -----
    Each of the first ``N − 1`` years depreciates ``cost / N`` rounded down to öre;
    the last year takes the remainder (:func:`~.money.split_evenly`), so the last
    year's depreciation is the same or up to ``N − 1`` öre more.

    Examples
    --------
    >>> [str(d.book_value) for d in straight_line_depreciation(1000, 3, 2025)]
    ['666.67', '333.34', '0.00']
    """
    c = _ore(cost, "cost")
    if c < 0:
        raise ValueError(f"cost: must be 0 or more, got {c}")
    if isinstance(first_year, bool) or not isinstance(first_year, int):
        raise ValueError(f"first_year: must be a whole calendar year, got {first_year!r}")
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ValueError(f"years: must be a whole number of at least 1, got {years!r}")
    lines: list[DepreciationLine] = []
    accumulated = ZERO
    for i, part in enumerate(split_evenly(c, years)):
        accumulated += part
        lines.append(
            DepreciationLine(
                year=first_year + i, depreciation=part, accumulated=accumulated, book_value=c - accumulated
            )
        )
    return lines


@dataclass(frozen=True)
class ExampleYear:
    """One row of the seeds' example: the property beside the social investment."""

    year: int
    property_depreciation: Decimal
    property_book_value: Decimal
    statutory_cost: Decimal
    repayment: Decimal
    residual_value: Decimal


@dataclass(frozen=True)
class AccountingExample:
    """The seeds' accounting example: both tables and the flows behind them."""

    amount: Decimal
    property_years: int
    repayment_years: int
    depreciation: tuple[DepreciationLine, ...]
    flows: tuple[YearFlows, ...]
    views: AccountingViews
    rows: tuple[ExampleYear, ...]


def property_versus_social_investment(
    *,
    first_year: int = 2025,
    amount: MoneyLike = 10_000_000,
    property_years: int = 10,
    repayment_years: int = 5,
    repayment_lag: int = 0,
) -> AccountingExample:
    """Seed 003's "Redovisning exempel": a property beside a social investment of the same cost.

    Parameters
    ----------
    first_year : int
        The year both are bought / paid out.
    amount : amount
        The cost of each, 10 Mkr in the seed.
    property_years : int
        The property's useful life, 10 years in the seed.
    repayment_years : int
        The years over which the committee repays the investment, 5 in the seed.
    repayment_lag : int
        Years between the payment and the first repayment: 0 (the default) repays
        from the year paid, like a depreciation plan that starts in the year of
        acquisition; ``examples/redovisningsexempel.yaml`` uses 1 (savings start the
        year after).

    Returns
    -------
    AccountingExample
        ``rows`` covers the longer of the two plans: per year the property's
        depreciation and book value; the social investment's statutory cost (all of
        it in the year paid), its repayment (the internal write-down) and residual
        value.  ``views`` is :func:`accounting_views` of a fund that holds ``amount``
        at the start, pays it out in ``first_year`` and is repaid straight-line.

    Notes
    -----
    Property: depreciation ``A/N`` a year, book value ``A − k·A/N``; in the
    statutory accounts the cost *is* the depreciation, spread over the useful life.
    Social investment: statutory cost ``A`` in the year paid, then nothing; internal
    asset ``A`` written down by repayments ``A/M`` a year (split exactly to öre),
    residual value ``A − k·A/M``.  With the seed's figures (lag 0): property
    1 Mkr a year, book value 9, 8, …, 0 Mkr; social investment cost 10 Mkr in year 1,
    repayments 2 Mkr a year, residual value 8, 6, 4, 2, 0 Mkr.
    """
    a = _ore(amount, "amount")
    if isinstance(repayment_lag, bool) or not isinstance(repayment_lag, int) or repayment_lag < 0:
        raise ValueError(f"repayment_lag: must be a whole number ≥ 0, got {repayment_lag!r}")
    depreciation = straight_line_depreciation(a, property_years, first_year)
    repayments = {
        first_year + repayment_lag + i: part for i, part in enumerate(split_evenly(a, repayment_years))
    }
    last = max(depreciation[-1].year, max(repayments))
    flows = tuple(
        YearFlows(year=y, paid=a if y == first_year else ZERO, repaid=repayments.get(y, ZERO))
        for y in range(first_year, last + 1)
    )
    views = accounting_views(flows, opening_cash=a)
    by_year = {d.year: d for d in depreciation}
    rows = tuple(
        ExampleYear(
            year=s.year,
            property_depreciation=by_year[s.year].depreciation if s.year in by_year else ZERO,
            property_book_value=by_year[s.year].book_value if s.year in by_year else ZERO,
            statutory_cost=s.costs,
            repayment=i.repaid,
            residual_value=i.residual_value,
        )
        for s, i in views.side_by_side()
    )
    return AccountingExample(
        amount=a,
        property_years=property_years,
        repayment_years=repayment_years,
        depreciation=tuple(depreciation),
        flows=flows,
        views=views,
        rows=rows,
    )
