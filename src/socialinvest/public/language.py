"""The public pages' language, chosen by a link (``?lang=en``): no JavaScript, no cookie, no form.

The rest of the site switches language with a POST form that sets a cookie; the public
pages set no cookie (they are cached by browsers and proxies), so the language is part of
the address instead.  A page asked for with ``?lang=sv`` or ``?lang=en`` is rendered in that
language whatever the browser's Accept-Language says; without it, Django's usual choice
(Accept-Language) applies.  The pages' own links carry the language on, so a reader who
switched stays in it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

PARAMETER = "lang"


def requested_language(request: HttpRequest) -> str | None:
    """The language asked for in the address, when it is one of the site's languages."""
    lang = request.GET.get(PARAMETER, "")
    return lang if lang in dict(settings.LANGUAGES) else None


def in_requested_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run the view (its ETag, its cache key, its page) in the language of ``?lang=``."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lang = requested_language(request)
        if lang is None:
            return view(request, *args, **kwargs)
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            response = view(request, *args, **kwargs)
            response.headers["Content-Language"] = lang
            return response

    return wrapped
