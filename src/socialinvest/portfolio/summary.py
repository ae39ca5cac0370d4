"""One page per investment: what it is, who pays, who gains, where it stands, forecast against outcome."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from socialinvest.applications.calculation_results import perspective_label
from socialinvest.applications.models import Application, BudgetLine
from socialinvest.applications.selectors import lead_unit_names
from socialinvest.followup.forecast import actor_names
from socialinvest.followup.selectors import closing_decision_of, current_evidence_grade, latest_adopted_expost
from socialinvest.ledger import selectors as ledger

from .gains import SOCIETY, shown_perspectives
from .presentation import investment_status_label
from .tables import Column, Table


def forecast_rows(
    headline: str, forecast: dict[str, Any] | None, outcome: dict[str, Any] | None
) -> list[list[Any]]:
    """The NPV of each perspective the owners see, decided and ex-post: the fund's headline first,
    society beside it (the engine's totals, also for results stored before perspectives)."""
    views = [(r["base"].get("perspectives") or {}) if r else {} for r in (forecast, outcome)]
    rows = []
    for key in shown_perspectives(headline):
        if key != SOCIETY and not any(key in v for v in views):
            continue
        label = _("Nettonuvärde, %(who)s") % {"who": perspective_label(key)}
        if key == headline:
            label = _("%(who)s (huvudperspektiv)") % {"who": label}
        values = []
        for result, v in zip((forecast, outcome), views, strict=True):
            if key in v:
                values.append(v[key]["npv"])
            elif key == SOCIETY and result:
                values.append(result["base"]["npv"])
            else:
                values.append(None)
        rows.append([label, *values])
    return rows


def investment_summary(app: Application) -> dict[str, Any]:
    decision = app.decision
    calc = decision.calculation
    expost = latest_adopted_expost(app)
    closing = closing_decision_of(app)
    payers = (
        BudgetLine.objects.filter(application=app)
        .values("payer__name", "from_fund")
        .annotate(s=Sum("amount"))
        .order_by("-s")
    )
    pays = Table(
        "pays",
        _("Vem betalar"),
        [Column(_("Betalare")), Column(_("Finansieras av fonden")), Column(_("Belopp"), "kr")],
        [[p["payer__name"], _("ja") if p["from_fund"] else _("nej"), p["s"]] for p in payers],
        _("Ingen budget angiven."),
    )
    figures = ledger.investment_figures(app, decision.amount)
    money = Table(
        "money",
        _("Pengarna"),
        [Column(_("Post")), Column(_("Belopp"), "kr")],
        [
            [_("Beviljat"), decision.amount],
            [_("Utbetalt"), figures.paid],
            [_("Återfört"), figures.repaid],
        ],
    )
    gains_rows: list[list[Any]] = []
    if calc is not None:
        by_actor = calc.result["base"]["by_actor"]
        names = actor_names(app, calc.scenario, set(by_actor))
        gains_rows = [
            [names.get(a, a), pv["pv_benefits"], pv["npv"]]
            for a, pv in sorted(by_actor.items(), key=lambda kv: -kv[1]["pv_benefits"])
        ]
    gains = Table(
        "gains",
        _("Vem får nyttan"),
        [Column(_("Aktör")), Column(_("Nyttor, nuvärde"), "mkr"), Column(_("Nettonuvärde"), "mkr")],
        gains_rows,
        _("Ingen beslutad kalkyl."),
    )
    forecast = Table(
        "forecast",
        _("Prognos mot utfall"),
        [Column(_("Mått")), Column(_("Prognos"), "mkr"), Column(_("Utfall"), "mkr")],
        forecast_rows(
            app.fund.headline_perspective, calc.result if calc else None, expost.result if expost else None
        ),
    )
    status = investment_status_label(closing.outcome if closing else "running")
    return {
        "fund": app.fund,
        "application": app,
        "decision": decision,
        "lead_unit": lead_unit_names([app.pk]).get(app.pk, ""),
        "status": status,
        "grade": current_evidence_grade(app),
        "expost": expost,
        "closing": closing,
        "tables": [money, pays, gains, forecast],
    }
