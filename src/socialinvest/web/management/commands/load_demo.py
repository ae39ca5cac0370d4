"""``manage load_demo``: create the demo fund (idempotent) and print the demo logins.

Refused, unless ``--force``, when ``DEBUG`` is off or the database is not the demo's own
(the SQLite file under ``var/`` that ``socialinvest demo`` uses): the demo users share a
published password, so they must never reach a real installation's database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from socialinvest.web.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo fund (Exempelstads kommun) with one user per role; running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even though DEBUG is off or the database is not the demo's own "
            "(the demo users share a published password)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like a real installation, and the demo users share a published "
                "password. Use --force for a throwaway installation."
            )
        if not is_demo_database() and not options["force"]:
            raise CommandError(
                f"The database is not the demo's own ({describe_database()}); the demo users share a "
                "published password. Run `socialinvest demo`, or use --force for a throwaway database."
            )
        summary = load_demo(stdout=self.stdout)
        for note in summary.notes:
            self.stderr.write(_("obs: %(note)s") % {"note": note})
        self.stdout.write("")
        self.stdout.write(_("Demoinloggningar (alla användare har samma lösenord):"))
        self.stdout.write(summary.logins_table())


def demo_database_path() -> Path:
    """The demo's own database: the SQLite file ``socialinvest demo`` creates under ``var/``."""
    return Path(settings.VAR_DIR) / "socialinvest.sqlite3"


def is_demo_database() -> bool:
    db = connection.settings_dict
    if connection.vendor != "sqlite":
        return False
    name = str(db.get("NAME") or "")
    return bool(name) and Path(name).resolve() == demo_database_path().resolve()


def describe_database() -> str:
    db = connection.settings_dict
    return f"{connection.vendor} {db.get('NAME', '')}"
