"""The demo fund's money and follow-up, loaded through the ledger and follow-up services.

For the granted "Alla barn i skolan" (11.6 Mkr, 2025–2027, decided 2024-11-20): the
opening capital in the journal, a disbursement plan of which 2025 and 2026 are paid,
two repayment agreements — Socialnämnden repays 5.8 Mkr straight-line over five years
from 2026 (the seeds' frame-cut model) and the region, the "wrong pocket", a share of
its forecast savings — with Socialnämnden's 2026 frame cut received; a follow-up plan
with a comparison group, the 2024 baseline and the 2025 follow-up approved, the 2026
period due soon, a yearly status report, and the ex-post calculation (efterkalkyl)
run and adopted.  Every figure is a demo assumption.

Each step looks for what it would create and does nothing when it is there, so
:func:`load_economy` is idempotent like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from socialinvest.applications.models import Application
from socialinvest.followup import actions as followup
from socialinvest.followup.actions.plan import carried_over
from socialinvest.followup.models import ExPostCalculation, FollowUpPlan, Measurement, ScheduledMeasurement
from socialinvest.followup.states import MeasurementStatus
from socialinvest.ledger import actions as ledger
from socialinvest.ledger.models import Disbursement, RepaymentAgreement
from socialinvest.ledger.posting import post_opening_capital

TITLE = "Alla barn i skolan"
OPENED_ON = dt.date(2024, 1, 15)
WELFARE_CASES = "Färre tunga barnavårdsärenden"  # an outcome of examples/alla-barn-i-skolan.yaml

DISBURSEMENTS = [  # year, amount, paid on (None: approved, not yet paid)
    (2025, "3600000", dt.date(2025, 2, 3)),
    (2026, "4000000", dt.date(2026, 2, 2)),
    (2027, "4000000", None),
]

AGREEMENTS = [  # unit, terms, reason
    (
        "Socialnämnden",
        {"model": "fixed_schedule", "principal": "5800000", "years": 5, "first_year": 2026},
        "Socialnämnden bär de prognostiserade besparingarna på barnavården och återför hälften "
        "av investeringen genom ramminskning, 1,16 Mkr per år 2026–2030 (demoantagande).",
    ),
    (
        "Region Exempel",
        {
            "model": "forecast_share",
            "share": "0.2",
            "cap": "1000000",
            "first_year": 2031,
            "last_year": 2040,
        },
        "Regionen återför 20 % av sina prognostiserade besparingar i hälso- och sjukvården, "
        "högst 1 Mkr (demoantagande).",
    ),
]


def _period(
    label: str, year: int, *, baseline: bool, due: dt.date, reporter: Any, end: tuple[int, int] = (12, 31)
) -> dict[str, Any]:
    return {
        "label": label,
        "period_start": dt.date(year, 1, 1),
        "period_end": dt.date(year, *end),
        "is_baseline": baseline,
        "due_date": due,
        "reporter": reporter,
    }


def _plan(reporter: Any, outcomes: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "name": "Andel elever i målgruppen med nytt tungt barnavårdsärende",
            "definition": (
                "Andel av de kartlagda eleverna som under året får en ny utredning som leder till "
                "placering eller långvarigt stöd. Redovisas på gruppnivå."
            ),
            "kind": "proportion",
            "unit": "procent",
            "direction": "decrease",
            "baseline_value": "5",
            "baseline_date": dt.date(2024, 12, 31),
            "target_value": "4",
            "target_date": dt.date(2027, 12, 31),
            "data_source": "Socialtjänstens verksamhetssystem, aggregerat per skola",
            "has_comparison": True,
            "comparison_description": (
                "Elever med samma frånvaromönster i två jämförbara skolor som inför arbetssättet först 2028."
            ),
            # Linked only if the decided calculation has the outcome (the fallback scenario has not).
            "outcome_name": WELFARE_CASES if WELFARE_CASES in outcomes else "",
            "schedule": [
                _period("2024", 2024, baseline=True, due=dt.date(2025, 2, 28), reporter=reporter),
                _period("2025", 2025, baseline=False, due=dt.date(2026, 2, 28), reporter=reporter),
                _period(
                    "VT 2026", 2026, baseline=False, due=dt.date(2026, 11, 30), reporter=reporter, end=(6, 30)
                ),
                _period("2027", 2027, baseline=False, due=dt.date(2028, 2, 29), reporter=reporter),
            ],
        }
    ]


# The application's draft indicators the completed plan leaves out, each with its reason (audited).
REMOVED_FROM_APPLICATION = {
    "Andel elever med ogiltig frånvaro över 10 %": (
        "Följs i skolornas ordinarie närvarostatistik; fondens uppföljning mäter effekten på "
        "barnavården (demoantagande)."
    ),
    "Andel elever i målgruppen med gymnasiebehörighet": (
        "Kan mätas först när eleverna lämnat årskurs 9, efter projekttiden; läggs till i planen "
        "då (demoantagande)."
    ),
    "Nya tunga barnavårdsärenden i målgruppen": (
        "Ersatt av andelen elever med nytt tungt barnavårdsärende, som mäter samma utfall med "
        "jämförelsegrupp."
    ),
}

# Group-level aggregates: (intervention n, events, comparison n, events).
MEASUREMENTS = {
    "2024": (150, 8, 140, 7, "Utgångsläge före insatsen."),
    "2025": (150, 6, 140, 7, "Första året: färre nya ärenden i målgruppen, oförändrat i jämförelseskolorna."),
}


def load_economy(*, users: dict[str, Any], units: dict[str, Any], say: Any) -> None:
    """Load the money and the follow-up of the demo's granted investment (see the module docstring)."""
    app = Application.objects.select_related("fund", "decision").filter(title=TITLE, status="granted").first()
    if app is None:
        return
    admin, lead, decider = users["ekonom"], users["projektledare"], users["beslut"]
    post_opening_capital(fund=app.fund, acting_user=admin, entry_date=OPENED_ON)
    _disbursements(app, admin)
    _agreements(app, units, admin, decider, say)
    _followup(app, admin, lead)


