"""Public pages (no login): published funds, one investment, open data, calculators.

Pages carry ETag and Last-Modified from the stored public figures and answer a
conditional request with 304; the HTML of a page is rendered once per stored figures
and language and then served from the cache.  They set no cookie (no session, no CSRF
token: the calculators are GET forms) and need no JavaScript.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from socialinvest.reports.csv_export import write_csv

from . import calculators, opendata, published
from .language import in_requested_language
from .presentation import fund_page_context, investment_context

MAX_AGE = 300  # seconds a browser or proxy may reuse a page without asking


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


class NotPublished(Exception):
    pass


def _fund_or_404(request: HttpRequest, slug: str) -> Any:
    stored = _stored(request, slug)
    if stored is None:
        raise NotPublished
    return stored.fund


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    """A clear page (404) for a fund that does not exist or is not published, or an unknown investment."""
    return render(request, "public/not_found.html", {"message": message}, status=404)


def _published_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotPublished:
            return _not_found(request, _("Fonden finns inte eller är inte publicerad."))

    return wrapped


@dataclass
class Stored:
    """A published fund with its stored figures' ETag and time; the figures themselves (a JSON
    document of every investment) are read only when a page is rendered or the data served."""

    fund: Any
    etag: str
    computed_at: Any
    _data: dict[str, Any] | None = None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = published.snapshot(self.fund).data
        return self._data


def _stored(request: HttpRequest, slug: str) -> Stored | None:
    """The published fund and its stored figures' key, looked up once per request in one query
    (ETag, Last-Modified, the view)."""
    memo = request.__dict__.setdefault("_public_stored", {})
    if slug not in memo:
        fund = published.published_fund_with_etag(slug)
        if fund is None:
            memo[slug] = None
        elif fund.snapshot_etag is None:  # not computed since the last change: compute it now
            snapshot = published.snapshot(fund)
            memo[slug] = Stored(fund, snapshot.etag, snapshot.computed_at, snapshot.data)
        else:
            memo[slug] = Stored(fund, fund.snapshot_etag, fund.snapshot_at)
    return memo[slug]  # type: ignore[no-any-return]


def _etag(kind: str) -> Callable[..., str | None]:
    def etag(request: HttpRequest, slug: str, **kwargs: Any) -> str | None:
        s = _stored(request, slug)
        extra = "-".join(str(v) for v in kwargs.values())
        return None if s is None else f"{kind}-{s.etag}-{get_language()}-{extra}"

    return etag


def _last_modified(request: HttpRequest, slug: str, **kwargs: Any) -> Any:
    s = _stored(request, slug)
    return None if s is None else s.computed_at


# Pages this process rendered or read, by key (the stored figures' ETag and the language: a
# key is never stale, a change makes a new one): a cached page view costs no cache round trip.
_PAGES: OrderedDict[str, str] = OrderedDict()
_PAGES_KEPT = 64
_PAGES_LOCK = threading.Lock()


def _cached_page(
    request: HttpRequest, key: str, template: str, context: Callable[[], dict[str, Any]]
) -> HttpResponse:
    html = _PAGES.get(key)
    if html is None:
        html = cache.get(key)
        if html is None:
            html = render_to_string(template, context(), request=request)
            cache.set(key, html, 24 * 3600)
        with _PAGES_LOCK:
            _PAGES[key] = html
            while len(_PAGES) > _PAGES_KEPT:
                _PAGES.popitem(last=False)
    return _public(HttpResponse(html))


@in_requested_language
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return _public(render(request, "public/index.html", {"funds": published.published_funds()}))


@in_requested_language
@require_safe
@_published_only
@condition(etag_func=_etag("fund"), last_modified_func=_last_modified)
def fund_page(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund_or_404(request, slug)
    stored = _stored(request, slug)
    assert stored is not None
    key = f"public:fund:{stored.etag}:{get_language()}"
    return _cached_page(request, key, "public/fund.html", lambda: fund_page_context(fund, stored.data))


@in_requested_language
@require_safe
@_published_only
@condition(etag_func=_etag("investment"), last_modified_func=_last_modified)
def investment_page(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    fund = _fund_or_404(request, slug)
    stored = _stored(request, slug)
    assert stored is not None
    key = f"public:investment:{stored.etag}:{reference}:{get_language()}"

    def investment() -> dict[str, Any] | None:
        return next((i for i in stored.data["investments"] if i["reference"] == reference), None)

    # A page rendered before (same figures) is of an investment that exists.
    if key not in _PAGES and investment() is None:
        return _not_found(request, _("Fonden har ingen beviljad investering med det ärendenumret."))
    return _cached_page(
        request, key, "public/investment.html", lambda: investment_context(fund, stored.data, investment())
    )


@in_requested_language
@require_safe
@_published_only
@condition(etag_func=_etag("json"), last_modified_func=_last_modified)
def fund_json(request: HttpRequest, slug: str) -> HttpResponse:
    _fund_or_404(request, slug)
    data = _stored(request, slug).data  # type: ignore[union-attr]
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Link"] = f'<{reverse("public:schema")}>; rel="describedby"'
    return _public(response)


@in_requested_language
@require_safe
@_published_only
@condition(etag_func=_etag("csv"), last_modified_func=_last_modified)
def fund_csv(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund_or_404(request, slug)
    data = _stored(request, slug).data  # type: ignore[union-attr]
    text = write_csv(opendata.CSV_COLUMNS, opendata.csv_rows(data), swedish_excel=False)
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{fund.slug}-investments.csv"'
    response["Link"] = f'<{reverse("public:schema")}>; rel="describedby"'
    return _public(response)


@in_requested_language
@require_safe
def schema(request: HttpRequest) -> HttpResponse:
    body = json.dumps(opendata.json_schema(request.build_absolute_uri(reverse("public:schema"))), indent=1)
    response = HttpResponse(body, content_type="application/schema+json")
    response["ETag"] = f'"schema-{hashlib.sha256(body.encode()).hexdigest()[:16]}"'
    return _public(response)


def _inputs(request: HttpRequest) -> Any:
    """A calculator's inputs: the address's parameters but the language (None: not yet asked)."""
    data = request.GET.copy()
    data.pop("lang", None)
    return data or None


@in_requested_language
@require_safe
def cohort_calculator(request: HttpRequest) -> HttpResponse:
    form = calculators.CohortForm(_inputs(request))
    context: dict[str, Any] = {"form": form, "items": calculators.per_year_items(), "keep_query": True}
    if form.is_bound and form.is_valid():
        context.update(form.result())
    response = render(
        request, "public/cohort.html", context, status=400 if form.is_bound and form.errors else 200
    )
    return _public(response)


@in_requested_language
@require_safe
def equivalents_calculator(request: HttpRequest) -> HttpResponse:
    form = calculators.EquivalentsForm(_inputs(request))
    context: dict[str, Any] = {"form": form, "source": calculators.equivalents_source(), "keep_query": True}
    if form.is_bound and form.is_valid():
        context["equivalents"] = form.result()
    response = render(
        request, "public/equivalents.html", context, status=400 if form.is_bound and form.errors else 200
    )
    return _public(response)
