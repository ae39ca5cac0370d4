"""Reads: the comments a user may read, as plain rows in three queries."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet

from socialinvest.core.models import AuditEvent

from ..models import Application
from .models import Comment, CommentAttachment, CommentRevision
from .permissions import readable_levels

# The columns of a thread row (see :func:`thread`).
_COLUMNS = (
    "pk",
    "author_id",
    "author__username",
    "author__first_name",
    "author__last_name",
    "visibility",
    "body",
    "created_at",
    "edited_at",
)


def comments_for(user: Any, application: Application) -> QuerySet[Comment]:
    levels = readable_levels(user, application)
    return (
        Comment.objects.filter(application=application, visibility__in=sorted(levels))
        .select_related("author")
        .order_by("created_at", "id")
    )


def thread(user: Any, application: Application) -> list[dict[str, Any]]:
    """The comments ``user`` reads on ``application``, oldest first, as dicts with the columns of
    ``_COLUMNS`` plus ``revision_count`` and ``files`` (``(pk, name)`` pairs).

    Plain rows, not model instances: a thread of 200 comments is read in three queries (comments
    with their authors, edit counts, attachments) without building 200 comments, 200 users and
    200 attachment querysets on every page view -- the objects those would allocate made the
    page's garbage collections, not its queries, the slow part (issue #17).
    """
    levels = sorted(readable_levels(user, application))
    if not levels:
        return []
    rows = list(
        Comment.objects.filter(application=application, visibility__in=levels)
        .order_by("created_at", "id")
        .values(*_COLUMNS)
    )
    if not rows:
        return []
    mine = Q(comment__application=application, comment__visibility__in=levels)
    counts = dict(
        CommentRevision.objects.filter(mine)
        .order_by()
        .values("comment_id")
        .annotate(n=Count("id"))
        .values_list("comment_id", "n")
    )
    files: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for comment_id, pk, name in (
        CommentAttachment.objects.filter(mine)
        .order_by("comment_id", "id")
        .values_list("comment_id", "pk", "name")
    ):
        files[comment_id].append((pk, name))
    for row in rows:
        row["revision_count"] = counts.get(row["pk"], 0)
        row["files"] = files.get(row["pk"], ())
    return rows


def visible_events(user: Any, events: QuerySet[AuditEvent], application: Application) -> QuerySet[AuditEvent]:
    """``events`` without those about comments at a level ``user`` does not read."""
    levels = sorted(readable_levels(user, application))
    return events.filter(Q(data__visibility__isnull=True) | Q(data__visibility__in=levels))
