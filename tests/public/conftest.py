"""Fixtures for the public pages: the world's fund with one granted investment, published."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

sys.path.insert(0, str(Path(__file__).parents[1] / "browser"))

from browser_builders import application_in


@pytest.fixture(autouse=True)
def swedish() -> Any:
    cache.clear()
    with translation.override("sv"):
        yield
    cache.clear()


@pytest.fixture
def granted(world: Any) -> Any:
    return application_in(world, "granted")


@pytest.fixture
def published(world: Any, granted: Any) -> Any:
    from socialinvest.public.actions import do_set_publication

    do_set_publication(fund=world.fund, published=True, acting_user=world.fund_admin)
    return world.fund
