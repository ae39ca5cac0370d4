"""The fund's capital position: what a new grant may use.

The figures come from the ledger's journal (capital injected, repayments received) and the
decisions (granted), so the ledger computes them
(:func:`socialinvest.ledger.capital.fund_capital_position`) and registers that function here
when it starts.  Apps below the ledger — the decision check in ``applications`` — ask through
:data:`capital_position` without importing the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from socialinvest.core.providers import Provider


@dataclass(frozen=True)
class CapitalPosition:
    """What a new grant may use, from the ledger and the decisions.

    ``injected`` is the opening capital — ``Fund.capital``, which the opening entry
    posts (:func:`socialinvest.ledger.actions.create_fund.do_create_fund`) — plus every later
    capital injection in the journal, net of corrections (a reversal of the opening
    entry counts too); ``repaid`` is repayments received (principal and return);
    ``granted`` is every grant.  Write-offs are not subtracted again: the grant
    already holds them.
    """

    injected: Decimal
    repaid: Decimal
    granted: Decimal

    @property
    def uncommitted(self) -> Decimal:
        return self.injected + self.repaid - self.granted


#: ``capital_position(fund) -> CapitalPosition``; answered by the ledger app.
capital_position: Provider[[Any], CapitalPosition] = Provider("funds.capital_position")


def uncommitted_capital(fund: Any) -> Decimal:
    """Capital injected + repayments received − granted: what a new grant may use at most."""
    return capital_position(fund).uncommitted
