"""The demo's second fund: a multi-party fund shared by the municipality, the region and two
state agencies, loaded through the services.

"Gemensamma fonden för unga vuxna" (slug ``gemensam``) is owned by the demo organisation
and has four parties — Exempelstads kommun (no unit of its own in the system: it is the
owner), Region Exempel, Försäkringskassan and Arbetsförmedlingen (the demo's external
units) — each contributing 2 Mkr (injected 2026-01-15), with cost and repayment keys
equal to the capital shares, 25 % each, the way a coordination association
(samordningsförbund) splits its costs by the members' statutory shares.  The amounts and
the equal shares are a demo assumption (under FINSAM the state pays half, the region and
the municipalities a quarter each; here the state's half is split evenly between the two
agencies).

Who does what:

* :func:`socialinvest.ledger.actions.create_fund.do_create_fund` lets a superuser or a fund
  administrator *of the owner organisation* establish a fund; a membership scoped to a
  fund cannot exist before the fund does.  The demo has no superuser, so the user
  ``ekonom`` (the first fund's administrator) also gets a fund_admin membership scoped to
  the organisation — needed for this and nothing more: it adds no power over the first
  fund, where ``ekonom`` already administers.
* Every demo user who holds a role scoped to the first fund (``sif``) gets the same role
  scoped to this fund (``ekonom`` a fund-scoped fund_admin too), so the fund's pages show
  for the same people; the organisation's auditor sees it through the organisation.

Idempotent like the rest of the demo: the fund is looked up by its slug, the parties are
set only when the fund has none, the capital is posted with a stable idempotency key per
party (posting again returns the entry already posted), and memberships are
given through the roles service when missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from socialinvest.funds.models import Fund
from socialinvest.ledger.actions import do_add_capital, do_create_fund, do_set_fund_parties
from socialinvest.ledger.models import FundParty
from socialinvest.organisations.actions import do_grant_role
from socialinvest.organisations.models import Membership

SLUG = "gemensam"
NAME = "Gemensamma fonden för unga vuxna"
FIRST_FUND = "sif"
INJECTED_ON = dt.date(2026, 1, 15)
CONTRIBUTION = Decimal("2000000")
SHARE = "0.25"
# party name, the demo unit it is (None: the owner municipality itself)
PARTIES: list[tuple[str, str | None]] = [
    ("Exempelstads kommun", None),
    ("Region Exempel", "Region Exempel"),
    ("Försäkringskassan", "Försäkringskassan"),
    ("Arbetsförmedlingen", "Arbetsförmedlingen"),
]
RULES = """\
Regler för Gemensamma fonden för unga vuxna (demo)

Kommunen, regionen, Försäkringskassan och Arbetsförmedlingen har skjutit till 2 miljoner
kronor var till en gemensam fond för insatser som hjälper unga vuxna till arbete eller
studier. Utbetalningar fördelas mellan parterna efter kostnadsnyckeln och återföring efter
återföringsnyckeln; båda är 25 % per part (demoantagande). Varje part får ett eget
årsbokslut.
"""


def load_parties_fund(
    *, org: Any, units: dict[str, Any], users: dict[str, Any], org_admin: Any, say: Any
) -> Fund:
    """Create whatever of the multi-party demo fund is missing (see the module docstring).

    The fund's economist establishes it as a fund administrator of the organisation (the
    role the demo's first fund gave them).
    """
    fund = Fund.objects.filter(slug=SLUG).first()
    # A fresh object: the permission checks cache a user's memberships on the object.
    admin = get_user_model().objects.get(pk=users["ekonom"].pk)
    if fund is None:
        fund = do_create_fund(
            owner=org,
            name=NAME,
            slug=SLUG,
            capital=0,  # the capital is the parties' contributions, injected below
            acting_user=admin,
            rules_text=RULES,
            requires_idea_test=False,
            min_applicant_units=2,
            default_repayment_model="fixed_schedule",
        )
        say("  " + _("%(name)s: skapad") % {"name": NAME})
    _mirror_roles(fund, org, org_admin)
    if not FundParty.objects.filter(fund=fund).exists():
        do_set_fund_parties(
            fund=fund,
            parties=[
                {
                    "name": name,
                    "unit": units[unit].pk if unit else None,
                    "capital_contribution": CONTRIBUTION,
                    "cost_key": SHARE,
                    "repayment_key": SHARE,
                }
                for name, unit in PARTIES
            ],
            acting_user=admin,
        )
    for party in FundParty.objects.filter(fund=fund).order_by("id"):
        do_add_capital(
            fund=fund,
            party=party,
            amount=party.capital_contribution,
            description=f"Kapitaltillskott från {party.name} enligt överenskommelsen om fonden",
            idempotency_key=f"demo:capital:{party.name}",
            entry_date=INJECTED_ON,
            budget_year=INJECTED_ON.year,
            acting_user=admin,
        )
    return fund


def _mirror_roles(fund: Fund, org: Any, org_admin: Any) -> None:
    """The roles users hold in the first fund, held in this one too (given by the organisation's
    administrator, through the roles service)."""
    for membership in Membership.objects.filter(fund__slug=FIRST_FUND).select_related("user").order_by("id"):
        if not Membership.objects.filter(user=membership.user, role=membership.role, fund=fund).exists():
            do_grant_role(
                organisation=org,
                user=membership.user,
                role=membership.role,
                scope=fund,
                acting_user=org_admin,
            )
