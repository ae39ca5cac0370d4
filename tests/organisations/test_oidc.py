"""Sign-in with an identity provider: a real OpenID Connect provider (django-oauth-toolkit in a
second Django process on localhost) and a real HTTP client driving the authorization code flow
against the live server; no part of the flow is mocked."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import override_settings

from factories import MembershipFactory, OrganisationFactory, UserFactory
from oidc_fixtures import (
    PROVIDER_PASSWORD,
    free_port,
    idp_fixture,  # noqa: F401  (the fixture "idp")
    oidc_settings,
)
from socialinvest.core.models import AuditEvent
from socialinvest.organisations import actions
from socialinvest.organisations.models import Invitation, Membership, Role


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


def test_an_invited_person_signs_in_through_the_provider_without_a_second_factor(live_server, idp, invited):
    with oidc_settings(idp):
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
    # The sign-in took up the invitation: its password link no longer works.
    invitation = Invitation.objects.get(user=invited)
    assert invitation.accepted_at is not None
    event = AuditEvent.objects.get(verb="user.accepted_invitation")
    assert event.actor == invited and event.data["via"] == "identity provider"
    link = requests.get(live_server.url + actions.invitation_path(invited), timeout=20)
    assert link.status_code == 400 and "redan använd" in link.text


def test_an_unknown_e_mail_is_told_and_no_account_is_made(live_server, idp, invited):
    users, memberships, events = (
        get_user_model().objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )
    with oidc_settings(idp):
        session, done = sign_in(live_server, "okand")
    assert done.url == f"{live_server.url}/accounts/login/"
    assert "Inget konto i Socialinvest har e-postadressen okand@example.se" in done.text
    assert session.get(f"{live_server.url}/", timeout=20, allow_redirects=False).status_code == 302
    assert get_user_model().objects.count() == users
    assert Membership.objects.count() == memberships and AuditEvent.objects.count() == events


def test_a_deactivated_account_is_refused(live_server, idp, invited):
    UserFactory(username="avstangd", email="avstangd@exempelstad.se", is_active=False)
    with oidc_settings(idp):
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


def test_password_log_in_can_be_switched_off(live_server, idp, invited):
    UserFactory(username="lokal", password="demo-password-1")
    with oidc_settings(idp, PASSWORD_LOGIN_ENABLED=False):
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


@pytest.mark.django_db
def test_without_password_log_in_the_invitation_says_to_sign_in_through_the_provider(
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    org = OrganisationFactory(name="Exempelstads kommun", slug="exempelstad")
    admin = UserFactory(username="it-admin")
    MembershipFactory(user=admin, role=Role.ORG_ADMIN, organisation=org)
    with override_settings(PASSWORD_LOGIN_ENABLED=False), django_capture_on_commit_callbacks(execute=True):
        actions.do_invite_user(
            organisation=org, email="bo@exempelstad.se", acting_user=admin, base_url="https://si.example.se"
        )
    body = mail.outbox[-1].body
    assert "Logga in via organisationens inloggning på https://si.example.se" in body
    assert "/accounts/invitation/" not in body  # no password to choose
