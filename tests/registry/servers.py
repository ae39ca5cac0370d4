"""A registry instance in its own process: its own SQLite file, gunicorn on a free port of 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

# Localhost only: never through a proxy from the environment.
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

CREATE_TOKEN = """
import datetime as dt
from django.contrib.auth import get_user_model
from django.utils import timezone
from socialinvest.api.actions import do_create_api_token
user, _ = get_user_model().objects.get_or_create(username={name!r})
_t, secret = do_create_api_token(user=user, name="registry", scope="write",
    expires_at=timezone.now() + dt.timedelta(days=30), acting_user=user)
print(secret)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RegistryServer:
    def __init__(self, tmp: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("DATABASE_URL", "REGISTRY_URL", "REGISTRY_TOKEN")
            },
            "DJANGO_SETTINGS_MODULE": "socialinvest.config.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp / 'registry.sqlite3'}",
            "SOCIALINVEST_REGISTRY": "1",
            "SOCIALINVEST_VAR_DIR": str(tmp / "var"),
            "SECRET_KEY": "registry-test-key",
            "API_RATE_LIMIT": "0",
        }
        self.log = tmp / "registry.log"
        self.process: subprocess.Popen[bytes] | None = None

    def django(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "django", *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        self.django("migrate", "--verbosity", "0")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "socialinvest.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("wb"),
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                NO_PROXY.open(self.url + "/api/openapi.json", timeout=5).close()
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        self.stop()  # never leave a server behind
        raise RuntimeError(f"the registry server did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def token(self, name: str) -> str:
        return self.django("shell", "-c", CREATE_TOKEN.format(name=name)).strip().splitlines()[-1]

    def call_page(self, path: str) -> tuple[int, str]:
        """GET a page of the registry (HTML), anonymously."""
        request = urllib.request.Request(self.url + path, headers={"Accept": "text/html"})
        try:
            with NO_PROXY.open(request, timeout=60) as response:
                return response.status, str(response.read().decode())
        except urllib.error.HTTPError as exc:
            return exc.code, str(exc.read().decode())

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with NO_PROXY.open(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")
