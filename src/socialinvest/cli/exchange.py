"""``socialinvest export --fund ID`` and ``socialinvest import FILE``: a whole fund as one JSON file.

Both use the settings of ``serve`` (production) unless ``DJANGO_SETTINGS_MODULE`` says otherwise,
like ``manage``.  Bad input (an unknown fund, an unreadable or invalid file, a conflicting row):
one line per problem on stderr naming the record and field, exit 2, nothing written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import web
from .i18n import gettext as _

# Lazy imports: Django and the apps are loaded only once the settings are chosen (_django()).
EXIT_OK, EXIT_INPUT = 0, 2


def _django() -> None:
    web._setup_django(web.PROD_SETTINGS, force=False)


def cmd_export(args: argparse.Namespace) -> int:
    _django()
    from socialinvest.exchange.fund import dumps, export_fund
    from socialinvest.funds.models import Fund

    key = str(args.fund)
    fund = (
        Fund.objects.filter(pk=int(key)).first() if key.isdigit() else Fund.objects.filter(slug=key).first()
    )
    if fund is None:
        print(_("--fund: ingen fond %(key)r (ange dess id eller kortnamn)") % {"key": key}, file=sys.stderr)
        return EXIT_INPUT
    if args.format == "indigo":
        import json

        from socialinvest.exchange.indigo import outcome_contracts

        text = json.dumps(outcome_contracts(fund), ensure_ascii=False, indent=1, allow_nan=False)
    else:
        text = dumps(export_fund(fund))
    if args.output:
        try:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            print(
                _("--output: kan inte skriva %(path)s: %(reason)s")
                % {"path": args.output, "reason": exc.strerror},
                file=sys.stderr,
            )
            return EXIT_INPUT
    else:
        sys.stdout.write(text + "\n")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(
            _("%(file)s: kan inte läsa: %(reason)s") % {"file": args.file, "reason": exc.strerror},
            file=sys.stderr,
        )
        return EXIT_INPUT
    _django()
    from socialinvest.exchange.fund import ExchangeError, import_fund

    try:
        fund, written = import_fund(data)
    except ExchangeError as exc:
        for where, msg in exc.problems:
            print(f"{args.file}: {where}: {msg}" if where else f"{args.file}: {msg}", file=sys.stderr)
        print(_("Inget importerades."), file=sys.stderr)
        return EXIT_INPUT
    if written:
        print(
            _("Fonden %(name)s (id %(pk)s) importerad: %(rows)s rader skrivna.")
            % {"name": fund.name, "pk": fund.pk, "rows": written}
        )
    else:
        print(
            _("Fonden %(name)s (id %(pk)s) finns redan här, likadan: inget skrevs.")
            % {"name": fund.name, "pk": fund.pk}
        )
    return EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="Write a whole fund as JSON (to standard output or --output).",
        description="The fund, its organisation, units, roles (no passwords), applications with their "
        "calculation versions, reviews, decisions, the ledger, follow-up and evaluations, and "
        "attachments' metadata, as one JSON document that `socialinvest import` reads back.",
    )
    p.add_argument("--fund", required=True, help="the fund's id or slug")
    p.add_argument(
        "--format",
        choices=("socialinvest", "indigo"),
        default="socialinvest",
        help="socialinvest: the whole fund, for `socialinvest import`; indigo: the fund's outcome "
        "contracts in the structure of GO Lab's INDIGO data standard",
    )
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "import",
        help="Read a fund written by `socialinvest export` (validated first, one transaction).",
        description="Validates every record first, then writes all of them in one transaction and checks "
        "the ledger's balances; a row already present and identical is left alone, so importing "
        "twice changes nothing.",
    )
    p.add_argument("file")
    p.set_defaults(func=cmd_import)
