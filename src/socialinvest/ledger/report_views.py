"""The fund economy's report pages: balance and projection, the two accounting views,
the frame-cut list, the year-end statement (with XLSX and CSV), and the seeds' worked
accounting example.  Reads only (selectors in :mod:`.reporting`); for the fund's roles
and auditors (:func:`.permissions.can_view_ledger`)."""

from __future__ import annotations

import copy
import dataclasses
import functools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from socialinvest.core.charts import bundle_version, format_locale
from socialinvest.core.middleware import allow_chart_scripts
from socialinvest.finance.accounting import property_versus_social_investment
from socialinvest.finance.projection import Projection
from socialinvest.finance.statement import UNALLOCATED, YearEndStatement
from socialinvest.funds.models import Fund
from socialinvest.funds.selectors import funds_visible_to
from socialinvest.reports.year_end import statement_csv, statement_xlsx, table_csv

from . import report_forecast, reporting
from .permissions import can_view_ledger

CHART_DATA = "projection"


def _fund_for(request: HttpRequest, fund_pk: int) -> Fund:
    fund: Fund = get_object_or_404(Fund.objects.select_related("owner"), pk=fund_pk)
    verdict = can_view_ledger(request.user, fund)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    return fund


def economy_index(request: HttpRequest) -> HttpResponse:
    """The funds whose economy the user may see; straight to it if there is only one."""
    funds = [f for f in funds_visible_to(request.user).order_by("name") if can_view_ledger(request.user, f)]
    if len(funds) == 1:
        return redirect("ledger:economy", fund_pk=funds[0].pk)
    return render(request, "ledger/report_index.html", {"funds": funds})


@functools.cache
def _projection_chart_template(language: str) -> dict[str, Any]:
    import altair as alt  # slow to import: on first use

    base = alt.Chart(alt.NamedData(CHART_DATA)).encode(x=alt.X("year:O", title=_("År")))
    bars = base.mark_bar().encode(
        y=alt.Y("closing:Q", title=_("Utgående saldo (kr)"), axis=alt.Axis(format=",.0f")),
        color=alt.Color(
            "status:N",
            title=_("Saldo"),
            scale=alt.Scale(domain=[_("positivt"), _("negativt")], range=["#1F6FB2", "#B3261E"]),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("year:O", title=_("År")),
            alt.Tooltip("closing:Q", title=_("Utgående saldo (kr)"), format=",.0f"),
            alt.Tooltip("inflow:Q", title=_("In (kr)"), format=",.0f"),
            alt.Tooltip("outflow:Q", title=_("Ut (kr)"), format=",.0f"),
        ],
    )
    zero = alt.Chart(alt.NamedData(CHART_DATA)).mark_rule(color="#333333").encode(y=alt.datum(0))
    chart = (bars + zero).properties(
        width="container",
        height=260,
        title=_("Fondens saldo vid årets slut, prognos"),
        description=_("Stapeldiagram: fondens utgående saldo per år."),
    )
    return chart.to_dict(validate=False)  # type: ignore[no-any-return]


def projection_chart_spec(projection: Projection) -> dict[str, Any]:
    """Bars of the projected closing balance per year, red where negative (Vega-Lite from altair)."""
    spec = copy.deepcopy(_projection_chart_template(get_language() or "sv"))
    spec["datasets"] = {
        CHART_DATA: [
            {
                "year": r.year,
                "closing": float(r.closing),
                "inflow": float(r.total_in),
                "outflow": float(r.total_out),
                "status": _("negativt") if r.negative else _("positivt"),
            }
            for r in projection.rows
        ]
    }
    spec["data"] = {"name": CHART_DATA}
    return spec


