"""Sign-in with an identity provider: a real OpenID Connect provider (django-oauth-toolkit in a
second Django process on localhost) and a real HTTP client driving the authorization code flow
against the live server; no part of the flow is mocked."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings

from factories import MembershipFactory, OrganisationFactory, UserFactory
from socialinvest.core.models import AuditEvent
from socialinvest.organisations import actions
from socialinvest.organisations.models import Membership, Role

TESTS = Path(__file__).resolve().parents[1]
CLIENT_ID = "socialinvest-test"
CLIENT_SECRET = "a-test-client-secret-of-some-length"
PROVIDER_PASSWORD = "provider-password-1"
PEOPLE = {"anna": "anna@exempelstad.se", "okand": "okand@example.se", "avstangd": "avstangd@exempelstad.se"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
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


def sign_in(live_server: Any, username: str) -> tuple[requests.Session, requests.Response]:
    """The browser's journey: our sign-in link, the provider's log-in form, back to us."""
    session = requests.Session()
    form = session.get(f"{live_server.url}/oidc/authenticate/?next=/funds/", timeout=20)
    assert form.url.startswith("http://127.0.0.1:"), form.url  # at the provider
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', form.text).group(1).replace("&amp;", "&")
    done = session.post(
        urljoin(form.url, "/login/"),
        data={
            "csrfmiddlewaretoken": csrf,
            "next": next_url,
            "username": username,
            "password": PROVIDER_PASSWORD,
        },
        headers={"Referer": form.url},
        timeout=30,
    )
    return session, done


@pytest.fixture
def invited(transactional_db: None) -> Any:
    org = OrganisationFactory(name="Exempelstads kommun", slug="exempelstad")
    admin = UserFactory(username="it-admin")
    MembershipFactory(user=admin, role=Role.ORG_ADMIN, organisation=org)
    invitation = actions.do_invite_user(organisation=org, email="Anna@Exempelstad.se", acting_user=admin)
    MembershipFactory(user=invitation.user, role=Role.ORG_ADMIN, organisation=org)
    return invitation.user


def test_an_invited_person_signs_in_through_the_provider_without_a_second_factor(
    live_server, provider, invited
):
    with oidc_settings(provider):
        login_page = requests.get(f"{live_server.url}/accounts/login/", timeout=20)
        assert "Logga in via Exempelstads inloggning" in login_page.text
        session, done = sign_in(live_server, "anna")
        assert done.status_code == 200, done.text[:2000]
        assert done.url == f"{live_server.url}/funds/"  # back where they were going, logged in
        assert "Logga ut" in done.text
        # An organisation administrator, yet no code asked: the provider signed them in.
        assert "second-factor" not in "".join(r.url for r in done.history)
        home = session.get(f"{live_server.url}/", timeout=20)
        assert home.status_code == 200 and "Logga ut" in home.text
    # Matched, not made: still the one invited account, with only the role it was given.
    user_model = get_user_model()
    assert user_model.objects.filter(email__iexact="anna@exempelstad.se").count() == 1
    assert list(Membership.objects.filter(user=invited).values_list("role", flat=True)) == [Role.ORG_ADMIN]


def test_an_unknown_e_mail_is_told_and_no_account_is_made(live_server, provider, invited):
    users, memberships, events = (
        get_user_model().objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )
    with oidc_settings(provider):
        session, done = sign_in(live_server, "okand")
    assert done.url == f"{live_server.url}/accounts/login/"
    assert "Inget konto i Socialinvest har e-postadressen okand@example.se" in done.text
    assert session.get(f"{live_server.url}/", timeout=20, allow_redirects=False).status_code == 302
    assert get_user_model().objects.count() == users
    assert Membership.objects.count() == memberships and AuditEvent.objects.count() == events


def test_a_deactivated_account_is_refused(live_server, provider, invited):
    UserFactory(username="avstangd", email="avstangd@exempelstad.se", is_active=False)
    with oidc_settings(provider):
        session, done = sign_in(live_server, "avstangd")
    assert done.url == f"{live_server.url}/accounts/login/"
    assert "är avstängt" in done.text
    assert session.get(f"{live_server.url}/", timeout=20, allow_redirects=False).status_code == 302


def test_a_provider_that_does_not_answer_is_told(live_server, transactional_db):
    closed = f"http://127.0.0.1:{free_port()}/o"
    users = get_user_model().objects.count()
    with oidc_settings(closed):
        page = requests.get(f"{live_server.url}/oidc/authenticate/", timeout=30)
    assert page.url == f"{live_server.url}/accounts/login/"
    assert "Exempelstads inloggning svarar inte just nu" in page.text
    assert get_user_model().objects.count() == users


def test_password_log_in_can_be_switched_off(live_server, provider, invited):
    UserFactory(username="lokal", password="demo-password-1")
    with oidc_settings(provider, PASSWORD_LOGIN_ENABLED=False):
        page = requests.get(f"{live_server.url}/accounts/login/", timeout=20)
        assert "Logga in via Exempelstads inloggning" in page.text and 'name="password"' not in page.text
        session = requests.Session()
        session.get(f"{live_server.url}/accounts/login/", timeout=20)
        refused = session.post(
            f"{live_server.url}/accounts/login/",
            data={
                "username": "lokal",
                "password": "demo-password-1",
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": f"{live_server.url}/accounts/login/"},
            timeout=20,
        )
        assert refused.status_code == 403 and "Inloggning med lösenord är avstängd" in refused.text
        assert session.get(f"{live_server.url}/", timeout=20, allow_redirects=False).status_code == 302
        reset = requests.get(f"{live_server.url}/accounts/password-reset/", timeout=20)
        assert reset.url == f"{live_server.url}/accounts/login/" and "inget lösenord att byta" in reset.text
