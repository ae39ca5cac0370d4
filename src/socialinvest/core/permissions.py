"""Permission verdicts: *allowed* plus a *reason*, for pages, services and the API alike."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def require(self) -> None:
        """Raise PermissionDenied with the reason when not allowed (services call this)."""
        if not self.allowed:
            raise PermissionDenied(self.reason)


def allow(reason: str = "") -> Verdict:
    return Verdict(True, reason)


def deny(reason: str) -> Verdict:
    return Verdict(False, reason)
