"""Reads about a fund."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from .models import Fund


def committed_capital(fund: Fund) -> Decimal:
    """Sum of granted amounts (the revolving-fund issue subtracts what has been paid back)."""
    from socialinvest.applications.models import Decision

    total = Decision.objects.filter(application__fund=fund, outcome=Decision.Outcome.GRANTED).aggregate(
        s=Sum("amount")
    )["s"]
    return total or Decimal(0)


def uncommitted_capital(fund: Fund) -> Decimal:
    """Capital not yet promised to any investment: what a new grant may use at most."""
    return fund.capital - committed_capital(fund)
