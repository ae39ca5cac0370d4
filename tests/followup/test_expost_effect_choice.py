"""The ex-post calculation reads the fund's recorded choice of estimate (local, the registry's pooled
or the empirical-Bayes shrunken one) for the evaluation the choice was made on."""

from __future__ import annotations

from typing import Any

import pytest
from followup_builders import PLACEMENTS, WELFARE
from test_expost_followup import measured  # noqa: F401 - the fixture

from socialinvest.evaluation.meta import meta_analysis
from socialinvest.followup import actions, selectors
from socialinvest.registry.fund_actions import do_choose_effect

pytestmark = pytest.mark.django_db


def pooled() -> dict[str, Any]:
    r = meta_analysis([0.1, 0.3, 0.2, 0.5], [0.1, 0.1, 0.05, 0.2])
    return {
        "k": r.k,
        "pooled": r.pooled,
        "standard_error": r.standard_error,
        "tau2": r.tau2,
        "i2": r.i2,
        "ci_low": r.ci_low,
        "ci_high": r.ci_high,
        "prediction_low": r.prediction_low,
        "prediction_high": r.prediction_high,
        "prediction_standard_error": r.prediction_standard_error,
    }


def test_expost_uses_the_chosen_estimate_of_that_evaluation(world: Any, measured: Any) -> None:  # noqa: F811
    local = next(e for e in selectors.evaluations(measured) if e.indicator.outcome_name == WELFARE)
    assert local.effect is not None
    first = actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    welfare = {o["name"]: o for o in first.scenario["outcomes"]}[WELFARE]["effect"]
    assert welfare["mean"] == pytest.approx(local.effect[0])
    assert all("effect_choice" not in row for row in first.inputs["effects"])

    # A choice made on another (earlier) local estimate does not carry over.
    do_choose_effect(
        application=measured,
        outcome="Försörjningsstöd",
        choice="pooled",
        local_effect=0.6,
        local_se=0.3,
        pooled=pooled(),
        acting_user=world.fund_admin,
    )
    second = actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    assert {o["name"]: o for o in second.scenario["outcomes"]}[WELFARE]["effect"]["mean"] == pytest.approx(
        local.effect[0]
    )

    chosen = do_choose_effect(
        application=measured,
        outcome="Försörjningsstöd",
        choice="shrunken",
        local_effect=local.effect[0],
        local_se=local.effect[1],
        pooled=pooled(),
        acting_user=world.fund_admin,
    )
    third = actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    outcomes = {o["name"]: o for o in third.scenario["outcomes"]}
    assert outcomes[WELFARE]["effect"]["mean"] == pytest.approx(chosen.shrunken_effect)
    assert outcomes[WELFARE]["effect"]["sd"] == pytest.approx(chosen.shrunken_se)
    assert chosen.shrunken_effect != pytest.approx(local.effect[0])
    rows = {row["outcome"]: row for row in third.inputs["effects"]}
    assert rows[WELFARE]["effect_choice"] == "shrunken"
    assert rows[WELFARE]["effect_mean"] == pytest.approx(local.effect[0])  # the local one, recorded beside
    assert "effect_choice" not in rows[PLACEMENTS]  # no choice made for that evaluation

    from socialinvest.followup.views.presentation import expost_effects

    shown = {item["outcome"]: item["effect"] for item in expost_effects(third)}
    assert "krympt mot registrets skattning" in shown[WELFARE] and "egen skattning" in shown[WELFARE]
    # The warnings follow the effect used: the local welfare estimate's interval includes zero, the
    # shrunken one's (mean ± 1.96 sd, here well away from zero) need not.
    assert rows[WELFARE]["local_includes_zero"] is True
    shrunken_zero = (
        chosen.shrunken_effect - 1.959963984540054 * chosen.shrunken_se
        <= 0
        <= chosen.shrunken_effect + 1.959963984540054 * chosen.shrunken_se
    )
    assert not shrunken_zero  # 0.212 ± 1.96 · 0.040
    assert rows[WELFARE]["includes_zero"] is shrunken_zero
    assert (WELFARE in third.inputs["effects_including_zero"]) is shrunken_zero


def test_the_evaluation_page_shows_the_local_pooled_and_shrunken_estimates_side_by_side(
    world: Any,
    measured: Any,  # noqa: F811
    client: Any,
) -> None:
    from socialinvest.core.formatting import percent

    local = next(e for e in selectors.evaluations(measured) if e.indicator.outcome_name == WELFARE)
    assert local.effect is not None
    page = f"/followup/{measured.pk}/evaluation/"
    client.force_login(world.fund_admin)
    assert f'id="comparison-{local.indicator.pk}"' not in client.get(page).content.decode()  # none yet
    chosen = do_choose_effect(
        application=measured,
        outcome="Försörjningsstöd",
        choice="shrunken",
        local_effect=local.effect[0],
        local_se=local.effect[1],
        pooled=pooled(),
        acting_user=world.fund_admin,
    )
    html = client.get(page).content.decode()
    table = html.split(f'id="comparison-{local.indicator.pk}"')[1].split("</table>")[0]
    rows = table.split("<tr")[2:]
    assert [r.split('<th scope="row">')[1].split("<")[0] for r in rows] == [
        "Egen skattning",
        f"Registrets poolade skattning ({chosen.studies} studier, τ² {chosen.tau2:.4f})".replace(".", ","),
        "Krympt mot registret (empirisk Bayes)",
    ]
    for row, (mean, se) in zip(
        rows,
        [
            (chosen.local_effect, chosen.local_se),
            (chosen.pooled_effect, chosen.pooled_se),
            (chosen.shrunken_effect, chosen.shrunken_se),
        ],
        strict=True,
    ):
        assert percent(mean) in row and percent(se) in row
    assert ['class="used"' in r for r in rows] == [False, False, True]
    assert "intervallet innehåller noll" in rows[0]  # the local estimate's (the welfare DiD's)
