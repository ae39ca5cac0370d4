"""The command line's language: Swedish by default, English when the user asks.

``--lang sv|en`` wins; otherwise the locale (``LC_ALL``, then ``LC_MESSAGES``,
then ``LANG``, as POSIX orders them): a locale starting with ``en`` gives
English, anything else (``sv_SE.UTF-8``, ``C.UTF-8``, unset) Swedish, like the
web application.

The texts are Swedish in the code and English in the project's one catalogue
(``locale/en/LC_MESSAGES/django.po``, so ``make messages`` covers the CLI too),
read here with the standard library's :mod:`gettext`: a calculation from the
command line never loads Django.  Only a problem to show in Swedish does (the
engine speaks English; the calculation form's shapes put it into Swedish).
"""

from __future__ import annotations

import contextlib
import functools
import gettext as _gettext
from collections.abc import Iterator, Mapping
from pathlib import Path

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"

_active = {"language": DEFAULT_LANGUAGE}


def choose_language(explicit: str | None, environ: Mapping[str, str]) -> str:
    """The language to speak.

    Examples
    --------
    >>> choose_language(None, {"LANG": "en_GB.UTF-8"})
    'en'
    >>> choose_language(None, {"LC_ALL": "sv_SE.UTF-8", "LANG": "en_US.UTF-8"})
    'sv'
    >>> choose_language("sv", {"LANG": "en_US.UTF-8"})
    'sv'
    >>> choose_language(None, {"LANG": "C.UTF-8"})
    'sv'
    """
    if explicit in LANGUAGES:
        return str(explicit)
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value:
            return "en" if value.lower().startswith("en") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


@functools.cache
def _catalogue(language: str) -> _gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:  # the code's own texts are Swedish
        return _gettext.NullTranslations()
    return _gettext.translation("django", localedir=str(LOCALE_DIR), languages=[language], fallback=True)


def gettext(message: str) -> str:
    """``message`` (Swedish) in the active language."""
    return _catalogue(_active["language"]).gettext(message)


def gettext_noop(message: str) -> str:
    """Mark a text for ``make messages``; it is translated where it is shown."""
    return message


def active_language() -> str:
    """The language the command speaks (``sv`` or ``en``)."""
    return _active["language"]


def english() -> bool:
    return _active["language"] == "en"


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block (the previous language after it)."""
    before = _active["language"]
    _active["language"] = language
    try:
        yield
    finally:
        _active["language"] = before


def swedish_problem(message: str) -> str:
    """An engine problem in Swedish, by the calculation form's shapes (loads Django's translation)."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            USE_I18N=True,
            LANGUAGE_CODE=DEFAULT_LANGUAGE,
            LANGUAGES=[("sv", "Svenska"), ("en", "English")],
            LOCALE_PATHS=[LOCALE_DIR],
            INSTALLED_APPS=[],
        )
        import django

        django.setup()
    # Django and the app's messages only when a problem is translated (the CLI starts fast).
    from django.utils import translation

    from socialinvest.applications.problem_messages import translate

    with translation.override(DEFAULT_LANGUAGE):
        return translate(message)
