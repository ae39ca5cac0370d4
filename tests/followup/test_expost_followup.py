"""The ex-post calculation end to end: approved measurements and ledger costs → engine → adoption →
measured savings → the ledger's measured-share repayment schedule."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from followup_builders import (
    MEAN,
    PLACEMENTS,
    PROPORTION,
    WELFARE,
    approve,
    measure,
    pay,
    proportions,
    snapshot,
)

from socialinvest.core.formatting import kronor
from socialinvest.engine import Result
from socialinvest.finance.savings import forecast_savings
from socialinvest.followup import actions, selectors
from socialinvest.followup.models import ExPostCalculation, MeasuredSaving
from socialinvest.ledger import actions as ledger
from socialinvest.ledger.selectors import agreement_schedule, paid_by_year

D = Decimal


@pytest.fixture
def measured(world: Any, planned: Any) -> Any:
    """Paid 3.9 Mkr in 2025; welfare share 30 % → 20 % against 30 % → 27.8 %; placements 12 → 10 days."""
    return measure(world, planned)


def test_expost_uses_measured_effects_and_ledger_costs(world: Any, measured: Any) -> None:
    assert paid_by_year(application=measured) == {2025: D("3900000.00")}
    expost = actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    assert expost.number == 1 and expost.adopted_at is None
    assert expost.forecast == measured.decision.calculation
    outcomes = {o["name"]: o for o in expost.scenario["outcomes"]}
    welfare, placements = outcomes[WELFARE]["effect"], outcomes[PLACEMENTS]["effect"]
    assert welfare["dist"] == "normal" and welfare["mean"] == pytest.approx(0.28)  # DiD: −0.0778 / 0.2778
    assert placements["mean"] == pytest.approx(2 / 12)  # before/after: 12 → 10
    year0 = [c for c in expost.scenario["costs"] if c.get("year") == 0]
    assert sum(c["amount"] for c in year0) == pytest.approx(3_900_000)  # the ledger's 2025 payment
    assert expost.inputs["actual_costs"] == {"2025": "3900000.00"}
    assert expost.inputs["measured_through"] == "2026-12-31"
    used = {row["outcome"]: row for row in expost.inputs["effects"]}
    assert used[WELFARE]["design"] == "did" and used[WELFARE]["followup_period"] == "2026"
    assert used[PLACEMENTS]["weaker_evidence"] is True
    assert expost.result["monte_carlo"]["draws"] > 0
    attribution = expost.attribution
    assert attribution["forecast"]["npv"] == pytest.approx(expost.forecast.npv)
    assert attribution["expost"]["npv"] == pytest.approx(expost.npv)
    parts = sum(p["contribution"] for p in attribution["parts"])
    assert parts == pytest.approx(expost.npv - expost.forecast.npv)
    assert {p["parameter"] for p in attribution["parts"]} >= {
        "outcomes[0].effect",
        "outcomes[1].effect",
        "costs",
    }


def test_forecast_against_outcome(world: Any, measured: Any) -> None:
    assert selectors.forecast_vs_outcome(measured) is None
    expost = actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    view = selectors.forecast_vs_outcome(measured)
    assert view is not None and view.expost == expost
    assert view.npv.difference == pytest.approx(expost.npv - expost.forecast.npv)
    assert {a.key for a in view.actors} == {
        "kommun.socialtjanst",
        "kommun.utbildning",
        "stat.forsakringskassan",
    }
    social = next(a for a in view.actors if a.key == "kommun.socialtjanst")
    assert social.label == "Socialnämnden"
    assert social.outcome == pytest.approx(expost.result["base"]["by_actor"]["kommun.socialtjanst"]["npv"])
    assert [y.year for y in view.years] == list(range(2025, 2033))
    assert view.years[0].outcome_costs == pytest.approx(3_900_000)
    assert view.attribution == expost.attribution
    # Each perspective's NPV in both calculations, society's equal to the headline NPV.
    assert [p.key for p in view.perspectives] == ["municipality", "public_sector", "participants", "society"]
    for side in view.perspectives:
        assert side.forecast == pytest.approx(expost.forecast.result["base"]["perspectives"][side.key]["npv"])
        assert side.outcome == pytest.approx(expost.result["base"]["perspectives"][side.key]["npv"])
    society = view.perspectives[-1]
    assert society.outcome == pytest.approx(expost.npv)
    assert society.forecast == pytest.approx(expost.forecast.npv)


def test_adoption_writes_measured_savings_for_the_measured_years(world: Any, measured: Any) -> None:
    expost = actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    assert selectors.measured_savings(application=measured, unit=world.social) == {}  # not adopted yet
    with pytest.raises(PermissionDenied):
        actions.do_adopt_expost_calculation(expost=expost, acting_user=world.applicant)
    actions.do_adopt_expost_calculation(expost=expost, acting_user=world.fund_admin)
    result = Result.model_validate({**expost.result, "scenario": expost.scenario})
    for unit, actor in ((world.social, "kommun.socialtjanst"), (world.school, "kommun.utbildning")):
        expected = forecast_savings(result, actor)
        got = selectors.measured_savings(application=measured, unit=unit)
        assert got == {2025: expected[2025], 2026: expected[2026]}  # 2027– not measured yet
    social = selectors.measured_savings(application=measured, unit=world.social)
    assert social[2025] == D("0.00")  # every outcome lags at least a year
    assert social[2026] > 0  # placements avoided from the second year
    assert selectors.measured_savings(application=measured, unit=world.labour) == {}  # no flows
    with pytest.raises(ValidationError):
        actions.do_adopt_expost_calculation(expost=expost, acting_user=world.fund_admin)


def test_measured_savings_feed_a_measured_share_agreement(world: Any, measured: Any) -> None:
    terms = {
        "model": "measured_share",
        "share": "0.5",
        "cap": "11600000",
        "first_year": 2025,
        "last_year": 2028,
    }
    agreement = ledger.do_create_repayment_agreement(
        application=measured,
        unit=world.social,
        terms=terms,
        reason="Hälften av de mätta besparingarna.",
        approver=world.decision_maker,
        acting_user=world.fund_admin,
    )
    ledger.do_approve_agreement_version(version=agreement.versions.get(), acting_user=world.decision_maker)
    before = agreement_schedule(agreement=agreement)
    assert before.pending_years() == [2025, 2026, 2027, 2028]
    expost = actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    actions.do_adopt_expost_calculation(expost=expost, acting_user=world.fund_admin)
    saved = selectors.measured_savings(application=measured, unit=world.social)
    schedule = agreement_schedule(agreement=agreement)
    assert schedule.pending_years() == [2027, 2028]
    due = {line.year: line.amount for line in schedule.lines}
    assert due[2026] == (saved[2026] / 2).quantize(D("0.01"))


def test_expost_needs_something_measured(world: Any, planned: Any) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_run_expost_calculation(application=planned, acting_user=world.fund_admin)
    assert "expost" in exc.value.message_dict
    assert snapshot() == before


def test_only_the_fund_admin_runs_expost(world: Any, measured: Any) -> None:
    for user in (world.applicant, world.auditor, world.decision_maker):
        with pytest.raises(PermissionDenied):
            actions.do_run_expost_calculation(application=measured, acting_user=user)
    assert not ExPostCalculation.objects.exists()


def test_adopting_with_nothing_measured_writes_nothing(world: Any, planned: Any) -> None:
    pay(world, planned, "1000000", 2025)
    expost = actions.do_run_expost_calculation(application=planned, acting_user=world.fund_admin)
    assert expost.measured_through is None
    before = snapshot()
    with pytest.raises(ValidationError):
        actions.do_adopt_expost_calculation(expost=expost, acting_user=world.fund_admin)
    assert snapshot() == before
    assert not MeasuredSaving.objects.exists()


def test_a_later_adopted_expost_supersedes_the_earlier(world: Any, planned: Any) -> None:
    pay(world, planned, "3900000", 2025)
    approve(world, planned, PROPORTION, "2024", proportions(200, 60, 180, 54))
    approve(world, planned, PROPORTION, "2025", proportions(200, 50, 180, 52))
    approve(
        world, planned, MEAN, "2024", {"intervention_n": 40, "intervention_mean": 12, "intervention_sd": 4}
    )
    approve(
        world, planned, MEAN, "2025", {"intervention_n": 40, "intervention_mean": 10, "intervention_sd": 5}
    )
    first = actions.do_run_expost_calculation(application=planned, acting_user=world.fund_admin)
    actions.do_adopt_expost_calculation(expost=first, acting_user=world.fund_admin)
    assert set(selectors.measured_savings(application=planned, unit=world.social)) == {2025}
    # A year later 2026 is approved too: the second ex-post measures through 2026 with a new welfare effect.
    approve(world, planned, PROPORTION, "2026", proportions(200, 40, 180, 50))
    second = actions.do_run_expost_calculation(application=planned, acting_user=world.fund_admin)
    assert second.number == 2
    assert second.scenario["outcomes"][0]["effect"] != first.scenario["outcomes"][0]["effect"]
    actions.do_adopt_expost_calculation(expost=second, acting_user=world.fund_admin)
    assert selectors.latest_adopted_expost(planned) == second
    assert set(selectors.measured_savings(application=planned, unit=world.social)) == {2025, 2026}
    assert (
        MeasuredSaving.objects.filter(expost=first).count() == 2
    )  # the first adoption's rows stay as history


def test_an_effect_whose_interval_includes_zero_is_said_so_with_the_npv_at_zero(
    world: Any, measured: Any, client: Any
) -> None:
    """Issue #10, item 11: an effect not distinguishable from zero is not fed silently as a finding."""
    from django.urls import reverse

    expost = actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    rows = {row["outcome"]: row for row in expost.inputs["effects"] if "ci_low" in row}
    for row in rows.values():
        assert row["includes_zero"] == (row["ci_low"] <= 0 <= row["ci_high"])
    uncertain = sorted(name for name, row in rows.items() if row["includes_zero"])
    assert uncertain, "the fixture's welfare DiD (−7.8 pp, se 6.4 pp) has an interval including zero"
    assert expost.inputs["effects_including_zero"] == uncertain
    at_zero = expost.inputs["npv_with_those_effects_at_zero"]
    assert at_zero < expost.npv  # the measured (positive) effects removed: less saved
    client.force_login(world.fund_admin)
    for name in ("followup:evaluation", "followup:forecast"):
        html = client.get(reverse(name, args=[measured.pk])).content.decode()
        assert "Effekten går inte att skilja statistiskt från noll." in html, name
        shown = re.search(r'id="npv-at-zero">([^<]+)<', html)
        assert shown and shown.group(1) == kronor(at_zero)
    evaluation = client.get(reverse("followup:evaluation", args=[measured.pk])).content.decode()
    assert evaluation.count('class="warning includes-zero"') == len(
        [r for r in selectors.evaluations(measured) if r.estimate and r.estimate.includes_zero]
    )


