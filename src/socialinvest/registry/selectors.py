"""Registry reads: the current version of each active publication, pooled per type and outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet

from socialinvest.evaluation.meta import (
    EGGER_MIN_STUDIES,
    EggerTest,
    MetaAnalysis,
    egger_test,
    meta_analysis,
)

from .models import EffectChoice, Publication, PublicationVersion


def _active(intervention_type: str) -> QuerySet[PublicationVersion]:
    """The latest version of each publication of the type that is not withdrawn."""
    return PublicationVersion.objects.filter(
        publication__intervention_type=intervention_type,
        publication__withdrawn_at__isnull=True,
        publication__current__version_id=F("id"),
    )


# What the pooled page and the pooled estimate read of each study (a type may have hundreds).
STUDY_FIELDS = (
    "publication_id",
    "number",  # the version, linked to its history on the page
    "outcome",
    "effect",
    "standard_error",
    "design",
    "evidence_grade",
    "n_intervention",
    "n_comparison",
    "cost_per_participant",
    "municipality",
    "year_from",
    "year_to",
)


def studies(intervention_type: str, outcome: str | None = None) -> list[PublicationVersion]:
    qs = _active(intervention_type).only(*STUDY_FIELDS)
    if outcome is not None:
        qs = qs.filter(outcome=outcome)
    return list(qs.order_by("year_from", "id"))


def outcomes_of(intervention_type: str) -> list[tuple[str, int]]:
    """The outcomes measured for a type, with the number of active studies each, most studied first."""
    rows = _active(intervention_type).values("outcome").annotate(k=Count("id")).order_by("-k", "outcome")
    return [(r["outcome"], r["k"]) for r in rows]


def type_counts() -> dict[str, int]:
    rows = (
        Publication.objects.filter(withdrawn_at__isnull=True)
        .values("intervention_type")
        .annotate(k=Count("id"))
    )
    return {r["intervention_type"]: r["k"] for r in rows}


@dataclass(frozen=True)
class Pooled:
    intervention_type: str
    outcome: str
    studies: list[PublicationVersion]
    reml: MetaAnalysis | None
    dl: MetaAnalysis | None
    egger: EggerTest | None

    @property
    def k(self) -> int:
        return len(self.studies)


def pooled(intervention_type: str, outcome: str) -> Pooled:
    """REML (the estimate used) and DerSimonian–Laird side by side; Egger's test from ten studies."""
    found = studies(intervention_type, outcome)
    if not found:
        return Pooled(intervention_type, outcome, [], None, None, None)
    y = [s.effect for s in found]
    se = [s.standard_error for s in found]
    return Pooled(
        intervention_type,
        outcome,
        found,
        meta_analysis(y, se, method="reml"),
        meta_analysis(y, se, method="dl"),
        egger_test(y, se) if len(found) >= EGGER_MIN_STUDIES else None,
    )


def pooled_out(p: Pooled) -> dict[str, Any]:
    r, d = p.reml, p.dl
    return {
        "intervention_type": p.intervention_type,
        "outcome": p.outcome,
        "k": p.k,
        "method": "reml",
        "pooled": r.pooled if r else None,
        "standard_error": r.standard_error if r else None,
        "tau2": r.tau2 if r else None,
        "i2": r.i2 if r else None,
        "ci_low": r.ci_low if r else None,
        "ci_high": r.ci_high if r else None,
        "prediction_low": r.prediction_low if r else None,
        "prediction_high": r.prediction_high if r else None,
        "prediction_standard_error": r.prediction_standard_error if r else None,
        "dersimonian_laird_pooled": d.pooled if d else None,
        "dersimonian_laird_tau2": d.tau2 if d else None,
    }


def chosen_effect(
    *, application: Any, outcome: str, local: tuple[float, float]
) -> tuple[str, float, float] | None:
    """The estimate the fund chose for the ex-post calculation: ``(choice, mean, sd)`` of the latest
    choice made on this very local estimate (same mean and standard error), else ``None``.

    The choice is matched by the local estimate, not by name: ``EffectChoice.outcome`` is the
    registry's name for the outcome, which need not be the calculation's (``outcome``).  A choice
    made on an earlier evaluation does not carry over to a new one: the shrunken estimate depends
    on the local one, and the fund should look again.
    """
    for c in EffectChoice.objects.filter(application=application).order_by("-chosen_at", "-id"):
        if abs(c.local_effect - local[0]) <= 1e-12 and abs(c.local_se - local[1]) <= 1e-12:
            mean, sd = c.chosen
            return str(c.choice), mean, sd
    return None


def effect_comparison(*, application: Any, local: tuple[float, float]) -> dict[str, Any] | None:
    """The latest choice made on this local estimate, with all three estimates as recorded
    (:data:`socialinvest.followup.hooks.effect_comparison`)."""
    for c in EffectChoice.objects.filter(application=application).order_by("-chosen_at", "-id"):
        if abs(c.local_effect - local[0]) <= 1e-12 and abs(c.local_se - local[1]) <= 1e-12:
            return {
                "choice": str(c.choice),
                "local": (c.local_effect, c.local_se),
                "pooled": (c.pooled_effect, c.pooled_se),
                "shrunken": (c.shrunken_effect, c.shrunken_se),
                "studies": c.studies,
                "tau2": c.tau2,
                "registry_outcome": c.outcome,
                "chosen_at": c.chosen_at,
            }
    return None
