"""Start an idea from a need: the gap's target group, baseline risk and cost item carried into it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.actions import (
    do_create_application,
    do_save_calculation,
    do_update_application,
)
from socialinvest.applications.calculation_input import starter_data
from socialinvest.applications.models import Application
from socialinvest.core.audit import record_event
from socialinvest.engine import parse_scenario
from socialinvest.funds.models import Fund
from socialinvest.organisations.models import Organisation, Unit

from ..models import Aim
from ..permissions import can_view_needs
from ..selectors import needs_analysis


def do_start_idea_from_gap(
    *, organisation: Organisation, key: str, fund: Fund, lead_unit: Unit, title: str, acting_user: Any
) -> Application:
    """A new idea whose target group, first calculation (baseline risk = today's local rate, the
    indicator's cost item) and aims come from one indicator of the needs analysis.

    The application's own services do the work (who may apply for which unit,
    the fund's rules); all of it is one transaction, so a refusal anywhere
    leaves nothing behind.
    """
    with transaction.atomic():
        # The fund row first: the idea is the fund's (do_create_application takes it again).
        Fund.objects.select_for_update().get(pk=fund.pk)
        can_view_needs(acting_user, organisation).require()
        if fund.owner_id != organisation.pk:
            raise ValidationError({"fund": _("Välj en av organisationens fonder.")})
        view = next((v for v in needs_analysis(organisation).indicators if v.key == key), None)
        if view is None:
            raise ValidationError({"key": _("Okänd indikator.")})
        if view.latest is None or view.gap_year is None:
            raise ValidationError({"key": _("Indikatorn har inget värde för kommunen ännu.")})
        indicator = view.eff.indicator
        rate = view.latest / 100.0
        # A rate where higher is better (eligible pupils) is the complement of the risk.
        risk = 1.0 - rate if indicator.higher_is_better else rate
        data = starter_data(title, lead_unit.actor_id or None)
        data["outcomes"][0].update(
            {"name": indicator.name[:200], "cost_item": view.eff.cost_item, "baseline_risk": round(risk, 4)}
        )
        scenario = parse_scenario(data)
        application = do_create_application(
            fund=fund, title=title, lead_unit=lead_unit, acting_user=acting_user
        )
        application = do_update_application(
            application=application,
            changes={"target_group": indicator.target_group},
            acting_user=acting_user,
            reason=_("Från behovsanalysen"),
        )
        do_save_calculation(
            application=application,
            scenario=scenario,
            acting_user=acting_user,
            note=_("Utgångsläge från behovsanalysen: %(name)s %(value)s %% (%(year)s), kostnadspost %(item)s")
            % {
                "name": indicator.name,
                "value": view.latest,
                "year": view.gap_year,
                "item": view.eff.cost_item,
            },
        )
        aims = list(Aim.objects.filter(fund=fund, kpi=view.eff.kpi))
        for aim in aims:
            aim.investments.add(application)
        record_event(
            actor=acting_user,
            verb="needs.idea_started",
            target=application,
            summary=_("Idé startad från behovsanalysen: %(name)s") % {"name": indicator.name},
            data={
                "key": key,
                "kpi": view.eff.kpi,
                "year": view.gap_year,
                "rate": view.latest,
                "aims": [a.pk for a in aims],
            },
            fund=fund,
            application=application,
        )
    return application
