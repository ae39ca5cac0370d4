"""Start-up: what `import socialinvest.engine` and the CLI's commands load.

Time is measured by ``make bench``; this guards the cause — the import graph —
so a heavy import creeping back fails here, on any machine, whatever its load.
"""

from __future__ import annotations

import json
import os
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


def loaded_by_the_program(args: list[str], env: dict[str, str]) -> tuple[set[str], dict[str, str]]:
    """Modules loaded, and pydantic's variable, after ``socialinvest ARGS`` runs as the program
    (``main()`` reading ``sys.argv``, as the console script calls it)."""
    script = (
        "import contextlib, io, json, os, sys\n"
        f"sys.argv = ['socialinvest', *{args!r}]\n"
        "from socialinvest.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main() == 0\n"
        "variable = os.environ.get('PYDANTIC_DISABLE_PLUGINS')\n"
        "print(json.dumps([sorted(sys.modules), variable]), file=sys.stderr)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert proc.returncode == 0, proc.stderr
    modules, variable = json.loads(proc.stderr.strip().splitlines()[-1])
    return set(modules), variable


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    return {**env, **extra}


def test_a_calculation_as_the_program_skips_pydantics_plugin_lookup() -> None:
    # pydantic's look-up imports importlib.metadata (email, zipfile, csv) and reads every
    # installed distribution's entry points: ~30 ms of a calculation's start-up.
    modules, variable = loaded_by_the_program(["calc", str(EXAMPLE), "--format", "json"], _environment())
    assert "socialinvest.engine.calculate" in modules  # the check sees the calculation
    assert variable == "__all__"  # pydantic's own switch, also for the processes it starts
    assert not {"importlib.metadata", "email", "zipfile"} & modules


def test_the_users_pydantic_plugin_setting_wins() -> None:
    # Set, even empty (no plugin disabled): pydantic looks for plugins as it always does.
    modules, variable = loaded_by_the_program(
        ["calc", str(EXAMPLE), "--format", "json"], _environment(PYDANTIC_DISABLE_PLUGINS="")
    )
    assert variable == ""
    assert "importlib.metadata" in modules


def test_main_called_with_arguments_leaves_pydantic_alone() -> None:
    # A library or test calling main([...]) keeps pydantic's default: only the program's own
    # process is changed.
    code = (
        "import contextlib, io, os\nfrom socialinvest.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['calc', {str(EXAMPLE)!r}, '--format', 'json']) == 0\n"
        "assert 'PYDANTIC_DISABLE_PLUGINS' not in os.environ"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=_environment()
    )
    assert proc.returncode == 0, proc.stderr


def test_the_stand_in_hands_over_to_pydantic_when_the_variable_changes() -> None:
    code = (
        "import os, sys\n"
        "from socialinvest.cli.plugins import LOADER, skip_plugin_lookup\n"
        "assert skip_plugin_lookup()\n"
        "from pydantic.plugin._schema_validator import create_schema_validator\n"
        "from pydantic.plugin._loader import get_plugins\n"
        "assert tuple(get_plugins()) == () and 'importlib.metadata' not in sys.modules\n"
        "del os.environ['PYDANTIC_DISABLE_PLUGINS']\n"
        "list(get_plugins())\n"
        "assert 'importlib.metadata' in sys.modules\n"
        "assert type(sys.modules[LOADER]).__name__ == 'module'  # pydantic's own, now\n"
        "assert not skip_plugin_lookup()  # pydantic has looked: nothing to skip"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=_environment()
    )
    assert proc.returncode == 0, proc.stderr
