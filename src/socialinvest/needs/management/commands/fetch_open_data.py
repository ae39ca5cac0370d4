"""``manage fetch_open_data --municipality CODE [--kpi ID …] [--years A-B]``: Kolada's figures in.

Fetches the key figures (by default the needs analysis' indicators) for the
municipality, the country and the organisation's comparison group, and stores
them with their source, fetch time and licence — all of it, or nothing if any
part fails.  Run by the server's operator (it needs no role in the app); the
audit trail records the command line as the actor.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from socialinvest.needs.actions import do_fetch_open_data
from socialinvest.needs.forms import parse_years
from socialinvest.organisations.models import Organisation


def command_language() -> str:
    """The user's language from the environment (as the CLI): English for ``en*``, else Swedish."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "sv"
    return "sv"


class Command(BaseCommand):
    help = "Fetch open municipal statistics (Kolada) for an organisation's needs analysis."
    leave_locale_alone = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="four-digit municipality code, e.g. 0581")
        parser.add_argument("--kpi", action="append", default=[], help="a Kolada key-figure id (repeatable)")
        parser.add_argument("--years", default="", help="A-B, e.g. 2010-2024 (default: the last 15 years)")
        parser.add_argument(
            "--organisation", default="", help="the organisation's slug (default: the one with that code)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(command_language()):
            self._fetch(options)

    def _fetch(self, options: dict[str, Any]) -> None:
        code = options["municipality"].strip()
        try:
            years = parse_years(options["years"]) if options["years"] else []
        except ValueError as exc:
            raise CommandError(f"--years: {exc}") from None
        organisations = Organisation.objects.all()
        if options["organisation"]:
            organisations = organisations.filter(slug=options["organisation"])
        else:
            organisations = organisations.filter(municipality_code=code)
        found = list(organisations[:2])
        if len(found) != 1:
            where = options["organisation"] or code
            if len(found) > 1:
                raise CommandError(
                    _("--organisation: flera organisationer har kod %(code)s; ange en.") % {"code": where}
                )
            raise CommandError(_("--organisation: ingen organisation med %(what)s.") % {"what": where})
        try:
            stored = do_fetch_open_data(
                organisation=found[0], municipality=code, kpis=options["kpi"], years=years, acting_user=None
            )
        except ValidationError as exc:
            lines = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(
            _(
                "%(n)s värden sparade (%(new)s nya, %(changed)s uppdaterade): "
                "%(kpis)s; %(areas)s; %(first)s–%(last)s"
            )
            % {
                "n": stored.total,
                "new": stored.created,
                "changed": stored.updated,
                "kpis": ", ".join(stored.kpis),
                "areas": ", ".join(stored.areas),
                "first": stored.years[0],
                "last": stored.years[-1],
            }
        )
        for skipped in stored.skipped:
            self.stderr.write(_("Hoppade över: %(why)s") % {"why": skipped})
