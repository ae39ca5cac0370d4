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

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.applications import actions
from socialinvest.applications.conversation.actions import do_post_comment
from socialinvest.applications.models import Application
from socialinvest.applications.states import Status
from socialinvest.engine import Scenario, ScenarioError, load_scenario, parse_scenario, parse_text
from socialinvest.followup.actions import do_assign_project_lead
from socialinvest.funds.criteria import do_set_criteria
from socialinvest.funds.models import Fund, Round
from socialinvest.funds.rounds import do_save_round
from socialinvest.ledger.actions import do_create_fund
from socialinvest.needs.demo import load_needs
from socialinvest.organisations import actions as org_actions
from socialinvest.organisations.models import Membership, Organisation, Role, Unit

from . import demo_content as content
from .demo_economy import OPENED_ON, load_economy
from .demo_parties import load_parties_fund
from .demo_public import publish_demo_fund

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
        rows = [(_("Användarnamn"), _("Lösenord"), _("Roll"), _("Står för"))]
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
        self.content = content.load(examples_dir())
        self.password: str = self.content["password"]
        self.admin: Any = None

    def count(self, kind: str, created: bool) -> None:
        self.summary.created[kind] = self.summary.created.get(kind, 0) + int(created)

    def say(self, text: str) -> None:
        self.out.write(text + "\n")

    # -- organisation, units, fund, users: all through the organisation's and the fund's services

    def organisation(self) -> Organisation:
        spec = self.content["organisation"]
        org = Organisation.objects.filter(slug=spec["slug"]).first()
        self.count("organisations", org is None)
        if org is None:
            # The loader stands in for the installer's command line (create_org_admin).
            org = org_actions.do_create_organisation(
                name=spec["name"], slug=spec["slug"], acting_user=None, via_command_line=True
            )
        admin_spec = spec["administrator"]
        self.admin = self._user(admin_spec["username"], admin_spec["name"], org, first_admin=True)
        self.summary.logins.append(
            DemoLogin(admin_spec["username"], self.password, Role.ORG_ADMIN, admin_spec["name"])
        )
        for unit_spec in self.content["units"]:
            unit = Unit.objects.filter(organisation=org, name=unit_spec["name"]).first()
            self.count("units", unit is None)
            if unit is None:
                committee = unit_spec.get("committee")
                unit = org_actions.do_create_unit(
                    organisation=org,
                    name=unit_spec["name"],
                    kind=unit_spec["kind"],
                    actor_id=unit_spec["actor"],
                    parent=self.units[committee] if committee else None,
                    acting_user=self.admin,
                )
            self.units[unit.name] = unit
        return org

    def _user(self, username: str, name: str, org: Organisation, *, first_admin: bool = False) -> Any:
        """The demo user, invited and accepted through the services (password: the demo's)."""
        user = get_user_model().objects.filter(username=username).first()
        self.count("users", user is None)
        if user is not None:
            return user
        email = f"{username}@exempelstad.example"
        if first_admin:
            invitation = org_actions.do_create_org_admin(
                organisation=org, email=email, username=username, first_name=name
            )
        else:
            invitation = org_actions.do_invite_user(
                organisation=org, email=email, username=username, first_name=name, acting_user=self.admin
            )
        uidb64, token = org_actions.invitation_path(invitation.user).strip("/").split("/")[-2:]
        return org_actions.do_accept_invitation(
            uidb64=uidb64, token=token, password1=self.password, password2=self.password
        )

    def grant(self, org: Organisation, user: Any, role: str, scope: Any) -> None:
        where = {"organisation": scope} if isinstance(scope, Organisation) else {}
        where = where or ({"unit": scope} if isinstance(scope, Unit) else {"fund": scope})
        exists = Membership.objects.filter(user=user, role=role, **where).exists()
        self.count("memberships", not exists)
        if not exists:
            org_actions.do_grant_role(
                organisation=org, user=user, role=role, scope=scope, acting_user=self.admin
            )

    def fund(self, org: Organisation) -> Fund:
        spec = dict(self.content["fund"])
        fund = Fund.objects.filter(slug=spec["slug"]).first()
        self.count("funds", fund is None)
        if fund is None:
            # The fund's economist establishes it (a fund administrator of the organisation),
            # and its opening capital is booked on the day the demo's fund opened.
            economist = self.users["ekonom"]
            self.grant(org, economist, Role.FUND_ADMIN, org)
            fund = do_create_fund(
                owner=org,
                acting_user=self.fresh("ekonom"),
                opened_on=OPENED_ON,
                **spec,
            )
        if not fund.criteria.exists():
            do_set_criteria(fund=fund, criteria=self.content["criteria"], acting_user=self.fresh("ekonom"))
            self.count("criteria", True)
        return fund

    def fresh(self, username: str) -> Any:
        """The user anew: the permission checks cache a user's roles on the object."""
        return get_user_model().objects.get(pk=self.users[username].pk)

    def users_and_roles(self, org: Organisation) -> None:
        for spec in self.content["users"]:
            self.users[spec["username"]] = self._user(spec["username"], spec["name"], org)

    def roles(self, org: Organisation, fund: Fund) -> None:
        for spec in self.content["users"]:
            scope = spec["scope"]
            where: Any = fund if scope == "fund" else org if scope == "organisation" else self.units[scope]
            self.grant(org, self.users[spec["username"]], spec["role"], where)
            self.summary.logins.append(DemoLogin(spec["username"], self.password, spec["role"], spec["name"]))

    # -- applications -------------------------------------------------------------

    def scenario(self, spec: dict[str, Any]) -> Scenario:
        if "inline" in spec:
            return parse_scenario(spec["inline"])
        name, overrides = spec["file"], spec.get("overrides") or {}
        path = examples_dir() / name
        try:
            if not overrides:
                return load_scenario(path)
            data = parse_text(path.read_text(encoding="utf-8"))
            return parse_scenario({**data, **overrides})
        except (ScenarioError, OSError) as exc:
            problem = "; ".join(str(p) for p in exc.problems) if isinstance(exc, ScenarioError) else str(exc)
            note = _("%(file)s saknas eller är ogiltig (%(problem)s); använde %(fallback)s i stället.") % {
                "file": path.name,
                "problem": problem,
                "fallback": FALLBACK_EXAMPLE,
            }
            self.summary.notes.append(note)
            self.say("  " + _("obs: %(note)s") % {"note": note})
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
            {
                "year": line["year"],
                "payer": self.units[line["payer"]].pk,
                "amount": line["amount"],
                "description": line["description"],
            }
            for line in spec.get("budget", [])
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
        if spec.get("assignment"):
            self._assign(app, spec)
        criteria = list(fund.criteria.order_by("order", "id"))
        for review in spec.get("reviews", []):
            actions.do_save_review(
                application=app,
                scores={c.pk: (s, "") for c, s in zip(criteria, review["scores"], strict=True)},
                comment=review["comment"],
                submit=True,
                acting_user=u[review["reviewer"]],
            )
        for comment in spec.get("conversation", []):
            do_post_comment(
                application=app,
                body=comment["body"],
                visibility=comment["visibility"],
                acting_user=u[comment["author"]],
            )
        if stop_at == _PATH.index(Status.IN_PREPARATION):
            return app
        step("request_council_opinion", "beredare")
        if stop_at == _PATH.index(Status.COUNCIL_REVIEW):
            return app
        actions.do_give_council_opinion(application=app, acting_user=u["radet"], **spec["council"])
        if "not_recommend" in spec:
            step("not_recommend", "beredare", spec["not_recommend"])
        else:
            step("recommend", "beredare", spec["recommend"])
        if stop_at == _PATH.index(Status.RECOMMENDED):
            return app
        actions.do_decide(application=app, acting_user=u["beslut"], **spec["decision"])
        app.refresh_from_db()
        if spec.get("project_lead"):
            do_assign_project_lead(application=app, user=u[spec["project_lead"]], acting_user=u["ekonom"])
        return app

    def _assign(self, app: Application, spec: dict[str, Any]) -> None:
        """The economist assigns reviewers; those who review in the demo declare no conflict first."""
        assignment = spec["assignment"]
        u = self.users
        actions.do_assign_reviewers(
            application=app,
            reviewers=[u[name] for name in assignment["reviewers"]],
            lead=u[assignment["lead"]],
            due_on=timezone.localdate() + dt.timedelta(days=assignment["due_in_days"]),
            acting_user=u["ekonom"],
        )
        for review in spec.get("reviews", []):
            actions.do_declare_conflict(
                application=app, has_conflict=False, acting_user=u[review["reviewer"]]
            )

    def rounds(self, fund: Fund) -> None:
        """The demo's application rounds, dated from the day it is loaded so one is open."""
        today = timezone.localdate()
        for spec in self.content.get("rounds", []):
            exists = Round.objects.filter(fund=fund, name=spec["name"]).exists()
            self.count("rounds", not exists)
            if exists:
                continue
            do_save_round(
                fund=fund,
                name=spec["name"],
                opens_on=today + dt.timedelta(days=spec["opens_in_days"]),
                closes_on=today + dt.timedelta(days=spec["closes_in_days"]),
                budget_frame=spec.get("budget_frame"),
                description=spec.get("description", ""),
                acting_user=self.fresh("ekonom"),
            )


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
        loader.users_and_roles(org)
        fund = loader.fund(org)
        loader.roles(org, fund)
        loader.rounds(fund)
        for spec in loader.content["applications"]:
            loader.application(fund, spec)
        load_economy(users=loader.users, units=loader.units, say=loader.say)
        load_parties_fund(
            org=org, units=loader.units, users=loader.users, org_admin=loader.admin, say=loader.say
        )
        load_needs(
            org=org,
            fund=fund,
            users=loader.users,
            examples=examples_dir(),
            say=loader.say,
            org_admin=loader.admin,
        )
        publish_demo_fund(fund=fund, users=loader.users, say=loader.say)
    for app in Application.objects.filter(fund=fund).order_by("reference"):
        summary.applications.append((app.reference, app.title, str(app.get_status_display())))
    if not summary.created_anything:
        loader.say(_("Demofonden är redan inläst; inget ändrades."))
    return summary
