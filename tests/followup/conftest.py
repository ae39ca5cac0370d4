"""Fixtures for the follow-up services: a granted application with a project lead and a completed plan."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

sys.path.insert(0, str(Path(__file__).parents[1] / "browser"))

from browser_builders import application_in
from followup_builders import REMOVED, plan_rows

from socialinvest.followup import actions


@pytest.fixture(autouse=True)
def swedish() -> Any:
    """Every test in Swedish, the source language (a page test's request may leave English active)."""
    with translation.override("sv"):
        yield


@pytest.fixture
def granted(world: Any) -> Any:
    """The worked example granted (11.6 Mkr, 2025–2027), the school applicant as project lead."""
    app = application_in(world, "granted")
    return actions.do_assign_project_lead(application=app, user=world.applicant, acting_user=world.fund_admin)


@pytest.fixture
def planned(world: Any, granted: Any) -> Any:
    """``granted`` with its follow-up plan completed (:func:`plan_rows`)."""
    actions.do_complete_followup_plan(
        removed=REMOVED, application=granted, indicators=plan_rows(), acting_user=world.fund_admin
    )
    granted.refresh_from_db()
    return granted
