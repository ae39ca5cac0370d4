"""Start-up: what `import socialinvest.engine` and the CLI's commands load.

Time is measured by ``make bench``; this guards the cause — the import graph —
so a heavy import creeping back fails here, on any machine, whatever its load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "alla-barn-i-skolan.yaml"

# Loaded by nothing the engine or a calculation needs.
HEAVY = ("scipy", "numpy.f2py", "django", "matplotlib", "pandas", "statsmodels", "altair", "openpyxl")


def loaded_after(code: str) -> set[str]:
    """Top-level and sub-modules in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


# Not needed to calculate one scenario: the portfolio's process pool, the sampling
# thread pool (below 50 000 draws a chunk), the other engine commands, the CLI's tables
# (for --format json) and the web subcommands' socket and subprocess.
NOT_FOR_A_CALCULATION = (
    "multiprocessing",
    "concurrent.futures",
    "socialinvest.engine.portfolio",
    "socialinvest.engine.cohort",
    "socialinvest.engine.equivalents",
    "socialinvest.engine.gap",
    "socialinvest.cli.tables",
    "socialinvest.core",
    "subprocess",
)


def unneeded(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == u or m.startswith(u + ".") for u in NOT_FOR_A_CALCULATION))


def test_importing_the_engine_loads_nothing_until_a_name_is_used() -> None:
    modules = loaded_after("import socialinvest.engine")
    assert "socialinvest.engine" in modules  # the check sees imports
    assert not {"numpy", "pydantic", "yaml"} & modules
    assert heavy(modules) == []


def test_the_engine_loads_what_a_calculation_needs_and_no_more() -> None:
    modules = loaded_after("from socialinvest.engine import load_scenario, run, calculate, Result")
    assert "numpy" in modules and "socialinvest.engine.calculate" in modules
    assert heavy(modules) == []
    assert unneeded(modules) == []


def test_the_engine_names_are_the_functions_whatever_was_imported_first() -> None:
    # `calculate` and `portfolio` are also module names: importing the module first
    # must not hide the function.
    code = (
        "import socialinvest.engine.portfolio, socialinvest.engine.calculate\n"
        "from socialinvest.engine import calculate, portfolio, PortfolioResult\n"
        "assert callable(calculate) and calculate.__name__ == 'calculate'\n"
        "assert callable(portfolio) and portfolio.__name__ == 'portfolio'"
    )
    loaded_after(code)


def test_cli_help_loads_neither_numpy_nor_pydantic() -> None:
    code = (
        "from socialinvest.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "try:\n    main(['calc', '--help'])\nexcept SystemExit:\n    pass"
    )
    modules = loaded_after(code)
    assert "argparse" in modules
    assert not {"numpy", "pydantic", "yaml"} & modules
    assert heavy(modules) == []


def test_a_calculation_from_the_cli_loads_no_scipy() -> None:
    code = (
        "import contextlib, io\nfrom socialinvest.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['calc', {str(EXAMPLE)!r}, '--format', 'json']) == 0"
    )
    modules = loaded_after(code)
    assert "socialinvest.engine.sensitivity" in modules  # the tornado ran, with its quantiles
    assert heavy(modules) == []
    assert unneeded(modules) == []
