"""The fund's capital position, summed from the journal and the decisions.

Registered as the answer to :data:`socialinvest.funds.capital.capital_position` in
:meth:`socialinvest.ledger.apps.LedgerConfig.ready`, so the decision check below the ledger can
use it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum

from socialinvest.applications.models import Decision
from socialinvest.funds.capital import CapitalPosition
from socialinvest.funds.models import Fund

from .models import Account, EntryKind, LedgerLine
from .posting import OPENING_KEY
from .selectors import of_kind

MONEY = DecimalField(max_digits=16, decimal_places=2)


def fund_capital_position(fund: Fund) -> CapitalPosition:
    """One query: capital injected and repayments received (journal lines) and granted (decisions)."""

    def net(qs: QuerySet[Any], sign: Any) -> Subquery:
        return Subquery(qs.order_by().values("fund").annotate(s=Sum(sign)).values("s"), output_field=MONEY)

    lines = LedgerLine.objects.filter(fund=OuterRef("pk"))
    row = (
        Fund.objects.filter(pk=fund.pk)
        .annotate(
            injected=net(
                lines.filter(account=Account.FUND_CAPITAL).exclude(entry__idempotency_key=OPENING_KEY),
                F("credit") - F("debit"),
            ),
            repaid=net(
                lines.filter(account=Account.CASH).filter(of_kind(EntryKind.REPAYMENT)),
                F("debit") - F("credit"),
            ),
            granted=Subquery(
                Decision.objects.filter(application__fund=OuterRef("pk"), outcome=Decision.Outcome.GRANTED)
                .order_by()
                .values("application__fund")
                .annotate(s=Sum("amount"))
                .values("s"),
                output_field=MONEY,
            ),
        )
        .values("capital", "injected", "repaid", "granted")
        .get()
    )
    injected = Decimal(row["capital"]) + Decimal(row["injected"] or 0)
    return CapitalPosition(
        injected=injected, repaid=Decimal(row["repaid"] or 0), granted=Decimal(row["granted"] or 0)
    )
