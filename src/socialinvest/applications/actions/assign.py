"""The fund administrator assigns reviewers; each reviewer declares conflict of interest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import reject_personnummer
from socialinvest.organisations.models import Membership, Role

from ..locking import lock_application
from ..models import Application, ReviewAssignment
from ..notify import notify_assigned
from ..permissions import can_assign_reviewers, can_declare_conflict, conflict_of_interest


def preparation_members(application: Application) -> Any:
    """The users holding the preparation-group role for the application's fund."""
    from django.contrib.auth import get_user_model

    fund = application.fund
    scope = Q(fund=fund) | Q(organisation_id=fund.owner_id)
    ids = Membership.objects.filter(scope, role=Role.PREPARATION).values_list("user_id", flat=True)
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("first_name", "username")


def member_conflicts(application: Application, members: Any) -> dict[int, str]:
    """The members of ``members`` who cannot be assigned, by user id, with why: they belong to an
    applicant unit, or they have declared a conflict of interest on this application."""
    declared = set(
        ReviewAssignment.objects.filter(application=application, conflict=True).values_list(
            "reviewer_id", flat=True
        )
    )
    out = {}
    for user in members:
        if conflict_of_interest(user, application):
            out[user.pk] = _("jäv: tillhör en sökande enhet")
        elif user.pk in declared:
            out[user.pk] = _("jäv anmält")
    return out


def do_assign_reviewers(
    *,
    application: Application,
    reviewers: Sequence[Any],
    lead: Any,
    due_on: dt.date,
    acting_user: Any,
) -> list[ReviewAssignment]:
    """Set who reviews the application (one of them as lead) and by when.

    Members left out of ``reviewers`` are unassigned unless they have submitted a review or
    declared a conflict of interest (the declaration stays on record).  A member with a conflict
    (an applicant unit's member, or one who declared it) cannot be assigned.  Newly assigned
    members are notified.
    """
    with transaction.atomic():
        locked = lock_application(application)
        can_assign_reviewers(acting_user, locked).require()
        errors: dict[str, str] = {}
        members = {u.pk: u for u in preparation_members(application)}
        chosen = [r for r in reviewers if r is not None]
        if not chosen:
            errors["reviewers"] = _("Välj minst en bedömare.")
        declared = set(
            ReviewAssignment.objects.filter(application=application, conflict=True).values_list(
                "reviewer_id", flat=True
            )
        )
        for user in chosen:
            if user.pk not in members:
                errors["reviewers"] = _("%(name)s ingår inte i fondens beredningsgrupp.") % {
                    "name": user.get_full_name() or user.username
                }
            elif conflict_of_interest(user, application):
                errors["reviewers"] = _("Jäv: %(name)s tillhör en sökande enhet.") % {
                    "name": user.get_full_name() or user.username
                }
            elif user.pk in declared:
                errors["reviewers"] = _("Jäv: %(name)s har anmält jäv i ärendet och kan inte tilldelas.") % {
                    "name": user.get_full_name() or user.username
                }
        if lead is None or lead.pk not in {u.pk for u in chosen}:
            errors["lead"] = _("Välj en huvudbedömare bland de valda bedömarna.")
        if not isinstance(due_on, dt.date):
            errors["due_on"] = _("Ange ett datum som ÅÅÅÅ-MM-DD.")
        elif due_on < timezone.localdate():
            errors["due_on"] = _("Datumet har redan passerat.")
        if errors:
            raise ValidationError(errors)
        existing = {a.reviewer_id: a for a in ReviewAssignment.objects.filter(application=locked)}
        keep_ids = {u.pk for u in chosen}
        submitted = set(
            locked.reviews.filter(submitted_at__isnull=False).values_list("reviewer_id", flat=True)
        )
        removed = [
            a
            for uid, a in existing.items()
            if uid not in keep_ids and uid not in submitted and not a.conflict
        ]
        ReviewAssignment.objects.filter(pk__in=[a.pk for a in removed]).delete()
        new_users = []
        out = []
        for user in chosen:
            assignment = existing.get(user.pk)
            if assignment is None:
                assignment = ReviewAssignment(application=locked, reviewer=user, assigned_by=acting_user)
                new_users.append(user)
            assignment.is_lead = user.pk == lead.pk
            if assignment.due_on != due_on:
                assignment.reminded_at = assignment.late_notified_at = None
            assignment.due_on = due_on
            assignment.save()
            out.append(assignment)
        names = [u.get_full_name() or u.username for u in chosen]
        record_event(
            actor=acting_user,
            verb="review.assigned",
            target=locked,
            summary=_("Bedömare tilldelade: %(names)s (klart senast %(due)s)")
            % {"names": ", ".join(names), "due": due_on.isoformat()},
            data={
                "reviewers": sorted(keep_ids),
                "lead": lead.pk,
                "due_on": due_on.isoformat(),
                "unassigned": sorted(a.reviewer_id for a in removed),
            },
            fund=locked.fund,
            application=locked,
        )
        for user in new_users:
            notify_assigned(locked, user, due_on, is_lead=user.pk == lead.pk)
    return out


def do_declare_conflict(
    *, application: Application, has_conflict: bool, note: str = "", acting_user: Any
) -> ReviewAssignment:
    """The assigned member declares whether they have a conflict of interest (jäv)."""
    with transaction.atomic():
        locked = lock_application(application)
        can_declare_conflict(acting_user, locked).require()
        note = (note or "").strip()
        if has_conflict and not note:
            raise ValidationError({"conflict_note": _("Beskriv kort vad jävet gäller.")})
        try:
            reject_personnummer(note)
        except ValidationError as exc:
            raise ValidationError({"conflict_note": exc.messages[0]}) from exc
        assignment = ReviewAssignment.objects.select_for_update().get(
            application=locked, reviewer=acting_user
        )
        assignment.conflict = bool(has_conflict)
        assignment.conflict_note = note
        assignment.declared_at = timezone.now()
        assignment.save(update_fields=["conflict", "conflict_note", "declared_at"])
        record_event(
            actor=acting_user,
            verb="review.conflict_declared",
            target=assignment,
            summary=_("Jäv anmält") if has_conflict else _("Inget jäv"),
            reason=note,
            data={"conflict": bool(has_conflict)},
            fund=locked.fund,
            application=locked,
        )
    return assignment
