"""Who must give a second factor, and which they have (reads; the writes are in
:mod:`.actions.second_factor`).

The second factor is django-otp's: a TOTP device (an authenticator app) and a static device
holding single-use recovery codes.  django-otp is used rather than a hand-written TOTP because
it is maintained, implements RFC 6238 with drift and replay protection (``last_t``), and stores
recovery codes as single-use rows; its middleware marks a verified session.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import Access
from .models import Role

# Administrators: they change the organisation, its people and roles, or a fund's rules and money.
ADMIN_ROLES = (Role.ORG_ADMIN, Role.FUND_ADMIN)
TOTP_NAME = "app"
RECOVERY_NAME = "recovery"
RECOVERY_CODES = 10


def second_factor_required(user: Any) -> bool:
    """An organisation or fund administrator (or a superuser) logging in with a password,
    where the installation requires a second factor (``settings.REQUIRE_SECOND_FACTOR``)."""
    if not settings.REQUIRE_SECOND_FACTOR or not getattr(user, "is_authenticated", False):
        return False
    # The memberships every permission check of the request reads anyway (loaded once).
    return bool(user.is_superuser or any(m.role in ADMIN_ROLES for m in Access.of(user).memberships))


def totp_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_codes_left(user: Any) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    return device.token_set.count() if device else 0


def has_second_factor(user: Any) -> bool:
    return totp_device(user) is not None
