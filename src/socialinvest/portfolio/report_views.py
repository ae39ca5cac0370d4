"""The reports' pages and downloads: the annual aggregated follow-up, the decision pack, the
one-page summary per investment — each as a page, a PDF and an XLSX from one description."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from socialinvest.applications.calculation_results import perspective_label
from socialinvest.applications.models import Application

from . import annual, charts, pack, pdf, summary
from .annual_tables import annual_tables
from .store import dashboard_data
from .tables import workbook
from .views import fund_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _no_data(request: HttpRequest, fund: Any, message: str) -> HttpResponse:
    return render(request, "portfolio/report/no_data.html", {"fund": fund, "message": message}, status=404)


# ------------------------------------------------------------------------------ annual report


def annual_context(fund: Any, year: int, *, for_pdf: bool = False) -> dict[str, Any]:
    report = annual.annual_report(fund, year)
    balance = [r for r in dashboard_data(fund).data["balance"] if r["year"] <= year + 5]
    chart = charts.balance_chart(balance) if balance else None
    return {
        "fund": fund,
        "report": report,
        "tables": annual_tables(report),
        "report_headline": perspective_label(fund.headline_perspective).lower(),
        "balance_chart": chart,
        "balance_svg": pdf.svg_image(chart) if chart is not None and for_pdf else "",
    }


def _year(request: HttpRequest, fund: Any) -> tuple[int | None, list[int]]:
    years = annual.report_years(fund)
    raw = request.GET.get("year", "")
    if raw.isdigit():
        return int(raw), years
    return (years[-1] if years else None), years


def annual_page(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = fund_for(request, fund_pk)
    year, years = _year(request, fund)
    if year is None:
        return _no_data(request, fund, _("Fonden har ännu inga beslut eller rörelser att redovisa."))
    try:
        context = annual_context(fund, year)
    except annual.NoData:
        return _no_data(request, fund, _("Fonden har inget att redovisa för %(year)s.") % {"year": year})
    context.update({"years": years, "year": year})
    return render(request, "portfolio/report/annual.html", context)


def annual_pdf(request: HttpRequest, fund_pk: int, year: int) -> HttpResponse:
    fund = fund_for(request, fund_pk)
    try:
        content = annual_pdf_bytes(fund, year)
    except annual.NoData:
        return _no_data(request, fund, _("Fonden har inget att redovisa för %(year)s.") % {"year": year})
    return _download(content, "application/pdf", f"{slugify(fund.name)}-{year}.pdf")


def annual_pdf_bytes(fund: Any, year: int) -> bytes:
    """The annual report as PDF, made once per change of the fund and kept in the cache.

    The key names the fund's stored dashboard snapshot, which is replaced whenever a calculation,
    decision, posting, evaluation, closing decision or aim of the fund changes (and every day),
    so a PDF is never older than the figures it shows."""
    snapshot = dashboard_data(fund)
    key = f"portfolio:annual-pdf:{snapshot.pk}:{snapshot.computed_at.timestamp()}:{year}:{get_language()}"
    content = cache.get(key)
    if content is None:
        context = annual_context(fund, year, for_pdf=True)
        title = _("Årlig samlad uppföljning %(year)s") % {"year": year}
        content = pdf.render_pdf("portfolio/report/annual_body.html", context, title=title)
        cache.set(key, content, PDF_SECONDS)
    return content  # type: ignore[no-any-return]


PDF_SECONDS = 24 * 3600


def annual_xlsx_bytes(fund: Any, year: int) -> bytes:
    report = annual.annual_report(fund, year)
    title = f"{fund.name}: " + _("Årlig samlad uppföljning %(year)s") % {"year": year}
    return workbook(title, annual_tables(report))


def annual_xlsx(request: HttpRequest, fund_pk: int, year: int) -> HttpResponse:
    fund = fund_for(request, fund_pk)
    try:
        content = annual_xlsx_bytes(fund, year)
    except annual.NoData:
        return _no_data(request, fund, _("Fonden har inget att redovisa för %(year)s.") % {"year": year})
    return _download(content, XLSX, f"{slugify(fund.name)}-{year}.xlsx")


# ------------------------------------------------------------------------------ decision pack


def pack_page(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = fund_for(request, fund_pk)
    context = pack.decision_pack(fund)
    return render(request, "portfolio/report/pack.html", context)


def pack_pdf(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = fund_for(request, fund_pk)
    context = pack.decision_pack(fund)
    if not context["items"]:
        return _no_data(request, fund, _("Inga ansökningar väntar på beslut."))
    content = pdf.render_pdf("portfolio/report/pack_body.html", context, title=_("Beslutsunderlag"))
    return _download(
        content, "application/pdf", f"{slugify(fund.name)}-beslutsunderlag-{timezone.localdate()}.pdf"
    )


def pack_xlsx(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = fund_for(request, fund_pk)
    context = pack.decision_pack(fund)
    if not context["items"]:
        return _no_data(request, fund, _("Inga ansökningar väntar på beslut."))
    tables = [t for item in context["items"] for t in item["tables"]]
    content = workbook(f"{fund.name}: " + _("Beslutsunderlag"), tables)
    return _download(content, XLSX, f"{slugify(fund.name)}-beslutsunderlag-{timezone.localdate()}.xlsx")


# ------------------------------------------------------------------------------ one-page summary


def _granted(fund: Any, app_pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("fund"), pk=app_pk, fund=fund, decision__outcome="granted"
    )


def summary_page(request: HttpRequest, fund_pk: int, app_pk: int) -> HttpResponse:
    fund = fund_for(request, fund_pk)
    context = summary.investment_summary(_granted(fund, app_pk))
    return render(request, "portfolio/report/summary.html", context)


def summary_pdf(request: HttpRequest, fund_pk: int, app_pk: int) -> HttpResponse:
    fund = fund_for(request, fund_pk)
    app = _granted(fund, app_pk)
    context = summary.investment_summary(app)
    content = pdf.render_pdf("portfolio/report/summary_body.html", context, title=app.title)
    return _download(content, "application/pdf", f"{slugify(app.reference)}.pdf")


def summary_xlsx(request: HttpRequest, fund_pk: int, app_pk: int) -> HttpResponse:
    fund = fund_for(request, fund_pk)
    app = _granted(fund, app_pk)
    context = summary.investment_summary(app)
    return _download(
        workbook(f"{app.reference} {app.title}", context["tables"]), XLSX, f"{slugify(app.reference)}.xlsx"
    )


def _p(route: str, view: Callable[..., HttpResponse], name: str) -> Any:
    return path(route, login_required(view), name=name)


urlpatterns = [
    _p("<int:fund_pk>/annual/", annual_page, "annual"),
    _p("<int:fund_pk>/annual/<int:year>.pdf", annual_pdf, "annual_pdf"),
    _p("<int:fund_pk>/annual/<int:year>.xlsx", annual_xlsx, "annual_xlsx"),
    _p("<int:fund_pk>/decision-pack/", pack_page, "pack"),
    _p("<int:fund_pk>/decision-pack.pdf", pack_pdf, "pack_pdf"),
    _p("<int:fund_pk>/decision-pack.xlsx", pack_xlsx, "pack_xlsx"),
    _p("<int:fund_pk>/investments/<int:app_pk>/", summary_page, "summary"),
    _p("<int:fund_pk>/investments/<int:app_pk>/summary.pdf", summary_pdf, "summary_pdf"),
    _p("<int:fund_pk>/investments/<int:app_pk>/summary.xlsx", summary_xlsx, "summary_xlsx"),
]
