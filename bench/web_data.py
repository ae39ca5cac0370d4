"""Seeded bench data for ``bench/web_perf.py``: one fund, its units, users and roles, N applications.

Call :func:`generate` after ``django.setup()`` on a freshly migrated, empty database.
Rows are written with ``bulk_create`` (fast, no services, no audit of the bench
data itself), but shaped like what the services write:

* a realistic mix of statuses, each with the status history that leads there;
* 1–3 applicant units (the first the lead), 2–6 budget lines, 1–3 planned
  indicators, 0–2 partners, 1–2 calculation versions, 3–10 audit events;
* reviews with criterion scores once an application has been in preparation,
  the council's opinion past the council, a decision for granted and rejected;
* every ``CalculationVersion.result`` is a real engine result (one of two
  example scenarios, computed once), so pages render realistic content.

Timestamps are spread over the last three years (``auto_now``/``auto_now_add``
are switched off while writing).  The same seed gives the same data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCENARIO_FILES = ("alla-barn-i-skolan.yaml", "ungdomsarbetsloshet.yaml")
PASSWORD = "bench-password-123"

# Share of applications in each status (sums to 1): many finished, a steady stream in progress.
STATUS_MIX = {
    "draft_idea": 0.08,
    "idea_submitted": 0.05,
    "idea_accepted": 0.03,
    "idea_declined": 0.05,
    "full_application": 0.10,
    "submitted": 0.05,
    "returned": 0.03,
    "resubmitted": 0.02,
    "in_preparation": 0.06,
    "council_review": 0.03,
    "recommended": 0.03,
    "not_recommended": 0.02,
    "granted": 0.28,
    "rejected": 0.11,
    "withdrawn": 0.06,
}

_IDEA = ["submit_idea", "accept_idea", "start_full_application"]
_SUBMIT = [*_IDEA, "submit"]
_PREP = [*_SUBMIT, "start_preparation"]
_COUNCIL = [*_PREP, "request_council_opinion"]
# The transitions that lead to each status (one plausible path).
PATHS = {
    "draft_idea": [],
    "idea_submitted": ["submit_idea"],
    "idea_accepted": ["submit_idea", "accept_idea"],
    "idea_declined": ["submit_idea", "decline_idea"],
    "full_application": _IDEA,
    "submitted": _SUBMIT,
    "returned": [*_SUBMIT, "return_for_completion"],
    "resubmitted": [*_SUBMIT, "return_for_completion", "resubmit"],
    "in_preparation": _PREP,
    "council_review": _COUNCIL,
    "recommended": [*_COUNCIL, "recommend"],
    "not_recommended": [*_COUNCIL, "not_recommend"],
    "granted": [*_COUNCIL, "recommend", "grant"],
    "rejected": [*_COUNCIL, "not_recommend", "reject"],
    "withdrawn": [*_IDEA, "withdraw"],
}
REVIEWED = {"council_review", "recommended", "not_recommended", "granted", "rejected"}
COUNCIL_DONE = {"recommended", "not_recommended", "granted", "rejected"}

UNITS = (
    ("Socialnämnden", "namnd", "kommun.socialtjanst"),
    ("Utbildningsnämnden", "namnd", "kommun.utbildning"),
    ("Arbetsmarknadsnämnden", "namnd", "kommun.arbetsmarknad"),
    ("Kultur- och fritidsnämnden", "namnd", "kommun.kultur_fritid"),
    ("Vård- och omsorgsnämnden", "namnd", "kommun.omsorg"),
    ("Kommunstyrelsen", "namnd", "kommun.ovrigt"),
    ("Socialförvaltningen", "forvaltning", "kommun.socialtjanst"),
    ("Utbildningsförvaltningen", "forvaltning", "kommun.utbildning"),
    ("Arbetsmarknadsförvaltningen", "forvaltning", "kommun.arbetsmarknad"),
    ("Kultur- och fritidsförvaltningen", "forvaltning", "kommun.kultur_fritid"),
    ("Vård- och omsorgsförvaltningen", "forvaltning", "kommun.omsorg"),
    ("Stadsledningskontoret", "forvaltning", "kommun.ovrigt"),
    ("Region Benchland, hälso- och sjukvård", "extern", "region.halso_sjukvard"),
    ("Försäkringskassan, lokalkontoret", "extern", "stat.forsakringskassan"),
    ("Polisområde Benchstad", "extern", "stat.polisen"),
)
# The ten users the load test logs in: (username, role, scope kind, unit index for applicants).
CLIENTS = (
    ("fondforvaltare", "fund_admin", "fund", None),
    ("beredare1", "preparation", "fund", None),
    ("beredare2", "preparation", "fund", None),
    ("radet", "council", "fund", None),
    ("beslut", "decision_maker", "fund", None),
    ("revisor", "auditor", "organisation", None),
    ("sokande-soc", "applicant", "unit", 6),
    ("sokande-utb", "applicant", "unit", 7),
    ("sokande-am", "applicant", "unit", 8),
    ("sokande-kultur", "applicant", "unit", 9),
)
EXTRA_APPLICANTS_PER_UNIT = 3
CRITERIA = (
    ("Förebygger utanförskap", 2, "Insatsen når barn och unga innan problemen blivit stora."),
    ("Mätbar effekt", 1, "Effekten kan följas upp med indikatorer och jämförelsegrupp."),
    ("Samverkan", 1, "Flera nämnder och externa aktörer deltar."),
    ("Återföring", 1, "Besparingarna kan återföras till fonden."),
)

TITLES = (
    "Alla barn i skolan",
    "Tidiga insatser för unga vuxna",
    "Familjecentral i {area}",
    "Föräldrastöd i {area}",
    "Feriejobb med handledning",
    "Samordnad rehabilitering",
    "Fritidsbanken och aktiv fritid",
    "Läsfrämjande i förskolan",
    "Ungdomsmottagning på nätet",
    "Vägen till arbete",
    "Trygga hem för äldre",
    "Skolsociala team i {area}",
    "Mentorskap för nyanlända",
    "Förebyggande hembesök",
    "Brottsförebyggande arbete i {area}",
)
AREAS = ("Norr", "Söder", "Centrum", "Väster", "Östra hamnen", "Skogsbacken", "Ängsby", "Kvarnholmen")
SENTENCES = (
    "Insatsen riktar sig till barn och unga som riskerar att hamna utanför skola och arbetsliv.",
    "Arbetet bygger på tidig kartläggning av orsakerna och snabba, samordnade insatser.",
    "Erfarenheter från andra kommuner visar minskad frånvaro redan efter första terminen.",
    "Projektet drivs gemensamt av förvaltningarna med stöd av regionen.",
    "Målgruppen identifieras med hjälp av frånvarostatistik och elevhälsans bedömningar.",
    "Effekterna följs upp varje termin och jämförs med en matchad jämförelsegrupp.",
    "Risken för personalomsättning hanteras med dubbelbemanning och tydliga rutiner.",
    "Genomförandet sker i tre faser: uppstart, full drift och överlämning till linjen.",
    "Besparingarna uppstår främst inom socialtjänsten och arbetsmarknadsförvaltningen.",
    "Föräldrar involveras tidigt genom hembesök och gemensamma möten med skolan.",
    "Civilsamhällets organisationer bidrar med fritidsaktiviteter och mentorer.",
    "Insatsen har stöd i systematiska översikter med måttligt starkt vetenskapligt underlag.",
)
VERBS = ("application.updated", "application.budget", "calculation.saved", "application.indicators")


@dataclass
class BenchData:
    """What the load test needs to know about the generated data."""

    fund_id: int
    fund_slug: str
    unit_ids: list[int]
    password: str
    clients: list[str]
    # username -> ids of the applications that user may see (from the app's own selector).
    visible: dict[str, list[int]] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    scenario_file: str = SCENARIO_FILES[0]
    typical_application_id: int = 0
    typical_user: str = ""
    # username -> hex key of the confirmed TOTP device of a user whose role needs a second
    # factor (the production settings ask administrators for one after the password).
    totp_keys: dict[str, str] = field(default_factory=dict)


@contextmanager
def manual_timestamps(*models: Any) -> Iterator[None]:
    """Switch off ``auto_now``/``auto_now_add`` so bulk-created rows keep the given times."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def _text(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(lo, hi)))


