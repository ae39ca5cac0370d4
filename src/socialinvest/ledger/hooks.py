"""What the ledger asks the follow-up, which sits above it (see :mod:`socialinvest.core.providers`).

The follow-up app registers the answers in :meth:`socialinvest.followup.apps.FollowupConfig.ready`;
the ledger never imports it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from socialinvest.core.providers import Provider

#: ``measured_savings(*, application, unit) -> {budget_year: amount or None}``: the benefiting
#: unit's measured savings from the latest adopted ex-post calculation (repayment models 4 and 5).
measured_savings: Provider[..., dict[int, Decimal | None]] = Provider("ledger.measured_savings")

#: ``measured_applications(fund) -> set of application ids``: investments with an adopted
#: ex-post calculation, the only ones with measured savings.
measured_applications: Provider[[Any], set[int]] = Provider("ledger.measured_applications")

#: ``stop_decision(application_id) -> closing decision or None``: the follow-up's decision to
#: stop the investment, which blocks approving and paying disbursements.
stop_decision: Provider[[Any], Any] = Provider("ledger.stop_decision")
