"""One name per actor from the organisation's units everywhere (issue #10, item 12)."""

from __future__ import annotations

import pytest

from socialinvest.applications.selectors import payer_choices
from socialinvest.organisations.models import Unit
from socialinvest.organisations.names import actor_unit_names, named_by_units


@pytest.mark.django_db
def test_the_committee_names_the_actor_and_the_payer_list_has_it_once(world, full_app):
    Unit.objects.create(
        organisation=world.org,
        name="Socialförvaltningen",
        kind=Unit.Kind.ADMINISTRATION,
        actor_id="kommun.socialtjanst",
    )
    names = actor_unit_names(world.org.pk)
    assert names["kommun.socialtjanst"] == "Socialnämnden"
    assert names["region.halso_sjukvard"] == "Region Exempel"
    payers = [u.name for u in payer_choices(full_app)]
    assert payers.count("Socialnämnden") == 1 and "Socialförvaltningen" not in payers
    assert len(payers) == len(set(payers))


@pytest.mark.django_db
def test_a_calculation_shows_the_units_names_not_the_catalogues(world, full_app, client):
    version = full_app.latest_calculation()
    result = named_by_units(version.result, world.org.pk)
    for actor_id, info in result["actors"].items():
        if actor_id in actor_unit_names(world.org.pk):
            assert info["name"] == actor_unit_names(world.org.pk)[actor_id]
    client.force_login(world.applicant)
    from django.urls import reverse

    page = client.get(reverse("applications:section", args=[full_app.pk, "calculation"])).content.decode()
    catalogue_names = {
        info["name"] for a, info in version.result["actors"].items() if a in actor_unit_names(world.org.pk)
    } - set(actor_unit_names(world.org.pk).values())
    for name in catalogue_names:
        assert name not in page, name
