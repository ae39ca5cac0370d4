"""Registry-side writes: publish, correct and withdraw a publication (history kept in versions)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event

from .models import CurrentVersion, Publication, PublicationVersion
from .schemas import CorrectionIn, PublicationIn

FIELDS = [
    "target_group",
    "setting",
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
]


def _content(data: PublicationIn) -> dict[str, Any]:
    return {f: getattr(data, f) for f in FIELDS}


def _same(version: PublicationVersion, content: dict[str, Any]) -> bool:
    return all(getattr(version, f) == v for f, v in content.items())


def _add_version(publication: Publication, content: dict[str, Any], reason: str = "") -> PublicationVersion:
    number = (publication.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PublicationVersion.objects.create(
        publication=publication, number=number, reason=reason, **content
    )
    CurrentVersion.objects.update_or_create(publication=publication, defaults={"version": version})
    return version


def _require_publisher(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Logga in för att publicera i registret."))


def do_publish_evaluation(*, data: PublicationIn, acting_user: Any) -> tuple[Publication, bool]:
    """Publish an evaluated intervention; returns it and whether it was new.

    Publishing the same ``source_ref`` again with the same content changes nothing (a
    retried request); with different content it is refused — that is a correction.
    """
    _require_publisher(acting_user)
    content = _content(data)
    with transaction.atomic():
        existing = (
            Publication.objects.select_for_update()
            .filter(publisher=acting_user, source_ref=data.source_ref)
            .first()
        )
        if existing is not None:
            current = existing.current.version
            if existing.withdrawn_at is None and _same(current, content):
                return existing, False
            raise PermissionDenied(_("Publiceringen finns redan; rätta den eller återkalla den i stället."))
        publication = Publication.objects.create(
            publisher=acting_user, source_ref=data.source_ref, intervention_type=data.intervention_type
        )
        _add_version(publication, content)
        record_event(
            actor=acting_user,
            verb="registry.publish",
            target=publication,
            summary=_("Publicerad i registret: %(outcome)s") % {"outcome": data.outcome},
        )
    return publication, True


def _own(publication: Publication, acting_user: Any) -> Publication:
    _require_publisher(acting_user)
    locked = Publication.objects.select_for_update().get(pk=publication.pk)
    if locked.publisher_id != acting_user.pk:
        raise PermissionDenied(_("Bara den som publicerade kan rätta eller återkalla."))
    return locked


def do_correct_publication(*, publication: Publication, data: CorrectionIn, acting_user: Any) -> Publication:
    """Add a corrected version (the earlier ones stay, with the reason for the change)."""
    with transaction.atomic():
        locked = _own(publication, acting_user)
        if locked.withdrawn_at is not None:
            # Withdrawn is final: a corrected study is published again, under a new reference.
            raise ValidationError(_("En återkallad publicering kan inte rättas."))
        if locked.intervention_type != data.intervention_type:
            locked.intervention_type = data.intervention_type
            locked.save(update_fields=["intervention_type"])
        version = _add_version(locked, _content(data), reason=data.reason)
        record_event(
            actor=acting_user,
            verb="registry.correct",
            target=locked,
            summary=_("Rättad till version %(n)s") % {"n": version.number},
            reason=data.reason,
        )
    return locked


def do_withdraw_publication(*, publication: Publication, reason: str, acting_user: Any) -> Publication:
    """Withdraw: it leaves the pooled estimates but stays in the history."""
    with transaction.atomic():
        locked = _own(publication, acting_user)
        if locked.withdrawn_at is None:
            locked.withdrawn_at = timezone.now()
            locked.withdrawn_reason = reason
            locked.save(update_fields=["withdrawn_at", "withdrawn_reason"])
            record_event(
                actor=acting_user,
                verb="registry.withdraw",
                target=locked,
                summary=_("Återkallad"),
                reason=reason,
            )
    return locked
