"""The fund's cost in the ex-post calculation is what the ledger says, never more than the grant
(``followup.costs.actual_costs``), and measured savings go to one unit per actor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from followup_builders import MEAN, PROPORTION, approve, proportions

from socialinvest.applications.models import CalculationVersion
from socialinvest.engine import Result, load_scenario
from socialinvest.finance.savings import forecast_savings
from socialinvest.followup import actions, selectors
from socialinvest.followup.actions.adopt import savings_by_unit
from socialinvest.followup.costs import actual_costs
from socialinvest.ledger import actions as ledger
from socialinvest.ledger.models import Disbursement, RepaymentAgreement
from socialinvest.ledger.selectors import paid_by_year
from socialinvest.organisations.models import Unit

D = Decimal
ALLA_BARN = Path(__file__).parents[2] / "examples" / "alla-barn-i-skolan.yaml"


def disburse(w: Any, application: Any, plan: list[tuple[int, str, dt.date | None]]) -> None:
    """Plan ``(year, amount, paid on)`` rows; approve all, pay those with a date."""
    rows = [{"year": y, "amount": a} for y, a, _paid in plan]
    planned = ledger.do_plan_disbursements(application=application, rows=rows, acting_user=w.fund_admin)
    for d, (_y, _a, paid_on) in zip(sorted(planned, key=lambda d: d.pk), plan, strict=True):
        if paid_on is None:
            continue
        d = ledger.do_approve_disbursement(disbursement=d, acting_user=w.fund_admin)
        ledger.do_pay_disbursement(disbursement=d, paid_on=paid_on, acting_user=w.fund_admin)


def decided_alla_barn(application: Any) -> None:
    """The decided calculation holds the "Alla barn i skolan" scenario (3.6 + 4.0 + 4.0 Mkr, ob mean 10 %)."""
    scenario = load_scenario(ALLA_BARN).model_dump(mode="json", by_alias=True)
    scenario["draws"] = 200
    CalculationVersion.objects.filter(pk=application.decision.calculation_id).update(scenario=scenario)
    application.decision.calculation.refresh_from_db()


REVIEWER_PLAN = [  # the reviewer's case: a 2027 disbursement paid in 2026
    (2025, "3600000", dt.date(2025, 2, 3)),
    (2026, "4000000", dt.date(2026, 2, 2)),
    (2027, "2000000", dt.date(2026, 10, 1)),
]


def test_reviewer_case_cost_capped_at_the_grant(world: Any, planned: Any) -> None:
    """Paid 3.6 + 6.0 (2027's money paid in 2026); 2027 kept from the forecast (4.4) is cut to 2.0."""
    decided_alla_barn(planned)
    disburse(world, planned, REVIEWER_PLAN)
    assert paid_by_year(application=planned) == {2025: D("3600000.00"), 2026: D("6000000.00")}
    costs = actual_costs(planned)
    assert costs.forecast == {2025: D("3960000.00"), 2026: D("4400000.00"), 2027: D("4400000.00")}
    assert not costs.covers_grant
    assert costs.costs == {2025: D("3600000.00"), 2026: D("6000000.00"), 2027: D("2000000.00")}
    assert costs.capped == {2027: D("2000000.00")}
    assert costs.total == D("11600000.00")
    assert costs.dropped == D("12760000.00") - D("11600000.00")


def test_reviewer_case_with_the_rest_still_planned(world: Any, planned: Any) -> None:
    """The last 2.0 Mkr still planned for 2027: the ledger covers the grant, every year is the ledger's."""
    decided_alla_barn(planned)
    disburse(world, planned, [*REVIEWER_PLAN, (2027, "2000000", None)])
    costs = actual_costs(planned)
    assert costs.covers_grant and costs.planned == {2027: D("2000000.00")}
    assert costs.costs == {2025: D("3600000.00"), 2026: D("6000000.00"), 2027: D("2000000.00")}
    assert costs.capped == {}


def test_ledger_covering_the_grant_zeroes_forecast_years_without_money(world: Any, planned: Any) -> None:
    decided_alla_barn(planned)
    disburse(world, planned, [(2025, "3600000", dt.date(2025, 3, 1)), (2026, "8000000", None)])
    costs = actual_costs(planned)
    assert costs.costs == {2025: D("3600000.00"), 2026: D("8000000.00"), 2027: D("0.00")}
    assert costs.total == D("11600000.00")


def test_without_ledger_money_the_forecast_is_kept(world: Any, planned: Any) -> None:
    decided_alla_barn(planned)
    costs = actual_costs(planned)
    assert costs.costs == {} and costs.total == sum(costs.forecast.values())


def test_expost_run_costs_never_exceed_the_grant(world: Any, planned: Any) -> None:
    decided_alla_barn(planned)
    disburse(world, planned, REVIEWER_PLAN)
    expost = actions.do_run_expost_calculation(application=planned, acting_user=world.fund_admin)
    assert expost.scenario["optimism_bias"] == 0
    by_year: dict[int, float] = {}
    for line in expost.scenario["costs"]:
        years = [line["year"]] if line.get("year") is not None else line["years"]
        for t in years:
            by_year[2025 + t] = by_year.get(2025 + t, 0.0) + line["amount"]
    assert by_year == pytest.approx({2025: 3_600_000, 2026: 6_000_000, 2027: 2_000_000})
    assert sum(by_year.values()) == pytest.approx(11_600_000)
    assert expost.inputs["actual_costs"] == {"2025": "3600000.00", "2026": "6000000.00", "2027": "2000000.00"}
    assert expost.inputs["capped_at_grant"] == {"2027": "2000000.00"}
    assert expost.inputs["ledger_covers_grant"] is False
    assert expost.inputs["granted"] == "11600000.00"


# ------------------------------------------------------------------ one unit per actor


@pytest.fixture
def measured_expost(world: Any, planned: Any) -> Any:
    disburse(world, planned, [(2025, "3900000", dt.date(2025, 6, 30))])
    approve(world, planned, PROPORTION, "2024", proportions(200, 60, 180, 54))
    approve(world, planned, PROPORTION, "2025", proportions(200, 50, 180, 52))
    approve(world, planned, PROPORTION, "2026", proportions(200, 40, 180, 50))
    mean = {"intervention_n": 40, "intervention_sd": 4}
    approve(world, planned, MEAN, "2024", {**mean, "intervention_mean": 12})
    approve(world, planned, MEAN, "2025", {**mean, "intervention_mean": 10})
    return actions.do_run_expost_calculation(application=planned, acting_user=world.fund_admin)


def _per_actor(expost: Any, units: dict[Any, dict[int, Decimal]]) -> dict[str, dict[int, Decimal]]:
    out: dict[str, dict[int, Decimal]] = {}
    for unit, by_year in units.items():
        row = out.setdefault(unit.actor_id, {})
        for y, a in by_year.items():
            row[y] = row.get(y, D(0)) + a
    return out


def test_committee_and_administration_sharing_an_actor_count_savings_once(
    world: Any, measured_expost: Any
) -> None:
    administration = Unit.objects.create(
        organisation=world.org, name="Socialförvaltningen", kind="forvaltning", actor_id="kommun.socialtjanst"
    )
    units = savings_by_unit(measured_expost)
    assert administration not in units and world.social in units
    result = Result.model_validate({**measured_expost.result, "scenario": measured_expost.scenario})
    per_actor = _per_actor(measured_expost, units)
    for actor in result.base.flows:
        if actor in per_actor:
            assert per_actor[actor] == forecast_savings(result, actor)
    actions.do_adopt_expost_calculation(expost=measured_expost, acting_user=world.fund_admin)
    assert selectors.measured_savings(application=measured_expost.application, unit=administration) == {}
    social = selectors.measured_savings(application=measured_expost.application, unit=world.social)
    assert social[2026] == forecast_savings(result, "kommun.socialtjanst")[2026] > 0


def test_the_unit_with_the_agreement_receives_the_savings(world: Any, measured_expost: Any) -> None:
    """A second committee with the same actor holds the agreement: it, not Socialnämnden, gets them."""
    other = Unit.objects.create(
        organisation=world.org,
        name="Individ- och familjenämnden",
        kind="namnd",
        actor_id="kommun.socialtjanst",
    )
    terms = {
        "model": "measured_share",
        "share": "0.5",
        "cap": "1000000",
        "first_year": 2025,
        "last_year": 2028,
    }
    ledger.do_create_repayment_agreement(
        application=measured_expost.application,
        unit=other,
        terms=terms,
        reason="Hälften av de mätta besparingarna.",
        approver=world.decision_maker,
        acting_user=world.fund_admin,
    )
    assert RepaymentAgreement.objects.filter(unit=other).exists()
    units = savings_by_unit(measured_expost)
    assert other in units and world.social not in units
    result = Result.model_validate({**measured_expost.result, "scenario": measured_expost.scenario})
    assert _per_actor(measured_expost, units)["kommun.socialtjanst"] == forecast_savings(
        result, "kommun.socialtjanst"
    )
    assert Disbursement.objects.filter(application=measured_expost.application).count() == 1


def test_summaries_are_written_for_people(world: Any, measured_expost: Any) -> None:
    """Thousands separators in the stored summary; one measured year reads "2025", not "2025–2025"."""
    import re

    from socialinvest.core.models import AuditEvent
    from socialinvest.followup.actions.adopt import year_span

    run = AuditEvent.objects.get(verb="followup.expost_run")
    assert re.fullmatch(
        r"Efterkalkyl 1: nettonuvärde −?\d{1,3}(\xa0\d{3})+\xa0kr \(förkalkyl −?\d{1,3}(\xa0\d{3})+\xa0kr\)",
        run.summary,
    )
    assert (year_span([2025]), year_span([2025, 2026])) == ("2025", "2025–2026")
    actions.do_adopt_expost_calculation(expost=measured_expost, acting_user=world.fund_admin)
    adopted = AuditEvent.objects.get(verb="followup.expost_adopted")
    assert adopted.summary == "Efterkalkyl 1 fastställd: mätta besparingar 2025–2026"


def test_forecast_against_outcome_names_the_actors(world: Any, planned: Any) -> None:
    """No raw ids: the organisation's unit (not its administration), else the catalogue's name."""
    Unit.objects.create(
        organisation=world.org, name="Socialförvaltningen", kind="forvaltning", actor_id="kommun.socialtjanst"
    )
    decided_alla_barn(planned)  # no own actors in the scenario
    disburse(world, planned, REVIEWER_PLAN)
    actions.do_run_expost_calculation(application=planned, acting_user=world.fund_admin)
    view = selectors.forecast_vs_outcome(planned)
    assert view is not None
    labels = {a.key: a.label for a in view.actors}
    assert labels["kommun.socialtjanst"] == "Socialnämnden"
    assert labels["region.halso_sjukvard"] == "Region Exempel"  # the organisation's unit
    assert labels["stat.forsakringskassan"] == "Försäkringskassan"  # the catalogue
    assert all(label != key for key, label in labels.items())
