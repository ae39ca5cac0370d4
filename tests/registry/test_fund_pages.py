"""The fund's registry pages and the recorded choice of estimate (no registry needed for these)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from socialinvest.core.models import AuditEvent
from socialinvest.evaluation.meta import meta_analysis, shrink
from socialinvest.registry.fund_actions import do_choose_effect, pooled_analysis
from socialinvest.registry.models import EffectChoice
from socialinvest.registry.selectors import pooled_out

pytestmark = pytest.mark.django_db


def _pooled() -> dict[str, Any]:
    result = meta_analysis([0.1, 0.3, 0.2, 0.5], [0.1, 0.1, 0.05, 0.2])
    return {
        "k": result.k,
        "pooled": result.pooled,
        "standard_error": result.standard_error,
        "tau2": result.tau2,
        "i2": result.i2,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "prediction_low": result.prediction_low,
        "prediction_high": result.prediction_high,
        "prediction_standard_error": result.prediction_standard_error,
    }


def test_the_fund_admin_records_the_chosen_estimate_with_all_three(world: Any, granted: Any) -> None:
    pooled = _pooled()
    chosen = do_choose_effect(
        application=granted,
        outcome="Fullständiga betyg",
        choice="shrunken",
        local_effect=0.6,
        local_se=0.3,
        pooled=pooled,
        acting_user=world.fund_admin,
    )
    expected = shrink(0.6, 0.3, pooled_analysis(pooled))
    assert chosen.chosen == pytest.approx((expected.estimate, expected.standard_error))
    assert 0 < chosen.shrunken_effect < 0.6  # a noisy local estimate is pulled toward the pool
    assert AuditEvent.objects.filter(verb="registry.effect_chosen", application=granted).exists()
    with pytest.raises(PermissionDenied):
        do_choose_effect(
            application=granted,
            outcome="x",
            choice="local",
            local_effect=0.6,
            local_se=0.3,
            pooled=pooled,
            acting_user=world.applicant,
        )
    assert EffectChoice.objects.count() == 1


def test_pooled_out_has_every_field_of_the_api_schema() -> None:
    from socialinvest.registry.schemas import PooledOut
    from socialinvest.registry.selectors import Pooled

    empty = pooled_out(Pooled("school-attendance", "x", [], None, None, None))
    assert set(empty) == set(PooledOut.model_fields)


@pytest.mark.parametrize("page", ["publish", "compare"])
def test_fund_pages_for_the_admin_and_not_for_others(world: Any, granted: Any, page: str) -> None:
    admin = Client()
    admin.force_login(world.fund_admin)
    response = admin.get(f"/registry/{page}/{granted.pk}/")
    assert response.status_code == 200
    evaluation = admin.get(f"/followup/{granted.pk}/evaluation/")
    if evaluation.status_code == 200:
        assert f"/registry/publish/{granted.pk}/" in evaluation.content.decode()
    applicant = Client()
    applicant.force_login(world.applicant)
    assert applicant.get(f"/registry/{page}/{granted.pk}/").status_code == 403
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(f"/registry/{page}/{granted.pk}/").status_code == 404
    assert Client().get(f"/registry/{page}/{granted.pk}/").status_code == 302  # to the login page


def test_publishing_without_a_registry_says_so_and_writes_nothing(world: Any, granted: Any) -> None:
    admin = Client()
    admin.force_login(world.fund_admin)
    fields = {
        "intervention_type": "school-attendance",
        "target_group": "Elever",
        "setting": "Skola",
        "outcome": "Betyg",
        "effect": "0.1",
        "standard_error": "0.05",
        "design": "comparison_group",
        "evidence_grade": "3",
        "n_intervention": "50",
        "n_comparison": "50",
        "cost_per_participant": "1000",
        "municipality": "Exempelstad",
        "year_from": "2020",
        "year_to": "2022",
    }
    page = admin.post(f"/registry/publish/{granted.pk}/", fields).content.decode()
    assert "Inget register är inställt" in page
    page = admin.post(f"/registry/publish/{granted.pk}/", {**fields, "setting": "Elev 19121212-1212"})
    assert "personnummer" in page.content.decode() or "personal identity" in page.content.decode()


def test_the_calculation_tab_offers_the_registrys_effect_when_a_registry_is_set(
    world: Any, granted: Any, settings: Any
) -> None:
    client = Client()
    client.force_login(world.applicant)
    url = f"/applications/{granted.pk}/section/calculation/"
    settings.REGISTRY_URL = ""
    assert f"/registry/prior/{granted.pk}/" not in client.get(url).content.decode()
    settings.REGISTRY_URL = "http://127.0.0.1:9/"
    page = client.get(url)
    assert page.status_code == 200
    assert f"/registry/prior/{granted.pk}/" in page.content.decode()
