"""Builders shared by tests: an application carried through the services to a given point."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from socialinvest.applications import actions
from socialinvest.engine import load_scenario

EXAMPLE = Path(__file__).parents[1] / "examples" / "worked-example.yaml"

FULL = {
    "summary": "Strukturerat arbete mot skolfrånvaro.",
    "target_group": "Elever i årskurs 7–9 med hög frånvaro.",
    "risk_factors": "Upprepad ogiltig frånvaro.",
    "intervention": "Tidig kartläggning och insatser.",
    "evidence": "Erfarenheter från Norrköping.",
    "effect_chain": "Närvaro → behörighet → arbete.",
    "risks": "Personalomsättning.",
    "implementation_plan": "Tre år.",
    "proposed_repayment": "2 Mkr per år i fem år.",
    "requested_amount": Decimal("11600000"),
    "period_start": dt.date(2025, 1, 1),
    "period_end": dt.date(2027, 12, 31),
}


def make_full_application(w, **overrides):
    app = actions.do_create_application(
        fund=w.fund,
        title="Alla barn i skolan",
        lead_unit=w.school,
        co_units=[w.social],
        acting_user=w.applicant,
    )
    actions.do_update_application(
        application=app, changes={"summary": "Idé", "target_group": "Elever"}, acting_user=w.applicant
    )
    app = actions.do_transition(application=app, name="submit_idea", acting_user=w.applicant)
    app = actions.do_transition(application=app, name="accept_idea", acting_user=w.preparer)
    app = actions.do_transition(application=app, name="start_full_application", acting_user=w.applicant)
    actions.do_update_application(application=app, changes=FULL, acting_user=w.applicant)
    actions.do_replace_budget_lines(
        application=app,
        lines=[{"year": 2025, "payer": w.school.pk, "amount": "3900000"}],
        acting_user=w.applicant,
    )
    actions.do_replace_indicators(
        application=app,
        indicators=[{"name": "Andel med hög frånvaro", "measured_when": "Varje termin"}],
        acting_user=w.applicant,
    )
    actions.do_save_calculation(application=app, scenario=load_scenario(EXAMPLE), acting_user=w.applicant)
    actions.do_sign_off(application=app, manager_name="Förvaltningschef", acting_user=w.applicant)
    app.refresh_from_db()
    return app
