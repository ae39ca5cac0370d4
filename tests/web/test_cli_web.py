"""``socialinvest demo``, ``serve`` and ``manage``: parsing and the parts that run without a server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

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
    assert "in use" in capsys.readouterr().err


def test_serve_refuses_to_start_without_secret_key(tmp_path):
    result = _cli(["serve"], _env(tmp_path), tmp_path)
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_manage_passes_through_to_django(tmp_path):
    result = _cli(["manage", "check"], _env(tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    result = _cli(["manage", "help", "load_demo"], _env(tmp_path), tmp_path)
    assert result.returncode == 0 and "--force" in result.stdout
