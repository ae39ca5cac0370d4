from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "api"))
sys.path.insert(0, str(Path(__file__).parents[1] / "browser"))


@pytest.fixture
def granted(world: Any) -> Any:
    from browser_builders import application_in

    return application_in(world, "granted")
