"""Fixtures for the exchange: the ledger's builders (a granted investment paid out, agreements)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "browser"))
sys.path.insert(0, str(Path(__file__).parents[1] / "ledger"))

from browser_builders import application_in


@pytest.fixture
def granted(world: Any) -> Any:
    return application_in(world, "granted")