def _engine_results() -> list[dict[str, Any]]:
    """Real engine output for each example scenario: what ``do_save_calculation`` stores."""
    from socialinvest.engine import load_scenario, run

    out = []
    for name in SCENARIO_FILES:
        result = run(load_scenario(EXAMPLES / name)).result
        mc = result.monte_carlo
        out.append(
            {
                "scenario": result.scenario,
                "input_sha256": result.input_sha256,
                "engine_version": result.engine_version,
                "seed": result.seed,
                "result": result.model_dump(mode="json", exclude={"scenario"}),
                "npv": result.base.npv,
                "bcr": result.base.bcr,
                "probability_positive_npv": mc.probability_positive_npv if mc else None,
            }
        )
    return out


def generate(n_applications: int = 2000, seed: int = 20250101, batch: int = 500) -> BenchData:
    """Write the bench data into the (empty, migrated) default database."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from socialinvest.applications.models import (
        Application,
        ApplicationUnit,
        BudgetLine,
        CalculationVersion,
        CouncilOpinion,
        CriterionScore,
        Decision,
        Partner,
        PlannedIndicator,
        Review,
        StatusChange,
    )
    from socialinvest.applications.selectors import applications_visible_to
    from socialinvest.applications.states import BY_NAME
    from socialinvest.core.models import AuditEvent
    from socialinvest.funds.models import Criterion, Fund
    from socialinvest.organisations.models import Membership, Organisation, Unit
    from socialinvest.organisations.second_factor import ADMIN_ROLES

    rng = random.Random(seed)
    User = get_user_model()
    engine = _engine_results()
    now = timezone.now()
    start = now - dt.timedelta(days=3 * 365)
    password = make_password(PASSWORD)  # hashed once, shared by every bench user

    timed = (
        Application,
        AuditEvent,
        CalculationVersion,
        StatusChange,
        Review,
        CouncilOpinion,
        Decision,
        Membership,
        Fund,
    )
    with manual_timestamps(*timed), transaction.atomic():
        org = Organisation.objects.create(name="Benchstads kommun", kind="kommun", slug="benchstad")
        units = Unit.objects.bulk_create(
            Unit(organisation=org, name=n, kind=k, actor_id=a) for n, k, a in UNITS
        )
        fund = Fund.objects.create(
            owner=org,
            name="Sociala investeringsfonden",
            slug="sif",
            capital=Decimal(0),  # set below to what was granted plus a margin
            rules_text=_text(rng, 4, 8),
            created_at=start,
        )
        criteria = Criterion.objects.bulk_create(
            Criterion(fund=fund, name=n, weight=w, description=d, order=i)
            for i, (n, w, d) in enumerate(CRITERIA)
        )

        users: dict[str, Any] = {}
        memberships = []

        def user(username: str, first: str, last: str) -> Any:
            u = User(username=username, first_name=first, last_name=last, password=password)
            u.email = f"{username}@benchstad.example"
            users[username] = u
            return u

        for username, _role, _scope, _unit in CLIENTS:
            user(username, username.split("-")[0].capitalize(), "Bench")
        applicants_by_unit: dict[int, list[str]] = {i: [] for i in range(len(UNITS))}
        for i, (_n, kind, _a) in enumerate(UNITS):
            if kind == "extern":
                continue
            for j in range(EXTRA_APPLICANTS_PER_UNIT):
                name = f"sokande-{i:02d}-{j}"
                user(name, "Sökande", f"{i}-{j}")
                applicants_by_unit[i].append(name)
        for _username, _role, _scope, unit in CLIENTS:
            if unit is not None:
                applicants_by_unit[unit].append(_username)
        User.objects.bulk_create(users.values())
        users = {u.username: u for u in User.objects.filter(username__in=users)}

        for username, role, scope, unit in CLIENTS:
            target = {"fund": {"fund": fund}, "organisation": {"organisation": org}}.get(
                scope, {"unit": units[unit] if unit is not None else None}
            )
            memberships.append(Membership(user=users[username], role=role, created_at=start, **target))
        for i, names in applicants_by_unit.items():
            memberships.extend(
                Membership(user=users[n], role="applicant", unit=units[i], created_at=start)
                for n in names
                if n.startswith("sokande-") and n.count("-") == 2
            )
        Membership.objects.bulk_create(memberships)

        assessors = {r: [users[u] for u, role, _s, _i in CLIENTS if role == r] for r in ("preparation",)}
        council = users["radet"]
        decider = users["beslut"]
        admin = users["fondforvaltare"]
        internal = [i for i, (_n, k, _a) in enumerate(UNITS) if k != "extern"]
        external = [i for i, (_n, k, _a) in enumerate(UNITS) if k == "extern"]
        statuses = rng.choices(list(STATUS_MIX), weights=list(STATUS_MIX.values()), k=n_applications)

        plans = []
        for n, status in enumerate(statuses):
            lead = rng.choice(internal)
            co = rng.sample([i for i in internal if i != lead], rng.choice((0, 1, 1, 2)))
            if rng.random() < 0.2:
                co.append(rng.choice(external))
            created = start + dt.timedelta(seconds=rng.uniform(0, (now - start).total_seconds() * 0.97))
            steps = PATHS[status]
            times = sorted(created + dt.timedelta(days=rng.uniform(1, 180)) for _ in steps)
            updated = max([created, *times]) + dt.timedelta(hours=rng.uniform(0, 48))
            updated = min(updated, now)
            creator = users[rng.choice(applicants_by_unit[lead])]
            amount = Decimal(rng.randrange(500_000, 15_000_000, 50_000))
            year = created.year
            app = Application(
                fund=fund,
                reference=f"SIF-{year}-{n + 1:04d}",
                status=status,
                created_by=creator,
                created_at=created,
                updated_at=updated,
                project_lead=creator if status == "granted" else None,
                title=rng.choice(TITLES).format(area=rng.choice(AREAS)),
                summary=_text(rng, 2, 4),
                requested_amount=amount,
                period_start=dt.date(year + 1, 1, 1),
                period_end=dt.date(year + rng.randint(1, 3), 12, 31),
                target_group=_text(rng, 1, 3),
                risk_factors=_text(rng, 1, 3),
                intervention=_text(rng, 3, 6),
                evidence=_text(rng, 2, 5),
                evidence_references=_text(rng, 1, 2),
                effect_chain=_text(rng, 1, 3),
                risks=_text(rng, 1, 3),
                implementation_plan=_text(rng, 2, 4),
                proposed_repayment=_text(rng, 1, 2),
                signoff_name="Förvaltningschef" if steps[3:] else "",
                signed_off_at=times[3] if len(times) > 3 else None,
                signed_off_by=creator if len(times) > 3 else None,
            )
            plans.append((app, lead, co, creator, steps, times, amount))

        for i in range(0, len(plans), batch):
            Application.objects.bulk_create([p[0] for p in plans[i : i + batch]], batch_size=batch)

        children: dict[str, list[Any]] = {
            k: [] for k in ("units", "budget", "partners", "indicators", "calcs", "changes", "events")
        }
        reviews_for: list[tuple[Any, Any, dt.datetime]] = []
        decisions = []
        opinions = []
        granted_total = Decimal(0)
        for app, lead, co, creator, steps, times, amount in plans:
            children["units"].append(ApplicationUnit(application=app, unit=units[lead], is_lead=True))
            children["units"].extend(ApplicationUnit(application=app, unit=units[c]) for c in co)
            payers = [lead, *[c for c in co if c in internal]]
            for k in range(rng.randint(2, 6)):
                children["budget"].append(
                    BudgetLine(
                        application=app,
                        year=app.period_start.year + k % 3,
                        payer=units[rng.choice(payers)],
                        amount=Decimal(rng.randrange(100_000, 4_000_000, 10_000)),
                        from_fund=rng.random() < 0.7,
                        description=rng.choice(("Personal", "Lokaler", "Utbildning", "Utvärdering", "")),
                    )
                )
            children["partners"].extend(
                Partner(application=app, name=f"Föreningen {rng.choice(AREAS)}", role="Mentorer")
                for _ in range(rng.choice((0, 0, 1, 2)))
            )
            children["indicators"].extend(
                PlannedIndicator(
                    application=app,
                    name=f"Indikator {k + 1}",
                    definition=_text(rng, 1, 2),
                    measured_when="Varje termin",
                )
                for k in range(rng.randint(1, 3))
            )
            saved_at = app.created_at + dt.timedelta(days=rng.uniform(0.5, 30))
            for number in range(1, rng.choice((1, 1, 2)) + 1):
                e = engine[rng.randrange(len(engine))]
                children["calcs"].append(
                    CalculationVersion(
                        application=app,
                        number=number,
                        note="" if number == 1 else "Justerade effektantaganden",
                        created_by=creator,
                        created_at=min(saved_at + dt.timedelta(days=number), now),
                        **e,
                    )
                )
            events = [("application.created", app.created_at, creator, "Ansökan skapad: " + app.title)]
            by_transition = {
                "accept_idea": admin,
                "decline_idea": admin,
                "return_for_completion": assessors["preparation"][0],
                "start_preparation": assessors["preparation"][0],
                "request_council_opinion": assessors["preparation"][1],
                "recommend": assessors["preparation"][0],
                "not_recommend": assessors["preparation"][1],
                "grant": decider,
                "reject": decider,
            }
            before = "draft_idea"
            for name, at in zip(steps, times, strict=True):
                t = BY_NAME[name]
                by = by_transition.get(name, creator)
                comment = _text(rng, 1, 2) if t.needs_comment or t.form else ""
                children["changes"].append(
                    StatusChange(
                        application=app,
                        transition=name,
                        from_status=before,
                        to_status=t.target,
                        by=by,
                        at=at,
                        comment=comment,
                    )
                )
                events.append((f"application.{name}", at, by, f"{t.label}"))
                before = t.target
            for _ in range(rng.randint(1, 3)):
                verb = rng.choice(VERBS)
                events.append((verb, saved_at, creator, "Ändrade: sammanfattning, insatsen"))
            children["events"].extend(
                AuditEvent(
                    occurred_at=at,
                    actor=by,
                    verb=verb,
                    target_type="applications.application",
                    target_id=str(app.pk),
                    fund=fund,
                    application=app,
                    summary=summary[:300],
                    data={"bench": True},
                )
                for verb, at, by, summary in events
            )
            status = app.status
            if status in REVIEWED:
                at = times[steps.index("start_preparation")] + dt.timedelta(days=7)
                reviews_for.extend((app, r, at) for r in assessors["preparation"])
            if status in COUNCIL_DONE:
                opinions.append(
                    CouncilOpinion(
                        application=app,
                        author=council,
                        evidence_grade=rng.randint(1, 4),
                        evaluation_design=_text(rng, 1, 3),
                        opinion=_text(rng, 2, 4),
                        submitted_at=times[steps.index("request_council_opinion")] + dt.timedelta(days=14),
                    )
                )
            if status in ("granted", "rejected"):
                granted = status == "granted"
                granted_total += amount if granted else 0
                decisions.append(
                    Decision(
                        application=app,
                        outcome=status,
                        amount=amount if granted else Decimal(0),
                        period_start=app.period_start if granted else None,
                        period_end=app.period_end if granted else None,
                        conditions=_text(rng, 0, 2),
                        reasons=_text(rng, 1, 2),
                        decision_body="Kommunstyrelsen",
                        decided_on=times[-1].date(),
                        reference_number=f"KS {times[-1].year}/{rng.randint(100, 999)}",
                        decided_by=decider,
                        created_at=times[-1],
                    )
                )

        models = {
            "units": ApplicationUnit,
            "budget": BudgetLine,
            "partners": Partner,
            "indicators": PlannedIndicator,
            "calcs": CalculationVersion,
            "changes": StatusChange,
            "events": AuditEvent,
        }
        for key, model in models.items():
            model.objects.bulk_create(children[key], batch_size=batch)
        reviews = Review.objects.bulk_create(
            (Review(application=a, reviewer=r, comment=_text(rng, 1, 2), submitted_at=at, updated_at=at))
            for a, r, at in reviews_for
        )
        CriterionScore.objects.bulk_create(
            (
                CriterionScore(review=rv, criterion=c, score=rng.randint(1, 5), comment="")
                for rv in reviews
                for c in criteria
            ),
            batch_size=batch,
        )
        CouncilOpinion.objects.bulk_create(opinions, batch_size=batch)
        latest = {c.application_id: c for c in children["calcs"]}  # the last (highest number) per app
        for d in decisions:
            d.calculation = latest.get(d.application.pk)
        Decision.objects.bulk_create(decisions, batch_size=batch)
        fund.capital = (granted_total * Decimal("1.2")).quantize(Decimal(1))
        fund.save(update_fields=["capital"])

    data = BenchData(
        fund_id=fund.pk,
        fund_slug=fund.slug,
        unit_ids=[u.pk for u in units],
        password=PASSWORD,
        clients=[c[0] for c in CLIENTS],
    )
    needs_second_factor = {username for username, role, _s, _u in CLIENTS if role in ADMIN_ROLES}
    for username in data.clients:
        u = User.objects.get(username=username)
        data.visible[username] = list(applications_visible_to(u).values_list("pk", flat=True))
        if username in needs_second_factor:
            key = hashlib.sha1(f"bench-totp:{username}".encode()).hexdigest()  # 20 bytes, fixed
            TOTPDevice.objects.create(user=u, name="bench", key=key, confirmed=True)
            data.totp_keys[username] = key
    for s in statuses:
        data.statuses[s] = data.statuses.get(s, 0) + 1
    data.rows = {
        "applications": len(plans),
        **{k: len(v) for k, v in children.items()},
        "reviews": len(reviews),
        "council_opinions": len(opinions),
        "decisions": len(decisions),
        "users": User.objects.count(),
    }
    # A typical application for the live recalculation: in full-application draft, one calculation version.
    client_units = {unit: name for name, _r, _s, unit in CLIENTS if unit is not None}
    typical = next(p for p in plans if p[0].status == "full_application" and p[1] in client_units)
    data.typical_application_id = typical[0].pk
    data.typical_user = client_units[typical[1]]
    return data


def analyze() -> None:
    """Refresh the query planner's statistics after the bulk load (``ANALYZE``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
