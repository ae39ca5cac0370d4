"""The decision and the application as decided, as one PDF/A-3b document with the case number.

WeasyPrint writes PDF/A (``pdf_variant="pdf/a-3b"``): fonts embedded, XMP metadata with the
PDF/A identification, the title carrying the case number.  What it shows is read with the same
selectors as the pages (review summary, who reviewed, the council's opinion, the calculation
the decision was based on).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.applications.models import Application
from socialinvest.applications.selectors import (
    council_opinion_of,
    decision_of,
    review_summary,
    reviewer_statuses,
)
from socialinvest.applications.views.common import TABS

PDF_VARIANT = "pdf/a-3b"


def decision_context(application: Application) -> dict[str, Any]:
    decision = decision_of(application)
    calculation = decision.calculation if decision else application.latest_calculation()
    sections = []
    for tab in TABS:
        for name in tab.fields:
            field = Application._meta.get_field(name)
            value = getattr(application, name)
            if value in (None, ""):
                continue
            sections.append((str(field.verbose_name), value))
    return {
        "application": application,
        "decision": decision,
        "calculation": calculation,
        "units": list(application.applicant_units.select_related("unit")),
        "budget": list(application.budget_lines.select_related("payer")),
        "indicators": list(application.planned_indicators.all()),
        "sections": sections,
        "summary": review_summary(application),
        "reviewers": reviewer_statuses(application),
        "opinion": council_opinion_of(application),
        "generated_at": timezone.localtime(),
        "title": _("%(ref)s – beslut och ansökan") % {"ref": application.reference},
    }


def decision_html(application: Application) -> str:
    return render_to_string("archive/decision.html", decision_context(application))


def decision_pdf(application: Application) -> bytes:
    """The PDF/A-3b document (title and first page carry the case number)."""
    from weasyprint import HTML

    return HTML(string=decision_html(application)).write_pdf(pdf_variant=PDF_VARIANT)  # type: ignore[no-any-return]