def economy(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = _fund_for(request, fund_pk)
    projection = report_forecast.fund_projection(fund)
    page = render(
        request,
        "ledger/report_economy.html",
        {
            "fund": fund,
            "economy": reporting.fund_economy(fund),
            "projection": projection,
            "chart_spec": projection_chart_spec(projection),
            "chart_locale": format_locale(),
            "bundle_url": reverse("applications:vega_bundle", args=[bundle_version()]),
            "current": "economy",
        },
    )
    return allow_chart_scripts(page)


def accounting(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = _fund_for(request, fund_pk)
    views = reporting.fund_accounting_views(fund)
    return render(
        request,
        "ledger/report_accounting.html",
        {"fund": fund, "rows": views.side_by_side(), "current": "accounting"},
    )


def _year(request: HttpRequest, name: str = "year") -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    try:
        year = int(raw)
    except ValueError:
        raise Http404(_("Okänt år.")) from None
    if not 1900 <= year <= 2200:
        raise Http404(_("Okänt år."))
    return year


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def frame_cut_headers() -> list[str]:
    """The frame-cut CSV's headers, in the request's language."""
    return [
        _("Budgetår"),
        _("Nämnd eller extern part"),
        _("Investering"),
        _("Belopp (kr)"),
        _("Varav uppskattat (kr)"),
        _("Återfört (kr)"),
    ]


def frame_cuts(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = _fund_for(request, fund_pk)
    year = _year(request)
    every = report_forecast.frame_cuts(fund)
    cuts = [c for c in every if year is None or c.year == year]
    if request.GET.get("format") == "csv":
        swedish = request.GET.get("dialect") != "plain"
        rows = [
            [
                c.year,
                c.unit,
                line.application,
                line.amount,
                line.estimated,
                line.received,
            ]
            for c in cuts
            for line in c.lines
        ]
        suffix = f"-{year}" if year else ""
        return _csv_response(
            table_csv(frame_cut_headers(), rows, swedish_excel=swedish),
            f"ramminskning-{fund.slug}{suffix}.csv",
        )
    years = sorted({c.year for c in every})
    return render(
        request,
        "ledger/report_frame_cuts.html",
        {
            "fund": fund,
            "cuts": cuts,
            "summary": report_forecast.frame_cut_summary(cuts),
            "this_year": timezone.localdate().year,
            "year": year,
            "years": years,
            "current": "frame_cuts",
        },
    )


def _party_statement(statement: YearEndStatement, party: str | None) -> YearEndStatement:
    if not party:
        return statement
    for block in statement.parties:
        if block.label == party:
            # The party's share is not broken down by investment or unit: all of it is the rest,
            # so the party's own breakdowns still add up to its block.
            rest = dataclasses.replace(block, label=UNALLOCATED)
            return YearEndStatement(
                statement.year,
                block,
                (),
                (),
                (block,),
                investments_unallocated=rest,
                units_unallocated=rest,
            )
    raise Http404(_("Okänd part."))


def year_end(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = _fund_for(request, fund_pk)
    years = reporting.statement_years(fund)
    year = _year(request) or timezone.localdate().year
    statement = reporting.fund_year_end(fund, year)
    return render(
        request,
        "ledger/report_year_end.html",
        {"fund": fund, "statement": statement, "year": year, "years": years, "current": "year_end"},
    )


def year_end_download(request: HttpRequest, fund_pk: int, year: int, fmt: str) -> HttpResponse:
    fund = _fund_for(request, fund_pk)
    if not 1900 <= year <= 2200:
        raise Http404(_("Okänt år."))
    party = request.GET.get("party") or None
    statement = _party_statement(reporting.fund_year_end(fund, year), party)
    name = f"arsbokslut-{fund.slug}-{year}" + (f"-{slugify(party)}" if party else "")
    if fmt == "xlsx":
        entries = [] if party else reporting.year_entries(fund, year)
        title = f"{fund.name} – {party}" if party else fund.name
        data = statement_xlsx(statement, fund_name=title, entries=entries)
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    swedish = request.GET.get("dialect") != "plain"
    return _csv_response(statement_csv(statement, swedish_excel=swedish), f"{name}.csv")


def accounting_example(request: HttpRequest) -> HttpResponse:
    example = property_versus_social_investment()
    return render(request, "ledger/report_accounting_example.html", {"example": example})
