"""The annual aggregated follow-up as tables (page, PDF and XLSX alike)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .annual import AnnualReport
from .tables import Column, Table


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
        Table(
            "results",
            _("Resultat mot prognos"),
            [
                Column(_("Investering")),
                Column(_("Beslutat nettonuvärde"), "mkr"),
                Column(_("Nettonuvärde i efterkalkylen"), "mkr"),
                Column(_("Evidensgrad")),
            ],
            [
                [f"{i.reference} {i.title}", i.forecast_npv, i.outcome_npv, i.evidence_grade]
                for i in r.investments
            ],
            _("Inga investeringar."),
        ),
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
    ]