def test_every_page_showing_the_evaluated_npv_says_when_an_effect_includes_zero(
    world: Any, measured: Any, client: Any
) -> None:
    """The adopted ex-post NPV is published and reported to the owners: the outcomes whose
    interval includes zero go with it (public page, open data JSON and CSV, dashboard, annual report)."""
    import csv
    import io

    import jsonschema
    from django.urls import reverse

    from socialinvest.core.formatting import millions
    from socialinvest.public.actions import do_set_publication

    expost = actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    actions.do_adopt_expost_calculation(expost=expost, acting_user=world.fund_admin)
    do_set_publication(fund=world.fund, published=True, acting_user=world.fund_admin)
    data = client.get(reverse("public:fund_json", args=[world.fund.slug])).json()
    jsonschema.validate(data, client.get(reverse("public:schema")).json())
    (published,) = [i for i in data["investments"] if i["reference"] == measured.reference]
    evaluation = published["evaluation"]
    assert evaluation["effects_including_zero"] == expost.inputs["effects_including_zero"] != []
    at_zero = expost.inputs["npv_with_those_effects_at_zero"]
    assert evaluation["npv_with_those_effects_at_zero"] == round(at_zero, 2)
    csv_text = client.get(reverse("public:fund_csv", args=[world.fund.slug])).content.decode()
    (row,) = [r for r in csv.DictReader(io.StringIO(csv_text)) if r["reference"] == measured.reference]
    assert row["evaluated_effects_including_zero"] == "; ".join(evaluation["effects_including_zero"])
    page = client.get(reverse("public:investment", args=[world.fund.slug, measured.reference]))
    html = page.content.decode()
    assert "Effekten går inte att skilja statistiskt från noll." in html
    assert all(name in html for name in evaluation["effects_including_zero"])
    shown = re.search(r'id="npv-at-zero">([^<]+)<', html)
    assert shown and shown.group(1) == millions(round(at_zero, 2))
    client.force_login(world.fund_admin)
    names = ", ".join(evaluation["effects_including_zero"])
    said = f"{measured.reference}: effekten på {names} går inte att skilja statistiskt från noll"
    dashboard = client.get(reverse("portfolio:dashboard", args=[world.fund.pk])).content.decode()
    assert said in dashboard and 'class="includes-zero"' in dashboard
    expost.refresh_from_db()
    assert expost.adopted_at is not None
    year = timezone.localtime(expost.adopted_at).year
    annual = client.get(reverse("portfolio:annual", args=[world.fund.pk]), {"year": year}).content.decode()
    assert said in annual


def test_the_publish_page_says_when_the_effect_to_publish_includes_zero(world: Any, measured: Any) -> None:
    from django.test import Client

    first = next(e for e in selectors.evaluations(measured) if e.effect and e.estimate)
    admin = Client()
    admin.force_login(world.fund_admin)
    html = admin.get(f"/registry/publish/{measured.pk}/").content.decode()
    assert first.estimate.includes_zero  # the fixture's first effect: welfare, −7.8 pp, se 6.4 pp
    assert 'id="includes-zero"' in html
    assert f'value="{round(first.effect[0], 6)}"' in html  # the effect the warning is about is the form's
