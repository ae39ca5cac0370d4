"""Transitions, reviews, the council's opinion and the decision."""

from __future__ import annotations

urlpatterns: list = []
