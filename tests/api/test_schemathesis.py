"""Schemathesis against /api/openapi.json: for an anonymous client and a token of each role (all
eight: the world's users and an organisation administrator and a project lead), no 5xx,
every status code documented, every response body conforming to the schema.

A write answered with a 4xx must have written nothing: the rows of every domain table are
counted before and after each such call (on SQLite; see ``stored_rows``).

One test walks every operation (the fund, its users and a granted investment are built once,
not once per operation); each generated case is sent by every client.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from api_helpers import token_for
from django.apps import apps as django_apps
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from factories import MembershipFactory, UserFactory
from socialinvest.config.wsgi import application
from socialinvest.organisations.models import Role

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ["fund_admin", "applicant", "preparer", "council", "decision_maker", "auditor", "outsider"]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))


@pytest.fixture
def connection_kept_across_requests() -> Any:
    """Keep the test's connection open through the WSGI requests, as Django's test client does.

    Django's WSGIHandler calls ``close_old_connections`` when a request starts and finishes; it
    closes a connection whose autocommit differs from the settings' - which the test's
    transaction always does.  On PostgreSQL that closed the connection mid-test ("the
    connection is closed" after the first request); SQLite's in-memory test database ignores a
    close, so only PostgreSQL showed it.  ``django.test.Client`` disconnects the same receiver.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept_across_requests")
def test_api_conforms_for_anonymous_and_every_role(world: Any, granted: Any, settings: Any) -> None:
    settings.API_RATE_LIMIT = (0, 60)  # the fuzzer sends hundreds of requests
    # As a registry: its operations answer (publish, correct, withdraw, pool) rather than 404,
    # so their responses are checked too; the fund's operations do not depend on the setting.
    settings.SOCIALINVEST_REGISTRY = True
    clients: list[dict[str, str]] = [{}]
    users = [getattr(world, role) for role in ROLES]
    # The two roles the shared world has no user for: the organisation's administrator and a
    # project lead of the unit that runs the granted investment.
    for username, role, scope in (
        ("orgadmin", Role.ORG_ADMIN, {"organisation": world.org}),
        ("projektledare", Role.PROJECT_LEAD, {"unit": world.school}),
    ):
        users.append(UserFactory(username=username))
        MembershipFactory(user=users[-1], role=role, **scope)
    for user in users:
        clients.append({"Authorization": f"Bearer {token_for(user, 'write')}"})
    clients.append({"Authorization": f"Bearer {token_for(world.auditor, 'read', days=2)}"})
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @settings_for_fuzzing
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            for headers in clients:
                before = stored_rows() if case.method.upper() != "GET" else None
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                if before is not None and response.status_code >= 400:
                    # Bad input, no permission, not found: a 4xx has written nothing.
                    assert stored_rows() == before, (case.method, case.formatted_path, response.status_code)

        check()


# Bookkeeping every request may write, whatever its answer: a token's last use, the rate limit.
BOOKKEEPING = {"api.apitoken", "api.ratewindow"}
# Django's own bookkeeping: sessions, the admin's log, content types, login attempts.
NOT_DOMAIN = {"admin", "contenttypes", "sessions", "axes"}


def _watched() -> list[Any]:
    return [
        model
        for model in django_apps.get_models()
        if model._meta.app_label not in NOT_DOMAIN and model._meta.label_lower not in BOOKKEEPING
    ]


def stored_rows() -> dict[str, int] | None:
    """Rows in every table of ours and of the queue (the audit trail, idempotency keys, tasks).

    Counted on SQLite only (``None`` elsewhere): the check is about the services, not the
    database, and on PostgreSQL the counts took 65 s of the run (its per-transaction
    statistics would be one query, but they count rows a rolled-back savepoint wrote too).
    """
    if connection.vendor != "sqlite":
        return None
    return {model._meta.label_lower: model._base_manager.count() for model in _watched()}


settings_for_fuzzing = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
