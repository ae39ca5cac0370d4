"""The socioeconomic calculation engine.

Pure Python on numpy, pydantic and PyYAML — no web framework (and no scipy: its import
would cost more than a calculation; see :mod:`.special`).  Typical use::

    from socialinvest.engine import load_scenario, calculate
    result = calculate(load_scenario("examples/alla-barn-i-skolan.yaml"))
    result.base.npv, result.monte_carlo.probability_positive_npv

:func:`calculate` is the one seeded entry point; every :class:`Result` carries
the scenario, its SHA-256, the seed and the engine version.
"""

from .calculate import Calculation, calculate, run
from .catalogue import Catalogue, default_catalogue
from .cohort import CohortCost, cohort_cost
from .equivalents import Equivalents, opportunity_equivalents
from .errors import Problem, ScenarioError
from .loading import dump_scenario, load_scenario, parse_scenario, parse_text
from .portfolio import PortfolioResult, load_portfolio, portfolio
from .results import Result
from .scenario import Scenario
from .version import ENGINE_VERSION

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
