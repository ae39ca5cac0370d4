"""List, detail, create and the section forms of an application."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ..selectors import applications_visible_to


def application_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(applications_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "applications/list.html", {"page": page})


urlpatterns = [
    path("", application_list, name="list"),
]
