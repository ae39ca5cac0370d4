"""Speed of the revolving fund's reports against the issue's targets.

Run with ``.venv/bin/python bench/ledger_bench.py`` (``make bench`` runs it after the
engine and web benchmarks; ``SOCIALINVEST_BENCH_LEDGER=0`` skips it there).

Targets (issue #4): the projection for a fund with 50 investments ≤ 100 ms; the
year-end statement for 10 000 ledger entries ≤ 2 s.

Data: a fresh SQLite file in a temporary directory, migrated, then one fund
with 50 granted investments (decisions over 2020–2026, 3 disbursements each:
paid, approved, planned), one repayment agreement per investment (40 fixed
schedules, 10 shares of measured savings still waiting for measurements, so
estimated from the forecast) and 10 000 balanced journal entries over budget
years 2020–2026 — capital injections, disbursements, repayments with return,
write-offs and reversals, each with its two or three lines — written with
``bulk_create`` shaped as ``post_entry`` writes them (no audit rows for bench data).

Timed (median of ``--runs`` after one warm-up, as the engine benchmarks):

* the fund economy page (issue #10, item 14: 5.8 s on its first load): its first request in
  a process warmed as a server is (``socialinvest.core.warmup``), target ≤ 500 ms — the
  slowest of the other pages — and its median after that, beside the accounting page's;

* ``fund_projection(fund)`` — database reads + the pure projection;
* ``fund_year_end(fund, 2026)`` — the statement of the last year, which reads all
  10 000 entries (opening balances need every earlier year) in one ``GROUP BY``;
* the same plus the year's entries and the XLSX workbook (the download), and the CSV.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from report import Row, median, ms, table, time_runs  # noqa: E402

PROJECTION_TARGET_MS = 100.0
STATEMENT_TARGET_S = 2.0
INVESTMENTS = 50
FIRST_LOAD_TARGET_MS = 500.0
ENTRIES = 10_000
YEARS = range(2020, 2027)


def setup(tmp: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "socialinvest.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'ledger-bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(seed: int = 4) -> Any:
    """The fund, its 50 investments with agreements and disbursements, and 10 000 entries."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from socialinvest.applications.models import Application, Decision
    from socialinvest.funds.models import Fund
    from socialinvest.ledger.models import (
        Disbursement,
        LedgerEntry,
        LedgerLine,
        RepaymentAgreement,
        RepaymentAgreementVersion,
    )
    from socialinvest.organisations.models import Organisation, Unit

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        user = get_user_model().objects.create(username="bench-admin")
        org = Organisation.objects.create(name="Benchstads kommun", kind="kommun", slug="benchstad")
        units = Unit.objects.bulk_create(
            Unit(organisation=org, name=f"Nämnd {i}", kind="namnd", actor_id="kommun.socialtjanst")
            for i in range(8)
        )
        fund = Fund.objects.create(owner=org, name="Benchfonden", slug="bench", capital=Decimal(0))
        apps = Application.objects.bulk_create(
            Application(
                fund=fund,
                reference=f"B-{i:03d}",
                status="granted",
                created_by=user,
                title=f"Investering {i}",
                requested_amount=Decimal(5_000_000),
                period_start=dt.date(2020 + i % 7, 1, 1),
                period_end=dt.date(2022 + i % 7, 12, 31),
            )
            for i in range(INVESTMENTS)
        )
        agreements = RepaymentAgreement.objects.bulk_create(
            RepaymentAgreement(application=a, unit=units[i % len(units)], created_by=user)
            for i, a in enumerate(apps)
        )
        versions = []
        for i, (a, ag) in enumerate(zip(apps, agreements, strict=True)):
            first = a.period_start.year + 1
            if i % 5 == 4:
                terms = {
                    "model": "measured_share",
                    "share": "0.5",
                    "cap": "5000000",
                    "first_year": first,
                    "last_year": first + 5,
                }
                forecast = {str(first + k): str(1_000_000 + 100_000 * k) for k in range(6)}
            else:
                terms = {"model": "fixed_schedule", "principal": "5000000", "years": 5, "first_year": first}
                forecast = {}
            versions.append(
                RepaymentAgreementVersion(
                    agreement=ag,
                    number=1,
                    terms=terms,
                    forecast=forecast,
                    reason="bench",
                    approved_by=user,
                    approved_at=now,
                    created_by=user,
                )
            )
        versions = RepaymentAgreementVersion.objects.bulk_create(versions)

        entries: list[Any] = []
        lines: list[list[tuple[str, Decimal, Decimal]]] = []
        links: list[tuple[Any, Any]] = []

        def add(
            kind: str,
            year: int,
            body: list[tuple[str, Decimal, Decimal]],
            app: Any = None,
            unit: Any = None,
            version: Any = None,
            reverses: Any = None,
        ) -> None:
            n = len(entries)
            entries.append(
                LedgerEntry(
                    fund=fund,
                    kind=kind,
                    entry_date=dt.date(year, 1 + n % 12, 1 + n % 28),
                    budget_year=year,
                    description=f"bench {n}",
                    idempotency_key=f"bench-{n}",
                    application=app,
                    unit=unit,
                    agreement_version=version,
                    reverses=reverses,
                    created_by=user,
                )
            )
            lines.append(body)
            links.append((app, unit))

        for year in YEARS:  # capital first, so the fund never runs dry
            add(
                "capital_injection",
                year,
                [
                    ("cash", Decimal(40_000_000), Decimal(0)),
                    ("fund_capital", Decimal(0), Decimal(40_000_000)),
                ],
            )
        originals: list[int] = []
        while len(entries) < ENTRIES:
            i = rng.randrange(INVESTMENTS)
            a, v, unit = apps[i], versions[i], units[i % len(units)]
            year = rng.choice(YEARS)
            amount = Decimal(rng.randrange(10_000, 500_000)) + Decimal(rng.randrange(100)) / 100
            roll = rng.random()
            if roll < 0.45:
                add(
                    "disbursement",
                    year,
                    [("investments", amount, Decimal(0)), ("cash", Decimal(0), amount)],
                    a,
                    unit,
                )
                originals.append(len(entries) - 1)
            elif roll < 0.80:
                ret = (amount / 10).quantize(Decimal("0.01"))
                add(
                    "repayment",
                    year,
                    [
                        ("cash", amount + ret, Decimal(0)),
                        ("investments", Decimal(0), amount),
                        ("return", Decimal(0), ret),
                    ],
                    a,
                    unit,
                    v,
                )
                originals.append(len(entries) - 1)
            elif roll < 0.85:
                add(
                    "write_off",
                    year,
                    [("write_off", amount, Decimal(0)), ("investments", Decimal(0), amount)],
                    a,
                    unit,
                )
            else:
                pass  # reversals are added below, once their originals exist
        # ~5 % of the originals reversed (replacing the last entries to keep the count).
        reversed_ = rng.sample(originals[: len(originals) // 2], ENTRIES // 20)
        del (
            entries[ENTRIES - len(reversed_) :],
            lines[ENTRIES - len(reversed_) :],
            links[ENTRIES - len(reversed_) :],
        )
        saved = LedgerEntry.objects.bulk_create(entries)
        reversal_entries, reversal_lines, reversal_links = [], [], []
        for k, idx in enumerate(reversed_):
            orig = saved[idx]
            reversal_entries.append(
                LedgerEntry(
                    fund=fund,
                    kind="reversal",
                    entry_date=orig.entry_date,
                    budget_year=orig.budget_year,
                    description=f"bench reversal {k}",
                    idempotency_key=f"bench-rev-{k}",
                    application=orig.application,
                    unit=orig.unit,
                    reverses=orig,
                    created_by=user,
                )
            )
            reversal_lines.append([(acc, c, d) for acc, d, c in lines[idx]])
            reversal_links.append(links[idx])
        saved += LedgerEntry.objects.bulk_create(reversal_entries)
        all_lines = lines + reversal_lines
        all_links = links + reversal_links
        LedgerLine.objects.bulk_create(
            (
                LedgerLine(
                    entry=e,
                    fund=fund,
                    budget_year=e.budget_year,
                    account=acc,
                    debit=d,
                    credit=c,
                    application=app,
                    unit=unit,
                )
                for e, body, (app, unit) in zip(saved, all_lines, all_links, strict=True)
                for acc, d, c in body
            ),
            batch_size=2000,
        )
        # What each investment was paid (gross of reversals), as one paid disbursement, and its
        # decision: paid + 0.7 Mkr scheduled (approved, planned) + 1 Mkr not yet scheduled.
        paid: dict[int, Decimal] = {}
        first_payment: dict[int, Any] = {}
        for e, body in zip(saved, all_lines, strict=True):
            if e.kind == "disbursement":
                paid[e.application_id] = paid.get(e.application_id, Decimal(0)) + body[0][1]
                first_payment.setdefault(e.application_id, e)
        Decision.objects.bulk_create(
            Decision(
                application=a,
                outcome="granted",
                amount=paid.get(a.pk, Decimal(0)) + Decimal(1_700_000),
                period_start=a.period_start,
                period_end=a.period_end,
                decision_body="Kommunstyrelsen",
                decided_on=a.period_start,
                reference_number=f"KS {a.reference}",
                decided_by=user,
            )
            for a in apps
        )
        for i, a in enumerate(apps):
            if a.pk in paid:
                Disbursement.objects.create(
                    application=a,
                    fund=fund,
                    year=first_payment[a.pk].budget_year,
                    amount=paid[a.pk],
                    status="paid",
                    paid_entry=first_payment[a.pk],
                    created_by=user,
                )
            Disbursement.objects.bulk_create(
                [
                    Disbursement(
                        application=a,
                        fund=fund,
                        year=2026,
                        amount=Decimal(300_000),
                        status="approved",
                        created_by=user,
                    ),
                    Disbursement(
                        application=a,
                        fund=fund,
                        year=2027 + i % 2,
                        amount=Decimal(400_000),
                        status="planned",
                        created_by=user,
                    ),
                ]
            )
    return fund


def pages(fund: Any, runs: int) -> tuple[float, float, list[float], list[float]]:
    """The economy page's first request after the server's warm-up, then the page and the
    accounting page again (seconds), through Django's test client as a fund administrator."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from socialinvest.core.warmup import warm_up
    from socialinvest.organisations.models import Membership, Role

    warm_up()  # what config/wsgi.py does before a server takes requests
    user = get_user_model().objects.create_user("bench-economy-page", "economy@example.se", "x")
    Membership.objects.create(user=user, role=Role.FUND_ADMIN, fund=fund)
    client = Client(HTTP_HOST="127.0.0.1")  # the test settings allow localhost
    client.force_login(user)
    economy, accounting = f"/ledger/funds/{fund.pk}/economy/", f"/ledger/funds/{fund.pk}/accounting/"
    t0, c0 = time.perf_counter(), time.process_time()
    assert client.get(economy).status_code == 200
    first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
    return (
        first,
        first_cpu,
        time_runs(lambda: client.get(economy), runs),
        time_runs(lambda: client.get(accounting), runs),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median); default 5")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 if a target is missed")
    args = parser.parse_args(argv)

    print("Socialinvest revolving-fund report benchmarks (SQLite)")
    print(f"Protocol: median of {args.runs} runs after one warm-up\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="socialinvest-ledger-bench-") as name:
        setup(Path(name))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from socialinvest.ledger import report_forecast, reporting
        from socialinvest.ledger.models import LedgerEntry, LedgerLine
        from socialinvest.reports.year_end import statement_csv, statement_xlsx

        t0 = time.perf_counter()
        print("… generate", end="", flush=True)
        fund = generate()
        n_entries = LedgerEntry.objects.filter(fund=fund).count()
        n_lines = LedgerLine.objects.filter(fund=fund).count()
        print(f" {time.perf_counter() - t0:.1f} s: {n_entries:,} entries, {n_lines:,} lines", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        today = dt.date(2026, 6, 1)

        def projection() -> Any:
            return report_forecast.fund_projection(fund, today=today)

        def statement() -> Any:
            return reporting.fund_year_end(fund, 2026)

        def download() -> bytes:
            s = reporting.fund_year_end(fund, 2026)
            return statement_xlsx(s, fund_name=fund.name, entries=reporting.year_entries(fund, 2026))

        def csv_download() -> str:
            return statement_csv(reporting.fund_year_end(fund, 2026))

        with CaptureQueriesContext(connection) as q:
            p = projection()
        projection_queries = len(q.captured_queries)
        with CaptureQueriesContext(connection) as q:
            s = statement()
        statement_queries = len(q.captured_queries)
        year_rows = len(reporting.year_entries(fund, 2026))

        cpu_proj: list[float] = []
        cpu_stmt: list[float] = []
        cpu_xlsx: list[float] = []
        t_proj = time_runs(projection, args.runs, cpu=cpu_proj)
        t_stmt = time_runs(statement, args.runs, cpu=cpu_stmt)
        t_xlsx = time_runs(download, args.runs, cpu=cpu_xlsx)
        t_csv = time_runs(csv_download, args.runs)
        first_load, first_cpu, t_economy, t_accounting = pages(fund, args.runs)

    rows = [
        Row(
            "ledger",
            f"fund_projection: {INVESTMENTS} investments, {len(p.rows)} years",
            ms(t_proj),
            "ms",
            f"≤ {PROJECTION_TARGET_MS:g} ms",
            ms(t_proj) <= PROJECTION_TARGET_MS,
            note=f"CPU {ms(cpu_proj):.1f} ms; {projection_queries} queries; "
            f"first negative year {p.first_negative_year}",
        ),
        Row(
            "ledger",
            f"fund_year_end(2026) over {n_entries:,} entries",
            median(t_stmt),
            "s",
            f"≤ {STATEMENT_TARGET_S:g} s",
            median(t_stmt) <= STATEMENT_TARGET_S,
            note=f"CPU {median(cpu_stmt):.3f} s; {statement_queries} queries; "
            f"{len(s.investments)} investments, {len(s.units)} units",
        ),
        Row(
            "ledger",
            f"year-end XLSX download (statement + {year_rows:,} entries of 2026)",
            median(t_xlsx),
            "s",
            f"≤ {STATEMENT_TARGET_S:g} s",
            median(t_xlsx) <= STATEMENT_TARGET_S,
            note=f"CPU {median(cpu_xlsx):.3f} s",
        ),
        Row("ledger", "year-end CSV download", median(t_csv), "s"),
        Row(
            "ledger",
            "fund economy page, first request of a warm server process",
            first_load * 1000,
            "ms",
            f"≤ {FIRST_LOAD_TARGET_MS:g} ms",
            first_load * 1000 <= FIRST_LOAD_TARGET_MS,
            note=f"CPU {first_cpu * 1000:.0f} ms; then {ms(t_economy):.0f} ms (median); "
            f"the accounting page {ms(t_accounting):.0f} ms",
        ),
    ]
    print()
    print(table(rows))
    failed = [r for r in rows if r.passed is False]
    print(
        f"\n{sum(r.passed is True for r in rows)} of {sum(r.passed is not None for r in rows)} targets met."
    )
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
