"""The test identity provider as a pytest fixture (tests/oidc_provider.py, started in a second
process), and the settings that point Socialinvest at it; shared by the HTTP and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.test import override_settings

TESTS = Path(__file__).resolve().parent
CLIENT_ID = "socialinvest-test"
CLIENT_SECRET = "a-test-client-secret-of-some-length"
PROVIDER_PASSWORD = "provider-password-1"
PEOPLE = {"anna": "anna@exempelstad.se", "okand": "okand@example.se", "avstangd": "avstangd@exempelstad.se"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session", name="idp")
def idp_fixture(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the identity provider; yields its issuer URL.  It runs on 127.0.0.1 while the live
    server answers on localhost, so the two keep their session cookies apart."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "oidc_provider",
        "PYTHONPATH": str(TESTS),
        "OIDC_TEST_PORT": str(port),
        "OIDC_TEST_DB": str(tmp_path_factory.mktemp("idp") / "idp.sqlite3"),
        "OIDC_TEST_PEOPLE": ",".join(f"{u}:{PROVIDER_PASSWORD}:{e}" for u, e in PEOPLE.items()),
    }
    env.pop("DATABASE_URL", None)
    log = tmp_path_factory.mktemp("idp-log") / "provider.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                str(TESTS / "oidc_provider.py"),
                f"{live_server.url}/oidc/callback/",
                CLIENT_ID,
                CLIENT_SECRET,
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}/o"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the test identity provider did not start:\n" + log.read_text())
            time.sleep(0.3)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def oidc_settings(issuer: str, **extra: Any) -> Iterator[None]:
    backends = [*settings.AUTHENTICATION_BACKENDS, "socialinvest.organisations.oidc.MunicipalOIDCBackend"]
    with override_settings(
        OIDC_ISSUER=issuer,
        OIDC_ENABLED=True,
        OIDC_RP_CLIENT_ID=CLIENT_ID,
        OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_PROVIDER_NAME="Exempelstads inloggning",
        AUTHENTICATION_BACKENDS=backends,
        REQUIRE_SECOND_FACTOR=True,
        **extra,
    ):
        yield
