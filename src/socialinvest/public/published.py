"""A published fund's public figures: what may be shown, computed once per change and stored.

Only decided things: the fund, its rules and criteria, and its *granted* investments with
their summaries, amounts, who gains (per actor and level, from the decided calculation)
and evaluation results (the adopted ex-post calculation, the evidence grade, the closing
decision).  No applications before a decision, no person's name (officials appear as the
decision body or the applicant unit), no personal data.

Stored as :class:`.models.PublicSnapshot`; dropped when the dashboard's figures are (the
portfolio app's ``fund_changed`` signal: calculations, decisions, postings, evaluations)
and when the publication changes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from socialinvest.applications.models import ApplicationUnit
from socialinvest.followup.models import ClosingDecision
from socialinvest.followup.selectors import (
    current_evidence_grade,
    effects_including_zero,
    latest_adopted_expost,
)
from socialinvest.funds.models import Fund
from socialinvest.portfolio.gains import granted_decisions, who_gains
from socialinvest.portfolio.store import fund_changed

from .models import Publication, PublicSnapshot

SCHEMA_VERSION = "1.0"


def published_funds() -> list[Fund]:
    return list(Fund.objects.filter(publication__published=True).select_related("owner").order_by("name"))


def published_fund(slug: str) -> Fund | None:
    return (
        Fund.objects.filter(slug=slug, publication__published=True)
        .select_related("owner", "publication")
        .first()
    )


def published_fund_with_etag(slug: str) -> Fund | None:
    """:func:`published_fund` with its stored figures' ``snapshot_etag`` and ``snapshot_at``
    (``None`` when not computed since the last change), in one query."""
    stored = PublicSnapshot.objects.filter(fund=OuterRef("pk"))
    return (
        Fund.objects.filter(slug=slug, publication__published=True)
        .select_related("owner", "publication")
        .annotate(
            snapshot_etag=Subquery(stored.values("etag")[:1]),
            snapshot_at=Subquery(stored.values("computed_at")[:1]),
        )
        .first()
    )


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def compute(fund: Fund) -> dict[str, Any]:
    decisions = granted_decisions(fund)
    gains = who_gains(decisions)
    level_of = {a["id"]: a["level"] for a in gains["actors"]}
    name_of = {a["id"]: a["name"] for a in gains["actors"]}
    per_investment = {inv["application_id"]: inv for inv in gains["investments"]}
    leads = dict(
        ApplicationUnit.objects.filter(application__fund=fund, is_lead=True).values_list(
            "application_id", "unit__name"
        )
    )
    closing = {c.application_id: c for c in ClosingDecision.objects.filter(application__fund=fund)}
    investments = []
    for d in decisions:
        app = d.application
        inv = per_investment.get(app.pk)
        expost = latest_adopted_expost(app)
        close = closing.get(app.pk)
        by_level: dict[str, float] = {}
        actors = []
        if inv:
            for actor, value in inv["benefits_by_actor"].items():
                lvl = level_of.get(actor, "")
                by_level[lvl] = round(by_level.get(lvl, 0.0) + value, 2)
                actors.append(
                    {
                        "id": actor,
                        "name": name_of.get(actor, actor),
                        "level": lvl,
                        "pv_benefits": round(value, 2),
                    }
                )
        calc = d.calculation
        investments.append(
            {
                "reference": app.reference,
                "title": app.title,
                "summary": app.summary,
                "target_group": app.target_group,
                "intervention": app.intervention,
                "lead_unit": leads.get(app.pk, ""),
                "granted_amount": str(d.amount),
                "decided_on": _date(d.decided_on),
                "decision_body": d.decision_body,
                "decision_reference": d.reference_number,
                "period_start": _date(d.period_start or app.period_start),
                "period_end": _date(d.period_end or app.period_end),
                "status": close.outcome if close else "running",
                "forecast": None
                if calc is None
                else {
                    "npv": round(calc.npv, 2),
                    "bcr": calc.bcr,
                    "probability_positive_npv": calc.probability_positive_npv,
                    "engine_version": calc.engine_version,
                },
                "benefits_by_level": by_level,
                "benefits_by_actor": sorted(actors, key=lambda a: -a["pv_benefits"]),
                "evaluation": None if expost is None else _evaluation(expost),
                "evidence_grade": current_evidence_grade(app),
                "lessons_learned": close.lessons_learned if close else "",
            }
        )
    publication = getattr(fund, "publication", None)
    return {
        "schema_version": SCHEMA_VERSION,
        "licence": publication.licence if publication else "CC-BY-4.0",
        "fund": {
            "name": fund.name,
            "slug": fund.slug,
            "owner": fund.owner.name,
            "capital": str(fund.capital),
            "rules": fund.rules_text,
            "criteria": [
                {"name": c.name, "description": c.description, "weight": str(c.weight)}
                for c in fund.criteria.order_by("order", "id")
            ],
        },
        "totals": {
            "investments": len(investments),
            "granted_amount": str(sum((d.amount for d in decisions), start=0)),
            "pv_benefits": gains["pv_benefits"],
            "benefits_by_level": gains["benefits_by_level"],
        },
        "investments": investments,
    }


def _evaluation(expost: Any) -> dict[str, Any]:
    """The adopted ex-post result, with the outcomes whose effect is not told apart from zero."""
    uncertain, npv_at_zero = effects_including_zero(expost)
    return {
        "npv": round(expost.npv, 2),
        "measured_through": _date(expost.measured_through),
        "adopted_on": _date(expost.adopted_at.date() if expost.adopted_at else None),
        # The 95 % interval of these outcomes' measured effects includes zero: no finding.
        "effects_including_zero": uncertain,
        "npv_with_those_effects_at_zero": None if npv_at_zero is None else round(npv_at_zero, 2),
    }


def snapshot(fund: Fund) -> PublicSnapshot:
    """The stored public figures of a published fund, computed when missing."""
    stored = PublicSnapshot.objects.filter(fund=fund).first()
    if stored is not None:
        return stored
    data = compute(fund)
    etag = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]
    try:
        with transaction.atomic():
            stored, _ = PublicSnapshot.objects.update_or_create(
                fund=fund,
                defaults={"data": data, "etag": etag, "computed_at": timezone.now().replace(microsecond=0)},
            )
    except IntegrityError:  # another request stored it first
        stored = PublicSnapshot.objects.get(fund=fund)
    return stored


def _drop(sender: Any, fund_id: int | None = None, **kwargs: Any) -> None:
    qs = PublicSnapshot.objects.all()
    if fund_id is not None:
        qs = qs.filter(fund_id=fund_id)
    qs.delete()


def _publication_changed(sender: Any, instance: Publication, **kwargs: Any) -> None:
    _drop(sender, fund_id=instance.fund_id)


def connect_invalidation() -> None:
    fund_changed.connect(_drop, dispatch_uid="public-fund-changed")
    post_save.connect(_publication_changed, sender=Publication, dispatch_uid="public-publication-save")
    post_delete.connect(_publication_changed, sender=Publication, dispatch_uid="public-publication-delete")
