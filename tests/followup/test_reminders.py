"""What is due: the reporter's and the fund's lists, "what needs me", and the daily reminder e-mails."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from followup_builders import MEAN, PROPORTION, approve, proportions, slot

from socialinvest.followup import actions, selectors
from socialinvest.followup.models import ReminderSent

# Due dates in the plan: 2024 periods 2025-02-28, 2025 periods 2026-02-28, 2026 period 2027-02-28.
TODAY = dt.date(2025, 2, 25)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("send_followup_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def with_email(world: Any, planned: Any) -> Any:
    world.applicant.email = "lead@example.se"
    world.applicant.save()
    return planned


def test_due_for_the_reporter_and_the_fund(world: Any, planned: Any) -> None:
    rows = selectors.due_measurements_for_user(world.applicant, today=TODAY)
    assert [(r.scheduled.indicator.name, r.scheduled.label, r.overdue) for r in rows] == [
        (PROPORTION, "2024", False),
        (MEAN, "2024", False),
    ]
    assert (
        selectors.due_measurements_for_user(world.applicant, today=dt.date(2025, 2, 20)) == []
    )  # 8 days ahead
    late = selectors.due_measurements_for_user(world.applicant, today=dt.date(2025, 3, 1))
    assert all(r.overdue for r in late) and len(late) == 2
    assert len(selectors.due_measurements_for_fund(world.fund, today=TODAY)) == 2
    assert selectors.due_measurements_for_user(world.fund_admin, today=TODAY) == []
    # Submitted is no longer waiting for the reporter; returned is again.
    m = actions.do_save_measurement(
        scheduled=slot(planned, MEAN, "2024"),
        values={"intervention_n": 5, "intervention_mean": 1, "intervention_sd": 1},
        acting_user=world.applicant,
    )
    m = actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    assert len(selectors.due_measurements_for_user(world.applicant, today=TODAY)) == 1
    actions.do_return_measurement(measurement=m, reason="Komplettera.", acting_user=world.fund_admin)
    assert len(selectors.due_measurements_for_user(world.applicant, today=TODAY)) == 2


def test_what_needs_me(world: Any, planned: Any) -> None:
    lead = selectors.followup_pending(world.applicant, today=TODAY)
    assert [p.label for p in lead] == [
        f"Rapportera mätning senast 2025-02-28: {PROPORTION}, 2024",
        f"Rapportera mätning senast 2025-02-28: {MEAN}, 2024",
    ]
    admin = selectors.followup_pending(world.fund_admin, today=dt.date(2025, 3, 3))
    assert [p.label for p in admin] == [
        f"Mätning försenad sedan 2025-02-28: {PROPORTION}, 2024",
        f"Mätning försenad sedan 2025-02-28: {MEAN}, 2024",
    ]
    approve(world, planned, PROPORTION, "2024", proportions(10, 1, 10, 1))
    m = actions.do_save_measurement(
        scheduled=slot(planned, MEAN, "2024"),
        values={"intervention_n": 5, "intervention_mean": 1, "intervention_sd": 1},
        acting_user=world.applicant,
    )
    actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    admin = selectors.followup_pending(world.fund_admin, today=TODAY)
    assert [(p.label, p.approve) for p in admin] == [(f"Granska mätning: {MEAN}, 2024", True)]
    assert selectors.followup_pending(world.auditor, today=TODAY) == []
    assert selectors.followup_pending(world.outsider, today=TODAY) == []


def test_reminders_are_sent_once_a_day(world: Any, with_email: Any) -> None:
    out = _run("--today", "2025-03-01")
    assert "sent 1 e-mail(s) about 2 measurement(s) (2 overdue)" in out
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lead@example.se"]
    assert "2 mätningar" in message.subject
    assert f"{PROPORTION}, 2024: försenad" in message.body
    assert ReminderSent.objects.filter(sent_on=dt.date(2025, 3, 1)).count() == 2
    assert "sent 0 e-mail(s)" in _run("--today", "2025-03-01")  # the same day again: nothing
    assert len(mail.outbox) == 1
    _run("--today", "2025-03-02")  # the next day: reminded again
    assert len(mail.outbox) == 2


def test_dry_run_sends_and_records_nothing(world: Any, with_email: Any) -> None:
    out = _run("--today", "2025-02-25", "--dry-run")
    assert "would e-mail lead@example.se: 2 measurement(s), 0 overdue" in out
    assert "would send 1 e-mail(s)" in out
    assert mail.outbox == [] and not ReminderSent.objects.exists()


def test_nothing_due_far_ahead_and_reporters_without_address_are_counted(world: Any, planned: Any) -> None:
    assert "sent 0 e-mail(s)" in _run("--today", "2024-06-01")
    world.applicant.email = ""
    world.applicant.save()
    out = _run("--today", "2025-02-25")
    assert "2 without a reporter e-mail address" in out and mail.outbox == []


def test_bad_date() -> None:
    with pytest.raises(CommandError):
        _run("--today", "25/2")
