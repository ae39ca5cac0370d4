"""The follow-up plan's rules without a database: hand-made plans, each rule once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from socialinvest.followup.actions.plan_rules import clean_indicators

D = dt.date


def period(label: str, start: dt.date, end: dt.date, *, baseline: bool = False, reporter: Any = "") -> dict:
    return {
        "label": label,
        "period_start": start,
        "period_end": end,
        "due_date": end + dt.timedelta(days=30),
        "is_baseline": baseline,
        "reporter": reporter,
    }


def indicator(name: str = "Närvaro", **extra: Any) -> dict:
    row = {
        "name": name,
        "kind": "proportion",
        "direction": "increase",
        "schedule": [
            period("2024", D(2024, 1, 1), D(2024, 12, 31), baseline=True),
            period("2025", D(2025, 1, 1), D(2025, 12, 31)),
        ],
    }
    row.update(extra)
    return row


def errors_of(indicators: list[dict], *, complete: bool = True, outcomes: set[str] = frozenset()) -> dict:
    with pytest.raises(ValidationError) as caught:
        clean_indicators(indicators, outcomes=outcomes, known_reporter=lambda pk: pk == 7, complete=complete)
    return caught.value.message_dict


def test_a_complete_plan_is_accepted_as_given() -> None:
    rows = clean_indicators(
        [indicator(outcome_name="Skolnärvaro")],
        outcomes={"Skolnärvaro"},
        known_reporter=lambda pk: False,
        complete=True,
    )
    ((row, schedule),) = rows
    assert row["name"] == "Närvaro" and row["outcome_name"] == "Skolnärvaro"
    assert [s["label"] for s in schedule] == ["2024", "2025"]
    assert [s["is_baseline"] for s in schedule] == [True, False]


def test_completing_needs_one_baseline_and_a_later_period() -> None:
    no_baseline = indicator(schedule=[period("2025", D(2025, 1, 1), D(2025, 12, 31))])
    assert "indicator-0-schedule" in errors_of([no_baseline])
    # While drafting the same plan is fine.
    assert clean_indicators([no_baseline], outcomes=set(), known_reporter=bool, complete=False)


def test_a_later_period_must_start_after_the_baseline() -> None:
    early = indicator(
        schedule=[
            period("2024", D(2024, 1, 1), D(2024, 12, 31), baseline=True),
            period("H2 2024", D(2024, 7, 1), D(2025, 6, 30)),
        ]
    )
    assert "indicator-0-schedule" in errors_of([early])


def test_every_problem_is_reported_at_once() -> None:
    bad = [
        indicator(outcome_name="Okänt utfall"),
        indicator(schedule=[period("2024", D(2024, 12, 31), D(2024, 1, 1), reporter=99)]),
    ]
    errors = errors_of(bad)
    assert "indicator-0-outcome_name" in errors  # not in the decided calculation
    assert "indicator-1-name" in errors  # two indicators with the same name
    assert "indicator-1-schedule-0-period_end" in errors  # ends before it starts
    assert "indicator-1-schedule-0-reporter" in errors  # not an active user
    assert "indicators" not in errors


def test_a_complete_plan_needs_an_indicator_and_a_known_reporter_is_kept() -> None:
    assert "indicators" in errors_of([])
    rows = clean_indicators(
        [indicator(schedule=[period("2024", D(2024, 1, 1), D(2024, 12, 31), reporter=7)])],
        outcomes=set(),
        known_reporter=lambda pk: pk == 7,
        complete=False,
    )
    assert rows[0][1][0]["reporter_id"] == 7
