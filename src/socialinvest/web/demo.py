"""Load the demo fund: Exempelstads kommun, its social investment fund, users and applications.

:func:`load_demo` is idempotent.  It looks everything up by a stable key (the
organisation's and the fund's slug, a unit's name, a username, an application's
title in the fund) and creates only what is missing, so running it twice
changes nothing.  Applications are created and moved along their path through
the services in :mod:`socialinvest.applications.actions`, by the user whose role
takes each step, so the audit trail, the status history and the calculation
versions are the real thing.  The content is in :mod:`.demo_content`.

The demo users share one published password: never load the demo into an
installation reachable by others.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from socialinvest.applications import actions
from socialinvest.applications.models import Application
from socialinvest.applications.states import Status
from socialinvest.core.audit import record_event
from socialinvest.engine import Scenario, ScenarioError, load_scenario, parse_scenario, parse_text
from socialinvest.funds.models import Criterion, Fund
from socialinvest.needs.demo import load_needs
from socialinvest.organisations.models import Membership, Organisation, Role, Unit

from . import demo_content as content
from .demo_economy import load_economy
from .demo_parties import load_parties_fund

DEMO_PASSWORD = content.DEMO_PASSWORD
FALLBACK_EXAMPLE = "worked-example.yaml"
# The order of the statuses an application passes on the demo's standard path.
_PATH = [
    Status.IDEA_SUBMITTED,
    Status.FULL_APPLICATION,
    Status.RETURNED,
    Status.IN_PREPARATION,
    Status.COUNCIL_REVIEW,
    Status.RECOMMENDED,
    Status.GRANTED,
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str  # the Role value
    name: str  # what the user stands for

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass
class DemoSummary:
    """What :func:`load_demo` found and created."""

    logins: list[DemoLogin]
    created: dict[str, int] = field(default_factory=dict)
    applications: list[tuple[str, str, str]] = field(default_factory=list)  # reference, title, status
    notes: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())

    def logins_table(self) -> str:
        rows = [("Username", "Password", "Role", "Stands for")]
        rows += [(x.username, x.password, x.role_label, x.name) for x in self.logins]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)


def examples_dir() -> Path:
    """The scenario files: ``examples/`` of the source tree, else of the current directory."""
    for candidate in (Path(__file__).resolve().parents[3] / "examples", Path.cwd() / "examples"):
        if candidate.is_dir():
            return candidate
    return Path.cwd() / "examples"


class _Loader:
    def __init__(self, out: TextIO, summary: DemoSummary):
        self.out = out
        self.summary = summary
        self.units: dict[str, Unit] = {}
        self.users: dict[str, Any] = {}

    def count(self, kind: str, created: bool) -> None:
        self.summary.created[kind] = self.summary.created.get(kind, 0) + int(created)

    def say(self, text: str) -> None:
        self.out.write(text + "\n")

    # -- organisation, fund, users ------------------------------------------------

    def organisation(self) -> Organisation:
        org, created = Organisation.objects.get_or_create(
            slug=content.ORGANISATION["slug"],
            defaults={"name": content.ORGANISATION["name"], "kind": Organisation.Kind.KOMMUN},
        )
        self.count("organisations", created)
        for name, kind, actor_id in content.UNITS:
            unit, created = Unit.objects.get_or_create(
                organisation=org, name=name, defaults={"kind": kind, "actor_id": actor_id}
            )
            self.units[name] = unit
            self.count("units", created)
        return org

    def fund(self, org: Organisation) -> Fund:
        spec = content.FUND
        fund = Fund.objects.filter(slug=spec["slug"]).first()
        self.count("funds", fund is None)
        if fund is None:
            fund = Fund.objects.create(owner=org, **spec)
            record_event(
                actor=None,
                verb="fund.created",
                target=fund,
                summary=_("Fonden %(name)s inrättad med %(capital)s kr")
                % {"name": fund.name, "capital": f"{fund.capital:,.0f}".replace(",", " ")},
                data={"capital": str(fund.capital), "source": "demo"},
                fund=fund,
            )
        for order, (name, weight, description) in enumerate(content.CRITERIA, start=1):
            _criterion, created = Criterion.objects.get_or_create(
                fund=fund, name=name, defaults={"weight": weight, "description": description, "order": order}
            )
            self.count("criteria", created)
        return fund

    def users_and_roles(self, org: Organisation, fund: Fund) -> None:
        user_model = get_user_model()
        for username, name, role, scope in content.USERS:
            user = user_model.objects.filter(username=username).first()
            if user is None:
                user = user_model(username=username, first_name=name, email=f"{username}@exempelstad.example")
                user.set_password(DEMO_PASSWORD)
                user.save()
                self.count("users", True)
            else:
                self.count("users", False)
            where: dict[str, Any]
            if scope == "fund":
                where = {"fund": fund}
            elif scope == "organisation":
                where = {"organisation": org}
            else:
                where = {"unit": self.units[scope]}
            _m, created = Membership.objects.get_or_create(user=user, role=role, **where)
            self.count("memberships", created)
            self.users[username] = user
            self.summary.logins.append(DemoLogin(username, DEMO_PASSWORD, str(role), name))

    # -- applications -------------------------------------------------------------

    def scenario(self, spec: tuple[Any, ...]) -> Scenario:
        if spec[0] == "inline":
            return parse_scenario(spec[1])
        name, overrides = spec[1], (spec[2] if len(spec) > 2 else {})
        path = examples_dir() / name
        try:
            if not overrides:
                return load_scenario(path)
            data = parse_text(path.read_text(encoding="utf-8"))
            return parse_scenario({**data, **overrides})
        except (ScenarioError, OSError) as exc:
            problem = "; ".join(str(p) for p in exc.problems) if isinstance(exc, ScenarioError) else str(exc)
            note = f"{path.name} is missing or invalid ({problem}); used {FALLBACK_EXAMPLE} instead."
            self.summary.notes.append(note)
            self.say(f"  note: {note}")
            return load_scenario(examples_dir() / FALLBACK_EXAMPLE)

    def application(self, fund: Fund, spec: dict[str, Any]) -> Application:
        existing = Application.objects.filter(fund=fund, title=spec["title"]).first()
        self.count("applications", existing is None)
        if existing is not None:
            return existing
        with transaction.atomic():
            app = self._drive(fund, spec)
        self.say(f"  {app.reference}  {app.title}: {app.get_status_display()}")
        return app

    def _drive(self, fund: Fund, spec: dict[str, Any]) -> Application:
        target = Status(spec["target"])
        stop_at = _PATH.index(Status.GRANTED if target == Status.REJECTED else target)
        u = self.users
        applicant = u[spec["applicant"]]

        def step(name: str, user: str, comment: str = "") -> None:
            nonlocal app
            app = actions.do_transition(application=app, name=name, acting_user=u[user], comment=comment)

        app = actions.do_create_application(
            fund=fund,
            title=spec["title"],
            lead_unit=self.units[spec["lead"]],
            co_units=[self.units[n] for n in spec["co"]],
            acting_user=applicant,
        )
        actions.do_update_application(application=app, changes=spec["idea"], acting_user=applicant)
        step("submit_idea", spec["applicant"])
        if stop_at == _PATH.index(Status.IDEA_SUBMITTED):
            return app
        step(
            "accept_idea",
            "beredare",
            "Idén uppfyller fondens kriterier. Välkommen med en fullständig ansökan.",
        )
        step("start_full_application", spec["applicant"])
        actions.do_update_application(application=app, changes=spec["full"], acting_user=applicant)
        lines = [
            {"year": y, "payer": self.units[payer].pk, "amount": amount, "description": text}
            for y, payer, amount, text in spec.get("budget", [])
        ]
        actions.do_replace_budget_lines(application=app, lines=lines, acting_user=applicant)
        if spec.get("partners"):
            actions.do_replace_partners(application=app, partners=spec["partners"], acting_user=applicant)
        if spec.get("indicators"):
            actions.do_replace_indicators(
                application=app, indicators=spec["indicators"], acting_user=applicant
            )
        if stop_at == _PATH.index(Status.FULL_APPLICATION):
            return app
        scenario = self.scenario(spec["scenario"])
        actions.do_save_calculation(
            application=app, scenario=scenario, acting_user=applicant, note=spec["calc_note"]
        )
        actions.do_sign_off(application=app, manager_name=spec["signoff"], acting_user=applicant)
        step("submit", spec["applicant"])
        if target == Status.RETURNED:
            step("return_for_completion", "beredare", spec["return_comment"])
            return app
        step("start_preparation", "ekonom")
        if spec.get("economist_check"):
            actions.do_save_calculation(
                application=app, scenario=scenario, acting_user=u["ekonom"], note=spec["economist_check"]
            )
        criteria = list(fund.criteria.order_by("order", "id"))
        for reviewer, scores, comment in spec.get("reviews", []):
            actions.do_save_review(
                application=app,
                scores={c.pk: (s, "") for c, s in zip(criteria, scores, strict=True)},
                comment=comment,
                submit=True,
                acting_user=u[reviewer],
            )
        if stop_at == _PATH.index(Status.IN_PREPARATION):
            return app
        step("request_council_opinion", "beredare")
        if stop_at == _PATH.index(Status.COUNCIL_REVIEW):
            return app
        grade, design, opinion = spec["council"]
        actions.do_give_council_opinion(
            application=app,
            evidence_grade=grade,
            evaluation_design=design,
            opinion=opinion,
            acting_user=u["radet"],
        )
        if "not_recommend" in spec:
            step("not_recommend", "beredare", spec["not_recommend"])
        else:
            step("recommend", "beredare", spec["recommend"])
        if stop_at == _PATH.index(Status.RECOMMENDED):
            return app
        actions.do_decide(application=app, acting_user=u["beslut"], **spec["decision"])
        app.refresh_from_db()
        if spec.get("project_lead"):
            assign_project_lead(app, u[spec["project_lead"]], acting_user=u["ekonom"])
        return app


def assign_project_lead(application: Application, user: Any, *, acting_user: Any) -> Application:
    """Name the granted application's project lead, with its audit event.

    (No service for this exists yet; this writes it the way the services do.)
    """
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("fund").get(pk=application.pk)
        if locked.project_lead_id == user.pk:
            return locked
        locked.project_lead = user
        locked.save(update_fields=["project_lead", "updated_at"])
        record_event(
            actor=acting_user,
            verb="application.project_lead",
            target=locked,
            summary=_("Projektledare utsedd: %(name)s") % {"name": user.get_full_name() or user.username},
            fund=locked.fund,
            application=locked,
        )
    return locked


def load_demo(*, stdout: TextIO | None = None) -> DemoSummary:
    """Create whatever of the demo fund is missing; return what exists and what was created."""
    out = stdout if stdout is not None else io.StringIO()
    summary = DemoSummary(logins=[])
    loader = _Loader(out, summary)
    # The history is loaded in one go: its e-mails would only reach invented addresses.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        transaction.atomic(),
    ):
        org = loader.organisation()
        fund = loader.fund(org)
        loader.users_and_roles(org, fund)
        for spec in content.APPLICATIONS:
            loader.application(fund, spec)
        load_economy(users=loader.users, units=loader.units, say=loader.say)
        load_parties_fund(org=org, units=loader.units, users=loader.users, say=loader.say)
        load_needs(org=org, fund=fund, users=loader.users, examples=examples_dir(), say=loader.say)
    for app in Application.objects.filter(fund=fund).order_by("reference"):
        summary.applications.append((app.reference, app.title, str(app.get_status_display())))
    if not summary.created_anything:
        loader.say("The demo fund is already loaded; nothing changed.")
    return summary
