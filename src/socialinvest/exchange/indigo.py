"""A fund's outcome contracts in the structure of GO Lab's INDIGO data standard.

INDIGO (the Oxford Government Outcomes Lab's data standard for impact bonds and outcome-based
contracts) describes a *project* with its outcome metrics, outcome pricings, outcome payment
commitments, investments, transactions and outcome payments, and the *organisations* (parties)
they name.  Every value is an object ``{"value": ...}``; money is ``{"currency": {"value":
"SEK"}, "amount": {"value": n}}``; dates are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

Here a project is one granted investment of the fund that has at least one repayment agreement
paid on *measured* outcomes (the models ``outcome_contract`` and ``measured_share``):

- organisations: the fund's owner (the investor), every repaying unit (the outcome payers) and
  the applicant units (the providers), with ids ``socialinvest-org-<slug>`` and
  ``socialinvest-unit-<id>`` (not INDIGO's own ``INDIGO-ORG-…`` ids, which GO Lab assigns);
- outcome metrics: the follow-up plan's indicators, and for each outcome-based agreement the
  repaying unit's measured cashable savings (the metric its payments are priced on);
- outcome pricings: each agreement's terms (share of measured savings, guaranteed part, cap);
- outcome payment commitments: each agreement's payer, its ceiling and period, and what it has
  paid so far;
- investments and transactions: the grant, the disbursements paid and the repayments received
  (from the journal);
- outcome payments: per agreement and year, what the schedule says (``Planned``) and what the
  journal received (``Actual``).

The ledger's figures are read through its selectors; nothing is recomputed here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from socialinvest.applications.models import Application
from socialinvest.followup.models import Indicator
from socialinvest.funds.models import Fund
from socialinvest.ledger.models import Account, EntryKind, LedgerLine, RepaymentAgreement
from socialinvest.ledger.selectors import (
    agreement_schedule,
    approved_version,
    of_kind,
    repaid_by_year,
)

OUTCOME_MODELS = ("outcome_contract", "measured_share")
CURRENCY = {"value": "SEK"}
STAGES = {"granted": "Implementation", "closed": "Complete"}


def _v(value: Any) -> dict[str, Any]:
    return {"value": value}


def _money(amount: Decimal | float | int) -> dict[str, Any]:
    return {"currency": CURRENCY, "amount": _v(float(amount))}


def org_id(org: Any) -> str:
    return f"socialinvest-org-{org.slug}"


def unit_id(unit: Any) -> str:
    return f"socialinvest-unit-{unit.pk}"


def _organisation(ident: str, name: str, kind: str) -> dict[str, Any]:
    return {"id": ident, "name": _v(name), "type": _v(kind), "country": _v("SE")}


def _pct(share: Any) -> str:
    return f"{(Decimal(str(share)) * 100).normalize():f} %"


def _pricing_text(terms: dict[str, Any], ceiling: Decimal) -> str:
    if terms.get("model") == "outcome_contract":
        return (
            f"{_pct(terms['guaranteed_share'])} of {terms['principal']} SEK repaid regardless over "
            f"{terms['years']} years from {terms['first_year']}; the rest on "
            f"{_pct(terms['conditional_share_of_savings'])} of the measured savings each year, "
            f"return capped at {_pct(terms['return_cap'])} (at most {ceiling} SEK in all)"
        )
    return (
        f"{_pct(terms['share'])} of the measured savings each year "
        f"{terms['first_year']}-{terms['last_year']}, at most {terms['cap']} SEK in all"
    )


def _period(terms: dict[str, Any]) -> tuple[int, int]:
    first = int(terms["first_year"])
    last = int(terms["last_year"]) if "last_year" in terms else first + int(terms["years"]) - 1
    return first, last


def _project(application: Application, agreements: list[tuple[RepaymentAgreement, Any]]) -> dict[str, Any]:
    fund = application.fund
    investor = org_id(fund.owner)
    providers = [
        unit_id(au.unit)
        for au in application.applicant_units.select_related("unit").order_by("-is_lead", "pk")
    ]
    provider = providers[0] if providers else investor
    decision = getattr(application, "decision", None)
    granted = decision.amount if decision is not None and decision.amount is not None else Decimal(0)

    metrics: list[dict[str, Any]] = []
    plan = getattr(application, "followup_plan", None)
    if plan is not None:
        for ind in Indicator.objects.filter(plan=plan).order_by("order", "pk"):
            target = f"{ind.target_value} {ind.unit}".strip() if ind.target_value is not None else ""
            if target and ind.target_date:
                target += f" by {ind.target_date.isoformat()}"
            metrics.append(
                {
                    "id": f"indicator-{ind.pk}",
                    "definition": _v(f"{ind.name}: {ind.definition}".strip(": ")),
                    "target_population": _v(application.target_group),
                    "unit_type_of_targeted_service_users_or_beneficiaries": _v("Individual"),
                    "outcome_metric_target": _v(target),
                    "outcome_validation_method": _v(
                        "Quasi-experimental study" if ind.has_comparison else "Pre-Post analysis"
                    ),
                    "data_source_for_outcome_validation": _v(ind.data_source),
                }
            )

    pricings, commitments, payments, transactions = [], [], [], []
    total_ceiling = Decimal(0)
    total_repaid = Decimal(0)
    for agreement, version in agreements:
        metric = f"savings-{agreement.pk}"
        payer = unit_id(agreement.unit)
        schedule = agreement_schedule(agreement=agreement)
        repaid = repaid_by_year(application=application, agreement=agreement)
        first, last = _period(version.terms)
        total_ceiling += schedule.ceiling
        total_repaid += sum(repaid.values(), Decimal(0))
        metrics.append(
            {
                "id": metric,
                "definition": _v(
                    f"Cashable savings of {agreement.unit.name} measured by the fund's adopted ex-post "
                    "calculation, per budget year"
                ),
                "target_population": _v(application.target_group),
                "outcome_validation_method": _v("Quasi-experimental study"),
                "data_source_for_outcome_validation": _v(
                    "The fund's adopted ex-post calculation (efterkalkyl)"
                ),
            }
        )
        pricings.append(
            {
                "outcome_metric_id": _v(metric),
                "currency": CURRENCY,
                "maximum_price_if_all_targets_achieved": {"amount": _v(float(schedule.ceiling))},
                "price_description": _v(_pricing_text(version.terms, schedule.ceiling)),
                "notes": f"Repayment agreement {agreement.pk}, version {version.number} "
                f"({version.terms['model']})",
            }
        )
        commitments.append(
            {
                "organisation_id": _v(payer),
                "organisation_role_category": _v("Government/Public Sector/Public Bank"),
                "maximum_potential_outcome_payment": {
                    "currency": CURRENCY,
                    "amount": _v(float(schedule.ceiling)),
                },
                "result_type": _v("Overall"),
                "period": {"start_date": _v(f"{first}"), "end_date": _v(f"{last}")},
                "total_outcome_payments": _money(sum(repaid.values(), Decimal(0))),
            }
        )
        for line in schedule.lines:
            payments.append(
                {
                    "outcome_metric_id": _v(metric),
                    "period": {"start_date": _v(f"{line.year}-01-01"), "end_date": _v(f"{line.year}-12-31")},
                    "payer_organisation_id": _v(payer),
                    "recipient_organisation_id": _v(investor),
                    "type": _v("Planned"),
                    "money": _money(line.amount),
                    "notes": f"{line.basis}{' (waits for the measurement)' if line.pending else ''}",
                }
            )
        for year, amount in repaid.items():
            payments.append(
                {
                    "outcome_metric_id": _v(metric),
                    "period": {"start_date": _v(f"{year}-01-01"), "end_date": _v(f"{year}-12-31")},
                    "payer_organisation_id": _v(payer),
                    "recipient_organisation_id": _v(investor),
                    "type": _v("Actual"),
                    "money": _money(amount),
                }
            )

    cash = LedgerLine.objects.filter(application=application, account=Account.CASH).select_related("entry")
    for line in cash.filter(of_kind(EntryKind.DISBURSEMENT)).order_by("entry__entry_date", "pk"):
        transactions.append(
            {
                "investment_id": _v("fund"),
                "date": _v(line.entry.entry_date.isoformat()),
                "sending_organisation_id": _v(investor),
                "receiving_organisation_id": _v(provider),
                "transaction_type": _v("Other"),
                "money": _money(line.credit - line.debit),
                "notes": f"Disbursement of the fund's investment (journal entry {line.entry_id})",
            }
        )
    for line in cash.filter(of_kind(EntryKind.REPAYMENT)).order_by("entry__entry_date", "pk"):
        payer = unit_id(line.unit) if line.unit_id else provider
        transactions.append(
            {
                "investment_id": _v("fund"),
                "date": _v(line.entry.entry_date.isoformat()),
                "sending_organisation_id": _v(payer),
                "receiving_organisation_id": _v(investor),
                "transaction_type": _v("Outcome Payment"),
                "money": _money(line.debit - line.credit),
                "notes": f"Repayment (journal entry {line.entry_id})",
            }
        )

    signed = min((v.approved_at for _a, v in agreements), default=None)
    dates: dict[str, Any] = {}
    if signed is not None:
        dates["outcomes_contract_signed"] = _v(signed.date().isoformat())
    if decision is not None and decision.period_start:
        dates["start_date_of_service_provision"] = _v(decision.period_start.isoformat())
    if decision is not None and decision.period_end:
        dates["anticipated_end_date_of_service_provision"] = _v(decision.period_end.isoformat())
    return {
        "id": f"socialinvest-{fund.slug}-{application.reference}",
        "name": _v(application.title),
        "stage_development": _v(STAGES.get(application.status, "Implementation")),
        "dates": dates,
        "jurisdiction": {"jurisdiction": _v("SE")},
        "purpose_and_classifications": {"intervention": _v(application.intervention)},
        "overall_project_finance": {
            "total_investment_commitment": {"currency": CURRENCY, "amount": {"exact": _v(float(granted))}},
            "maximum_potential_outcome_payment_v2": _money(total_ceiling),
            "total_outcome_payments_made": _money(total_repaid),
        },
        "outcome_metrics": metrics,
        "outcome_pricings": pricings,
        "outcome_payment_commitments": commitments,
        "investments": [
            {
                "id": "fund",
                "organisation_id": _v(investor),
                "organisation_role_category": _v("Investment Fund"),
                "investment_commitment": {"currency": CURRENCY, "amount": {"exact": _v(float(granted))}},
                "notes": f"{fund.name}: the municipality's social investment fund",
            }
        ],
        "transactions": transactions,
        "outcome_payments": payments,
    }


def outcome_contracts(fund: Fund) -> dict[str, Any]:
    """``{"projects": [...], "organisations": [...]}`` for the fund's outcome contracts."""
    projects, organisations = (
        [],
        {org_id(fund.owner): _organisation(org_id(fund.owner), fund.owner.name, "Investor")},
    )
    applications = Application.objects.filter(fund=fund).order_by("reference")
    for application in applications:
        agreements = []
        for agreement in RepaymentAgreement.objects.filter(application=application).select_related("unit"):
            version = approved_version(agreement)
            if version is not None and version.terms.get("model") in OUTCOME_MODELS:
                agreements.append((agreement, version))
                organisations.setdefault(
                    unit_id(agreement.unit),
                    _organisation(unit_id(agreement.unit), agreement.unit.name, "Outcome payer"),
                )
        if not agreements:
            continue
        for au in application.applicant_units.select_related("unit").order_by("-is_lead", "pk"):
            organisations.setdefault(
                unit_id(au.unit), _organisation(unit_id(au.unit), au.unit.name, "Service provider")
            )
        projects.append(_project(application, agreements))
    return {
        "standard": "INDIGO (Government Outcomes Lab) project and organisation data",
        "projects": projects,
        "organisations": [organisations[k] for k in sorted(organisations)],
    }
