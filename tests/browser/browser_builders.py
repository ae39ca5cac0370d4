"""Applications carried through the services to a given status, for the pages the browser tests look at.

Browser tests run with a transactional database, so what these build is committed
and the live server's thread sees it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from builders import make_full_application
from socialinvest.applications import actions
from socialinvest.applications.models import Application

# The path, in order; application_in() stops at the status asked for.
PATH = (
    "draft_idea",
    "full_application",
    "submitted",
    "in_preparation",
    "council_review",
    "recommended",
    "granted",
)


def draft_idea(w: Any, title: str = "Läxhjälp i Norrby") -> Application:
    app = actions.do_create_application(
        fund=w.fund, title=title, lead_unit=w.school, co_units=[w.social], acting_user=w.applicant
    )
    return actions.do_update_application(
        application=app,
        changes={"summary": "Läxhjälp tre kvällar i veckan.", "target_group": "Elever i årskurs 4–6."},
        acting_user=w.applicant,
    )


def application_in(w: Any, status: str) -> Application:
    """An application in ``status`` (one of :data:`PATH`), each step taken by the role that takes it."""
    if status not in PATH:
        raise ValueError(status)
    if status == "draft_idea":
        return draft_idea(w)
    app = make_full_application(w)
    steps = PATH[PATH.index("full_application") + 1 : PATH.index(status) + 1]
    for step in steps:
        app = _STEPS[step](w, app)
    app.refresh_from_db()
    return app


def _submit(w: Any, app: Application) -> Application:
    return actions.do_transition(application=app, name="submit", acting_user=w.applicant)


def _in_preparation(w: Any, app: Application) -> Application:
    return actions.do_transition(application=app, name="start_preparation", acting_user=w.fund_admin)


def _council_review(w: Any, app: Application) -> Application:
    c1, c2 = w.criteria
    for reviewer, scores in ((w.preparer, (4, 3)), (w.preparer2, (3, 4))):
        actions.do_save_review(
            application=app,
            scores={c1.pk: (scores[0], "Väl underbyggt."), c2.pk: (scores[1], "")},
            comment="Stöds.",
            submit=True,
            acting_user=reviewer,
        )
    return actions.do_transition(application=app, name="request_council_opinion", acting_user=w.preparer)


def _recommended(w: Any, app: Application) -> Application:
    actions.do_give_council_opinion(
        application=app,
        evidence_grade=3,
        evaluation_design="Jämförelsegrupp från två skolor.",
        opinion="Rådet tillstyrker.",
        acting_user=w.council,
    )
    return actions.do_transition(application=app, name="recommend", acting_user=w.preparer)


def _granted(w: Any, app: Application) -> Application:
    actions.do_decide(
        application=app,
        outcome="granted",
        amount=Decimal("11600000"),
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2027, 12, 31),
        conditions="Årlig lägesrapport.",
        decision_body="Kommunstyrelsens arbetsutskott",
        decided_on=dt.date(2024, 11, 20),
        reference_number="KS 2024/0123",
        acting_user=w.decision_maker,
    )
    app.refresh_from_db()
    return app


_STEPS = {
    "submitted": _submit,
    "in_preparation": _in_preparation,
    "council_review": _council_review,
    "recommended": _recommended,
    "granted": _granted,
}
