"""The fund's cost of an investment in the ex-post calculation: what the ledger says.

This is the one place the rule lives (:func:`actual_costs`); the ex-post service
passes its :attr:`ActualCosts.costs` to ``evaluation.expost.expost_scenario``, which
replaces the forecast cost of exactly those years.

The rule
--------
* **Ledger money** per year = paid (``ledger.selectors.paid_by_year``: net of
  reversals, in the year booked) + disbursements still planned or approved, unpaid,
  in their planned year.
* **The ledger covers the grant** (ledger money ≥ the decided amount): every year
  of the forecast costs and every year with ledger money is replaced by the ledger's
  figure; a forecast year without ledger money gets 0.
* **Otherwise** only the years with ledger money are replaced; the other forecast
  years are kept, but the fund's total (ledger money + kept forecast years, with the
  optimism uplift) is capped at the grant: when it would exceed it, the kept years are
  scaled down in proportion to the forecast so the total equals the grant (or 0 when
  the ledger already holds all of it).  Without any ledger money the forecast is kept.

Costs outside the fund's part: the decided scenario's cost lines are taken as the
investment the grant finances.  Forecast cost the scenario has beyond what the fund
pays (co-financing by the units, the optimism uplift on years already settled) is not
in the ledger; it is left out of the ex-post, and how much is reported as
:attr:`ActualCosts.dropped` (forecast total − ex-post total, never below 0), which the
ex-post calculation's ``inputs`` record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum

from socialinvest.applications.selectors import decided_calculation
from socialinvest.engine import Scenario, parse_scenario
from socialinvest.evaluation.expost import forecast_costs_by_year
from socialinvest.ledger.models import Disbursement
from socialinvest.ledger.selectors import paid_by_year

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ActualCosts:
    """The ledger's money for one investment and the cost per year the ex-post uses.

    ``costs`` maps each replaced calendar year to its amount (years not in it keep the
    forecast); ``capped`` are the forecast years scaled down to fit the grant.
    """

    granted: Decimal | None
    paid: dict[int, Decimal] = field(default_factory=dict)
    planned: dict[int, Decimal] = field(default_factory=dict)
    forecast: dict[int, Decimal] = field(default_factory=dict)
    costs: dict[int, Decimal] = field(default_factory=dict)
    capped: dict[int, Decimal] = field(default_factory=dict)

    @property
    def ledger(self) -> dict[int, Decimal]:
        """Paid + planned unpaid per year."""
        return ledger_money(self.paid, self.planned)

    @property
    def covers_grant(self) -> bool:
        return (
            self.granted is not None and self.granted > 0 and sum(self.ledger.values(), ZERO) >= self.granted
        )

    @property
    def total(self) -> Decimal:
        """The fund's cost in the ex-post: replaced years plus the forecast years kept."""
        kept = sum((a for y, a in self.forecast.items() if y not in self.costs), ZERO)
        return sum(self.costs.values(), ZERO) + kept

    @property
    def dropped(self) -> Decimal:
        """Forecast cost left out of the ex-post (outside the fund's part)."""
        return max(sum(self.forecast.values(), ZERO) - self.total, ZERO)

    def record(self) -> dict[str, Any]:
        """What the ex-post calculation's ``inputs`` store (amounts as strings)."""

        def strs(d: dict[int, Decimal]) -> dict[str, str]:
            return {str(y): str(a) for y, a in sorted(d.items())}

        return {
            "actual_costs": strs(self.costs),
            "ledger_paid": strs(self.paid),
            "ledger_planned": strs(self.planned),
            "granted": str(self.granted) if self.granted is not None else None,
            "ledger_covers_grant": self.covers_grant,
            "capped_at_grant": strs(self.capped),
            "forecast_costs_dropped": str(self.dropped),
        }


def _cents(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def planned_unpaid_by_year(application: Any) -> dict[int, Decimal]:
    """Disbursements planned or approved, not yet paid, per planned year."""
    rows = (
        Disbursement.objects.filter(
            application=application,
            status__in=[Disbursement.Status.PLANNED, Disbursement.Status.APPROVED],
        )
        .order_by()
        .values("year")
        .annotate(s=Sum("amount"))
    )
    return {int(r["year"]): r["s"] + ZERO for r in sorted(rows, key=lambda r: r["year"]) if r["s"]}


def actual_costs(application: Any, *, decided: Scenario | None = None) -> ActualCosts:
    """The fund's cost of the investment per year for the ex-post calculation (the module's rule).

    ``decided`` defaults to the decided calculation's scenario.
    """
    if decided is None:
        calculation = decided_calculation(application)
        if calculation is None:
            raise ValueError("the application has no decided calculation")
        decided = parse_scenario(calculation.scenario)
    decision = getattr(application, "decision", None)
    granted = Decimal(decision.amount) if decision is not None and decision.amount is not None else None
    paid = paid_by_year(application=application)
    planned = planned_unpaid_by_year(application)
    forecast = {y: _cents(a) for y, a in forecast_costs_by_year(decided).items()}
    costs, capped = resolve_costs(ledger_money(paid, planned), forecast, granted)
    return ActualCosts(granted, paid, planned, forecast, costs, capped)


def ledger_money(paid: dict[int, Decimal], planned: dict[int, Decimal]) -> dict[int, Decimal]:
    """Paid + planned unpaid per year."""
    years = sorted(set(paid) | set(planned))
    return {y: paid.get(y, ZERO) + planned.get(y, ZERO) for y in years}


def resolve_costs(
    ledger: dict[int, Decimal], forecast: dict[int, Decimal], granted: Decimal | None
) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """The years to replace and their amounts, and the forecast years capped (the module's rule).

    Pure: ``ledger`` is paid + planned per year, ``forecast`` the decided cost per year
    (optimism uplift included), ``granted`` the decided amount (``None``: no cap).
    """
    if not ledger:
        return {}, {}
    in_ledger = sum(ledger.values(), ZERO)
    if granted is not None and granted > 0 and in_ledger >= granted:
        return {y: ledger.get(y, ZERO) for y in sorted(set(forecast) | set(ledger))}, {}
    costs = dict(ledger)
    kept = {y: a for y, a in forecast.items() if y not in ledger}
    kept_total = sum(kept.values(), ZERO)
    capped: dict[int, Decimal] = {}
    if granted is not None and kept and in_ledger + kept_total > granted:
        room = max(granted - in_ledger, ZERO)
        years = sorted(kept)
        left = room
        for y in years[:-1]:
            share = min(_cents(room * kept[y] / kept_total), left) if kept_total > 0 else ZERO
            capped[y] = share
            left -= share
        capped[years[-1]] = max(left, ZERO)
        costs.update(capped)
    return dict(sorted(costs.items())), capped
