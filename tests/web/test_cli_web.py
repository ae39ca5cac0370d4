"""``socialinvest demo``, ``serve`` and ``manage``: parsing and the parts that run without a server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from socialinvest.cli import web
from socialinvest.cli.main import build_parser, main


def _env(tmp_path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update(SOCIALINVEST_VAR_DIR=str(tmp_path / "var"), **extra)
    return env


def _cli(args: list[str], env: dict[str, str], cwd) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "socialinvest.cli.main", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_subcommands_are_registered_and_the_engine_ones_kept():
    parser = build_parser()
    assert parser.parse_args(["demo", "--port", "8123"]).func is web.cmd_demo
    args = parser.parse_args(["serve", "--host", "0.0.0.0", "--workers", "3"])
    assert args.func is web.cmd_serve and args.host == "0.0.0.0" and args.workers == 3
    assert parser.parse_args(["calc", "examples/worked-example.yaml"]).command == "calc"


def test_gunicorn_command():
    argv = web.gunicorn_argv("127.0.0.1", 8001, 3)
    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    assert "socialinvest.config.wsgi:application" in argv
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8001"
    assert argv[argv.index("--workers") + 1] == "3"


def test_default_workers(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert 2 <= web.default_workers() <= 8
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert web.default_workers() == 5


def test_demo_refuses_a_busy_port(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert not web.port_is_free("127.0.0.1", port)
        assert main(["demo", "--port", str(port)]) == 2
        assert "är upptagen" in capsys.readouterr().err  # Swedish by default, like every command
        assert main(["--lang", "en", "demo", "--port", str(port)]) == 2
        assert "is in use" in capsys.readouterr().err


def test_serve_refuses_to_start_without_secret_key(tmp_path):
    result = _cli(["serve"], _env(tmp_path), tmp_path)
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_manage_passes_through_to_django(tmp_path):
    dev = "--settings=socialinvest.config.settings.dev"
    result = _cli(["manage", "check", dev], _env(tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    result = _cli(["manage", "help", "load_demo", dev], _env(tmp_path), tmp_path)
    assert result.returncode == 0 and "--force" in result.stdout


def _production(tmp_path, **extra: str) -> dict[str, str]:
    """What a real installation has in its environment (README: Running it for real)."""
    db = tmp_path / "prod.sqlite3"
    return _env(
        tmp_path,
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="fond.example.se",
        DATABASE_URL=f"sqlite:///{db}",
        **extra,
    )


def test_manage_uses_the_settings_of_serve_unless_told_otherwise(tmp_path):
    """Issue #10, item 2: `manage` defaulted to the development settings."""
    show = [
        "manage",
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SETTINGS_MODULE, s.DEBUG)",
    ]
    result = _cli(show, _production(tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["socialinvest.config.settings.prod", "False"]
    told = _cli([*show, "--settings=socialinvest.config.settings.dev"], _production(tmp_path), tmp_path)
    assert told.stdout.splitlines()[-1].split()[0] == "socialinvest.config.settings.dev"
    # Without the production environment it says what is missing and how to reach the demo database.
    bare = _cli(["manage", "check"], _env(tmp_path), tmp_path)
    assert bare.returncode == 2 and "SECRET_KEY" in bare.stderr and "--settings" in bare.stderr
    assert "Traceback" not in bare.stderr


def test_load_demo_refuses_a_production_database(tmp_path):
    """The demo's users (published password) never reach a database but the demo's own."""
    result = _cli(["manage", "load_demo"], _production(tmp_path), tmp_path)
    assert result.returncode != 0 and "DEBUG is off" in result.stderr
    # Even with DEBUG on: the database is not the demo's SQLite file under var/.
    result = _cli(["manage", "load_demo"], _production(tmp_path, DEBUG="1"), tmp_path)
    assert result.returncode != 0 and "not the demo's own" in result.stderr
    assert not (tmp_path / "prod.sqlite3").exists() or (tmp_path / "prod.sqlite3").stat().st_size == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_gives_gunicorn_the_allocator_settings_unless_the_environment_has_its_own(tmp_path):
    # A real `serve`: migrate, collectstatic, gunicorn; then the workers' own environment is read
    # from /proc (glibc reads these variables when a process starts, so only that shows they work).
    import time
    import urllib.request

    port = _free_port()
    env = {
        **_production(tmp_path, SECURE_SSL_REDIRECT="0", MALLOC_TRIM_THRESHOLD_="12345"),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    command = [sys.executable, "-m", "socialinvest.cli.main", "serve", "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.5)
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True, check=True
        ).stdout.split()
        assert children, "gunicorn has no worker"
        for pid in [server.pid, *children]:
            text = Path(f"/proc/{pid}/environ").read_text()
            environ = dict(item.split("=", 1) for item in text.split("\0") if "=" in item)
            assert environ["MALLOC_MMAP_THRESHOLD_"] == web.ALLOCATOR_ENVIRONMENT["MALLOC_MMAP_THRESHOLD_"]
            assert environ["MALLOC_TRIM_THRESHOLD_"] == "12345"  # the installation's own value wins
    finally:
        server.terminate()
        server.wait(timeout=30)
