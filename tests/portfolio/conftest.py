"""Fixtures for the portfolio: a granted investment with a year of ledger history (tests/ledger's data)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

sys.path.insert(0, str(Path(__file__).parents[1] / "browser"))
sys.path.insert(0, str(Path(__file__).parents[1] / "ledger"))

from browser_builders import application_in


@pytest.fixture(autouse=True)
def swedish() -> Any:
    with translation.override("sv"):
        yield


@pytest.fixture
def granted(world: Any) -> Any:
    return application_in(world, "granted")
