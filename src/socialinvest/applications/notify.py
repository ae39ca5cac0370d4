"""What the application workflow tells people, queued through :mod:`socialinvest.notifications`.

Each function runs inside the calling service's transaction, so the notification is written
(and its mail queued) together with the change, or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from socialinvest.notifications.queue import notify
from socialinvest.organisations.models import Membership, Role

from .models import Application, ReviewAssignment
from .states import Transition, transitions_from


def transition_recipients(application: Application) -> list[Any]:
    """Applicant-unit members plus every user holding a role that can act in the new status."""
    roles = {r for t in transitions_from(application.status) for r in t.roles} - {Role.APPLICANT}
    fund = application.fund
    unit_ids = list(application.applicant_units.values_list("unit_id", flat=True))
    scope = Q(role__in=roles) & (Q(fund=fund) | Q(organisation_id=fund.owner_id))
    users = Membership.objects.filter(scope | Q(unit_id__in=unit_ids)).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=users, is_active=True))


def _url(application: Application, name: str = "applications:detail") -> str:
    try:
        return reverse(name, args=[application.pk])
    except Exception:  # pages not installed (CLI-only use)
        return ""


def notify_transition(application: Application, transition: Transition, acting_user: Any) -> None:
    notify(
        recipients=transition_recipients(application),
        kind=f"transition.{transition.name}",
        subject=f"[{application.reference}] {transition.label}: {application.title}",
        body=_("Ansökan ”%(title)s” har nu status: %(status)s.")
        % {"title": application.title, "status": application.get_status_display()},
        url=_url(application),
        fund=application.fund,
        exclude=acting_user,
    )


def notify_assigned(application: Application, user: Any, due_on: dt.date, *, is_lead: bool) -> None:
    role = _("huvudbedömare") if is_lead else _("bedömare")
    notify(
        recipients=[user],
        kind="review.assigned",
        subject=f"[{application.reference}] " + _("Du är %(role)s") % {"role": role},
        body=_("Du är tilldelad som %(role)s för ”%(title)s”. Bedömningen ska vara klar senast %(due)s.")
        % {"role": role, "title": application.title, "due": due_on.isoformat()},
        url=_url(application, "applications:review"),
        fund=application.fund,
    )


def notify_review_due(assignment: ReviewAssignment, *, late: bool, extra: Iterable[Any] = ()) -> None:
    application = assignment.application
    if late:
        subject = f"[{application.reference}] " + _("Bedömningen är försenad")
        body = _("Bedömningen av ”%(title)s” skulle ha varit klar %(due)s.")
    else:
        subject = f"[{application.reference}] " + _("Påminnelse: bedömning")
        body = _("Bedömningen av ”%(title)s” ska vara klar senast %(due)s.")
    notify(
        recipients=[assignment.reviewer, *extra],
        kind="review.late" if late else "review.due",
        subject=subject,
        body=body % {"title": application.title, "due": assignment.due_on.isoformat()},
        url=_url(application, "applications:review"),
        fund=application.fund,
    )


def notify_mentioned(application: Application, users: Iterable[Any], author: Any, excerpt: str) -> None:
    name = author.get_full_name() or author.username
    notify(
        recipients=users,
        kind="comment.mention",
        subject=f"[{application.reference}] " + _("%(name)s nämnde dig") % {"name": name},
        body=_("%(name)s nämnde dig i samtalet om ”%(title)s”:\n\n%(excerpt)s")
        % {"name": name, "title": application.title, "excerpt": excerpt},
        url=_url(application) + "section/conversation/",
        fund=application.fund,
        exclude=author,
    )
