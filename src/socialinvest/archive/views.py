"""Downloads for the registry (diarium) and the archive: the decision as PDF/A, the case as a SIP."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _

from socialinvest.applications.permissions import can_export_case
from socialinvest.applications.views.common import require, viewable_application
from socialinvest.core.audit import record_event

from .documents import decision_pdf
from .sip import package_zip

app_name = "archive"


def _exported(request: HttpRequest, application: object, what: str) -> None:
    with transaction.atomic():
        record_event(
            actor=request.user,
            verb=f"archive.{what}",
            target=application,  # type: ignore[arg-type]
            summary=_("Handling framställd för diariet: %(what)s") % {"what": what},
            fund=application.fund,  # type: ignore[attr-defined]
            application=application,
        )


def decision_document(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_application(request, pk)
    require(can_export_case(request.user, application))
    pdf = decision_pdf(application)
    _exported(request, application, "decision_pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{application.reference}-beslut.pdf"'
    return response


def package(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_application(request, pk)
    require(can_export_case(request.user, application))
    data = package_zip(application)
    _exported(request, application, "sip")
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{application.reference}-sip.zip"'
    return response


urlpatterns = [
    path("<int:pk>/decision.pdf", decision_document, name="decision_pdf"),
    path("<int:pk>/package.zip", package, name="package"),
]
