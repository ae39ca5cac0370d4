"""The second factor: administrators who log in with a password give a code from an app (TOTP)
or a single-use recovery code; a wrong or replayed code is refused with a message and writes
nothing.  The codes are computed here from the secret the page shows, as an app would."""

from __future__ import annotations

import base64
import binascii
import re

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from factories import MembershipFactory, OrganisationFactory, UserFactory
from socialinvest.core.models import AuditEvent
from socialinvest.organisations import actions
from socialinvest.organisations.models import Role
from socialinvest.organisations.second_factor_views import ENROL_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("second_factor_on")]
PASSWORD = "demo-password-1"


@pytest.fixture
def second_factor_on():
    with override_settings(REQUIRE_SECOND_FACTOR=True):
        yield


def code_at(key_hex: str, step: int) -> str:
    """What an authenticator app with this secret shows during time step ``step``."""
    totp = TOTP(binascii.unhexlify(key_hex), 30, 0, 6, 0)
    totp.time = step * 30 + 1
    return f"{totp.token():06d}"


def now_step() -> int:
    return TOTP(b"x", 30, 0, 6, 0).t()


def log_in(client: Client, user, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": user.username, "password": password})


def logged_in(client: Client) -> bool:
    return client.get("/").status_code == 200


@pytest.fixture
def org_admin():
    org = OrganisationFactory()
    admin = UserFactory(username="orgadmin")
    MembershipFactory(user=admin, role=Role.ORG_ADMIN, organisation=org)
    return admin


def enrol(client: Client, user) -> tuple[str, list[str]]:
    """Log in with the password, connect an app; returns the secret and the recovery codes."""
    assert log_in(client, user).url == "/accounts/second-factor/setup/"
    page = client.get("/accounts/second-factor/setup/").content.decode()
    key = client.session[ENROL_KEY]
    shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert shown == base64.b32encode(binascii.unhexlify(key)).decode()
    done = client.post("/accounts/second-factor/setup/", {"code": code_at(key, now_step())})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    return key, codes


def test_an_administrator_enrols_at_the_first_password_log_in(world):
    client = Client()
    response = log_in(client, world.fund_admin)
    assert response.status_code == 302 and response.url == "/accounts/second-factor/setup/"
    assert not logged_in(client)  # the password alone logs nobody in
    page = client.get("/accounts/second-factor/setup/")
    assert page.status_code == 200 and "<svg" in page.content.decode()  # the QR code
    key = client.session[ENROL_KEY]
    valid = {code_at(key, now_step() + d) for d in (-1, 0, 1, 2)}
    bad = next(c for c in ("000000", "111111", "222222") if c not in valid)
    wrong = client.post("/accounts/second-factor/setup/", {"code": bad})
    assert wrong.status_code == 200 and "Koden stämmer inte" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="second_factor").exists()
    done = client.post("/accounts/second-factor/setup/", {"code": code_at(key, now_step())})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == len(set(codes)) == 10
    assert logged_in(client)
    device = TOTPDevice.objects.get(user=world.fund_admin)
    assert device.confirmed
    event = AuditEvent.objects.get(verb="second_factor.enrolled")
    assert event.actor == world.fund_admin and event.data["after"]["app"] is True


def test_the_code_is_asked_at_each_log_in_and_a_replayed_or_wrong_one_is_refused(world):
    key, _codes = enrol(Client(), world.fund_admin)
    device = TOTPDevice.objects.get(user=world.fund_admin)
    client = Client()
    assert log_in(client, world.fund_admin).url == "/accounts/second-factor/"
    replay = client.post("/accounts/second-factor/", {"code": code_at(key, device.last_t)})
    assert replay.status_code == 200 and "Koden är redan använd" in replay.content.decode()
    valid = {code_at(key, device.last_t + d) for d in (-1, 0, 1, 2, 3)}
    bad = next(c for c in ("123456", "654321", "111111") if c not in valid)
    wrong = client.post("/accounts/second-factor/", {"code": bad})
    assert "Fel kod" in wrong.content.decode() and not logged_in(client)
    assert TOTPDevice.objects.get(pk=device.pk).last_t == device.last_t
    ok = client.post("/accounts/second-factor/", {"code": code_at(key, device.last_t + 1)})
    assert ok.status_code == 302 and logged_in(client)
    assert client.get("/").wsgi_request.user.is_verified()


