"""The needs analysis' figures, an idea started from a gap, and a fund's aims."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from socialinvest.applications.models import Application
from socialinvest.core.models import AuditEvent
from socialinvest.needs.actions import (
    do_delete_aim,
    do_import_open_data,
    do_save_aim,
    do_set_aim_investments,
    do_start_idea_from_gap,
    do_update_indicator_setting,
    do_update_needs_settings,
)
from socialinvest.needs.aim_selectors import aim_progress
from socialinvest.needs.models import Aim
from socialinvest.needs.selectors import needs_analysis

pytestmark = pytest.mark.django_db

FIGURES = b"""kpi,municipality,year,value
N02797,0581,2022,9.5
N02797,0581,2023,9.0
N02797,0000,2022,6.9
N02797,0000,2023,6.5
N02797,G1,2023,8.0
N15428,0581,2023,74.0
N15428,0000,2023,83.0
"""


def load(w: Any) -> None:
    do_import_open_data(organisation=w.org, raw=FIGURES, acting_user=w.fund_admin)
    do_update_indicator_setting(
        organisation=w.org,
        key="neet_16_24",
        kpi="",
        population=10_000,
        population_year=2023,
        population_source="SCB, folkmängd 16–24 år (exempel)",
        cost_item="",
        acting_user=w.fund_admin,
    )


def test_gap_priced_by_hand_for_the_latest_common_year(coded: Any) -> None:
    load(coded)
    do_update_needs_settings(
        organisation=coded.org,
        comparison_group="G1",
        comparison_group_title="Liknande kommuner",
        acting_user=coded.fund_admin,
    )
    view = next(v for v in needs_analysis(coded.org, price_year=2009).indicators if v.key == "neet_16_24")
    assert view.gap_year == 2023 and view.latest == 9.0
    # (9.0 − 6.5) % × 10 000 = 250 persons × 379 100 kr (2009 prices) = 94 775 000 kr a year
    assert view.gap is not None and round(view.gap.total) == 94_775_000
    # the region's unit name, not the catalogue's
    assert dict(view.gap_by_actor())["Region Exempel"] == pytest.approx(250 * 78_000)
    assert dict(view.gap_by_actor())["Socialnämnden"] == pytest.approx(250 * 89_600)
    # against the group: (9.0 − 8.0) % × 10 000 = 100 persons
    assert view.gap_group is not None and round(view.gap_group.total) == 37_910_000
    school = next(v for v in needs_analysis(coded.org).indicators if v.key == "school_eligibility")
    assert school.gap is None and "populationen" in school.problem


def test_indicator_settings_are_checked(coded: Any) -> None:
    with pytest.raises(ValidationError) as info:
        do_update_indicator_setting(
            organisation=coded.org,
            key="neet_16_24",
            kpi="N 1",
            population=-1,
            population_year=1800,
            population_source="",
            cost_item="child_welfare_case",
            acting_user=coded.fund_admin,
        )
    assert set(info.value.message_dict) == {"kpi", "population", "population_year", "cost_item"}
    with pytest.raises(PermissionDenied):
        do_update_indicator_setting(
            organisation=coded.org,
            key="neet_16_24",
            kpi="",
            population=1,
            population_year=None,
            population_source="",
            cost_item="",
            acting_user=coded.applicant,
        )


def test_an_idea_started_from_a_gap_carries_target_group_risk_and_cost_item(coded: Any) -> None:
    load(coded)
    aim = do_save_aim(
        fund=coded.fund,
        title="Färre unga utanför",
        kpi="N02797",
        higher_is_better=False,
        baseline_year=2022,
        baseline_value="9.5",
        target_year=2030,
        target_value="6.5",
        acting_user=coded.fund_admin,
    )
    application = do_start_idea_from_gap(
        organisation=coded.org,
        key="neet_16_24",
        fund=coded.fund,
        lead_unit=coded.school,
        title="Unga i arbete",
        acting_user=coded.applicant,
    )
    assert application.target_group == "Unga 16–24 år som varken arbetar eller studerar"
    version = application.latest_calculation()
    outcome = version.scenario["outcomes"][0]
    assert outcome["baseline_risk"] == 0.09 and outcome["cost_item"] == "exclusion_year_varmdo"
    assert list(aim.investments.all()) == [application]
    assert AuditEvent.objects.filter(verb="needs.idea_started", application=application).exists()


def test_higher_is_better_becomes_the_risk_of_not_getting_there(coded: Any) -> None:
    load(coded)
    application = do_start_idea_from_gap(
        organisation=coded.org,
        key="school_eligibility",
        fund=coded.fund,
        lead_unit=coded.school,
        title="Alla klarar skolan",
        acting_user=coded.applicant,
    )
    assert application.latest_calculation().scenario["outcomes"][0]["baseline_risk"] == 0.26


def test_a_refused_idea_leaves_nothing_behind(coded: Any) -> None:
    load(coded)
    before = Application.objects.count()
    with pytest.raises(PermissionDenied):  # a unit where the user is not an applicant
        do_start_idea_from_gap(
            organisation=coded.org,
            key="neet_16_24",
            fund=coded.fund,
            lead_unit=coded.social,
            title="X",
            acting_user=coded.applicant,
        )
    assert Application.objects.count() == before


def test_aim_progress_and_the_price_of_what_remains(coded: Any) -> None:
    load(coded)
    aim = do_save_aim(
        fund=coded.fund,
        title="Färre unga utanför",
        kpi="N02797",
        higher_is_better=False,
        baseline_year=2022,
        baseline_value="9.5",
        target_year=2026,
        target_value="6.5",
        population=10_000,
        cost_item="exclusion_year_varmdo",
        acting_user=coded.fund_admin,
    )
    (view,) = aim_progress(coded.fund)
    assert (view.latest_year, view.latest) == (2023, 9.0)
    # 0.5 of 3.0 points: a sixth of the way; the straight path says 8.75 in 2023, so behind.
    assert view.progress == pytest.approx(1 / 6) and view.on_track is False
    # what remains: (9.0 − 6.5) % × 10 000 = 250 persons, in the catalogue's latest price year
    assert view.remaining is not None and view.remaining.persons == pytest.approx(250)
    assert [r["path"] for r in view.rows()] == [9.5, 8.75, 8.0, 7.25, 6.5]
    do_delete_aim(aim=aim, reason="Ersatt av nytt mål", acting_user=coded.fund_admin)
    assert not Aim.objects.exists()
    assert AuditEvent.objects.get(verb="aim.deleted").data["before"]["kpi"] == "N02797"


def test_aim_input_is_checked_and_only_the_fund_admin_sets_it(coded: Any) -> None:
    with pytest.raises(ValidationError) as info:
        do_save_aim(
            fund=coded.fund,
            title="",
            kpi="x y",
            higher_is_better=False,
            baseline_year=2030,
            baseline_value="abc",
            target_year=2020,
            target_value="1",
            acting_user=coded.fund_admin,
        )
    assert set(info.value.message_dict) == {"title", "kpi", "baseline_value", "target_year"}
    for who in ("applicant", "auditor", "decision_maker", "preparer"):
        with pytest.raises(PermissionDenied):
            do_save_aim(
                fund=coded.fund,
                title="Mål",
                kpi="N1",
                higher_is_better=False,
                baseline_year=2020,
                baseline_value="1",
                target_year=2025,
                target_value="2",
                acting_user=getattr(coded, who),
            )
    assert not Aim.objects.exists()


def test_aim_investments_only_from_the_fund(coded: Any, world: Any) -> None:
    from factories import FundFactory
    from socialinvest.applications.actions import do_create_application

    aim = do_save_aim(
        fund=coded.fund,
        title="Mål",
        kpi="N1",
        higher_is_better=False,
        baseline_year=2020,
        baseline_value=Decimal("1"),
        target_year=2025,
        target_value=Decimal("2"),
        acting_user=coded.fund_admin,
    )
    other_fund = FundFactory(owner=coded.org, name="Annan", slug="annan")
    ours, other = (
        do_create_application(fund=f, title="Idé", lead_unit=coded.school, acting_user=coded.applicant)
        for f in (coded.fund, other_fund)
    )
    with pytest.raises(ValidationError):
        do_set_aim_investments(aim=aim, applications=[ours, other], acting_user=coded.fund_admin)
    do_set_aim_investments(aim=aim, applications=[ours], acting_user=coded.fund_admin)
    assert list(aim.investments.all()) == [ours]
