"""The annual aggregated follow-up as tables (page, PDF and XLSX alike)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from socialinvest.applications.calculation_results import perspective_label

from .annual import AnnualReport
from .tables import Column, Table


def results_table(r: AnnualReport) -> Table:
    """Decided against ex-post NPV per investment, for the fund's headline perspective and society
    (society's is the engine's total, the same for calculations stored before perspectives)."""
    headline = r.perspectives[0]
    columns = [Column(_("Investering"))]
    if headline != "society":
        label = perspective_label(headline)
        columns += [
            Column(_("Beslutat, %(who)s") % {"who": label}, "mkr"),
            Column(_("Efterkalkyl, %(who)s") % {"who": label}, "mkr"),
        ]
    columns += [
        Column(_("Beslutat, Samhället"), "mkr"),
        Column(_("Efterkalkyl, Samhället"), "mkr"),
        Column(_("Evidensgrad")),
    ]
    rows: list[list[Any]] = []
    for i in r.investments:
        row: list[Any] = [f"{i.reference} {i.title}"]
        if headline != "society":
            row += [i.forecast_by_perspective.get(headline), i.outcome_by_perspective.get(headline)]
        row += [i.forecast_npv, i.outcome_npv, i.evidence_grade]
        rows.append(row)
    return Table(
        "results", _("Nettonuvärde: beslutat mot efterkalkyl"), columns, rows, _("Inga investeringar.")
    )


def perspectives_table(r: AnnualReport) -> Table:
    """Each shown perspective's NPV summed over the investments granted through the year."""
    totals = r.perspective_totals()
    rows = []
    for key in r.perspectives:
        label = perspective_label(key)
        if key == r.headline:
            label = _("%(who)s (huvudperspektiv)") % {"who": label}
        rows.append([label, totals[key]["decided"], totals[key]["outcome"]])
    return Table(
        "perspectives",
        _("Nettonuvärde per perspektiv, summa över investeringarna"),
        [
            Column(_("Perspektiv")),
            Column(_("Beslutade kalkyler"), "mkr"),
            Column(_("Efterkalkyler (de utvärderade)"), "mkr"),
        ],
        rows if any(t["decided"] is not None for t in totals.values()) else [],
        _("Inga beslutade kalkyler med perspektiv."),
    )


def annual_tables(r: AnnualReport) -> list[Table]:
    flows = r.flows
    return [
        Table(
            "money",
            _("Pengar in och ut %(year)s") % {"year": r.year},
            [Column(_("Post")), Column(_("Belopp"), "kr")],
            [
                [_("Kapitaltillskott"), flows["capital_added"]],
                [_("Utbetalt till investeringar"), flows["paid"]],
                [_("Återfört (amortering)"), flows["repaid"]],
                [_("Avkastning"), flows["returned"]],
                [_("Nedskrivet"), flows["written_off"]],
                [_("Kassa vid årets slut"), r.cash_at_year_end],
            ],
        ),
        Table(
            "investments",
            _("Investeringar beviljade till och med %(year)s") % {"year": r.year},
            [
                Column(_("Investering")),
                Column(_("Beslutsdatum"), "date"),
                Column(_("Beviljat"), "kr"),
                Column(_("Utbetalt under året"), "kr"),
                Column(_("Status")),
            ],
            [
                [f"{i.reference} {i.title}", i.decided_on, i.granted, i.paid_in_year, i.status or _("Pågår")]
                for i in r.investments
            ],
            _("Inga investeringar beviljade."),
            [_("Summa"), None, r.granted_total, sum((i.paid_in_year for i in r.investments), start=0), ""],
        ),
        results_table(r),
        Table(
            "repayments",
            _("Återföring mottagen %(year)s") % {"year": r.year},
            [Column(_("Nämnd")), Column(_("Investering")), Column(_("Belopp"), "kr")],
            [[x["unit"], x["application"], x["amount"]] for x in r.repayments],
            _("Ingen återföring mottagen under året."),
            [_("Summa"), "", r.repaid_total] if r.repayments else None,
        ),
        Table(
            "late",
            _("Försenad återföring vid årets slut"),
            [
                Column(_("År")),
                Column(_("Nämnd")),
                Column(_("Investering")),
                Column(_("Kvar att få in"), "kr"),
            ],
            [[str(x["year"]), x["unit"], x["application"], x["remaining"]] for x in r.late],
            _("Ingen återföring är försenad."),
            [_("Summa"), "", "", r.late_total] if r.late else None,
        ),
        Table(
            "lessons",
            _("Lärdomar från slutbeslut"),
            [
                Column(_("Investering")),
                Column(_("Beslut")),
                Column(_("Beslutsdatum"), "date"),
                Column(_("Lärdomar")),
            ],
            [[x["application"], x["outcome"], x["decided_on"], x["lessons"]] for x in r.lessons],
            _("Inga slutbeslut ännu."),
        ),
        perspectives_table(r),
    ]
