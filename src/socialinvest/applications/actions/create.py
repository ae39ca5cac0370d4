from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import reject_personnummer
from socialinvest.funds.models import Fund
from socialinvest.funds.rounds import ideas_verdict
from socialinvest.organisations.access import Access
from socialinvest.organisations.models import Role, Unit

from ..models import Application, ApplicationUnit
from ..states import initial_status


def next_reference(fund: Fund) -> str:
    """``SIF-2026-0007``: the fund's prefix, the year, a running number (fund row locked)."""
    year = timezone.localdate().year
    prefix = f"{fund.slug.upper()}-{year}-"
    count = Application.objects.filter(fund=fund, reference__startswith=prefix).count()
    return f"{prefix}{count + 1:04d}"


def do_create_application(
    *, fund: Fund, title: str, lead_unit: Unit, co_units: Sequence[Unit] = (), acting_user: Any
) -> Application:
    """Start an application (an idea, or a full application if the fund has no idea test)."""
    with transaction.atomic():
        fund = Fund.objects.select_for_update().get(pk=fund.pk)
        if lead_unit.pk not in Access.of(acting_user).unit_ids(Role.APPLICANT):
            raise PermissionDenied(_("Du kan bara söka för en enhet där du har rollen sökande."))
        if not title.strip():
            raise ValidationError({"title": _("Ange en titel.")})
        reject_personnummer(title)
        # Each unit once, the lead first (a unit named twice is one unit, as the page's choice gives).
        units = list({u.pk: u for u in [lead_unit, *co_units]}.values())
        if any(u.organisation_id != fund.owner_id and not u.is_external for u in units):
            raise ValidationError({"co_units": _("Sökande enheter måste tillhöra fondens organisation.")})
        open_now = ideas_verdict(fund)
        if not open_now:
            raise ValidationError({"fund": open_now.reason})
        application = Application.objects.create(
            fund=fund,
            reference=next_reference(fund),
            status=initial_status(fund.requires_idea_test),
            title=title.strip(),
            created_by=acting_user,
        )
        for i, unit in enumerate(units):
            ApplicationUnit.objects.create(application=application, unit=unit, is_lead=i == 0)
        record_event(
            actor=acting_user,
            verb="application.created",
            target=application,
            summary=_("Ansökan skapad: %(title)s") % {"title": application.title},
            data={"units": [u.name for u in units], "status": application.status},
            fund=fund,
            application=application,
        )
    return application
