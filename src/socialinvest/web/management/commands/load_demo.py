"""``manage load_demo``: create the demo fund (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from socialinvest.web.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo fund (Exempelstads kommun) with one user per role; running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even though DEBUG is off (the demo users share a published password)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like a real installation, and the demo users share a published "
                "password. Use --force for a throwaway installation."
            )
        summary = load_demo(stdout=self.stdout)
        for note in summary.notes:
            self.stderr.write(f"note: {note}")
        self.stdout.write("")
        self.stdout.write("Demo logins (every user has the same password):")
        self.stdout.write(summary.logins_table())
