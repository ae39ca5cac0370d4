"""The fund administrator's follow-up pages: naming the project lead, correcting the closing decision,
amending a completed plan.  Each works for the fund admin, refuses others with the reason (403), and
bad input shows a Swedish error next to the field and writes nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from followup_builders import MEAN, PROPORTION, approve, proportions, slot, snapshot

from factories import MembershipFactory, OrganisationFactory, UserFactory
from socialinvest.core.models import AuditEvent
from socialinvest.followup import actions
from socialinvest.followup.models import ClosingDecision, Indicator
from socialinvest.followup.permissions import can_assign_project_lead
from socialinvest.followup.selectors import project_lead_candidates

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return response.content.decode()


def field_error(response: Any, field_id: str) -> str:
    m = re.search(rf'id="{field_id}-error">([^<]*)<', text(response))
    assert m, f"no error next to {field_id}"
    return m.group(1)


# -- The project lead ---------------------------------------------------------------------------


def test_candidates_hold_a_role_on_the_units_or_are_project_leads_in_the_organisation(
    world: Any, granted: Any
) -> None:
    lead = UserFactory(username="projektledare")
    MembershipFactory(user=lead, role="project_lead", organisation=world.org)
    unit_lead = UserFactory(username="enhetsledare")
    MembershipFactory(user=unit_lead, role="project_lead", unit=world.labour)  # a unit of the organisation
    retired = UserFactory(username="slutat", is_active=False)
    MembershipFactory(user=retired, role="project_lead", organisation=world.org)
    elsewhere = UserFactory(username="annanstans")
    MembershipFactory(user=elsewhere, role="project_lead", organisation=OrganisationFactory())
    labour_applicant = UserFactory(username="arbetsmarknad")
    MembershipFactory(user=labour_applicant, role="applicant", unit=world.labour)  # not an applicant unit
    names = {u.username for u in project_lead_candidates(granted)}
    # school: the applicant and the conflicted preparer (applicant role there); social: the co-applicant.
    assert names == {"sokande", "javig", "medsokande", "projektledare", "enhetsledare"}


def test_only_the_fund_admin_may_name_the_lead(world: Any, granted: Any) -> None:
    assert can_assign_project_lead(world.fund_admin, granted)
    for role in ("applicant", "preparer", "decision_maker", "council", "auditor", "outsider"):
        verdict = can_assign_project_lead(getattr(world, role), granted)
        assert not verdict and verdict.reason, role
    assert can_assign_project_lead(world.applicant, granted).reason == (
        "Endast fondförvaltaren utser projektledare."
    )


def test_fund_admin_names_the_lead_on_the_overview(world: Any, client: Any, granted: Any) -> None:
    url = reverse("followup:overview", args=[granted.pk])
    client.force_login(world.fund_admin)
    page = text(client.get(url))
    assert 'id="lead-form"' in page and f'<option value="{world.co_applicant.pk}">' in page
    assert f'<option value="{world.fund_admin.pk}">' not in page  # not a candidate
    response = client.post(
        reverse("followup:project_lead", args=[granted.pk]), {"lead-user": world.co_applicant.pk}
    )
    assert response.status_code == 302
    granted.refresh_from_db()
    assert granted.project_lead == world.co_applicant
    event = AuditEvent.objects.filter(verb="application.project_lead").latest("id")
    assert event.actor == world.fund_admin and "medsokande" in event.summary


def test_others_see_the_lead_and_are_refused(world: Any, client: Any, granted: Any) -> None:
    client.force_login(world.applicant)
    page = text(client.get(reverse("followup:overview", args=[granted.pk])))
    assert 'id="lead-form"' not in page and "sokande" in page
    before = snapshot()
    response = client.post(
        reverse("followup:project_lead", args=[granted.pk]), {"lead-user": world.co_applicant.pk}
    )
    assert response.status_code == 403
    assert "Endast fondförvaltaren utser projektledare." in text(response)
    granted.refresh_from_db()
    assert granted.project_lead == world.applicant and snapshot() == before


def test_a_user_outside_the_candidates_is_refused_next_to_the_field(
    world: Any, client: Any, granted: Any
) -> None:
    client.force_login(world.fund_admin)
    before = snapshot()
    url = reverse("followup:project_lead", args=[granted.pk])
    response = client.post(url, {"lead-user": world.outsider.pk})
    assert response.status_code == 400
    assert field_error(response, "id_lead-user") == "Välj en användare i listan."
    response = client.post(url, {"lead-user": ""})
    assert field_error(response, "id_lead-user") == "Välj en aktiv användare."
    granted.refresh_from_db()
    assert granted.project_lead == world.applicant and snapshot() == before


# -- Correcting the closing decision ------------------------------------------------------------


def _decided(world: Any, application: Any) -> ClosingDecision:
    return actions.do_record_closing_decision(
        application=application,
        outcome="ordinary_operations",
        rationale="Effekten håller.",
        decision_body="Kommunstyrelsen",
        decided_on="2026-10-01",
        acting_user=world.decision_maker,
    )


def _correction(**overrides: str) -> dict[str, str]:
    data = {
        "correct-outcome": "extend",
        "correct-rationale": "Effekten håller men mätperioden är för kort.",
        "correct-lessons_learned": "",
        "correct-decision_body": "Kommunstyrelsen",
        "correct-decided_on": "2026-10-01",
        "correct-reason": "Fel beslut registrerades; protokollet säger förlängning.",
    }
    data.update(overrides)
    return data


def test_fund_admin_corrects_the_closing_decision(world: Any, client: Any, planned: Any) -> None:
    decision = _decided(world, planned)
    client.force_login(world.fund_admin)
    page = text(client.get(reverse("followup:overview", args=[planned.pk])))
    assert 'id="correct-form"' in page and 'value="Kommunstyrelsen"' in page  # pre-filled
    response = client.post(reverse("followup:correct_closing_decision", args=[planned.pk]), _correction())
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.outcome == "extend"
    event = AuditEvent.objects.get(verb="followup.closing_decision_corrected")
    assert event.reason == "Fel beslut registrerades; protokollet säger förlängning."
    assert event.data["before"]["outcome"] == "ordinary_operations"


def test_closing_correction_refused_for_others(world: Any, client: Any, planned: Any) -> None:
    _decided(world, planned)
    url = reverse("followup:correct_closing_decision", args=[planned.pk])
    before = snapshot()
    for role in ("decision_maker", "applicant"):
        client.force_login(getattr(world, role))
        assert 'id="correct-form"' not in text(client.get(reverse("followup:overview", args=[planned.pk])))
        response = client.post(url, _correction())
        assert response.status_code == 403, role
        assert "Endast fondförvaltaren rättar slutbeslutet." in text(response)
    assert snapshot() == before


def test_closing_correction_without_a_decision_is_refused(world: Any, client: Any, planned: Any) -> None:
    client.force_login(world.fund_admin)
    response = client.post(reverse("followup:correct_closing_decision", args=[planned.pk]), _correction())
    assert response.status_code == 403 and "Inget slutbeslut är registrerat." in text(response)


def test_closing_correction_errors_next_to_the_field(world: Any, client: Any, planned: Any) -> None:
    _decided(world, planned)
    client.force_login(world.fund_admin)
    url = reverse("followup:correct_closing_decision", args=[planned.pk])
    before = snapshot()
    response = client.post(url, _correction(**{"correct-reason": ""}))
    assert response.status_code == 400
    assert field_error(response, "id_correct-reason") == "Ange skälet till rättelsen."
    response = client.post(url, _correction(**{"correct-decided_on": "2024-01-01"}))
    assert field_error(response, "id_correct-decided_on").startswith(
        "Slutbeslutet kan inte vara fattat före beslutet om investeringen"
    )
    unchanged = _correction(
        **{"correct-outcome": "ordinary_operations", "correct-rationale": "Effekten håller."}
    )
    response = client.post(url, unchanged)
    assert field_error(response, "id_correct-reason") == "Rättelsen ändrar ingenting."
    assert 'id="correct-closing" open' in text(response)
    assert snapshot() == before
    assert ClosingDecision.objects.get().outcome == "ordinary_operations"


# -- Amending a completed plan ------------------------------------------------------------------


def _indicator(application: Any, name: str) -> Any:
    return Indicator.objects.get(plan__application=application, name=name)


def _amend(ind: Any, reason: str = "Projektet förlängs ett år.", **fields: Any) -> dict[str, Any]:
    return {"reason": reason, **{f"add-{ind.pk}-schedule-0-{k}": v for k, v in fields.items()}}


NEW_2027 = {
    "label": "2027",
    "period_start": "2027-01-01",
    "period_end": "2027-12-31",
    "due_date": "2028-02-28",
}


def test_plan_links_to_the_amendment_for_the_fund_admin_only(world: Any, client: Any, planned: Any) -> None:
    url = reverse("followup:plan", args=[planned.pk])
    client.force_login(world.fund_admin)
    assert 'id="amend-link"' in text(client.get(url))
    client.force_login(world.applicant)
    assert 'id="amend-link"' not in text(client.get(url))


def test_fund_admin_adds_a_period_and_changes_a_reporter(world: Any, client: Any, planned: Any) -> None:
    approve(world, planned, PROPORTION, "2024", proportions(100, 30, 100, 30))
    ind = _indicator(planned, PROPORTION)
    url = reverse("followup:plan_amend", args=[planned.pk])
    client.force_login(world.fund_admin)
    page = text(client.get(url))
    s2024, s2025 = slot(planned, PROPORTION, "2024"), slot(planned, PROPORTION, "2025")
    assert f'name="reporter-{s2025.pk}"' in page
    assert f'name="reporter-{s2024.pk}"' not in page  # approved: the reporter stays
    assert "2024: mätningen är godkänd; rapportören kan inte bytas." in page
    data = {**_amend(ind, **NEW_2027), f"reporter-{s2025.pk}": world.co_applicant.pk}
    response = client.post(url, data)
    assert response.status_code == 302
    added = slot(planned, PROPORTION, "2027")
    assert (added.period_start, added.is_baseline, added.reporter) == (dt.date(2027, 1, 1), False, None)
    assert slot(planned, PROPORTION, "2025").reporter == world.co_applicant
    assert slot(planned, MEAN, "2025").reporter is None  # untouched
    event = AuditEvent.objects.get(verb="followup.plan_amended")
    assert event.reason == "Projektet förlängs ett år."
    assert event.data["added_periods"] == [{"indicator": PROPORTION, "label": "2027"}]
    assert [(r["label"], r["to"]) for r in event.data["reporters"]] == [("2025", world.co_applicant.pk)]


def test_amendment_refused_for_others(world: Any, client: Any, planned: Any, granted: Any) -> None:
    ind = _indicator(planned, PROPORTION)
    url = reverse("followup:plan_amend", args=[planned.pk])
    before = snapshot()
    for role in ("applicant", "decision_maker", "auditor"):
        client.force_login(getattr(world, role))
        assert client.get(url).status_code == 403, role
        response = client.post(url, _amend(ind, **NEW_2027))
        assert response.status_code == 403, role
        assert "Endast fondförvaltaren ändrar en fastställd plan." in text(response)
    assert snapshot() == before


def test_amendment_of_a_draft_plan_is_refused(world: Any, client: Any, granted: Any) -> None:
    client.force_login(world.fund_admin)
    response = client.get(reverse("followup:plan_amend", args=[granted.pk]))
    assert response.status_code == 403
    assert "Planen är inte fastställd än; ändra den direkt." in text(response)


def test_amendment_errors_next_to_the_field(world: Any, client: Any, planned: Any) -> None:
    ind = _indicator(planned, PROPORTION)
    url = reverse("followup:plan_amend", args=[planned.pk])
    client.force_login(world.fund_admin)
    before = snapshot()
    prefix = f"id_add-{ind.pk}-schedule-0"
    # An existing label, a period before the baseline ends, and a reporter change, all refused together.
    s2025 = slot(planned, PROPORTION, "2025")
    data = {
        **_amend(
            ind, label="2025", period_start="2024-06-01", period_end="2024-12-31", due_date="2025-02-28"
        ),
        f"reporter-{s2025.pk}": world.co_applicant.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert field_error(response, f"{prefix}-label") == "Perioden finns redan för indikatorn."
    assert field_error(response, f"{prefix}-period_start") == (
        "Uppföljande perioder ska börja efter utgångsmätningen."
    )
    # Without a reason; a half-filled new period; nothing at all.
    response = client.post(url, _amend(ind, "", **NEW_2027))
    assert field_error(response, "id_reason") == "Ange skälet till ändringen."
    response = client.post(url, _amend(ind, label="2027"))
    assert field_error(response, f"{prefix}-period_start") == "Ange ett datum."
    response = client.post(url, _amend(ind, period_start="2027-13-01"))
    assert field_error(response, f"{prefix}-period_start") == "Ange ett datum som ÅÅÅÅ-MM-DD."
    response = client.post(url, {"reason": "Ingenting"})
    assert field_error(response, "id_reason") == "Ange minst en ny period eller en ny rapportör."
    assert snapshot() == before
    assert slot(planned, PROPORTION, "2025").reporter is None
