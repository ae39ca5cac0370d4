"""Services for the second factor: enrol an authenticator app, verify a code, reset a lost one.

Enrolling writes nothing until the person proves the app works: the secret lives in their
session until a correct code comes back, then the TOTP device and ten single-use recovery
codes are written together with the audit event.  Verifying refuses a wrong code and a code
already used (the TOTP step at or before the last accepted one) with a message and writes
nothing; a recovery code is deleted when used.
"""

from __future__ import annotations

import time
from binascii import unhexlify
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from socialinvest.core.personnummer import bulk_create

from ..locking import lock_organisation
from ..models import Organisation
from ..permissions import can_administer_organisation
from ..second_factor import RECOVERY_CODES, RECOVERY_NAME, TOTP_NAME
from .common import audit
from .people import belongs_to

TOLERANCE = 1  # one 30-second step either side: a phone clock a little off still works


def _digits(code: str) -> str:
    return "".join((code or "").split()).replace("-", "")


def _matching_step(key_hex: str, code: str, *, drift: int = 0) -> int | None:
    """The TOTP time step ``code`` belongs to now (within the tolerance), or None."""
    if not code.isdigit() or len(code) != 6:
        return None
    totp = TOTP(unhexlify(key_hex), 30, 0, 6, drift)
    totp.time = time.time()
    for offset in range(-TOLERANCE, TOLERANCE + 1):
        totp.drift = drift + offset
        if totp.token() == int(code):
            return totp.t()
    return None


def do_enrol_totp(*, user: Any, key_hex: str, code: str, acting_user: Any) -> list[str]:
    """Confirm an authenticator app for ``user`` with a code it shows, replacing any earlier app
    and recovery codes.  Returns the new recovery codes (shown once)."""
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        if getattr(acting_user, "pk", None) != locked.pk:
            raise PermissionDenied(_("Bara du själv kan koppla en app till ditt konto."))
        code = _digits(code)
        if not code:
            raise ValidationError({"code": _("Skriv koden som appen visar.")})
        step = _matching_step(key_hex, code)
        if step is None:
            raise ValidationError(
                {"code": _("Koden stämmer inte. Kontrollera att telefonens klocka går rätt och försök igen.")}
            )
        had = TOTPDevice.objects.filter(user=locked).exists()
        TOTPDevice.objects.filter(user=locked).delete()
        StaticDevice.objects.filter(user=locked).delete()
        TOTPDevice.objects.create(
            user=locked, name=TOTP_NAME, key=key_hex, confirmed=True, last_t=step, tolerance=TOLERANCE
        )
        recovery = StaticDevice.objects.create(user=locked, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
        bulk_create(StaticToken, [StaticToken(device=recovery, token=c) for c in codes])
        audit(
            acting_user=acting_user,
            verb="second_factor.enrolled",
            target=locked,
            summary=_("%(name)s kopplade en app för tvåstegsverifiering") % {"name": locked.get_username()},
            before={"app": had},
            after={"app": True, "recovery_codes": RECOVERY_CODES},
        )
    return codes


def do_verify_second_factor(*, user: Any, code: str, acting_user: Any) -> Device:
    """Check a code from the app, or a recovery code (used up by this).  Returns the device."""
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        if getattr(acting_user, "pk", None) != locked.pk:
            raise PermissionDenied(_("Bara du själv kan ange din kod."))
        code = _digits(code)
        if not code:
            raise ValidationError({"code": _("Skriv koden från appen eller en reservkod.")})
        if code.isdigit() and len(code) == 6:
            device = TOTPDevice.objects.select_for_update().filter(user=locked, confirmed=True).first()
            if device is None:
                raise ValidationError({"code": _("Ingen app är kopplad till kontot.")})
            step = _matching_step(device.key, code, drift=device.drift)
            if step is not None and step <= device.last_t:
                raise ValidationError(
                    {"code": _("Koden är redan använd. Vänta tills appen visar nästa kod.")}
                )
            if step is None or not device.verify_token(code):
                raise ValidationError({"code": _("Fel kod. Skriv koden som appen visar just nu.")})
            return device
        recovery = StaticDevice.objects.select_for_update().filter(user=locked, confirmed=True).first()
        if recovery is None or not recovery.verify_token(code.lower()):
            raise ValidationError(
                {
                    "code": _(
                        "Fel kod. En reservkod kan bara användas en gång; en kod från appen är sex siffror."
                    )
                }
            )
        left = recovery.token_set.count()
        audit(
            acting_user=acting_user,
            verb="second_factor.recovery_code_used",
            target=locked,
            summary=_("%(name)s loggade in med en reservkod (%(left)s kvar)")
            % {"name": locked.get_username(), "left": left},
            after={"recovery_codes_left": left},
        )
        return recovery


def do_reset_second_factor(
    *, user: Any, organisation: Organisation, acting_user: Any, reason: str = ""
) -> None:
    """An organisation administrator removes a person's app and recovery codes (a lost phone);
    at the next password log-in they enrol a new app.  Nobody resets their own."""
    with transaction.atomic():
        org = lock_organisation(organisation)
        can_administer_organisation(acting_user, org).require()
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        if locked.pk == getattr(acting_user, "pk", None):
            raise ValidationError(_("Du kan inte nollställa din egen tvåstegsverifiering."))
        if not belongs_to(locked, org):
            raise ValidationError(
                _("%(name)s hör inte till %(org)s.") % {"name": locked.get_username(), "org": org.name}
            )
        had = TOTPDevice.objects.filter(user=locked).exists()
        if not had:
            raise ValidationError(_("%(name)s har ingen app kopplad.") % {"name": locked.get_username()})
        TOTPDevice.objects.filter(user=locked).delete()
        StaticDevice.objects.filter(user=locked).delete()
        audit(
            acting_user=acting_user,
            verb="second_factor.reset",
            target=locked,
            summary=_("Tvåstegsverifieringen för %(name)s nollställd") % {"name": locked.get_username()},
            reason=reason,
            before={"app": True},
            after={"app": False},
            organisation=org.pk,
        )
