"""Party keys in force from a year, a 'stop' closing decision, the plan so far, who sees which
links, and the overdraft limit's settings page.

Review items 6, 7, 9, 10 and 11.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from ledger_helpers import D, agreement, pay_out

from socialinvest.core.models import AuditEvent
from socialinvest.followup.models import ClosingDecision
from socialinvest.ledger import actions
from socialinvest.ledger.models import Disbursement, FundParty
from socialinvest.ledger.selectors import party_keys_by_year, party_keys_for_year

THIS = timezone.localdate().year


def parties(w, a_key: str, b_key: str, from_year=None):
    return actions.do_set_fund_parties(
        fund=w.fund,
        parties=[
            {"name": "A", "cost_key": a_key, "repayment_key": a_key},
            {"name": "B", "cost_key": b_key, "repayment_key": b_key},
        ],
        from_year=from_year,
        acting_user=w.fund_admin,
    )


def test_changing_keys_from_a_year_keeps_the_earlier_years_split(world):
    parties(world, "50 %", "50 %", from_year=2024)
    parties(world, "75 %", "25 %", from_year=2027)
    a, b = (FundParty.objects.get(name=n).pk for n in "AB")
    half, three_q, quarter = Decimal("0.5"), Decimal("0.75"), Decimal("0.25")
    assert party_keys_for_year(world.fund, 2026) == {a: (half, half), b: (half, half)}
    assert party_keys_for_year(world.fund, 2027) == {a: (three_q, three_q), b: (quarter, quarter)}
    assert party_keys_for_year(world.fund, 2023) == {a: (0, 0), b: (0, 0)}  # before the parties
    assert party_keys_by_year(world.fund)[a] == [(2024, half, half), (2027, three_q, three_q)]
    assert FundParty.objects.get(pk=a).cost_key == three_q  # the latest keys, for display
    # A closed year cannot get new keys.
    world.fund.books_closed_through = 2025
    world.fund.save(update_fields=["books_closed_through"])
    with pytest.raises(ValidationError) as exc:
        parties(world, "60 %", "40 %", from_year=2025)
    assert "bokslutat" in exc.value.message_dict["from_year"][0]
    parties(world, "60 %", "40 %")  # default: the first open year
    assert party_keys_for_year(world.fund, 2026)[a] == (Decimal("0.6"), Decimal("0.6"))
    assert party_keys_for_year(world.fund, 2025)[a] == (half, half)


def _stop(w, application):
    return ClosingDecision.objects.create(
        application=application,
        outcome=ClosingDecision.Outcome.STOP,
        rationale="Ingen effekt.",
        lessons_learned="",
        decision_body="Kommunstyrelsen",
        decided_on=dt.date(THIS, 1, 15),
        decided_by=w.decision_maker,
    )


def test_a_stop_decision_refuses_approving_and_paying(world, client, granted):
    rows = actions.do_plan_disbursements(
        application=granted,
        rows=[{"year": THIS, "amount": "1000"}, {"year": THIS + 1, "amount": "2000"}],
        acting_user=world.fund_admin,
    )
    approved = actions.do_approve_disbursement(disbursement=rows[0], acting_user=world.fund_admin)
    _stop(world, granted)
    for call in (
        lambda: actions.do_approve_disbursement(disbursement=rows[1], acting_user=world.fund_admin),
        lambda: actions.do_pay_disbursement(disbursement=approved, acting_user=world.fund_admin),
    ):
        with pytest.raises(PermissionDenied) as exc:
            call()
        assert "avslutad genom beslut" in str(exc.value) and "makulera utbetalningen" in str(exc.value)
    assert Disbursement.objects.filter(status="paid").count() == 0
    actions.do_cancel_disbursement(disbursement=approved, reason="Avslutad", acting_user=world.fund_admin)
    client.force_login(world.fund_admin)
    html = client.get(reverse("ledger:investment", args=[granted.pk])).content.decode()
    assert 'id="stopped"' in html and "Kommunstyrelsen" in html


def test_the_plan_so_far_is_up_to_this_year_and_the_whole_plan_separate(world, client, granted):
    pay_out(world, granted, "10000000")
    terms = {"model": "fixed_schedule", "principal": "10000000", "years": "5", "first_year": str(THIS - 1)}
    a = agreement(world, granted, terms)
    client.force_login(world.auditor)
    response = client.get(reverse("ledger:agreement", args=[a.pk]))
    assert response.context["due_so_far"] == D("4000000.00")  # last year and this year
    html = response.content.decode()
    assert "4\xa0000\xa0000\xa0kr" in html and "Hela planen" in html and "10\xa0000\xa0000\xa0kr" in html
    html = client.get(reverse("ledger:investment", args=[granted.pk])).content.decode()
    assert "4\xa0000\xa0000\xa0kr" in html and "Hela planen" in html


def test_links_only_for_those_who_can_open_them(world, client, granted):
    economy = reverse("ledger:economy_index")
    journal = reverse("ledger:journal", args=[world.fund.pk])
    client.force_login(world.applicant)  # an applicant unit's member: sees the investment, not the fund
    html = client.get(reverse("ledger:investment", args=[granted.pk])).content.decode()
    assert f'href="{economy}"' not in html and f'href="{journal}"' not in html
    assert "Fondens alla verifikationer" not in html
    client.force_login(world.outsider)
    assert f'href="{economy}"' not in client.get(reverse("home")).content.decode()
    for user in (world.fund_admin, world.auditor):
        client.force_login(user)
        html = client.get(reverse("ledger:investment", args=[granted.pk])).content.decode()
        assert f'href="{economy}"' in html and f'href="{journal}"' in html


def test_the_fund_admin_chooses_the_calculations_headline_perspective(world, client):
    assert world.fund.headline_perspective == "municipality"  # the default
    with pytest.raises(PermissionDenied):
        actions.do_set_headline_perspective(
            fund=world.fund, perspective="society", acting_user=world.applicant
        )
    with pytest.raises(ValidationError):
        actions.do_set_headline_perspective(
            fund=world.fund, perspective="participants", acting_user=world.fund_admin
        )
    url = reverse("ledger:fund_settings", args=[world.fund.pk])
    client.force_login(world.fund_admin)
    assert "Kalkylernas huvudperspektiv" in client.get(url).content.decode()
    assert client.post(url, {"action": "headline", "perspective": "nobody"}).status_code == 422
    response = client.post(url, {"action": "headline", "perspective": "public_sector"})
    assert response.status_code == 302
    world.fund.refresh_from_db()
    assert world.fund.headline_perspective == "public_sector"
    event = AuditEvent.objects.get(verb="fund.headline_perspective")
    assert event.data == {"before": "municipality", "after": "public_sector"}
    client.force_login(world.auditor)
    html = client.get(url).content.decode()
    assert 'id="headline-perspective">Offentlig sektor<' in html and "Spara huvudperspektivet" not in html
    assert client.post(url, {"action": "headline", "perspective": "society"}).status_code == 403


def test_the_fund_admin_sets_the_overdraft_limit_with_its_reason(world, client):
    with pytest.raises(PermissionDenied):
        actions.do_set_overdraft_limit(
            fund=world.fund, limit="1", reason="x", acting_user=world.decision_maker
        )
    with pytest.raises(ValidationError) as exc:
        actions.do_set_overdraft_limit(
            fund=world.fund, limit="500000", reason="", acting_user=world.fund_admin
        )
    assert "beslut" in exc.value.message_dict["reason"][0]
    url = reverse("ledger:fund_settings", args=[world.fund.pk])
    client.force_login(world.fund_admin)
    assert url in client.get(reverse("ledger:journal", args=[world.fund.pk])).content.decode()
    response = client.post(url, {"action": "overdraft", "limit": "-5", "reason": ""})
    assert response.status_code == 422 and 'id="id_overdraft_limit-error"' in response.content.decode()
    response = client.post(url, {"action": "overdraft", "limit": "1 500 000", "reason": "KF 2026-03-01 § 12"})
    assert response.status_code == 302
    world.fund.refresh_from_db()
    assert world.fund.overdraft_limit == D("1500000") and world.fund.overdraft_reason == "KF 2026-03-01 § 12"
    assert AuditEvent.objects.filter(verb="fund.overdraft_limit").count() == 1
    client.force_login(world.auditor)
    html = client.get(url).content.decode()
    assert "1\xa0500\xa0000\xa0kr" in html and "KF 2026-03-01 § 12" in html
    assert "Spara övertrasseringen" not in html
    assert client.post(url, {"action": "overdraft", "limit": "0"}).status_code == 403
