"""The web application's subcommands: ``socialinvest demo``, ``serve`` and ``manage``.

``demo``   the demo fund on http://127.0.0.1:$PORT (dev settings, SQLite under var/).
``serve``  a real installation: prod settings, migrate, collectstatic, gunicorn.
``manage`` Django's own command line (``socialinvest manage createsuperuser``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .i18n import active_language
from .i18n import gettext as _

# socket and subprocess are imported by the commands that use them: this module is
# loaded by every `socialinvest` command, `calc` included.
if TYPE_CHECKING:
    import subprocess

DEMO_SETTINGS = "socialinvest.config.settings.dev"
PROD_SETTINGS = "socialinvest.config.settings.prod"
WSGI_APP = "socialinvest.config.wsgi:application"
EXIT_OK, EXIT_INPUT, EXIT_INTERRUPTED = 0, 2, 130


def _env_int(name: str, default: int) -> int:
    text = os.environ.get(name, "")
    try:
        return int(text) if text.strip() else default
    except ValueError:
        raise SystemExit(
            _("socialinvest: %(name)s måste vara ett heltal, inte %(text)r") % {"name": name, "text": text}
        ) from None


def default_workers() -> int:
    """$WEB_CONCURRENCY, else 2 × CPUs + 1 (gunicorn's advice), between 2 and 8."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return _env_int("WEB_CONCURRENCY", max(2, min(2 * cpus + 1, 8)))


def port_is_free(host: str, port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _setup_django(settings_module: str, *, force: bool) -> None:
    if force:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
    from django.utils import translation

    translation.activate(active_language())  # the command's language (--lang, LANG), as its own texts


def _database_description() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:
        return f"SQLite {db['NAME']}"
    return _("%(engine)s %(name)s på %(host)s") % {
        "engine": db["ENGINE"].rsplit(".", 1)[-1],
        "name": db.get("NAME", ""),
        "host": db.get("HOST") or "localhost",
    }


def cmd_demo(args: argparse.Namespace) -> int:
    """Migrate, load the demo fund, print the logins, serve on 127.0.0.1 until Ctrl-C."""
    host, port = "127.0.0.1", args.port or _env_int("PORT", 8000)
    if not port_is_free(host, port):
        print(
            _("socialinvest demo: port %(port)s på %(host)s är upptagen; välj en annan med PORT=8001")
            % {"port": port, "host": host},
            file=sys.stderr,
        )
        return EXIT_INPUT
    if os.environ.pop("DATABASE_URL", None):  # the demo never writes into a configured database
        print(
            _("socialinvest demo: bortser från DATABASE_URL; demon använder sin egen SQLite-fil"),
            file=sys.stderr,
        )
    try:
        _setup_django(DEMO_SETTINGS, force=True)
        from django.conf import settings
        from django.core.management import call_command

        # After _setup_django: the demo loader imports models, which need configured settings.
        from socialinvest.web.demo import load_demo

        print(_("Databas: %(db)s") % {"db": _database_description()})
        call_command("migrate", interactive=False, verbosity=0)
        print(_("Läser in demofonden (Exempelstads kommun) …"))
        summary = load_demo(stdout=sys.stdout)
        for note in summary.notes:
            print(_("obs: %(note)s") % {"note": note}, file=sys.stderr)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        print()
        print(
            _("Demoinloggningar (bara för den lokala demon: alla användare har samma publicerade lösenord):")
        )
        print(summary.logins_table())
        print()
        print(
            _("Öppna http://%(host)s:%(port)s/ och logga in som en av användarna ovan. Stoppa med Ctrl-C.")
            % {"host": host, "port": port}
        )
        print(
            _("E-post köas och skrivs av bakgrundsarbetaren till %(path)s/ (en fil per brev).")
            % {"path": settings.EMAIL_FILE_PATH}
        )
        print()
        sys.stdout.flush()
        worker = start_task_worker()
        # Lazy imports: only a serving process pays for the views and the chart library, before
        # the first visitor does (socialinvest.core.warmup).
        from socialinvest.core.warmup import warm_up

        warm_up()
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
    except KeyboardInterrupt:
        print("\n" + _("Stoppad."))
        return EXIT_INTERRUPTED
    return EXIT_OK


def start_task_worker() -> subprocess.Popen[bytes]:
    """The queue's worker (django-tasks' ``db_worker``) beside the demo server: it sends the mail."""
    import subprocess

    argv = [sys.executable, "-m", "socialinvest.manage", "db_worker", "--interval", "2", "--no-startup-delay"]
    return subprocess.Popen(
        argv, env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    )


# glibc's allocator gives freed memory back to the system and takes it again on the
# next request: a calculation's per-actor arrays (640 KiB each at 10 000 draws) are
# new pages every time, and each first touch of a page is a fault.  Measured on the
# two-core benchmark machine, that was a quarter to a half of POST /api/calculate's
# CPU (`bench/api_bench.py`, server CPU per request).  These keep up to 64 MiB of
# freed memory in each worker (allocations under 32 MiB come from it) instead.
# glibc reads them when a process starts, so serve sets them before gunicorn does.
ALLOCATOR_ENVIRONMENT = {
    "MALLOC_MMAP_THRESHOLD_": str(32 * 2**20),
    "MALLOC_TRIM_THRESHOLD_": str(64 * 2**20),
}


def server_environment(env: dict[str, str]) -> dict[str, str]:
    """``env`` with :data:`ALLOCATOR_ENVIRONMENT` where it does not set them itself."""
    return {**ALLOCATOR_ENVIRONMENT, **env}


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    """The gunicorn command ``serve`` runs (extra options: $GUNICORN_CMD_ARGS)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        WSGI_APP,
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        # The app (URLconf, views, chart library) is loaded once and the workers forked warm.
        "--preload",
        "--timeout",
        "120",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]


def cmd_serve(args: argparse.Namespace) -> int:
    """A real installation, without demo data: migrate, collect static files, run gunicorn."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        _setup_django(PROD_SETTINGS, force=False)
    except ImproperlyConfigured as exc:
        print(f"socialinvest serve: {exc}", file=sys.stderr)
        return EXIT_INPUT
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    if "DATABASE_URL" not in os.environ:
        print(
            _("socialinvest serve: DATABASE_URL är inte satt; använder SQLite (sätt den för PostgreSQL)"),
            file=sys.stderr,
        )
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    print(
        _("Inställningar: %(settings)s; databas: %(db)s")
        % {"settings": os.environ["DJANGO_SETTINGS_MODULE"], "db": _database_description()}
    )
    call_command("migrate", interactive=False, verbosity=1)
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()
    host = args.host or os.environ.get("HOST") or "127.0.0.1"
    port = args.port or _env_int("PORT", 8000)
    workers = args.workers or default_workers()
    argv = gunicorn_argv(host, port, workers)
    print(
        _("Serverar på http://%(host)s:%(port)s/ med %(workers)s gunicorn-arbetare.")
        % {"host": host, "port": port, "workers": workers},
        flush=True,
    )
    # gunicorn takes over the process and its signals (Ctrl-C, SIGTERM).
    os.execve(argv[0], argv, server_environment(dict(os.environ)))
    return EXIT_OK  # pragma: no cover - execv does not return


def cmd_manage(argv: Sequence[str]) -> int:
    """Django's command line, with ``serve``'s settings unless told otherwise."""
    # Here: manage configures Django, which the calculation commands never need.
    from socialinvest.manage import main as manage_main

    told = "DJANGO_SETTINGS_MODULE" in os.environ or any(a.startswith("--settings") for a in argv)
    if not told and not os.environ.get("SECRET_KEY"):
        print(
            _(
                "socialinvest manage: använder samma inställningar som `socialinvest serve` (produktion), "
                "som behöver SECRET_KEY (och DATABASE_URL, ALLOWED_HOSTS) i miljön. För den lokala "
                "demodatabasen, lägg till --settings=socialinvest.config.settings.dev"
            ),
            file=sys.stderr,
        )
        return EXIT_INPUT
    manage_main(list(argv))
    return EXIT_OK


def register(sub: Any) -> None:
    """Add ``demo``, ``serve`` and ``manage`` to the ``socialinvest`` parser."""
    p = sub.add_parser(
        "demo",
        help="Run the demo fund on 127.0.0.1 (migrates var/socialinvest.sqlite3, loads demo data).",
        description="Migrate the SQLite database, load the demo fund (idempotent), print the demo logins "
        "and serve on 127.0.0.1:$PORT (default 8000) until Ctrl-C.",
    )
    p.add_argument("--port", type=int, help="default $PORT or 8000")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "serve",
        help="Run a real installation with gunicorn (no demo data).",
        description="Settings socialinvest.config.settings.prod unless DJANGO_SETTINGS_MODULE is set; "
        "migrate, collect static files, then gunicorn on $HOST:$PORT.",
    )
    p.add_argument("--host", help="default $HOST or 127.0.0.1")
    p.add_argument("--port", type=int, help="default $PORT or 8000")
    p.add_argument("--workers", type=int, help="default $WEB_CONCURRENCY or 2 × CPUs + 1 (2–8)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "manage",
        help="Django's command line, e.g. `socialinvest manage createsuperuser`.",
        description="Everything after `manage` goes to Django's manage.py, with the settings of `serve` "
        "(production) unless DJANGO_SETTINGS_MODULE or --settings says otherwise.",
    )
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=lambda a: cmd_manage(a.args))
