"""Reads: the comments a user may read, with authors, attachments and edit counts in few queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from socialinvest.core.models import AuditEvent

from ..models import Application
from .models import Comment
from .permissions import readable_levels


def comments_for(user: Any, application: Application) -> QuerySet[Comment]:
    levels = readable_levels(user, application)
    return (
        Comment.objects.filter(application=application, visibility__in=sorted(levels))
        .select_related("author")
        .prefetch_related("attachments")
        .annotate(revision_count=Count("revisions"))
        .order_by("created_at", "id")
    )


def visible_events(user: Any, events: QuerySet[AuditEvent], application: Application) -> QuerySet[AuditEvent]:
    """``events`` without those about comments at a level ``user`` does not read."""
    levels = sorted(readable_levels(user, application))
    return events.filter(Q(data__visibility__isnull=True) | Q(data__visibility__in=levels))
