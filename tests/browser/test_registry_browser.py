"""The registry's page of an intervention type in a real browser: the meta-analysis and, WSIPP-style,
benefits per participant by perspective and actor; accessible (axe)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from browserkit import assert_accessible
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("SOCIALINVEST_SHOTS", "/tmp"))


def test_registry_type_page_shows_benefits_per_participant(page: Any, settings: Any) -> None:
    from django.contrib.auth import get_user_model

    from socialinvest.registry.actions import do_publish_evaluation
    from socialinvest.registry.schemas import PublicationIn

    settings.SOCIALINVEST_REGISTRY = True
    publisher = get_user_model().objects.create_user(username="publicerare")
    for i, (effect, se) in enumerate([(0.12, 0.05), (0.30, 0.10), (0.05, 0.06), (0.22, 0.08), (0.18, 0.04)]):
        do_publish_evaluation(
            acting_user=publisher,
            data=PublicationIn(
                source_ref=f"browser-{i}",
                intervention_type="school-attendance",
                target_group="Elever i årskurs 7-9",
                setting="Grundskola",
                outcome="Fullständiga betyg",
                effect=effect,
                standard_error=se,
                design="comparison_group",
                evidence_grade=3,
                n_intervention=80 + i,
                n_comparison=90 + i,
                cost_per_participant="25000",
                municipality=f"Kommun {i}",
                year_from=2018 + i,
                year_to=2022 + i,
            ),
        )
    page.goto("/registry/types/school-attendance/")
    expect(page.get_by_role("heading", name="Nytta per deltagare")).to_be_visible()
    cards = page.locator("#benefit-cards")
    expect(cards).to_contain_text("Kommunen")
    expect(cards).to_contain_text("Samhället")
    expect(cards).to_contain_text("chans att nyttan överstiger kostnaden")
    expect(page.locator("#benefit-perspectives tbody tr")).to_have_count(4)
    expect(page.locator("#benefit-actors")).to_contain_text("Försäkringskassan")
    page.screenshot(path=str(SHOTS / "registry-type-benefits.png"), full_page=True)
    assert_accessible(page, "registry type page")
    expect(page.locator("#meta-methods tbody tr")).to_have_count(2)

    # A study's history: corrected once, then withdrawn; the page says both, accessibly.
    from socialinvest.registry.actions import do_correct_publication, do_withdraw_publication
    from socialinvest.registry.models import Publication
    from socialinvest.registry.schemas import CorrectionIn

    first = Publication.objects.get(source_ref="browser-0")
    content = first.current.version
    do_correct_publication(
        publication=first,
        data=CorrectionIn(
            source_ref="browser-0",
            intervention_type="school-attendance",
            target_group=content.target_group,
            setting=content.setting,
            outcome=content.outcome,
            effect=0.10,
            standard_error=0.05,
            design="comparison_group",
            evidence_grade=3,
            n_intervention=80,
            n_comparison=90,
            cost_per_participant="25000",
            municipality="Kommun 0",
            year_from=2018,
            year_to=2022,
            reason="Fel effekt i första versionen",
        ),
        acting_user=publisher,
    )
    do_withdraw_publication(publication=first, reason="Dubbelpublicerad", acting_user=publisher)
    page.goto(f"/registry/publications/{first.pk}/")
    expect(page.locator("#withdrawn")).to_contain_text("Dubbelpublicerad")
    expect(page.locator("#versions tbody tr")).to_have_count(2)
    expect(page.locator("#versions")).to_contain_text("Fel effekt i första versionen")
    page.screenshot(path=str(SHOTS / "registry-publication-history.png"), full_page=True)
    assert_accessible(page, "registry publication history")
