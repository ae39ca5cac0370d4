"""Simultaneous requests on PostgreSQL: a double-clicked approval or adoption takes effect once."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from followup_builders import MEAN, PROPORTION, approve, proportions, slot

from socialinvest.followup import actions
from socialinvest.followup.models import MeasuredSaving, MeasurementStatusChange

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL row locks"
    ),
]


def _twice(fn: Callable[[], Any]) -> list[str]:
    """Run ``fn`` in two threads released together; what each got."""
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker() -> None:
        try:
            barrier.wait()
            fn()
            results.append("ok")
        except (PermissionDenied, ValidationError):
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


def test_simultaneous_approvals_approve_once(world: Any, planned: Any) -> None:
    m = actions.do_save_measurement(
        scheduled=slot(planned, PROPORTION, "2024"),
        values=proportions(10, 2, 10, 3),
        acting_user=world.applicant,
    )
    m = actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    assert _twice(lambda: actions.do_approve_measurement(measurement=m, acting_user=world.fund_admin)) == [
        "ok",
        "refused",
    ]
    assert MeasurementStatusChange.objects.filter(measurement=m, transition="approve").count() == 1


def test_simultaneous_adoptions_write_measured_savings_once(world: Any, planned: Any) -> None:
    approve(world, planned, PROPORTION, "2024", proportions(200, 60, 180, 54))
    approve(world, planned, PROPORTION, "2025", proportions(200, 40, 180, 50))
    approve(
        world, planned, MEAN, "2024", {"intervention_n": 40, "intervention_mean": 12, "intervention_sd": 4}
    )
    approve(
        world, planned, MEAN, "2025", {"intervention_n": 40, "intervention_mean": 10, "intervention_sd": 5}
    )
    expost = actions.do_run_expost_calculation(application=planned, acting_user=world.fund_admin)
    assert _twice(
        lambda: actions.do_adopt_expost_calculation(expost=expost, acting_user=world.fund_admin)
    ) == [
        "ok",
        "refused",
    ]
    # One row per benefiting unit (social and school committees) for the one year measured (2025).
    assert sorted(MeasuredSaving.objects.values_list("unit__name", "year")) == [
        ("Socialnämnden", 2025),
        ("Utbildningsnämnden", 2025),
    ]
