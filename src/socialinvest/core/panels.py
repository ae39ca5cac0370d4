"""Panels a higher app adds to a lower app's page, without the lower app importing it.

The fund page (``funds``) shows the fund's long-term aims (``needs``, a layer
above): ``needs`` registers a renderer for the slot ``"fund_detail"`` when the
app is ready, and the fund page renders whatever is registered.  The
dependency stays pointing down.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

Renderer = Callable[[HttpRequest, Any], str]
_PANELS: dict[str, list[Renderer]] = defaultdict(list)


def register(slot: str, renderer: Renderer) -> None:
    """Add a renderer to a slot (once: registering the same function again changes nothing)."""
    if renderer not in _PANELS[slot]:
        _PANELS[slot].append(renderer)


def render_panels(slot: str, request: HttpRequest, obj: Any) -> list[SafeString]:
    """The HTML of every panel in the slot for this object; a renderer returning "" adds nothing."""
    out = []
    for renderer in _PANELS.get(slot, []):
        html = renderer(request, obj)
        if html:
            out.append(SafeString(html))
    return out
