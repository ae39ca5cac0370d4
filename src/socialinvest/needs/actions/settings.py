"""An organisation's needs settings: its comparison group, and per indicator its own numbers."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import reject_personnummer
from socialinvest.engine.catalogue import default_catalogue
from socialinvest.organisations.models import Organisation

from ..indicators import by_key
from ..models import IndicatorSetting, NeedsSettings
from ..permissions import can_manage_open_data

_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MAX_POPULATION = 20_000_000


def _locked(organisation: Organisation) -> NeedsSettings:
    NeedsSettings.objects.get_or_create(organisation=organisation)
    return NeedsSettings.objects.select_for_update().get(organisation=organisation)


def do_update_needs_settings(
    *, organisation: Organisation, comparison_group: str, comparison_group_title: str, acting_user: Any
) -> NeedsSettings:
    """Set the group of similar municipalities the needs analysis compares with (a Kolada group id)."""
    group, title = comparison_group.strip(), comparison_group_title.strip()
    with transaction.atomic():
        settings = _locked(organisation)
        can_manage_open_data(acting_user, organisation).require()
        if group and not _ID.match(group):
            raise ValidationError(
                {"comparison_group": _("Ange gruppens id som Kolada skriver det, t.ex. G33904.")}
            )
        if len(title) > 300:
            raise ValidationError({"comparison_group_title": _("Högst 300 tecken.")})
        reject_personnummer(title)
        before = [settings.comparison_group, settings.comparison_group_title]
        if before == [group, title]:
            return settings  # nothing changed, nothing to record
        settings.comparison_group, settings.comparison_group_title = group, title
        settings.save()
        record_event(
            actor=acting_user,
            verb="needs.settings_changed",
            target=organisation,
            summary=_("Jämförelsegrupp: %(group)s") % {"group": title or group or "–"},
            data={"before": before, "after": [group, title]},
        )
    return settings


def do_update_indicator_setting(
    *,
    organisation: Organisation,
    key: str,
    kpi: str,
    population: int | None,
    population_year: int | None,
    population_source: str,
    cost_item: str,
    acting_user: Any,
) -> IndicatorSetting:
    """One indicator's numbers for the organisation: population (year, source), cost item, own KPI id."""
    indicator = by_key(key)
    with transaction.atomic():
        _locked(organisation)
        can_manage_open_data(acting_user, organisation).require()
        errors: dict[str, str] = {}
        if indicator is None:
            raise ValidationError({"key": _("Okänd indikator.")})
        kpi, cost_item, population_source = kpi.strip(), cost_item.strip(), population_source.strip()
        if kpi and not _ID.match(kpi):
            errors["kpi"] = _("Ett nyckeltals-id är bokstäver och siffror, t.ex. N15428.")
        if population is not None and not 0 <= population <= MAX_POPULATION:
            errors["population"] = _("Populationen måste vara mellan 0 och %(max)s.") % {
                "max": MAX_POPULATION
            }
        if population_year is not None and not 1950 <= population_year <= 2100:
            errors["population_year"] = _("Ange ett år mellan 1950 och 2100.")
        if cost_item:
            try:
                item = default_catalogue().cost_item(cost_item)
            except KeyError:
                errors["cost_item"] = _("Kostnadsposten finns inte i katalogen.")
            else:
                if item.unit != "per_year":
                    errors["cost_item"] = _("Välj en kostnad per år; gapet prissätts per år.")
        if len(population_source) > 300:
            errors["population_source"] = _("Högst 300 tecken.")
        if errors:
            raise ValidationError(errors)
        reject_personnummer(population_source)
        setting, _created = IndicatorSetting.objects.get_or_create(organisation=organisation, key=key)
        before = {
            "kpi": setting.kpi,
            "population": setting.population,
            "population_year": setting.population_year,
            "population_source": setting.population_source,
            "cost_item": setting.cost_item,
        }
        setting.kpi, setting.population, setting.population_year = kpi, population, population_year
        setting.population_source, setting.cost_item = population_source, cost_item
        after = {k: getattr(setting, k) for k in before}
        if after == before and not _created:
            return setting  # nothing changed, nothing to record
        setting.save()
        record_event(
            actor=acting_user,
            verb="needs.indicator_changed",
            target=organisation,
            summary=_("Indikator %(name)s ändrad") % {"name": indicator.name},
            data={"key": key, "before": before, "after": after},
        )
    return setting
