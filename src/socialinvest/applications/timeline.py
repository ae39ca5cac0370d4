"""The timeline of an application as plain rows: who did what, when, and why.

Built from one query of the audit events as values (no model instance, user or decoded object
per event) with the times, names and links worked out once in Python: with a conversation of
200 comments the timeline has some 230 lines, and per-line model instances, ``|date`` and
``{% url %}`` made it the slowest tab of the application page (issue #17).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from socialinvest.core.models import AuditEvent

from .models import Application

_COLUMNS = (
    "occurred_at",
    "verb",
    "summary",
    "reason",
    "data",
    "actor__username",
    "actor__first_name",
    "actor__last_name",
)


def timeline_rows(
    application: Application, events: QuerySet[AuditEvent], comments: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """``events`` (a queryset of the application's audit events) as rows for ``_tab_timeline.html``;
    a posted comment whose text is in ``comments`` (pk → text: those the reader may read) shows
    the start of it, linked to the comment in the conversation."""
    conversation = reverse("applications:section", args=[application.pk, "conversation"])
    system = _("systemet")
    localtime = timezone.localtime
    rows = []
    for e in events.values(*_COLUMNS):
        at = localtime(e["occurred_at"])
        if e["actor__username"]:
            who = f"{e['actor__first_name']} {e['actor__last_name']}".strip() or e["actor__username"]
        else:
            who = system
        comment_pk = (e["data"] or {}).get("comment") if comments and e["verb"] == "comment.posted" else None
        text = comments.get(comment_pk) if comments and comment_pk is not None else None
        rows.append(
            {
                "occurred_iso": at.isoformat(),
                "occurred": at.strftime("%Y-%m-%d %H:%M"),
                "summary": e["summary"],
                "who": who,
                "reason": e["reason"],
                "comment_url": f"{conversation}#comment-{comment_pk}" if text is not None else "",
                "comment_text": Truncator(text).chars(300) if text is not None else "",
            }
        )
    return rows
