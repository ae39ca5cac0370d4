"""A draft the applicant still edits and a granted investment, in the world's fund."""

from __future__ import annotations

from typing import Any

from browser_builders import application_in


def editable_and_granted(world: Any) -> tuple[Any, Any]:
    granted = application_in(world, "granted")
    draft = application_in(world, "full_application")
    return draft, granted
