"""Speed of the needs analysis against the issue's targets.

Run with ``.venv/bin/python bench/needs_bench.py`` (``make bench`` runs it after the
other benchmarks; ``SOCIALINVEST_BENCH_NEEDS=0`` skips it there).

Targets (issue #15): the needs-analysis page with 10 indicators × 15 years renders in
≤ 150 ms p95; a fetch of 10 KPIs × 15 years from recorded responses takes ≤ 2 s.

Data: a fresh SQLite file, migrated; an organisation with a municipality code, a
fund administrator, a comparison group and a population for every indicator.
The page is asked for ``--requests`` times through Django's test client (the whole
request: middleware, session, selectors, engine gap prices, chart specs, template);
p50/p95 are of those.  The fetch goes through ``do_fetch_open_data`` over real HTTP to
a server on 127.0.0.1 answering Kolada's documented format (10 KPIs × 15 years ×
the municipality, the country and the group: 450 figures), written in one transaction.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "tests"))  # the Kolada stand-in the tests use

from report import Row, median, ms, table, time_runs  # noqa: E402

PAGE_TARGET_MS = 150.0
FETCH_TARGET_S = 2.0
INDICATORS = 10
YEARS = range(2010, 2025)
KPIS = [f"N{90000 + i}" for i in range(INDICATORS)]


def setup(tmp: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "socialinvest.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'needs-bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client's host

    call_command("migrate", verbosity=0)


def ten_indicators() -> None:
    """The curated six plus four more, each reading one of the bench's ten key figures."""
    import dataclasses

    from socialinvest.needs import indicators

    base = indicators.curated()
    extra = tuple(
        dataclasses.replace(base[i % len(base)], key=f"extra_{i}") for i in range(INDICATORS - len(base))
    )
    ten = tuple(dataclasses.replace(ind, kpi=KPIS[i]) for i, ind in enumerate(base + extra))
    indicators.curated.cache_clear()
    indicators.curated = lambda: ten  # type: ignore[assignment]


def world() -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    from socialinvest.funds.models import Fund
    from socialinvest.needs.actions import do_update_indicator_setting, do_update_needs_settings
    from socialinvest.needs.indicators import curated
    from socialinvest.organisations.models import Membership, Organisation

    org = Organisation.objects.create(name="Benchstads kommun", slug="benchstad", municipality_code="0581")
    fund = Fund.objects.create(owner=org, name="Benchfonden", slug="bench", capital=0)
    admin = get_user_model().objects.create(username="bench-admin")
    Membership.objects.create(user=admin, role="fund_admin", fund=fund)
    do_update_needs_settings(
        organisation=org, comparison_group="G1", comparison_group_title="Grupp", acting_user=admin
    )
    for ind in curated():
        do_update_indicator_setting(
            organisation=org,
            key=ind.key,
            kpi="",
            population=10_000,
            population_year=2024,
            population_source="bench",
            cost_item="",
            acting_user=admin,
        )
    return org, admin


def bench_fetch(org: Any, admin: Any, runs: int, raw: dict[str, Any]) -> Row:
    from kolada_server import kolada_stand_in, serve_kpis
    from socialinvest.needs.actions import do_fetch_open_data
    from socialinvest.opendata.kolada import KoladaClient

    with kolada_stand_in() as stand_in:
        stand_in.ok(
            "municipality/0581", {"count": 1, "values": [{"id": "0581", "title": "Bench", "type": "K"}]}
        )
        # The fetch names the comparison group, so it asks Kolada for the group too.
        group = {"id": "G1", "title": "Grupp", "members": [{"id": "0581", "title": "Bench"}]}
        stand_in.ok("municipality_groups/G1", {"count": 1, "values": [group]})
        serve_kpis(stand_in, KPIS, ["0581", "0000", "G1"], YEARS)

        def fetch() -> None:
            stored = do_fetch_open_data(
                organisation=org,
                kpis=KPIS,
                years=list(YEARS),
                acting_user=admin,
                client=KoladaClient(base_url=stand_in.base),
            )
            assert stored.total == INDICATORS * len(YEARS) * 3

        times = time_runs(fetch, runs)
    raw["fetch_s"] = times
    return Row(
        "needs",
        f"fetch {INDICATORS} KPIs × {len(YEARS)} years × 3 areas from recorded responses (HTTP, 127.0.0.1)",
        median(times),
        "s",
        f"≤ {FETCH_TARGET_S:.0f} s",
        median(times) <= FETCH_TARGET_S,
    )


def bench_page(org: Any, admin: Any, requests: int, raw: dict[str, Any]) -> Row:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(admin)
    url = reverse("needs:analysis", args=[org.slug])
    first = client.get(url)  # warm-up: templates, altair chart template, catalogue
    assert first.status_code == 200, (first.status_code, first.content[:2000])
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    raw["page_s"] = times
    return Row(
        "needs",
        f"needs-analysis page, {INDICATORS} indicators × {len(YEARS)} years, p95 of {requests} requests",
        p95 * 1e3,
        "ms",
        f"≤ {PAGE_TARGET_MS:.0f} ms",
        p95 * 1e3 <= PAGE_TARGET_MS,
        note=f"p50 {ms([times[len(times) // 2]]):.0f} ms",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args(argv)
    raw: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        setup(Path(tmp))
        ten_indicators()
        org, admin = world()
        rows = [bench_fetch(org, admin, args.runs, raw), bench_page(org, admin, args.requests, raw)]
    print("Needs analysis (SQLite)")
    print(table(rows))
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
