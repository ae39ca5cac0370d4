"""Warm a web process up before it serves: what the first request would otherwise pay.

The fund economy page once took 5.8 s on its first load (other pages 0.06–0.5 s).  The cost
fell on whoever came first to a fresh worker: Django imports the URLconf, and with it every
view module, at the first request; builds the reverse-URL table per language at the first
``reverse()``; imports every template-tag library when the template engine is first used;
compiles each template on first use; and the chart library (altair, ~2.4 s to import) is
imported where a chart is first drawn, so the command line and the tests need not load it.
A server process pays all of it once, at start: ``config/wsgi.py`` calls :func:`warm_up`,
and ``socialinvest serve`` runs gunicorn with ``--preload`` so the workers are forked warm.
"""

from __future__ import annotations

import importlib
from pathlib import Path

# Imported where a chart is drawn (see the module docstring); slow to import.
CHART_LIBRARIES = ("altair", "vl_convert")


def warm_up() -> None:
    """Load the URLconf, the URL tables, the template engine and templates, the translations and
    the chart libraries; touch no database."""
    # Lazy imports: Django is set up by the caller, and only a serving process warms up.
    from django.conf import settings
    from django.db import connections
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every URL module and its views
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - the reverse table is built per language
    for engine in engines.all():
        for template in _project_templates(engine):
            engine.get_template(template)
    for name in CHART_LIBRARIES:
        importlib.import_module(name)
    # A preloading master must not hand an open connection to the workers it forks.
    connections.close_all()


def _project_templates(engine: object) -> list[str]:
    """The names of the project's own templates (under ``socialinvest/**/templates``)."""
    root = Path(__file__).resolve().parents[1]
    if getattr(engine, "name", "") != "django":
        return []
    names = []
    for folder in root.glob("**/templates"):
        names += [p.relative_to(folder).as_posix() for p in folder.rglob("*.html")]
    return sorted(set(names))
