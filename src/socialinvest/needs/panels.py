"""The needs app's panel on the fund page: progress toward each long-term aim."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from .aim_selectors import aim_progress
from .permissions import can_manage_aims, can_view_aims


def fund_aims_panel(request: HttpRequest, fund: Any) -> str:
    if not can_view_aims(request.user, fund):
        return ""
    return render_to_string(
        "needs/_fund_panel.html",
        {"fund": fund, "aims": aim_progress(fund), "can_manage": can_manage_aims(request.user, fund)},
        request=request,
    )
