"""Publishing a fund (or taking it down): the fund administrator, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.permissions import Access
from socialinvest.core.audit import record_event
from socialinvest.core.permissions import allow, deny
from socialinvest.funds.models import Fund
from socialinvest.organisations.models import Role

from .models import LICENCES, Publication


def can_publish(user: Any, fund: Fund) -> Any:
    if Role.FUND_ADMIN in Access.of(user).fund_roles(fund):
        return allow()
    return deny(_("Endast fondförvaltaren publicerar fonden."))


def do_set_publication(
    *, fund: Fund, published: bool, licence: str = "CC-BY-4.0", acting_user: Any
) -> Publication:
    """Publish the fund's public pages and open data, or take them down."""
    with transaction.atomic():
        fund = Fund.objects.select_for_update().get(pk=fund.pk)
        can_publish(acting_user, fund).require()
        if licence not in dict(LICENCES):
            raise ValidationError({"licence": _("Okänd licens: %(licence)s.") % {"licence": licence}})
        publication, _created = Publication.objects.update_or_create(
            fund=fund, defaults={"published": published, "licence": licence, "changed_by": acting_user}
        )
        record_event(
            actor=acting_user,
            verb="fund_published" if published else "fund_unpublished",
            target=fund,
            summary=_("Fonden publicerades (%(licence)s)") % {"licence": licence}
            if published
            else _("Fonden avpublicerades"),
            data={"licence": licence},
            fund=fund,
        )
    return publication
