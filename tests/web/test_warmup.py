"""A server process is warm before its first request (issue #10, item 14).

The fund economy page once took 5.8 s on first load: the first visitor of a fresh worker paid
for importing every view (the URLconf) and the chart library; the first calculation of a
worker took three times as long as the next.  Importing the WSGI module (what gunicorn
``--preload`` does once, before forking the workers) now does all of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from socialinvest.cli import web

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "socialinvest.config.settings.test"
before = set(sys.modules)
import socialinvest.config.wsgi  # noqa: F401
from django.db import connections
from django.conf import settings
from socialinvest.engine import results
loaded = set(sys.modules) - before
ROOTS = ("altair", "vl_convert", "socialinvest", "django")
print(json.dumps({
    "loaded": sorted(m for m in loaded if m.split(".")[0] in ROOTS),
    # Filled by a Monte Carlo summary: the warm-up calculated.
    "percentile_ranks_cached": results._percentile_ranks.cache_info().currsize,
    "cache_backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[0],
    "open_connections": [c.alias for c in connections.all() if c.connection is not None],
}))
"""


@pytest.fixture(scope="module")
def found() -> dict:
    """What a fresh process has after importing the WSGI module (one process for the module's tests)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_wsgi_app_loads_every_view_and_the_chart_library_and_keeps_no_connection(found):
    loaded = set(found["loaded"])
    assert {"altair", "vl_convert"} <= loaded
    # The economy page's view and the other apps' pages are imported before any request.
    assert {
        "socialinvest.ledger.report_views",
        "socialinvest.applications.views.pages",
        "socialinvest.portfolio.views",
    } <= loaded
    assert found["open_connections"] == []


def test_importing_the_wsgi_app_calculates_once_and_loads_what_a_request_would(found):
    assert found["percentile_ranks_cached"] > 0
    # Imported by the first request otherwise: the cache backend, the message and session storage.
    assert {
        found["cache_backend"],
        "django.contrib.messages.storage.fallback",
        "django.contrib.sessions.serializers",
    } <= set(found["loaded"])


def test_the_warm_up_scenario_draws_from_every_distribution():
    from socialinvest.core.warmup import WARM_UP_SCENARIO
    from socialinvest.engine import parse_scenario
    from socialinvest.engine.resolve import resolve

    model = resolve(parse_scenario(WARM_UP_SCENARIO))
    drawn = {type(p.dist).__name__.lower() for p in model.parameters if p.uncertain}
    assert drawn == {"normal", "lognormal", "gamma", "beta", "triangular", "pert", "uniform"}


def test_serve_forks_warm_workers():
    assert "--preload" in web.gunicorn_argv("127.0.0.1", 8001, 3)
