"""Warm a web process up before it serves: what the first request would otherwise pay.

The fund economy page once took 5.8 s on its first load (other pages 0.06–0.5 s).  The cost
fell on whoever came first to a fresh worker: Django imports the URLconf, and with it every
view module, at the first request; builds the reverse-URL table per language at the first
``reverse()``; imports every template-tag library when the template engine is first used;
compiles each template on first use; and the chart library (altair, ~2.4 s to import) is
imported where a chart is first drawn, so the command line and the tests need not load it.
The engine's first calculation in a process, too, takes about three times as long as the
next (20 ms against 6 for the example at 10 000 draws: numpy's and pydantic's first calls, the
allocator growing its pools), which fell on a worker's first ``POST /api/calculate`` or editor
preview.  A server process pays all of it once, at start: ``config/wsgi.py`` calls
:func:`warm_up`, and ``socialinvest serve`` runs gunicorn with ``--preload`` so the workers are
forked warm.
"""

from __future__ import annotations

import codecs
import importlib
from pathlib import Path
from typing import Any

from socialinvest.engine import parse_scenario, run

# Imported where a chart is drawn (see the module docstring); slow to import.
CHART_LIBRARIES = ("altair", "vl_convert")

# Calculated once at start: every distribution the engine draws from, an outcome of each unit
# (per year with persistence, per case), two actors, sensitivity and 10 000 draws.
_UNCERTAIN = {
    "normal": {"dist": "normal", "mean": 100, "sd": 10},
    "lognormal": {"dist": "lognormal", "mean": 100, "sd": 10},
    "gamma": {"dist": "gamma", "mean": 100, "sd": 10},
    "beta": {"dist": "beta", "mean": 0.3, "sd": 0.05},
    "triangular": {"dist": "triangular", "low": 0.1, "mode": 0.2, "high": 0.4},
    "pert": {"dist": "pert", "low": 0.5, "mode": 0.7, "high": 0.9},
    "uniform": {"dist": "uniform", "low": 0.0, "high": 0.2},
}
WARM_UP_SCENARIO = {
    "name": "Warm-up",
    "price_year": 2024,
    "start_year": 2025,
    "horizon": 6,
    "draws": 10_000,
    "seed": 1,
    "actors": [
        {"id": "kommun.warm", "name": "Kommun", "level": "kommun"},
        {"id": "stat.warm", "name": "Stat", "level": "stat"},
    ],
    "cost_items": [
        {
            "id": "warm_year",
            "name": "A year",
            "unit": "per_year",
            "price_year": 2024,
            "cost": {"kommun.warm": _UNCERTAIN["lognormal"]},
        },
        {
            "id": "warm_case",
            "name": "A case",
            "unit": "per_case",
            "price_year": 2024,
            "cost": {"stat.warm": 50_000},
        },
    ],
    "costs": [{"actor": "kommun.warm", "year": 0, "amount": _UNCERTAIN["gamma"]}],
    "participants": [{"year": 0, "count": _UNCERTAIN["normal"]}],
    "outcomes": [
        {
            "name": "Per year",
            "cost_item": "warm_year",
            "baseline_risk": _UNCERTAIN["beta"],
            "effect": _UNCERTAIN["triangular"],
            "lag": 1,
            "duration": 3,
            "persistence": _UNCERTAIN["pert"],
            "deadweight": _UNCERTAIN["uniform"],
        },
        {
            "name": "Per case",
            "cost_item": "warm_case",
            "baseline_risk": 0.2,
            "effect": 0.1,
            "lag": 0,
            "duration": 1,
            "persistence": 1.0,
        },
    ],
}


def warm_up() -> None:
    """Load the URLconf (its patterns compiled), the URL tables, the template engine and
    templates, the translations, the chart libraries, the cache backend and the message and
    session storage, and calculate once; touch no database."""
    # Lazy imports: Django is set up by the caller, and only a serving process warms up.
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connections
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation
    from django.utils.module_loading import import_string

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every URL module and its views
    _compile_patterns(resolver)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - the reverse table is built per language
    for engine in engines.all():
        for template in _project_templates(engine):
            engine.get_template(template)
    for name in CHART_LIBRARIES:
        importlib.import_module(name)
    # What the first request would import: the cache backend, the message and session storage.
    for backend in settings.CACHES:
        caches[backend]  # imports and builds the backend, opens no connection
    for dotted in (
        settings.MESSAGE_STORAGE,
        settings.SESSION_ENGINE + ".SessionStore",
        settings.SESSION_SERIALIZER,
    ):
        import_string(dotted)
    codecs.lookup("utf-8-sig")  # request bodies are decoded with it (socialinvest.engine.loading)
    calculate_once()
    # A preloading master must not hand an open connection to the workers it forks.
    connections.close_all()


def _compile_patterns(resolver: Any) -> None:
    """Compile every URL pattern's regular expression (Django compiles each on its first match)."""
    for entry in resolver.url_patterns:
        entry.pattern.regex  # noqa: B018 - compiled and kept on first access
        if hasattr(entry, "url_patterns"):
            _compile_patterns(entry)


def calculate_once() -> None:
    """One calculation as the API and the editor make it: validate, run, write the JSON."""
    run(parse_scenario(WARM_UP_SCENARIO)).result.model_dump_json()


def _project_templates(engine: object) -> list[str]:
    """The names of the project's own templates (under ``socialinvest/**/templates``)."""
    root = Path(__file__).resolve().parents[1]
    if getattr(engine, "name", "") != "django":
        return []
    names = []
    for folder in root.glob("**/templates"):
        names += [p.relative_to(folder).as_posix() for p in folder.rglob("*.html")]
    return sorted(set(names))