def _disbursements(app: Application, admin: Any) -> None:
    if Disbursement.objects.filter(application=app).exists():
        return
    rows = [{"year": year, "amount": amount} for year, amount, _paid in DISBURSEMENTS]
    planned = ledger.do_plan_disbursements(application=app, rows=rows, acting_user=admin)
    paid_on = {year: paid for year, _amount, paid in DISBURSEMENTS}
    for d in sorted(planned, key=lambda d: d.year):
        d = ledger.do_approve_disbursement(disbursement=d, acting_user=admin)
        if paid_on[d.year] is not None:
            ledger.do_pay_disbursement(disbursement=d, acting_user=admin, paid_on=paid_on[d.year])


def _agreements(app: Application, units: dict[str, Any], admin: Any, decider: Any, say: Any) -> None:
    for unit_name, terms, reason in AGREEMENTS:
        unit = units[unit_name]
        agreement = RepaymentAgreement.objects.filter(application=app, unit=unit).first()
        if agreement is None:
            try:
                agreement = ledger.do_create_repayment_agreement(
                    application=app,
                    unit=unit,
                    terms=terms,
                    reason=reason,
                    approver=decider,
                    acting_user=admin,
                )
            except ValidationError as exc:  # a fallback calculation may forecast nothing for the unit
                say(
                    "  "
                    + _("obs: inget återföringsavtal med %(unit)s: %(why)s")
                    % {"unit": unit_name, "why": "; ".join(exc.messages)}
                )
                continue
        proposed = agreement.proposed_version()
        if proposed is not None and proposed.approver_id == decider.pk:  # the named approver confirms it
            ledger.do_approve_agreement_version(version=proposed, acting_user=decider)
        if terms["model"] == "fixed_schedule":
            ledger.do_record_repayment(
                agreement=agreement,
                instalment_year=2026,
                idempotency_key=f"demo:repayment:{agreement.pk}:2026",
                entry_date=dt.date(2026, 3, 31),
                description="Ramminskning 2026 enligt återföringsavtalet",
                acting_user=admin,
            )


def _followup(app: Application, admin: Any, lead: Any) -> None:
    plan = FollowUpPlan.objects.filter(application=app).first()
    if plan is None or plan.status != FollowUpPlan.Status.COMPLETE:
        scenario = app.decision.calculation.scenario if app.decision.calculation else {}
        outcomes = {o.get("name") for o in scenario.get("outcomes", [])}
        followup.do_complete_followup_plan(
            application=app,
            indicators=_plan(lead, outcomes),
            removed={k: v for k, v in REMOVED_FROM_APPLICATION.items() if k in carried_over(app)},
            acting_user=admin,
        )
    for label, (tn, te, cn, ce, comment) in MEASUREMENTS.items():
        slot = ScheduledMeasurement.objects.get(indicator__plan__application=app, label=label)
        existing = Measurement.objects.filter(scheduled=slot).first()
        if existing is not None and existing.status == MeasurementStatus.APPROVED:
            continue
        values = {
            "intervention_n": tn,
            "intervention_events": te,
            "comparison_n": cn,
            "comparison_events": ce,
        }
        m = followup.do_save_measurement(scheduled=slot, values=values, comment=comment, acting_user=lead)
        m = followup.do_submit_measurement(measurement=m, acting_user=lead)
        followup.do_approve_measurement(measurement=m, acting_user=admin)
    if not app.status_reports.filter(year=2025).exists():
        followup.do_submit_status_report(
            application=app,
            year=2025,
            narrative=(
                "Närvaroteamen är på plats i alla skolor. 150 elever kartlagda; rutinen för tidig "
                "kontakt med vårdnadshavare följs i 9 fall av 10."
            ),
            costs_comment="Kostnaderna följer budget; rekryteringen blev klar i februari.",
            acting_user=lead,
        )
    if not ExPostCalculation.objects.filter(application=app, adopted_at__isnull=False).exists():
        expost = followup.do_run_expost_calculation(application=app, acting_user=admin)
        followup.do_adopt_expost_calculation(expost=expost, acting_user=admin)
