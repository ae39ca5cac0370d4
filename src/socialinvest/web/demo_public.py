"""The demo publishes its main fund (public pages and open data), once, through the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from socialinvest.public.actions import do_set_publication
from socialinvest.public.models import Publication


def publish_demo_fund(*, fund: Any, users: dict[str, Any], say: Callable[[str], None]) -> None:
    if Publication.objects.filter(fund=fund).exists():
        return  # published before, or taken down on purpose: leave it as it is
    do_set_publication(fund=fund, published=True, licence="CC-BY-4.0", acting_user=users["ekonom"])
    say(_("Publicerade %(fund)s (publika sidor och öppna data).") % {"fund": fund.name})
