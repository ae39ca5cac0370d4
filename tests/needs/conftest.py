"""Needs tests: the demo-like municipality with a code, and Kolada as a server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kolada_server import KoladaStandIn, kolada_stand_in


@pytest.fixture
def kolada(settings: Any) -> Iterator[KoladaStandIn]:
    with kolada_stand_in() as stand_in:
        settings.KOLADA_BASE_URL = stand_in.base
        settings.KOLADA_TIMEOUT = 2
        yield stand_in


@pytest.fixture
def coded(world: Any) -> Any:
    world.org.municipality_code = "0581"
    world.org.save()
    return world
