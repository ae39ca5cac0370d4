"""The socioeconomic calculation engine.

Pure Python on numpy, pydantic and PyYAML — no web framework (and no scipy: its import
would cost more than a calculation; see :mod:`.special`).  Typical use::

    from socialinvest.engine import load_scenario, calculate
    result = calculate(load_scenario("examples/alla-barn-i-skolan.yaml"))
    result.base.npv, result.monte_carlo.probability_positive_npv

:func:`calculate` is the one seeded entry point; every :class:`Result` carries
the scenario, its SHA-256, the seed and the engine version.

The names below are loaded on first use (PEP 562): ``import socialinvest.engine``
itself loads nothing, and ``from socialinvest.engine import load_scenario, run``
loads what a calculation needs — not the portfolio's process pool, the cohort
calculator or the equivalents (``tests/cli/test_imports.py`` holds this).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from .version import ENGINE_VERSION

if TYPE_CHECKING:
    from .calculate import Calculation, calculate, run
    from .catalogue import Catalogue, default_catalogue
    from .cohort import CohortCost, cohort_cost
    from .equivalents import Equivalents, opportunity_equivalents
    from .errors import Problem, ScenarioError
    from .loading import dump_scenario, load_scenario, parse_scenario, parse_text
    from .portfolio import PortfolioResult, load_portfolio, portfolio
    from .results import Result
    from .scenario import Scenario

# Each public name and the module that defines it.
_WHERE = {
    "Calculation": "calculate",
    "calculate": "calculate",
    "run": "calculate",
    "Catalogue": "catalogue",
    "default_catalogue": "catalogue",
    "CohortCost": "cohort",
    "cohort_cost": "cohort",
    "Equivalents": "equivalents",
    "opportunity_equivalents": "equivalents",
    "Problem": "errors",
    "ScenarioError": "errors",
    "dump_scenario": "loading",
    "load_scenario": "loading",
    "parse_scenario": "loading",
    "parse_text": "loading",
    "PortfolioResult": "portfolio",
    "load_portfolio": "portfolio",
    "portfolio": "portfolio",
    "Result": "results",
    "Scenario": "scenario",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once: later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


# Two functions share their module's name.  Importing a submodule binds it on its
# package (``engine.portfolio = <module>``), which would hide the function; the
# functions keep those names, as they did when this file imported everything.
_FUNCTIONS_NAMED_LIKE_MODULES = frozenset({"calculate", "portfolio"})


class _Engine(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FUNCTIONS_NAMED_LIKE_MODULES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Engine


__all__ = [
    "ENGINE_VERSION",
    "Calculation",
    "Catalogue",
    "CohortCost",
    "Equivalents",
    "PortfolioResult",
    "Problem",
    "Result",
    "Scenario",
    "ScenarioError",
    "calculate",
    "cohort_cost",
    "default_catalogue",
    "dump_scenario",
    "load_portfolio",
    "load_scenario",
    "opportunity_equivalents",
    "parse_scenario",
    "parse_text",
    "portfolio",
    "run",
]
