"""``manage create_org_admin --email …``: the installation's first organisation administrator.

Sets up the organisation when there is none yet (``--organisation``), invites the
administrator and prints the one-time link that sets their password (and e-mails it
when ``--base-url`` is given).  Everything else is done on the pages, not in /admin/.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from socialinvest.organisations.actions import do_create_org_admin, do_create_organisation, invitation_path
from socialinvest.organisations.models import Organisation


class Command(BaseCommand):
    help = "Create the organisation's first administrator and print the link that sets their password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="the administrator's e-mail address")
        parser.add_argument("--username", default="", help="default: the e-mail address")
        parser.add_argument("--name", default="", help="the administrator's name")
        parser.add_argument("--organisation", default="", help="the organisation's name (created if missing)")
        parser.add_argument("--org-number", default="", help="organisationsnummer, e.g. 212000-0142")
        parser.add_argument("--municipality-code", default="", help="kommunkod, e.g. 0180")
        parser.add_argument(
            "--base-url",
            default="",
            help="the installation's address, e.g. https://si.example.se (e-mails the link)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                org = self._organisation(options)
                invitation = do_create_org_admin(
                    organisation=org,
                    email=options["email"],
                    username=options["username"],
                    first_name=options["name"],
                    base_url=options["base_url"],
                )
        except ValidationError as exc:
            problems = (
                [f"{field}: {'; '.join(msgs)}" for field, msgs in exc.message_dict.items()]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            raise CommandError("\n".join(problems)) from None
        user = invitation.user
        self.stdout.write(f"Organisation administrator {user.get_username()} of {org.name} created.")
        self.stdout.write(
            f"They choose their password at: {options['base_url'].rstrip('/')}{invitation_path(user)}"
        )

    def _organisation(self, options: dict[str, Any]) -> Organisation:
        name = options["organisation"].strip()
        if name:
            existing = Organisation.objects.filter(name__iexact=name).first()
            if existing is not None:
                return existing
            return do_create_organisation(
                name=name,
                org_number=options["org_number"],
                municipality_code=options["municipality_code"],
                acting_user=None,
                via_command_line=True,
            )
        organisations = list(Organisation.objects.all()[:2])
        if len(organisations) == 1:
            return organisations[0]
        raise CommandError('Name the organisation with --organisation "Exempelstads kommun".')
