"""Pages for helper FF's fixes: the follow-up index for the project lead, the period-length warning."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from followup_builders import PROPORTION, approve, proportions

from socialinvest.followup import actions


def test_index_lists_the_project_leads_investments(world: Any, client: Any, planned: Any) -> None:
    client.force_login(world.applicant)  # the project lead, no fund role
    page = client.get(reverse("followup:index")).content.decode()
    assert "Du har ingen roll i någon fond." not in page
    assert 'id="my-investments"' in page and "Projektledare" in page
    assert reverse("followup:overview", args=[planned.pk]) in page
    client.force_login(world.outsider)
    page = client.get(reverse("followup:index")).content.decode()
    assert "Du har ingen roll i någon fond." in page and 'id="my-investments"' not in page


def test_evaluation_page_shows_the_period_length_warning(world: Any, client: Any, planned: Any) -> None:
    half = {
        "label": "VT 2027",
        "period_start": dt.date(2027, 1, 1),
        "period_end": dt.date(2027, 6, 30),
        "due_date": dt.date(2027, 8, 31),
    }
    actions.do_amend_followup_plan(
        application=planned, add_periods={PROPORTION: [half]}, reason="Halvår.", acting_user=world.fund_admin
    )
    approve(world, planned, PROPORTION, "2024", proportions(200, 60, 180, 54))
    approve(world, planned, PROPORTION, "VT 2027", proportions(200, 20, 180, 27))
    client.force_login(world.fund_admin)
    page = client.get(reverse("followup:evaluation", args=[planned.pk])).content.decode()
    assert 'class="warning period-length"' in page and "olika längd" in page


def test_plan_page_offers_a_reason_for_removing_the_applications_indicators(
    world: Any, client: Any, granted: Any
) -> None:
    client.force_login(world.fund_admin)
    page = client.get(reverse("followup:plan", args=[granted.pk])).content.decode()
    assert 'for="id_removed_reason"' in page and "Andel med hög frånvaro" in page
