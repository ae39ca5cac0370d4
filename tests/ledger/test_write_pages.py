"""The ledger's write pages: who sees which button, 403 otherwise; forms post once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from ledger_helpers import D, agreement, key, pay_out

from factories import MembershipFactory, UnitFactory, UserFactory
from socialinvest.ledger import actions
from socialinvest.ledger.models import Disbursement, LedgerEntry, RepaymentAgreement

pytestmark = pytest.mark.django_db

FIXED = {"model": "fixed_schedule", "principal": "10000000", "years": 5, "first_year": 2026}


def page(client, user, name, *args, status=200, **query):
    client.force_login(user)
    response = client.get(reverse(f"ledger:{name}", args=args), query)
    assert response.status_code == status, response.content[:2000]
    return response.content.decode()


def test_the_application_page_links_to_the_investment(world, client, granted):
    client.force_login(world.applicant)
    html = client.get(reverse("applications:detail", args=[granted.pk])).content.decode()
    assert reverse("ledger:investment", args=[granted.pk]) in html


def test_fund_admin_sees_the_buttons_readers_do_not(world, client, granted):
    rows = actions.do_plan_disbursements(
        application=granted, rows=[{"year": 2025, "amount": "1000000"}], acting_user=world.fund_admin
    )
    approve = reverse("ledger:approve", args=[rows[0].pk])
    admin = page(client, world.fund_admin, "investment", granted.pk)
    assert approve in admin and "Ändra utbetalningsplanen" in admin
    assert "Betala: Utbetalningen måste vara godkänd" in admin  # the reason where not allowed
    for reader in (world.auditor, world.decision_maker, world.applicant, world.co_applicant):
        html = page(client, reader, "investment", granted.pk)
        assert approve not in html and "Ändra utbetalningsplanen" not in html
        assert "Endast fondförvaltaren" in html
    lead = UserFactory(username="projektledaren")
    type(granted).objects.filter(pk=granted.pk).update(project_lead=lead)
    page(client, lead, "investment", granted.pk)


def test_outsiders_and_other_units_get_403(world, client, granted):
    other = UserFactory(username="annan-enhet")
    MembershipFactory(user=other, role="applicant", unit=world.labour)
    for user in (world.outsider, other):
        page(client, user, "investment", granted.pk, status=403)
        page(client, user, "journal", world.fund.pk, status=403)


def test_writes_are_403_for_everyone_but_the_fund_admin(world, client, granted):
    d = pay_out(world, granted, "1000000")
    (planned,) = actions.do_plan_disbursements(
        application=granted, rows=[{"year": 2025, "amount": "2000000"}], acting_user=world.fund_admin
    )
    a = agreement(world, granted, FIXED)
    posts = [
        (reverse("ledger:plan", args=[granted.pk]), {}),
        (reverse("ledger:approve", args=[planned.pk]), {}),
        (reverse("ledger:pay", args=[planned.pk]), {}),
        (reverse("ledger:cancel", args=[planned.pk]), {"reason": "x"}),
        (reverse("ledger:write_off", args=[granted.pk]), {"reason": "x", "token": key()}),
        (reverse("ledger:agreement_new", args=[granted.pk]), {}),
        (reverse("ledger:agreement_revise", args=[a.pk]), {}),
        (reverse("ledger:repay", args=[a.pk]), {"budget_year": 2026, "token": key()}),
        (reverse("ledger:reverse", args=[d.paid_entry.pk]), {"reason": "x", "token": key()}),
    ]
    before = LedgerEntry.objects.count()
    for user in (world.auditor, world.decision_maker, world.applicant):
        client.force_login(user)
        for url, data in posts:
            assert client.post(url, data).status_code == 403, (user, url)
    assert LedgerEntry.objects.count() == before
    planned.refresh_from_db()
    assert planned.status == "planned"


def test_plan_page_saves_rows_and_shows_errors_next_to_them(world, client, granted):
    client.force_login(world.fund_admin)
    url = reverse("ledger:plan", args=[granted.pk])
    assert client.get(url).status_code == 200
    data = {
        "rows-TOTAL_FORMS": "3",
        "rows-INITIAL_FORMS": "0",
        "rows-0-year": "2025",
        "rows-0-quarter": "1",
        "rows-0-amount": "5 000 000",
        "rows-1-year": "",
        "rows-1-amount": "",
        "rows-2-year": "2025",
        "rows-2-amount": "7000000",
    }
    html = client.post(url, data).content.decode()
    assert "överstiger det beviljade beloppet" in html
    assert not Disbursement.objects.exists()
    data["rows-2-amount"] = "6600000,00"
    data["rows-2-year"] = "1999"
    html = client.post(url, data).content.decode()
    assert 'id="id_rows-2-year-error"' in html and not Disbursement.objects.exists()
    data["rows-2-year"] = "2026"
    response = client.post(url, data)
    assert response.status_code == 302
    assert sorted(Disbursement.objects.values_list("year", "quarter", "amount")) == [
        (2025, 1, D("5000000")),
        (2026, None, D("6600000")),
    ]


def test_approve_and_pay_buttons_post_once(world, client, granted):
    (d,) = actions.do_plan_disbursements(
        application=granted, rows=[{"year": 2025, "amount": "1000000"}], acting_user=world.fund_admin
    )
    client.force_login(world.fund_admin)
    for _ in range(2):  # a double click
        assert client.post(reverse("ledger:approve", args=[d.pk])).status_code == 302
        assert client.post(reverse("ledger:pay", args=[d.pk])).status_code == 302
    assert LedgerEntry.objects.filter(kind="disbursement").count() == 1
    html = page(client, world.fund_admin, "investment", granted.pk)
    assert "1\xa0000\xa0000\xa0kr" in html and "Utbetald" in html


def test_approval_beyond_what_the_fund_has_is_refused_with_the_reason(world, client, granted):
    opening = LedgerEntry.objects.get(idempotency_key="opening")
    actions.do_reverse_entry(
        entry=opening, reason="Test", idempotency_key=key(), acting_user=world.fund_admin
    )
    (d,) = actions.do_plan_disbursements(
        application=granted, rows=[{"year": 2025, "amount": "1000000"}], acting_user=world.fund_admin
    )
    client.force_login(world.fund_admin)
    response = client.post(reverse("ledger:approve", args=[d.pk]))
    assert response.status_code == 422
    assert "Fonden har inte medel" in response.content.decode()


def test_agreement_pages_create_revise_and_record(world, client, granted):
    pay_out(world, granted, "10000000")
    client.force_login(world.fund_admin)
    new = reverse("ledger:agreement_new", args=[granted.pk])
    html = client.get(new).content.decode()
    assert "Socialnämnden" in html and world.decision_maker.username in html
    bad = {"unit": world.social.pk, "model": "fixed_schedule", "principal": "10000000", "reason": "Avtal"}
    html = client.post(new, {**bad, "approver": world.decision_maker.pk}).content.decode()
    assert 'id="id_years-error"' in html and "Obligatoriskt fält." in html
    assert not RepaymentAgreement.objects.exists()
    response = client.post(
        new, {**bad, "years": "5", "first_year": "2026", "approver": world.decision_maker.pk}
    )
    a = RepaymentAgreement.objects.get()
    assert response.status_code == 302 and response.url == reverse("ledger:agreement", args=[a.pk])
    # Proposed: nothing is due and nothing can be recorded until the named approver approves.
    html = page(client, world.fund_admin, "agreement", a.pk)
    assert "väntar på godkännande" in html and "Registrera återföring" not in html
    assert "Godkänn version 1" not in html  # the fund admin is not the named approver
    approve = reverse("ledger:agreement_version_approve", args=[a.versions.get().pk])
    assert client.post(approve).status_code == 403
    html = page(client, world.decision_maker, "agreement", a.pk)
    assert "Godkänn version 1" in html
    assert client.post(approve).status_code == 302
    assert a.versions.get().approved_by == world.decision_maker
    html = page(client, world.fund_admin, "agreement", a.pk)
    assert "2\xa0000\xa0000\xa0kr" in html and "Registrera återföring" in html
    token = key()
    for _ in range(2):  # a double submit posts once
        response = client.post(
            reverse("ledger:repay", args=[a.pk]), {"instalment_year": 2026, "token": token}
        )
        assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind="repayment")
    assert entry.instalment_year == 2026 and entry.budget_year == entry.entry_date.year
    response = client.post(
        reverse("ledger:repay", args=[a.pk]),
        {"instalment_year": 2027, "amount": "2000000,01", "token": key()},
    )
    assert response.status_code == 422 and "Högst 2\xa0000\xa0000\xa0kr" in response.content.decode()
    revise = reverse("ledger:agreement_revise", args=[a.pk])
    html = client.get(revise).content.decode()
    assert 'value="10000000,00"' in html  # the current terms, decimal comma
    response = client.post(
        revise,
        {
            "model": "fixed_schedule",
            "principal": "10000000",
            "years": "10",
            "first_year": "2026",
            "reason": "Längre tid",
            "approver": world.decision_maker.pk,
        },
    )
    assert response.status_code == 302 and a.versions.count() == 2
    html = page(client, world.auditor, "agreement", a.pk)
    assert "Längre tid" in html and "Registrera återföring" not in html
    assert "Version 2 är föreslagen" in html


def test_pending_years_are_marked(world, client, granted):
    a = agreement(
        world,
        granted,
        {"model": "measured_share", "share": "0.5", "cap": "1000000", "first_year": 2026, "last_year": 2027},
    )
    html = page(client, world.auditor, "agreement", a.pk)
    assert html.count("Väntar på mätning") == 2


def test_journal_filters_paginates_and_reverses(world, client, granted):
    for i in range(55):
        actions.do_add_capital(
            fund=world.fund,
            amount=i + 1,
            description=f"Tillskott {i}",
            idempotency_key=key(),
            acting_user=world.fund_admin,
        )
    html = page(client, world.auditor, "journal", world.fund.pk)
    assert "56 verifikationer" in html and "sida 1 av 2" in html and "Rätta" not in html
    html = page(client, world.fund_admin, "journal", world.fund.pk, kind="capital_injection", year=2024)
    assert "1 verifikation" in html and "Ingående kapital" in html
    entry = LedgerEntry.objects.get(description="Tillskott 54")
    url = reverse("ledger:reverse", args=[entry.pk])
    client.force_login(world.fund_admin)
    assert "Bokför rättelsen" in client.get(url).content.decode()
    html = client.post(url, {"reason": "", "token": key()}).content.decode()
    assert 'id="id_reason-error"' in html
    token = key()
    assert client.post(url, {"reason": "Fel belopp", "token": token}).status_code == 302
    assert LedgerEntry.objects.filter(reverses=entry).count() == 1
    assert client.get(url).status_code == 403  # reversed once


def test_home_lists_disbursements_awaiting_approval_for_fund_admins(world, client, granted):
    actions.do_plan_disbursements(
        application=granted, rows=[{"year": 2025, "amount": "1000000"}], acting_user=world.fund_admin
    )
    client.force_login(world.fund_admin)
    assert reverse("ledger:awaiting") in client.get(reverse("home")).content.decode()
    html = client.get(reverse("ledger:awaiting")).content.decode()
    assert "Utbetalningar att godkänna" in html and reverse("ledger:investment", args=[granted.pk]) in html
    client.force_login(world.decision_maker)
    assert reverse("ledger:awaiting") not in client.get(reverse("home")).content.decode()
    assert "Utbetalningar att godkänna" not in client.get(reverse("ledger:awaiting")).content.decode()


def test_units_of_other_organisations_cannot_get_agreements(world, client, granted):
    stranger = UnitFactory(name="Annan kommuns nämnd")
    client.force_login(world.fund_admin)
    html = client.get(reverse("ledger:agreement_new", args=[granted.pk])).content.decode()
    assert "Annan kommuns nämnd" not in html
    assert stranger.pk


def test_versions_show_the_terms_in_swedish(world, client, granted):
    a = agreement(
        world,
        granted,
        {
            "model": "outcome_contract",
            "principal": "10000000",
            "guaranteed_share": "0.4",
            "years": 4,
            "first_year": 2026,
            "conditional_share_of_savings": "1",
            "return_cap": "0.125",
        },
    )
    html = page(client, world.auditor, "agreement", a.pk)
    for text in (
        "Belopp: 10\xa0000\xa0000\xa0kr",
        "Garanterad andel: 40\xa0%",
        "villkorad del): 100\xa0%",
        "avkastning: 12,5\xa0%",
    ):
        assert text in html


def test_capital_page_posts_once_and_only_for_the_fund_admin(world, client, granted):
    from socialinvest.ledger.selectors import account_balances

    url = reverse("ledger:add_capital", args=[world.fund.pk])
    page(client, world.auditor, "add_capital", world.fund.pk, status=403)
    assert client.post(url, {"amount": "1", "description": "x", "token": key()}).status_code == 403
    html = page(client, world.fund_admin, "journal", world.fund.pk)
    assert url in html
    html = client.post(
        url, {"amount": "1,005", "description": "KF 2026-02-01", "token": key()}
    ).content.decode()
    assert 'id="id_amount-error"' in html
    token = key()
    for _ in range(2):
        response = client.post(url, {"amount": "2 000 000", "description": "KF 2026-02-01", "token": token})
        assert response.status_code == 302
    assert account_balances(world.fund)["fund_capital"] == D("42000000")


def test_the_investment_page_in_english(world, client, granted):
    pay_out(world, granted, "1000000")
    client.force_login(world.fund_admin)
    with translation.override("sv"):  # the request activates English; later tests get Swedish back
        response = client.get(reverse("ledger:investment", args=[granted.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    for text in (
        "disbursements and repayment",
        "Change the disbursement plan",
        "Outstanding investment",
        "Paid",
    ):
        assert text in html
