"""Setting up a fund on the pages, and changing its rules: versioned, audited, criteria kept under reviews."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from factories import FundFactory, MembershipFactory, OrganisationFactory, UserFactory
from socialinvest.core.models import AuditEvent
from socialinvest.funds.actions import do_update_fund_rules
from socialinvest.funds.criteria import do_set_criteria
from socialinvest.funds.models import Fund, FundRulesVersion
from socialinvest.funds.rounds import do_set_ideas_all_year
from socialinvest.organisations.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory(name="Exempelstads kommun", slug="exempelstad")


def _criteria(rows):
    data = {"criteria-TOTAL_FORMS": str(len(rows)), "criteria-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"criteria-{i}-{k}": v for k, v in row.items()})
    return data


def test_an_organisation_administrator_sets_up_a_fund_with_rules_and_criteria(client, org):
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.ORG_ADMIN, organisation=org)
    client.force_login(admin)
    assert client.get("/funds/setup/").status_code == 200
    data = {
        "name": "Sociala investeringsfonden",
        "capital": "40 000 000",
        "opened_on": "2026-01-15",
        "rules_text": "Regler",
        "requires_idea_test": "on",
        "min_applicant_units": "2",
        "default_repayment_model": "fixed_schedule",
        **_criteria(
            [
                {"name": "Förebygger", "weight": "2", "scale_min": "1", "scale_max": "5"},
                {"name": "Mätbar", "weight": "1,5", "scale_min": "1", "scale_max": "5"},
            ]
        ),
    }
    response = client.post(f"/funds/setup/{org.slug}/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fund = Fund.objects.get(name="Sociala investeringsfonden")
    assert fund.capital == Decimal("40000000") and fund.min_applicant_units == 2
    assert not fund.requires_council_opinion and fund.requires_idea_test
    assert [(c.name, c.weight) for c in fund.criteria.order_by("order")] == [
        ("Förebygger", Decimal("2.00")),
        ("Mätbar", Decimal("1.50")),
    ]
    assert fund.ledger_entries.count() == 1  # the opening capital, through the ledger's service
    verbs = set(AuditEvent.objects.filter(fund=fund).values_list("verb", flat=True))
    assert {"fund.created", "fund.criteria_changed"} <= verbs
    assert not fund.ideas_all_year  # unticked: ideas only in application periods
    # Version 1 as established, version 2 with its criteria.
    v1, v2 = FundRulesVersion.objects.filter(fund=fund).order_by("number")
    assert (v1.rules["criteria"], v1.created_by, v1.changed) == ([], admin, [])
    assert v2.changed == ["criteria"] and [c["weight"] for c in v2.rules["criteria"]] == ["2.00", "1.50"]
    page = client.get(response.url).content.decode()
    assert "Versioner av reglerna" in page and "Ansökningsperioder" in page


def test_each_rule_change_is_a_version_and_a_refused_one_writes_nothing(org):
    fund = FundFactory(owner=org)
    fund_admin = UserFactory(first_name="Frida", last_name="Förvaltare")
    MembershipFactory(user=fund_admin, role=Role.FUND_ADMIN, fund=fund)
    do_update_fund_rules(fund=fund, changes={"min_applicant_units": 2}, acting_user=fund_admin)
    do_set_criteria(fund=fund, criteria=[{"name": "Mätbar effekt", "weight": "2"}], acting_user=fund_admin)
    do_set_ideas_all_year(fund=fund, ideas_all_year=False, acting_user=fund_admin)
    do_update_fund_rules(fund=fund, changes={"min_applicant_units": 2}, acting_user=fund_admin)  # no change
    counts = (FundRulesVersion.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError):
        do_update_fund_rules(fund=fund, changes={"min_applicant_units": 0}, acting_user=fund_admin)
    assert (FundRulesVersion.objects.count(), AuditEvent.objects.count()) == counts
    versions = list(FundRulesVersion.objects.filter(fund=fund).order_by("number"))
    assert [(v.number, v.changed) for v in versions] == [
        (1, []),  # the fund as it stood before its first change
        (2, ["min_applicant_units"]),
        (3, ["criteria"]),
        (4, ["ideas_all_year"]),
    ]
    assert versions[0].created_by is None and {v.created_by for v in versions[1:]} == {fund_admin}
    assert versions[0].rules["min_applicant_units"] == 1 and versions[1].rules["min_applicant_units"] == 2
    assert versions[3].rules["ideas_all_year"] is False and versions[2].rules["ideas_all_year"] is True
    event = AuditEvent.objects.get(verb="fund.ideas_all_year")
    assert (event.data["before"], event.data["after"], event.data["version"]) == (
        {"ideas_all_year": True},
        {"ideas_all_year": False},
        4,
    )


def test_fund_administrators_change_only_their_funds_rules(org):
    fund, other = FundFactory(owner=org), FundFactory(owner=org)
    fund_admin = UserFactory()
    MembershipFactory(user=fund_admin, role=Role.FUND_ADMIN, fund=fund)
    do_update_fund_rules(fund=fund, changes={"min_applicant_units": 2}, acting_user=fund_admin)
    event = AuditEvent.objects.get(verb="fund.rules_changed")
    assert event.data == {
        "before": {"min_applicant_units": 1},
        "after": {"min_applicant_units": 2},
        "version": 2,
    }
    with pytest.raises(PermissionDenied):
        do_update_fund_rules(fund=other, changes={"min_applicant_units": 2}, acting_user=fund_admin)
    applicant = UserFactory()
    MembershipFactory(user=applicant, role=Role.APPLICANT, fund=fund)
    with pytest.raises(PermissionDenied):
        do_update_fund_rules(fund=fund, changes={"rules_text": "x"}, acting_user=applicant)


def test_criteria_used_by_a_submitted_review_keep_their_weight_and_scale(world):
    from django.utils import timezone

    from builders import make_full_application
    from socialinvest.applications.models import CriterionScore, Review

    fund_admin = world.fund_admin
    used, unused = world.criteria
    app = make_full_application(world)
    review = Review.objects.create(application=app, reviewer=world.preparer, submitted_at=timezone.now())
    CriterionScore.objects.create(review=review, criterion=used, score=4)
    rows = [
        {"id": used.pk, "name": used.name, "weight": "3", "scale_min": 1, "scale_max": 5},
        {"id": unused.pk, "name": unused.name, "weight": "1", "scale_min": 1, "scale_max": 5},
    ]
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        do_set_criteria(fund=world.fund, criteria=rows, acting_user=fund_admin)
    assert "vikt och skala kan inte ändras" in exc.value.message_dict["criteria-0-weight"][0]
    with pytest.raises(ValidationError, match="kan inte tas bort"):
        do_set_criteria(fund=world.fund, criteria=rows[1:], acting_user=fund_admin)
    assert AuditEvent.objects.count() == before
    used.refresh_from_db()
    assert used.weight == 2
    # Its description and the unused criterion may change.
    rows[0]["weight"] = "2"
    rows[0]["description"] = "Förtydligad"
    rows[1]["weight"] = "4"
    do_set_criteria(fund=world.fund, criteria=rows, acting_user=fund_admin)
    unused.refresh_from_db()
    assert unused.weight == 4
