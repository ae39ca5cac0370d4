"""The fund's pages show the same capital figures as the decision's check: injected + repaid − granted."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from ledger_helpers import agreement, pay_out, repay

pytestmark = pytest.mark.django_db

FIXED = {"model": "fixed_schedule", "principal": "10000000", "years": 5, "first_year": 2025}


def test_fund_page_counts_repayments_as_capital_to_grant_again(client: Any, world: Any, granted: Any) -> None:
    pay_out(world, granted, "3000000")
    repay(world, agreement(world, granted, FIXED), 2025)  # 2 Mkr, a fifth of 10 Mkr
    client.force_login(world.fund_admin)
    for url in (reverse("funds:detail", args=[world.fund.pk]), reverse("funds:list")):
        html = client.get(url).content.decode()
        assert "2\xa0000\xa0000" in html  # repaid
        assert "30\xa0400\xa0000" in html  # 40 + 2 − 11.6 Mkr uncommitted
        assert "28\xa0400\xa0000" not in html  # the figure without the repayment
