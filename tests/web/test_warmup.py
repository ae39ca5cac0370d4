"""A server process is warm before its first request (issue #10, item 14).

The fund economy page once took 5.8 s on first load: the first visitor of a fresh worker paid
for importing every view (the URLconf) and the chart library.  Importing the WSGI module
(what gunicorn ``--preload`` does once, before forking the workers) now does both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from socialinvest.cli import web

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "socialinvest.config.settings.test"
before = set(sys.modules)
import socialinvest.config.wsgi  # noqa: F401
from django.db import connections
loaded = set(sys.modules) - before
print(json.dumps({
    "loaded": sorted(m for m in loaded if m.split(".")[0] in ("altair", "vl_convert", "socialinvest")),
    "open_connections": [c.alias for c in connections.all() if c.connection is not None],
}))
"""


def test_importing_the_wsgi_app_loads_every_view_and_the_chart_library_and_keeps_no_connection():
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    loaded = set(found["loaded"])
    assert {"altair", "vl_convert"} <= loaded
    # The economy page's view and the other apps' pages are imported before any request.
    assert {
        "socialinvest.ledger.report_views",
        "socialinvest.applications.views.pages",
        "socialinvest.portfolio.views",
    } <= loaded
    assert found["open_connections"] == []


def test_serve_forks_warm_workers():
    assert "--preload" in web.gunicorn_argv("127.0.0.1", 8001, 3)
