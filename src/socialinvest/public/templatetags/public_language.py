"""The public pages' language switch: plain links (``?lang=en``), see :mod:`socialinvest.public.language`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.utils import translation

from ..language import PARAMETER

register = template.Library()

# Each language named in itself, whatever the page's language.
NAMES = {"sv": "Svenska", "en": "English"}


@register.inclusion_tag("public/_language_switch.html", takes_context=True)
def language_switch(context: Any) -> dict[str, Any]:
    """A link to the page in every other language.  Only a calculator keeps its inputs in the
    link (``keep_query``): the other pages are cached, and their links must not depend on what
    one reader put in the address."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    request = context.get("request")
    kept: list[tuple[str, str]] = []
    if context.get("keep_query") and request is not None:
        kept = [(k, v) for k, values in request.GET.lists() if k != PARAMETER for v in values]
    links = [
        {
            "code": code,
            "name": NAMES.get(code, code),
            "href": "?" + urlencode([*kept, (PARAMETER, code)]),
            "current": code == current,
        }
        for code, _label in settings.LANGUAGES
    ]
    return {"links": links}


@register.simple_tag
def lang_query() -> str:
    """``?lang=xx`` for the current language: appended to the public pages' own links."""
    return "?" + urlencode([(PARAMETER, translation.get_language() or settings.LANGUAGE_CODE)])