def test_a_recovery_code_works_once(world):
    _key, codes = enrol(Client(), world.fund_admin)
    first = Client()
    log_in(first, world.fund_admin)
    used = first.post("/accounts/second-factor/", {"code": codes[0].upper()}, follow=True)
    assert used.status_code == 200 and "9 återstår" in used.content.decode()
    assert StaticToken.objects.filter(device__user=world.fund_admin).count() == 9
    assert AuditEvent.objects.filter(verb="second_factor.recovery_code_used").count() == 1
    second = Client()
    log_in(second, world.fund_admin)
    again = second.post("/accounts/second-factor/", {"code": codes[0]})
    assert "Fel kod" in again.content.decode() and not logged_in(second)
    assert StaticToken.objects.filter(device__user=world.fund_admin).count() == 9


def test_people_without_an_administrator_role_are_not_asked(world):
    client = Client()
    assert log_in(client, world.applicant).url == "/"
    assert logged_in(client)


def test_the_requirement_can_be_switched_off(world):
    with override_settings(REQUIRE_SECOND_FACTOR=False):
        client = Client()
        assert log_in(client, world.fund_admin).url == "/"
        assert logged_in(client)


def test_too_many_wrong_codes_start_the_log_in_over(world):
    key, _codes = enrol(Client(), world.fund_admin)
    valid = {code_at(key, now_step() + d) for d in (-2, -1, 0, 1, 2)}
    wrong = [f"{n:06d}" for n in range(100000, 100020) if f"{n:06d}" not in valid][:6]
    client = Client()
    log_in(client, world.fund_admin)
    for code in wrong[:5]:
        assert "Fel kod" in client.post("/accounts/second-factor/", {"code": code}).content.decode()
    last = client.post("/accounts/second-factor/", {"code": wrong[5]}, follow=True)
    assert "För många felaktiga koder" in last.content.decode()
    assert client.get("/accounts/second-factor/").url == "/accounts/login/"


def test_the_second_step_needs_the_password_first(world):
    response = Client().get("/accounts/second-factor/", follow=True)
    assert "Logga in igen" in response.content.decode()
    assert Client().get("/accounts/second-factor/setup/").url == "/accounts/login/"


def test_an_organisation_administrator_resets_a_lost_app(world, org_admin):
    enrol(Client(), world.fund_admin)
    MembershipFactory(user=org_admin, role=Role.ORG_ADMIN, organisation=world.org)
    with pytest.raises(Exception, match="egen"):
        actions.do_reset_second_factor(user=org_admin, organisation=world.org, acting_user=org_admin)
    with pytest.raises(Exception, match="Endast"):
        actions.do_reset_second_factor(
            user=world.fund_admin, organisation=world.org, acting_user=world.decision_maker
        )
    assert TOTPDevice.objects.filter(user=world.fund_admin).exists()
    actions.do_reset_second_factor(user=world.fund_admin, organisation=world.org, acting_user=org_admin)
    assert not TOTPDevice.objects.filter(user=world.fund_admin).exists()
    assert not StaticToken.objects.filter(device__user=world.fund_admin).exists()
    event = AuditEvent.objects.get(verb="second_factor.reset")
    assert event.actor == org_admin and event.data["before"] == {"app": True}
    assert log_in(Client(), world.fund_admin).url == "/accounts/second-factor/setup/"


def test_a_role_given_during_a_password_session_asks_for_the_second_factor_at_once(world):
    client = Client()
    assert log_in(client, world.applicant).url == "/"
    assert logged_in(client)
    MembershipFactory(user=world.applicant, role=Role.FUND_ADMIN, fund=world.fund)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "kräver nu tvåstegsverifiering" in response.content.decode()
    assert not logged_in(client)
    assert log_in(client, world.applicant).url == "/accounts/second-factor/setup/"


def test_a_verified_session_is_left_alone(world):
    client = Client()
    enrol(client, world.fund_admin)
    assert logged_in(client)
    MembershipFactory(user=world.fund_admin, role=Role.ORG_ADMIN, organisation=world.org)
    assert logged_in(client)
