"""The home page's "what needs me" lists due and overdue measurements for the reporter and the fund admin."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from followup_builders import MEAN, PROPORTION, slot


def _period_url(scheduled: Any, application: Any) -> str:
    try:
        return reverse("followup:period", args=[scheduled.pk])
    except NoReverseMatch:
        return reverse("applications:detail", args=[application.pk])


def test_home_lists_overdue_measurements(world: Any, planned: Any, client: Any) -> None:
    # Today is after every 2024 period's due date (2025-02-28): they are overdue.
    client.force_login(world.applicant)
    page = client.get(reverse("home")).content.decode()
    assert "mätningar väntar" in page  # how many depends on today (all 2024 periods are overdue)
    for name in (PROPORTION, MEAN):
        assert f"Rapportera mätning (försenad sedan 2025-02-28): {name}, 2024" in page
    assert f'href="{_period_url(slot(planned, MEAN, "2024"), planned)}"' in page
    client.force_login(world.fund_admin)
    page = client.get(reverse("home")).content.decode()
    assert f"Mätning försenad sedan 2025-02-28: {PROPORTION}, 2024" in page
    badge = client.get(reverse("pending_count")).content.decode()
    assert any(ch.isdigit() for ch in badge)
    client.force_login(world.auditor)
    assert "mätningar väntar" not in client.get(reverse("home")).content.decode()
