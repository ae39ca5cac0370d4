"""The demo fund: idempotent, complete, and made through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.urls import reverse

from socialinvest.applications.models import (
    Application,
    ApplicationUnit,
    BudgetLine,
    CalculationVersion,
    CouncilOpinion,
    CriterionScore,
    Decision,
    Review,
    StatusChange,
)
from socialinvest.applications.states import Status
from socialinvest.core.models import AuditEvent
from socialinvest.engine import load_scenario
from socialinvest.followup.models import (
    ExPostCalculation,
    FollowUpPlan,
    Indicator,
    MeasuredSaving,
    Measurement,
    ScheduledMeasurement,
    StatusReport,
)
from socialinvest.followup.selectors import due_measurements_for_user
from socialinvest.funds.capital import uncommitted_capital
from socialinvest.funds.models import Criterion, Fund
from socialinvest.ledger import reporting
from socialinvest.ledger import selectors as ledger
from socialinvest.ledger.models import (
    Disbursement,
    FundParty,
    LedgerEntry,
    LedgerLine,
    RepaymentAgreement,
    RepaymentAgreementVersion,
)
from socialinvest.organisations.models import Membership, Organisation, Role, Unit
from socialinvest.web import demo_content
from socialinvest.web.demo import examples_dir, load_demo

pytestmark = pytest.mark.django_db

MODELS = [
    Organisation,
    Unit,
    Fund,
    Criterion,
    get_user_model(),
    Membership,
    Application,
    ApplicationUnit,
    BudgetLine,
    CalculationVersion,
    StatusChange,
    Review,
    CriterionScore,
    CouncilOpinion,
    Decision,
    AuditEvent,
    LedgerEntry,
    LedgerLine,
    Disbursement,
    RepaymentAgreement,
    RepaymentAgreementVersion,
    FollowUpPlan,
    Indicator,
    ScheduledMeasurement,
    Measurement,
    StatusReport,
    ExPostCalculation,
    MeasuredSaving,
    FundParty,
]


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_loading_twice_changes_nothing():
    first = load_demo()
    before = counts()
    stamps = dict(Application.objects.values_list("pk", "updated_at"))
    out = StringIO()
    second = load_demo(stdout=out)
    assert counts() == before
    assert dict(Application.objects.values_list("pk", "updated_at")) == stamps
    assert first.created_anything and not second.created_anything
    assert "inget ändrades" in out.getvalue()
    assert second.logins == first.logins
    assert before["Application"] == len(demo_content.load(examples_dir())["applications"])
    assert before["Organisation"] == 1 and before["Fund"] == 2 and before["Criterion"] == 6


def test_alla_barn_i_skolan_is_granted_with_its_calculation():
    load_demo()
    app = Application.objects.get(fund__slug="sif", title="Alla barn i skolan")
    assert app.status == Status.GRANTED
    decision = app.decision
    assert decision.outcome == Decision.Outcome.GRANTED
    assert decision.amount == Decimal("11600000")
    assert decision.reference_number == "KS 2024/0412"
    assert decision.calculation is not None and decision.calculation.application_id == app.pk
    example = load_scenario(examples_dir() / "alla-barn-i-skolan.yaml")
    assert decision.calculation.input_sha256 == example.input_sha256()
    assert app.reviews.filter(submitted_at__isnull=False).count() == 2
    assert CouncilOpinion.objects.filter(application=app).exists()
    assert app.project_lead.username == "projektledare"
    # The revolving fund: the 2026 frame cut from Socialnämnden (1.16 Mkr) can be granted again.
    assert uncommitted_capital(app.fund) == Decimal("40000000") + Decimal("1160000") - Decimal("11600000")
    # The real history: every step by the role that takes it, each with its audit event.
    verbs = set(AuditEvent.objects.filter(application=app).values_list("verb", flat=True))
    assert {"application.created", "calculation.saved", "review.submitted", "council.opinion"} <= verbs
    assert {"decision.granted", "application.grant", "application.project_lead"} <= verbs
    path = list(app.status_changes.values_list("to_status", flat=True))
    assert path[0] == Status.IDEA_SUBMITTED and path[-1] == Status.GRANTED
    assert set(app.status_changes.values_list("by__username", flat=True)) == {
        "sokande",
        "beredare",
        "ekonom",
        "beslut",
    }


def test_fund_rules_and_criteria():
    load_demo()
    fund = Fund.objects.get(slug="sif")
    assert fund.capital == Decimal("40000000")
    assert fund.requires_idea_test and fund.requires_council_opinion and fund.min_applicant_units == 2
    assert fund.name == "Sociala investeringsfonden" and fund.owner.name == "Exempelstads kommun"
    names = list(fund.criteria.values_list("name", flat=True))
    assert names[0] == "Förebygger utanförskap" and names[-1] == "Inte ett generellt budgettillskott"
    assert all((c.scale_min, c.scale_max) == (1, 5) and c.weight > 0 for c in fund.criteria.all())
    actors = dict(Unit.objects.filter(organisation=fund.owner).values_list("name", "actor_id"))
    assert actors["Socialnämnden"] == "kommun.socialtjanst"
    assert actors["Kultur- och fritidsnämnden"] == "kommun.kultur_fritid"
    assert actors["Region Exempel"] == "region.halso_sjukvard"
    assert {"Försäkringskassan", "Arbetsförmedlingen", "Polisen"} <= set(actors)


DEMO_PASSWORD = "socialinvest-demo"


def test_one_user_per_role_and_each_can_log_in(client):
    summary = load_demo()
    assert {login.role for login in summary.logins} == set(Role.values)
    for login in summary.logins:
        assert login.password == DEMO_PASSWORD
        user = get_user_model().objects.get(username=login.username)
        assert Membership.objects.filter(user=user, role=login.role).exists()
        assert client.login(request=HttpRequest(), username=login.username, password=DEMO_PASSWORD), (
            login.username
        )
        assert client.get("/").status_code == 200
        client.logout()
    table = summary.logins_table()
    assert all(
        name in table for name in ("ekonom", "sokande2", "beredare2", "radet", "revisor", DEMO_PASSWORD)
    )


def test_applications_span_the_workflow():
    load_demo()
    apps = Application.objects.filter(fund__slug="sif")
    statuses = set(apps.values_list("status", flat=True))
    assert len(statuses) >= 5
    assert {
        Status.GRANTED,
        Status.IDEA_SUBMITTED,
        Status.FULL_APPLICATION,
        Status.RETURNED,
        Status.IN_PREPARATION,
        Status.REJECTED,
    } <= statuses
    in_preparation = apps.get(status=Status.IN_PREPARATION)
    assert in_preparation.reviews.filter(submitted_at__isnull=False).count() == 1
    rejected = apps.get(status=Status.REJECTED)
    assert rejected.decision.outcome == Decision.Outcome.REJECTED and rejected.decision.reasons
    returned = apps.get(status=Status.RETURNED)
    assert returned.status_changes.last().comment
    for app in apps:
        assert app.applicant_units.count() >= 2  # the fund's rule


def test_the_daily_work_an_open_round_assigned_reviews_a_conversation_and_mail_to_files(
    client, settings, tmp_path
):
    """The demo's round is open whatever day it is loaded; "Tidig samordnad insats" has two
    assigned reviewers (beredare declared no conflict and reviewed, beredare2 has it on "Att
    göra"), a short conversation at the three levels, and its mail waits in the queue that the
    demo's worker writes to files."""
    from django.utils import timezone

    from socialinvest.applications.conversation.models import Comment
    from socialinvest.applications.selectors import pending_actions
    from socialinvest.funds.rounds import open_rounds
    from socialinvest.notifications.models import MailStatus, Notification, OutgoingMail
    from socialinvest.notifications.queue import deliver_mail

    load_demo()
    users = {u.username: u for u in get_user_model().objects.all()}
    fund = Fund.objects.get(slug="sif")
    (round_,) = open_rounds(fund)
    assert round_.budget_frame == Decimal("15000000")
    client.force_login(users["ekonom"])
    assert round_.name in client.get(reverse("funds:detail", args=[fund.pk])).content.decode()

    app = Application.objects.get(fund=fund, title__startswith="Tidig samordnad insats")
    assignments = {a.reviewer.username: a for a in app.assignments.select_related("reviewer")}
    assert set(assignments) == {"beredare", "beredare2"} and assignments["beredare"].is_lead
    assert assignments["beredare"].conflict is False and assignments["beredare2"].conflict is None
    assert assignments["beredare2"].due_on == timezone.localdate() + dt.timedelta(days=10)
    todo = [p for p in pending_actions(users["beredare2"]) if p.application.pk == app.pk]
    assert "Anmäl jäv och bedöm" in [p.label for p in todo]

    comments = list(Comment.objects.filter(application=app).order_by("created_at", "id"))
    assert [c.visibility for c in comments] == ["applicants", "fund", "council"]
    client.force_login(users["sokande2"])
    page = client.get(reverse("applications:section", args=[app.pk, "conversation"])).content.decode()
    assert comments[0].body in page and "dödvikt" not in page  # the applicant reads only theirs
    mention = Notification.objects.get(kind="comment.mention", recipient=users["beredare2"])
    mail = OutgoingMail.objects.get(pk=mention.mail_id)
    assert mail.status == MailStatus.QUEUED  # sent by the worker `make demo` starts

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    deliver_mail.call(mail.pk)
    (written,) = tmp_path.iterdir()
    text = written.read_text()
    assert users["beredare2"].email in text and "dödvikt" in text


def test_management_command_prints_the_logins(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="not the demo's own"):  # the test database
        call_command("load_demo", stdout=StringIO())
    assert not Fund.objects.exists()
    out = StringIO()
    call_command("load_demo", "--force", stdout=out)
    text = out.getvalue()
    assert "ekonom" in text and DEMO_PASSWORD in text
    assert "SIF-" in text


def test_management_command_refuses_a_real_installation(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=StringIO())
    assert not Fund.objects.exists()


def test_falls_back_to_the_worked_example_when_a_scenario_file_is_missing(tmp_path, monkeypatch):
    for name in ("worked-example.yaml", "demo/exempelstad.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text((examples_dir() / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr("socialinvest.web.demo.examples_dir", lambda: tmp_path)
    summary = load_demo()
    assert any("alla-barn-i-skolan.yaml" in note for note in summary.notes)
    app = Application.objects.get(fund__slug="sif", title="Alla barn i skolan")
    assert app.status == Status.GRANTED
    assert app.decision.calculation.scenario["name"] == "Worked example"


def test_the_granted_investment_has_its_money_and_follow_up():
    load_demo()
    app = Application.objects.get(fund__slug="sif", title="Alla barn i skolan")
    fund = app.fund
    # Opening 40 Mkr, paid 3.6 + 4.0 Mkr, repaid 1.16 Mkr; 4.0 Mkr approved for 2027.
    assert ledger.paid_by_year(application=app) == {2025: Decimal("3600000"), 2026: Decimal("4000000")}
    balances = ledger.account_balances(fund)
    assert balances["cash"] == Decimal("40000000") - Decimal("7600000") + Decimal("1160000")
    assert balances["investments"] == Decimal("7600000") - Decimal("1160000")
    assert ledger.committed(fund) == Decimal("4000000")
    units = set(app.repayment_agreements.values_list("unit__name", flat=True))
    assert units == {"Socialnämnden", "Region Exempel"}
    # Follow-up: baseline and the first year approved, a half-year due, the ex-post adopted.
    statuses = dict(
        Measurement.objects.filter(scheduled__indicator__plan__application=app).values_list(
            "scheduled__label", "status"
        )
    )
    assert statuses == {"2024": "approved", "2025": "approved"}
    assert ExPostCalculation.objects.get(application=app).adopted_at is not None
    assert MeasuredSaving.objects.filter(application=app, year=2025).exists()
    lead = get_user_model().objects.get(username="projektledare")
    due = due_measurements_for_user(lead, today=dt.date(2026, 11, 23))
    assert [row.scheduled.label for row in due] == ["VT 2026"]


def test_the_multi_party_fund_has_four_parties_and_their_capital(client):
    load_demo()
    fund = Fund.objects.get(slug="gemensam")
    assert fund.name == "Gemensamma fonden för unga vuxna" and fund.owner.slug == "exempelstad"
    parties = list(FundParty.objects.filter(fund=fund).order_by("id"))
    assert [p.name for p in parties] == [
        "Exempelstads kommun",
        "Region Exempel",
        "Försäkringskassan",
        "Arbetsförmedlingen",
    ]
    assert parties[0].unit is None and parties[1].unit.name == "Region Exempel"
    assert sum(p.cost_key for p in parties) == 1 and sum(p.repayment_key for p in parties) == 1
    assert {p.cost_key for p in parties} == {p.repayment_key for p in parties} == {Decimal("0.25")}
    # 4 × 2 Mkr in the journal, each injection the party's own.
    assert ledger.account_balances(fund)["cash"] == Decimal("8000000")
    injections = LedgerEntry.objects.filter(fund=fund, kind="capital_injection")
    assert sorted(injections.values_list("party__name", flat=True)) == sorted(p.name for p in parties)
    assert uncommitted_capital(fund) == Decimal("8000000")
    statement = reporting.fund_year_end(fund, 2026)
    assert statement.fund.net.capital == Decimal("8000000")
    own = {b.label: b.net.capital for b in statement.parties}
    assert own == {p.name: Decimal("2000000") for p in parties}
    # The first fund's roles hold here too, so its pages show for them.
    for username in ("ekonom", "beredare", "radet", "beslut", "revisor"):
        client.force_login(get_user_model().objects.get(username=username))
        html = client.get(reverse("ledger:parties", args=[fund.pk])).content.decode()
        assert "Försäkringskassan" in html and "25\xa0%" in html, username
    # A second load changes nothing in the second fund either.
    before = counts()
    load_demo()
    assert counts() == before


def test_the_organisation_units_users_and_roles_come_through_the_services():
    """Each has the audit event its service writes: nothing in the demo is written around them."""
    from socialinvest.core.models import AuditEvent

    load_demo()
    audited = set(AuditEvent.objects.values_list("target_type", "target_id", "verb"))
    for unit in Unit.objects.all():
        assert ("organisations.unit", str(unit.pk), "unit.created") in audited, unit.name
    for m in Membership.objects.all():
        assert ("organisations.membership", str(m.pk), "role.granted") in audited, m
    for user in get_user_model().objects.all():
        assert ("auth.user", str(user.pk), "user.accepted_invitation") in audited, user.username
    for fund in Fund.objects.all():
        assert ("funds.fund", str(fund.pk), "fund.created") in audited, fund.slug
    admin = get_user_model().objects.get(username="kommunadmin")
    assert Membership.objects.filter(user=admin, role=Role.ORG_ADMIN).exists()
    office = Unit.objects.get(name="Socialförvaltningen")
    assert office.parent.name == "Socialnämnden"
