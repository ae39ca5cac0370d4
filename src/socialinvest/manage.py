"""Django's command line for Socialinvest: ``socialinvest manage <command>``.

The settings are ``serve``'s (production) unless told otherwise, by
``DJANGO_SETTINGS_MODULE`` or ``--settings``: a command run on a real installation —
``check --deploy``, ``createsuperuser``, ``load_demo`` — must see the installation's
settings and database, never the development ones.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

SERVE_SETTINGS = "socialinvest.config.settings.prod"


def main(argv: Sequence[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SERVE_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["socialinvest manage", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
