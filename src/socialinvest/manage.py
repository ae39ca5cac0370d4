"""Django's command line for Socialinvest: ``socialinvest manage <command>``."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialinvest.config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["socialinvest manage", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
