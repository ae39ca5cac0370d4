"""What the organisation services share: the lock, the before/after of a change, the audit row."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from socialinvest.core.audit import record_event


def snapshot(obj: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The audited fields as text (a file field as its name; a foreign key as its id)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, Model):
            value = value.pk
        elif hasattr(value, "name") and not isinstance(value, str):  # a FieldFile
            value = value.name or ""
        out[name] = value if value is None or isinstance(value, bool | int) else str(value)
    return out


def audit(
    *,
    acting_user: Any,
    verb: str,
    target: Model,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    **data: Any,
) -> None:
    """One audit event with who (the actor), when (the event's time), before and after."""
    payload: dict[str, Any] = dict(data)
    if before is not None:
        payload["before"] = before
    if after is not None:
        payload["after"] = after
    record_event(actor=acting_user, verb=verb, target=target, summary=summary, reason=reason, data=payload)


def first_message(exc_dict: dict[str, list[str]], errors: dict[str, str]) -> None:
    for field, messages in exc_dict.items():
        errors.setdefault(field, messages[0])
