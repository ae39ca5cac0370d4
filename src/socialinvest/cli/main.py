"""``socialinvest`` — the command line.

Exit codes: 0 success; 2 bad input (one line per problem on stderr, naming the
field path and the rule); 1 an unexpected internal error (one line, no
traceback unless ``SOCIALINVEST_DEBUG=1``).

Language: Swedish unless the locale (``LC_ALL``/``LC_MESSAGES``/``LANG``) is
English or ``--lang en`` is given (:mod:`socialinvest.cli.i18n`); tables,
messages and the engine's problems all follow it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import exchange, web
from .i18n import LANGUAGES, choose_language, english, speaking
from .i18n import gettext as _
from .plugins import skip_plugin_lookup

# Lazy imports: the engine (numpy, pydantic) and the tables are imported by the commands
# that use them, so `socialinvest --help` and argument errors start in milliseconds
# (tests/cli/test_imports.py holds the import graph to that).
if TYPE_CHECKING:
    from pydantic import BaseModel

    from socialinvest.engine.equivalents import EquivalentItem

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


class InputError(Exception):
    """Bad input found by the CLI itself (an option, an output path)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own usage errors: exit 2, one line
        self.print_usage(sys.stderr)
        print(f"socialinvest: {message}", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def _json(model: BaseModel | dict[str, Any]) -> str:
    from pydantic import BaseModel

    data = model.model_dump(mode="json") if isinstance(model, BaseModel) else model
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


def _emit(text: str, output: str | None) -> None:
    if output:
        try:
            Path(output).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(_cannot_write(output, exc)) from None
    else:
        print(text)


def cmd_calc(args: argparse.Namespace) -> int:
    from socialinvest.engine import load_scenario, run

    scenario = load_scenario(args.file)
    calc = run(scenario, draws=args.draws, seed=args.seed, with_sensitivity=not args.no_sensitivity)
    if args.format == "xlsx":
        if not args.output:
            raise InputError(_("--output: krävs med --format xlsx (arbetsbokens filnamn)"))
        # Here, not at the top: XlsxWriter is loaded only when a workbook is asked for, so
        # `socialinvest calc` starts fast.
        from socialinvest.reports.xlsx import write_audit_workbook

        try:
            write_audit_workbook(calc, args.output)
        except OSError as exc:
            raise InputError(_cannot_write(args.output, exc)) from None
        print(_("skrev %(path)s") % {"path": args.output}, file=sys.stderr)
        return EXIT_OK
    if args.format == "json":
        text = _json(calc.result)
    else:
        from . import tables

        text = tables.calculation(calc.result)
    _emit(text, args.output)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from socialinvest.engine import load_scenario

    scenario = load_scenario(args.file)
    if args.format == "json":
        print(_json({"valid": True, "name": scenario.name, "input_sha256": scenario.input_sha256()}))
    else:
        values = {"file": args.file, "name": scenario.name, "sha": scenario.input_sha256()[:12]}
        print(_("%(file)s: giltig (%(name)s; sha256 %(sha)s)") % values)
    return EXIT_OK


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from socialinvest.engine import load_scenario, run

    from . import tables

    calc = run(load_scenario(args.file), draws=0)
    sens = calc.result.sensitivity
    assert sens is not None
    _emit(_json(sens) if args.format == "json" else tables.sensitivity(sens), args.output)
    return EXIT_OK


def cmd_portfolio(args: argparse.Namespace) -> int:
    from socialinvest.engine import load_portfolio, portfolio

    from . import tables

    scenarios, sources = load_portfolio(args.paths)
    from socialinvest.engine.portfolio import DEFAULT_WORKERS

    workers = DEFAULT_WORKERS if args.workers is None else args.workers
    result = portfolio(scenarios, sources=sources, draws=args.draws, workers=workers)
    _emit(_json(result) if args.format == "json" else tables.portfolio(result), args.output)
    return EXIT_OK


def cmd_cohort(args: argparse.Namespace) -> int:
    from socialinvest.engine import cohort_cost, default_catalogue

    from . import tables

    try:
        split = default_catalogue().cost_item(args.split_item) if args.split_item else None
    except KeyError as exc:
        raise InputError(f"--split-item: {problem_text(exc.args[0])}") from None
    try:
        result = cohort_cost(
            cohort_size=args.cohort_size,
            excluded=args.excluded,
            share=args.share,
            years=args.years,
            annual_cost=args.annual_cost,
            discount_rate=args.discount_rate,
            split_item=split,
        )
    except ValueError as exc:
        raise InputError(problem_text(str(exc))) from None
    _emit(_json(result) if args.format == "json" else tables.cohort(result), args.output)
    return EXIT_OK


def _equivalent_items(path: str) -> list[EquivalentItem]:
    # Read and parse the file as a scenario file is read (one-line messages for
    # a missing file, binary data or a YAML error), then let the engine check it.
    from socialinvest.engine import ScenarioError
    from socialinvest.engine.equivalents import load_equivalent_items
    from socialinvest.engine.loading import decode, parse_text

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            _("--items: kan inte läsa %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}
        ) from None
    try:
        parse_text(decode(raw))
    except ScenarioError as exc:
        raise InputError(f"--items: {path}: {_problem(exc.problems[0])}") from None
    return load_equivalent_items(path)


def cmd_equivalents(args: argparse.Namespace) -> int:
    from socialinvest.engine import opportunity_equivalents

    from . import tables

    try:
        items = _equivalent_items(args.items) if args.items else None
        result = opportunity_equivalents(args.amount, items)
    except ValueError as exc:
        raise InputError(problem_text(str(exc))) from None
    _emit(_json(result) if args.format == "json" else tables.equivalents(result), args.output)
    return EXIT_OK


def cmd_catalogue(args: argparse.Namespace) -> int:
    from socialinvest.engine import default_catalogue

    from . import tables

    catalogue = default_catalogue()
    _emit(_json(catalogue) if args.format == "json" else tables.catalogue(catalogue), args.output)
    return EXIT_OK


def _nonneg_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {value}")
    return value


def _float(text: str) -> float:
    try:
        value = float(text.replace(" ", "").replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    return value


def _lang_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: given before or after the command, and never reset by the other parser.
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help="language of tables and messages (default: from LC_ALL/LANG, else sv)",
    )


def _cannot_write(path: str, exc: OSError) -> str:
    return _("--output: kan inte skriva %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}


def problem_text(message: str) -> str:
    """An engine problem in the active language (the engine itself speaks English).

    Swedish comes from the calculation form's shapes, which need Django: it is loaded
    only here, when there is a problem to show."""
    if english():
        return message
    from .i18n import swedish_problem

    return swedish_problem(message)


def _problem(problem: Any) -> str:
    text = problem_text(problem.message)
    return f"{problem.path}: {text}" if problem.path else text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="socialinvest", description="Socialinvest: social investment fund tools.")
    _lang_option(parser)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(
        name: str, func: Callable[[argparse.Namespace], int], help_: str, formats: Sequence[str]
    ) -> Any:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func, engine_command=True)
        p.add_argument("--format", choices=formats, default=formats[0])
        p.add_argument("--output", "-o", help="write to this file instead of standard output")
        _lang_option(p)
        return p

    p = command("calc", cmd_calc, "Calculate a scenario file.", ("table", "json", "xlsx"))
    p.add_argument("file")
    p.add_argument("--draws", type=_nonneg_int, help="override the scenario's draws")
    p.add_argument("--seed", type=_nonneg_int, help="override the scenario's seed")
    p.add_argument("--no-sensitivity", action="store_true", help="skip the tornado and rate cases")

    p = command("validate", cmd_validate, "Check a scenario file.", ("table", "json"))
    p.add_argument("file")

    p = command(
        "sensitivity", cmd_sensitivity, "Tornado, switching values, discount rates.", ("table", "json")
    )
    p.add_argument("file")

    p = command("portfolio", cmd_portfolio, "Sum scenarios draw by draw.", ("table", "json"))
    p.add_argument("paths", nargs="+", metavar="DIR_OR_FILE")
    p.add_argument("--draws", type=_nonneg_int, help="draws per scenario (default: the largest)")
    p.add_argument(
        "--workers",
        type=_nonneg_int,
        default=None,
        help="worker processes (default 1: see engine.portfolio.DEFAULT_WORKERS); never changes a number",
    )

    p = command("cohort", cmd_cohort, "The price of exclusion for a birth cohort.", ("table", "json"))
    p.add_argument("--cohort-size", type=_nonneg_int, required=True)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--excluded", type=_float, help="persons in lasting exclusion")
    group.add_argument("--share", type=_float, help="share of the cohort in lasting exclusion, 0..1")
    p.add_argument("--years", type=_nonneg_int, required=True)
    p.add_argument("--annual-cost", type=_float, required=True)
    p.add_argument("--discount-rate", type=_float, help="also give the present value at this rate")
    p.add_argument(
        "--split-item",
        nargs="?",
        const="exclusion_year_varmdo",
        help="split the total by actor as this catalogue cost item does (default exclusion_year_varmdo)",
    )

    p = command("equivalents", cmd_equivalents, "What an amount could buy instead.", ("table", "json"))
    p.add_argument("amount", type=_float)
    p.add_argument("--items", help="YAML/JSON list of {name, unit_price} replacing the default list")

    command("catalogue", cmd_catalogue, "List the default catalogue.", ("table", "json"))
    web.register(sub)  # demo, serve, manage
    exchange.register(sub)  # export, import
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    as_program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:  # everything after it is Django's, --help included
        return web.cmd_manage(argv[1:])
    args = build_parser().parse_args(argv)
    if as_program and getattr(args, "engine_command", False):
        # The program's own process, about to import the engine: pydantic's plugin look-up
        # would be ~30 ms of its start-up (see cli.plugins; the user's setting wins).
        skip_plugin_lookup()
    # Every command speaks the user's language; the web commands' Django too (cli.web).
    with speaking(choose_language(getattr(args, "lang", None), os.environ)):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from socialinvest.engine.errors import ScenarioError

    try:
        code: int = args.func(args)
        return code
    except ScenarioError as exc:
        for problem in exc.problems:
            print(_problem(problem), file=sys.stderr)
        return EXIT_INPUT
    except InputError as exc:
        print(exc.args[0] if exc.args else str(exc), file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the promise: never a traceback
        if os.environ.get("SOCIALINVEST_DEBUG"):
            raise
        print(
            _("internt fel: %(kind)s: %(text)s") % {"kind": type(exc).__name__, "text": exc}, file=sys.stderr
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
