"""Retries of a money-moving write that arrive while the first is still running (PostgreSQL)."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest
from api_helpers import ApiClient, token_for
from browser_builders import application_in
from django.db import connection
from ledger_helpers import key
from test_api_application_writes import GRANT

from socialinvest.applications.models import Decision


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs concurrent writers"
)
def test_concurrent_retries_of_a_grant_record_it_once_and_all_get_its_answer(world: Any) -> None:
    # A grant is not idempotent in itself (a second one is refused: already decided), so only the
    # key's claim, taken before the write, can turn six simultaneous sends into one grant and five
    # replays of its answer.
    app = application_in(world, "recommended")
    secret = token_for(world.decision_maker, "write")
    k, threads = key(), 6
    barrier = threading.Barrier(threads)
    answers: list[Any] = [None] * threads

    def send(i: int) -> None:
        try:
            barrier.wait()
            answers[i] = ApiClient(secret).post(
                f"/api/applications/{app.pk}/decision", GRANT, **{"Idempotency-Key": k}
            )
        finally:
            connection.close()

    started = [threading.Thread(target=send, args=(i,)) for i in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join(timeout=120)
    assert [a.status_code for a in answers] == [201] * threads, [a.content for a in answers]
    assert len({a.content for a in answers}) == 1
    assert sum(a.get("Idempotent-Replayed") == "true" for a in answers) == threads - 1
    assert Decision.objects.filter(application=app).count() == 1
