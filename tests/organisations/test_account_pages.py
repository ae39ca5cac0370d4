"""Accepting an invitation and resetting a password on the public pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from factories import MembershipFactory, OrganisationFactory, UserFactory
from socialinvest.organisations import actions
from socialinvest.organisations.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "ett-riktigt-losenord-42"


def test_accepting_an_invitation_sets_the_password_once(client):
    org = OrganisationFactory()
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.ORG_ADMIN, organisation=org)
    invitation = actions.do_invite_user(organisation=org, email="ny@example.se", acting_user=admin)
    url = actions.invitation_path(invitation.user)
    page = client.get(url)
    assert page.status_code == 200 and "ny@example.se" in page.content.decode()
    weak = client.post(url, {"password1": "kort", "password2": "kort"})
    assert weak.status_code == 200 and "field-error" in weak.content.decode()
    done = client.post(url, {"password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302 and done.url == "/accounts/login/"
    again = Client().get(url)
    assert again.status_code == 400 and "redan använd" in again.content.decode()
    assert (
        Client().post("/accounts/login/", {"username": "ny@example.se", "password": PASSWORD}).status_code
        == 302
    )


def _reset(email: str) -> int:
    return Client().post("/accounts/password-reset/", {"email": email}).status_code


def test_password_reset_answers_the_same_whether_or_not_the_address_exists():
    UserFactory(username="anna", email="anna@example.se", password=PASSWORD)
    known = Client().post("/accounts/password-reset/", {"email": "anna@example.se"}, follow=True)
    unknown = Client().post("/accounts/password-reset/", {"email": "ingen@example.se"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [("/accounts/password-reset/sent/", 302)]

    def page(response):  # the page without its per-request CSRF token
        return re.sub(r'(X-CSRFToken": "|value=")[A-Za-z0-9]{32,}', "", response.content.decode())

    assert page(known) == page(unknown)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["anna@example.se"]
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = "ett-annat-losenord-43"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    reused = Client().get(link, follow=True)
    assert "gått ut eller är redan använd" in reused.content.decode()


def test_password_reset_is_rate_limited_silently():
    UserFactory(username="bo", email="bo@example.se", password=PASSWORD)
    statuses = [_reset("bo@example.se") for _ in range(6)]
    assert statuses == [302] * 6  # the same answer every time
    assert len(mail.outbox) == 3  # RESET_LIMIT_PER_EMAIL
