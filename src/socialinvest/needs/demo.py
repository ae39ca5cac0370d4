"""The demo's needs analysis: illustrative figures for the fictional Exempelstad, and two aims.

The figures (``examples/demo/oppna-data-exempelstad.csv``) are invented to show
the pages and are stored as *illustrative*, never as Kolada's.  Everything goes
through the needs services, as the pages would do it, acting as the fund
administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from socialinvest.applications.models import Application
from socialinvest.funds.models import Fund
from socialinvest.organisations.actions import do_update_organisation
from socialinvest.organisations.models import Organisation

from .actions import (
    do_import_open_data,
    do_save_aim,
    do_set_aim_investments,
    do_update_indicator_setting,
    do_update_needs_settings,
)
from .models import Aim, OpenDataValue, Source

DEMO_CODE = "9999"  # not a real municipality code: a fetch from Kolada says so, clearly
GROUP = ("GEXEMPEL", "Liknande kommuner (illustrativ grupp)")
# Illustrative populations for a town of about 140 000 (invented, like the figures).
POPULATIONS = {
    "neet_16_24": (11_500, "invånare 16–24 år, illustrativt"),
    "school_eligibility": (1_300, "elever i årskurs 9, illustrativt"),
    "economic_assistance": (140_000, "invånare, illustrativt"),
    "long_term_assistance": (6_000, "vuxna biståndsmottagare, illustrativt"),
    "out_of_home_care": (33_000, "invånare 0–20 år, illustrativt"),
    "youth_unemployment": (7_800, "arbetskraften 18–24 år, illustrativt"),
}


def load_needs(
    *,
    org: Organisation,
    fund: Fund,
    users: dict[str, Any],
    examples: Path,
    say: Callable[[str], None],
    org_admin: Any = None,
) -> None:
    """Load the needs analysis' demo; ``org_admin`` gives the organisation its code if it has none."""
    admin = users["ekonom"]
    if org.municipality_code != DEMO_CODE:
        org = do_update_organisation(
            organisation=org, changes={"municipality_code": DEMO_CODE}, acting_user=org_admin
        )
    do_update_needs_settings(
        organisation=org, comparison_group=GROUP[0], comparison_group_title=GROUP[1], acting_user=admin
    )
    path = examples / "demo" / "oppna-data-exempelstad.csv"
    loaded = OpenDataValue.objects.filter(source=Source.ILLUSTRATIVE).count()
    if not loaded and path.is_file():
        loaded = do_import_open_data(
            organisation=org, raw=path.read_bytes(), acting_user=admin, source=Source.ILLUSTRATIVE
        ).total
    for key, (population, source) in POPULATIONS.items():
        do_update_indicator_setting(
            organisation=org,
            key=key,
            kpi="",
            population=population,
            population_year=2024,
            population_source=source,
            cost_item="",
            acting_user=admin,
        )
    if not Aim.objects.filter(fund=fund).exists():
        school = do_save_aim(
            fund=fund,
            acting_user=admin,
            title="Fler elever behöriga till gymnasiet",
            kpi="N15428",
            higher_is_better=True,
            baseline_year=2020,
            baseline_value="78.4",
            target_year=2030,
            target_value="84.0",
            population=1_300,
            cost_item="exclusion_year_varmdo",
        )
        do_save_aim(
            fund=fund,
            acting_user=admin,
            title="Färre unga som varken arbetar eller studerar",
            kpi="N02797",
            higher_is_better=False,
            baseline_year=2020,
            baseline_value="10.0",
            target_year=2030,
            target_value="6.5",
            population=11_500,
            cost_item="exclusion_year_varmdo",
        )
        granted = Application.objects.filter(fund=fund, title="Alla barn i skolan")
        do_set_aim_investments(aim=school, applications=list(granted), acting_user=admin)
    say(
        _("Behovsanalys: %(figures)s illustrativa värden, %(aims)s mål.")
        % {"figures": loaded, "aims": Aim.objects.filter(fund=fund).count()}
    )
