"""Builders for the follow-up tests: the plan, the periods, reporting and approving one period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from socialinvest.followup import actions
from socialinvest.followup.models import ScheduledMeasurement
from socialinvest.ledger import actions as ledger
from socialinvest.ledger.models import Disbursement

WELFARE = "Fewer young adults on welfare"  # outcomes[0].name of examples/worked-example.yaml
PLACEMENTS = "Fewer placements"  # outcomes[1].name
FROM_APPLICATION = "Andel med hög frånvaro"  # the application's draft indicator (tests/builders.py)
REMOVED = {FROM_APPLICATION: "Mäts i skolans ordinarie närvarostatistik."}


def period(label: str, year: int, *, baseline: bool = False, reporter: Any = None) -> dict[str, Any]:
    return {
        "label": label,
        "period_start": dt.date(year, 1, 1),
        "period_end": dt.date(year, 12, 31),
        "is_baseline": baseline,
        "due_date": dt.date(year + 1, 2, 28),
        "reporter": reporter,
    }


def plan_rows() -> list[dict[str, Any]]:
    """Two indicators: a proportion with a comparison group, a mean without."""
    return [
        {
            "name": "Andel unga vuxna med försörjningsstöd",
            "definition": "Andel 18–24 år med försörjningsstöd någon månad under året.",
            "kind": "proportion",
            "unit": "procent",
            "direction": "decrease",
            "baseline_value": "30",
            "baseline_date": dt.date(2024, 12, 31),
            "target_value": "24",
            "target_date": dt.date(2027, 12, 31),
            "data_source": "Verksamhetssystemet",
            "has_comparison": True,
            "comparison_description": "Elever i två jämförbara skolor utan insatsen.",
            "outcome_name": WELFARE,
            "schedule": [period("2024", 2024, baseline=True), period("2025", 2025), period("2026", 2026)],
        },
        {
            "name": "Placeringsdygn per elev",
            "kind": "mean",
            "unit": "dygn",
            "direction": "decrease",
            "outcome_name": PLACEMENTS,
            "schedule": [period("2024", 2024, baseline=True), period("2025", 2025)],
        },
    ]


def slot(application: Any, indicator_name: str, label: str) -> ScheduledMeasurement:
    return ScheduledMeasurement.objects.select_related("indicator__plan").get(
        indicator__plan__application=application, indicator__name=indicator_name, label=label
    )


PROPORTION = "Andel unga vuxna med försörjningsstöd"
MEAN = "Placeringsdygn per elev"


def proportions(tn: int, te: int, cn: int, ce: int) -> dict[str, Any]:
    return {"intervention_n": tn, "intervention_events": te, "comparison_n": cn, "comparison_events": ce}


def approve(w: Any, application: Any, indicator_name: str, label: str, values: dict[str, Any]) -> Any:
    """Report, submit (project lead) and approve (fund admin) one period."""
    s = slot(application, indicator_name, label)
    m = actions.do_save_measurement(scheduled=s, values=values, acting_user=w.applicant)
    m = actions.do_submit_measurement(measurement=m, acting_user=w.applicant)
    return actions.do_approve_measurement(measurement=m, acting_user=w.fund_admin)


def pay(w: Any, application: Any, amount: str, year: int) -> Disbursement:
    """Plan, approve and pay one more disbursement of ``amount`` in ``year`` (the fund admin)."""
    rows = [
        {"year": d.year, "quarter": d.quarter, "amount": d.amount}
        for d in Disbursement.objects.filter(application=application, status="planned")
    ]
    planned = ledger.do_plan_disbursements(
        application=application, rows=[*rows, {"year": year, "amount": amount}], acting_user=w.fund_admin
    )
    new = next(d for d in planned if d.amount == Decimal(amount) and d.year == year)
    ledger.do_approve_disbursement(disbursement=new, acting_user=w.fund_admin)
    return ledger.do_pay_disbursement(
        disbursement=new, paid_on=dt.date(year, 6, 30), budget_year=year, acting_user=w.fund_admin
    )


def measure(w: Any, planned: Any) -> Any:
    """``planned`` (the plan of :func:`plan_rows` completed) paid 3.9 Mkr in 2025, with approved periods:
    welfare share 30 % → 20 % against 30 % → 27.8 %; placements 12 → 10 days."""
    pay(w, planned, "3900000", 2025)
    approve(w, planned, PROPORTION, "2024", proportions(200, 60, 180, 54))
    approve(w, planned, PROPORTION, "2025", proportions(200, 50, 180, 52))
    approve(w, planned, PROPORTION, "2026", proportions(200, 40, 180, 50))
    approve(w, planned, MEAN, "2024", {"intervention_n": 40, "intervention_mean": 12, "intervention_sd": 4})
    approve(w, planned, MEAN, "2025", {"intervention_n": 40, "intervention_mean": 10, "intervention_sd": 5})
    return planned


def snapshot() -> dict[str, int]:
    """Row counts of every follow-up table and the audit trail (to show a refused write wrote nothing)."""
    from django.apps import apps

    from socialinvest.core.models import AuditEvent

    counts = {m.__name__: m.objects.count() for m in apps.get_app_config("followup").get_models()}
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts
