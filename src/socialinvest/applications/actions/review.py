"""The preparation group's scores and the scientific council's opinion."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import bulk_create, reject_personnummer

from ..locking import lock_application
from ..models import Application, CouncilOpinion, CriterionScore, EvidenceGrade, Review
from ..permissions import can_give_council_opinion, can_review


def do_save_review(
    *,
    application: Application,
    scores: dict[int, tuple[int | None, str]],
    comment: str,
    acting_user: Any,
    submit: bool = False,
) -> Review:
    """Save (and optionally submit) a member's scores: ``{criterion_id: (score, comment)}``.

    Submitting requires a score for every criterion, within its scale.
    """
    with transaction.atomic():
        locked = lock_application(application)
        can_review(acting_user, locked).require()
        criteria = {c.pk: c for c in application.fund.criteria.all()}
        errors: dict[str, str] = {}
        for cid, (score, text) in scores.items():
            criterion = criteria.get(cid)
            if criterion is None:
                errors[f"score-{cid}"] = _("Okänt kriterium.")
                continue
            if score is not None and not criterion.scale_min <= score <= criterion.scale_max:
                errors[f"score-{cid}"] = _("Poängen ska vara mellan %(lo)d och %(hi)d.") % {
                    "lo": criterion.scale_min,
                    "hi": criterion.scale_max,
                }
            try:
                reject_personnummer(text)
            except ValidationError as exc:
                errors[f"comment-{cid}"] = exc.messages[0]
        if submit:
            for cid in criteria:
                if scores.get(cid, (None, ""))[0] is None:
                    errors.setdefault(f"score-{cid}", _("Sätt poäng på alla kriterier innan du skickar in."))
        try:
            reject_personnummer(comment)
        except ValidationError as exc:
            errors["comment"] = exc.messages[0]
        if errors:
            raise ValidationError(errors)
        review, _created = Review.objects.get_or_create(application=locked, reviewer=acting_user)
        if review.submitted_at:
            raise ValidationError({"comment": _("Bedömningen är redan inskickad.")})
        review.comment = comment
        if submit:
            review.submitted_at = timezone.now()
        review.save()
        review.scores.all().delete()
        bulk_create(
            CriterionScore,
            [
                CriterionScore(review=review, criterion_id=cid, score=score, comment=text)
                for cid, (score, text) in scores.items()
                if score is not None
            ],
        )
        record_event(
            actor=acting_user,
            verb="review.submitted" if submit else "review.saved",
            target=review,
            summary=_("Bedömning inskickad") if submit else _("Bedömning sparad"),
            data={"scores": {str(c): s for c, (s, _t) in scores.items()}},
            fund=locked.fund,
            application=locked,
        )
    return review


def do_give_council_opinion(
    *, application: Application, evidence_grade: int, evaluation_design: str, opinion: str, acting_user: Any
) -> CouncilOpinion:
    with transaction.atomic():
        locked = lock_application(application)
        can_give_council_opinion(acting_user, locked).require()
        errors: dict[str, str] = {}
        if evidence_grade not in EvidenceGrade.values:
            errors["evidence_grade"] = _("Välj evidensgrad.")
        for key, text in (("evaluation_design", evaluation_design), ("opinion", opinion)):
            if not text.strip():
                errors[key] = _("Fältet måste fyllas i.")
                continue
            try:
                reject_personnummer(text)
            except ValidationError as exc:
                errors[key] = exc.messages[0]
        if errors:
            raise ValidationError(errors)
        if CouncilOpinion.objects.filter(application=locked).exists():
            raise ValidationError({"opinion": _("Rådet har redan yttrat sig.")})
        result = CouncilOpinion.objects.create(
            application=locked,
            author=acting_user,
            evidence_grade=evidence_grade,
            evaluation_design=evaluation_design,
            opinion=opinion,
        )
        record_event(
            actor=acting_user,
            verb="council.opinion",
            target=result,
            summary=_("Vetenskapliga rådets yttrande: %(grade)s")
            % {"grade": result.get_evidence_grade_display()},
            fund=locked.fund,
            application=locked,
        )
    return result
