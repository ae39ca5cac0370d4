"""Fixtures for the ledger: a granted investment (11.6 Mkr, decided 2024-11-20, period 2025–2027)
in the world's fund of 40 Mkr whose opening capital is posted."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "browser"))

from browser_builders import application_in


@pytest.fixture
def granted(world: Any) -> Any:
    return application_in(world, "granted")
