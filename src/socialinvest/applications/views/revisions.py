"""Versions of a section's texts, and a word-by-word comparison of any two of them."""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from ..actions.update import REVISED_FIELDS
from ..models import Application, SectionRevision
from .common import TAB_BY_SLUG, page_context, viewable_application

_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``[(op, text)]``, op ``"same"``, ``"del"`` or ``"ins"``: ``new`` against ``old``, word by word."""
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("same", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            out.append(("del", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            out.append(("ins", "".join(b[j1:j2])))
    return out


def _number(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def field_versions(request: HttpRequest, application: Application, field: str) -> dict[str, Any]:
    versions = list(
        SectionRevision.objects.filter(application=application, field=field)
        .select_related("created_by")
        .order_by("number")
    )
    label = str(Application._meta.get_field(field).verbose_name)
    if len(versions) < 2:
        return {"field": field, "label": label, "versions": versions, "diff": None}
    by_number = {v.number: v for v in versions}
    b = _number(request.GET.get(f"{field}-b"), versions[-1].number)
    a = _number(request.GET.get(f"{field}-a"), versions[-2].number)
    old, new = by_number.get(a, versions[-2]), by_number.get(b, versions[-1])
    return {
        "field": field,
        "label": label,
        "versions": versions,
        "a": old,
        "b": new,
        "diff": word_diff(old.text, new.text),
    }


def section_versions(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    tab = TAB_BY_SLUG.get(section)
    fields = [f for f in (tab.fields if tab else ()) if f in REVISED_FIELDS]
    if not fields:
        raise Http404(_("Avsnittet har inga texter med versioner."))
    application = viewable_application(request, pk)
    context = page_context(
        request,
        application,
        tab.slug,
        panel=False,
        fields=[field_versions(request, application, f) for f in fields],
    )
    return render(request, "applications/section_versions.html", context)


urlpatterns = [
    path("<int:pk>/section/<slug:section>/versions/", section_versions, name="section_versions"),
]
