"""Write an audit event.  Services call this inside their own transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model

from .models import AuditEvent


def record_event(
    *,
    actor: Any,
    verb: str,
    target: Model,
    summary: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fund: Any = None,
    application: Any = None,
) -> AuditEvent:
    """Record who did what to which object, and why.

    Must run inside the caller's transaction so the change and its event are
    written together or not at all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must be called inside transaction.atomic()")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        fund=fund,
        application=application,
        summary=summary[:300],
        reason=reason,
        data=data or {},
    )
