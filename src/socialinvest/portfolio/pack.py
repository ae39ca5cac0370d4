"""The decision pack for a board meeting: every application up for decision with its scores per
criterion, the scientific council's opinion, the calculation with its uncertainty, and who gains."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from socialinvest.applications.models import Application, EvidenceGrade, Review, ReviewAssignment
from socialinvest.applications.selectors import council_opinion_of, lead_unit_names, review_summary
from socialinvest.applications.states import Status
from socialinvest.followup.forecast import actor_names

from .tables import Column, Table, perspective_tables

UP_FOR_DECISION = (Status.RECOMMENDED, Status.NOT_RECOMMENDED)


def _calculation_tables(app: Application) -> list[Table]:
    calc = app.latest_calculation()
    if calc is None:
        return []
    result = calc.result
    base = result["base"]
    summary, probability = perspective_tables(
        result,
        app.fund.headline_perspective,
        f"{app.pk}",
        _("Kalkyl (version %(n)s): %(title)s") % {"n": calc.number, "title": app.title},
        _("Osäkerhet: %(title)s") % {"title": app.title},
    )
    names = actor_names(app, calc.scenario, set(base["by_actor"]))
    gains = Table(
        f"gains-{app.pk}",
        _("Vem får nyttan: %(title)s") % {"title": app.title},
        [Column(_("Aktör")), Column(_("Nyttor, nuvärde"), "mkr"), Column(_("Nettonuvärde"), "mkr")],
        [
            [names.get(a, a), pv["pv_benefits"], pv["npv"]]
            for a, pv in sorted(base["by_actor"].items(), key=lambda kv: -kv[1]["pv_benefits"])
        ],
    )
    return [summary, probability, gains]


def decision_pack(fund: Any) -> dict[str, Any]:
    apps = list(
        Application.objects.filter(fund=fund, status__in=UP_FOR_DECISION)
        .select_related("fund")
        .order_by("reference")
    )
    leads = lead_unit_names(a.pk for a in apps)
    items = []
    for app in apps:
        scores = review_summary(app)
        score_table = Table(
            f"scores-{app.pk}",
            _("Poäng per kriterium: %(title)s") % {"title": app.title},
            [
                Column(_("Kriterium")),
                Column(_("Vikt"), "score"),
                Column(_("Medel"), "score"),
                Column(_("Spridning"), "score"),
                Column(_("Antal bedömningar"), "int"),
            ],
            [[c.name, c.weight, c.mean, c.spread, c.n] for c in scores.criteria],
            _("Inga bedömningar."),
        )
        opinion = council_opinion_of(app)
        submitted = list(
            Review.objects.filter(application=app, submitted_at__isnull=False).select_related("reviewer")
        )
        reviewers = [r.reviewer.get_full_name() or r.reviewer.username for r in submitted]
        reviewed_ids = {r.reviewer_id for r in submitted}
        # Who was assigned to review and who did: reviewed, declared a conflict, or not (yet).
        assigned = [
            {
                "name": a.reviewer.get_full_name() or a.reviewer.username,
                "lead": a.is_lead,
                "state": _("jäv anmält")
                if a.conflict
                else (_("har bedömt") if a.reviewer_id in reviewed_ids else _("har inte bedömt")),
                "due_on": a.due_on,
            }
            for a in ReviewAssignment.objects.filter(application=app).select_related("reviewer")
        ]
        items.append(
            {
                "application": app,
                "lead_unit": leads.get(app.pk, ""),
                "scores": scores,
                "opinion": opinion,
                "grade": str(EvidenceGrade(opinion.evidence_grade).label) if opinion else "",
                "reviewers": reviewers,
                "assigned": assigned,
                "tables": [score_table, *_calculation_tables(app)],
            }
        )
    return {"fund": fund, "items": items}
