"""Writes of the API app: create and revoke a user's API token (each with its audit event)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event

from .models import ApiToken, Scope

TOKEN_PREFIX = "si_"
MAX_LIFETIME = dt.timedelta(days=366)


def hash_secret(secret: str) -> str:
    """SHA-256 of the secret: tokens are long random strings, so a fast hash is enough (like GitHub's)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def do_create_api_token(
    *, user: Any, name: str, scope: str, expires_at: dt.datetime, acting_user: Any
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its secret (shown once, never stored).

    Only the user creates their own tokens.  The expiry must be in the future and at most a year ahead.
    """
    with transaction.atomic():
        if not getattr(acting_user, "is_authenticated", False) or acting_user.pk != user.pk:
            raise PermissionDenied(_("Bara användaren själv kan skapa sina API-nycklar."))
        errors: dict[str, str] = {}
        name = name.strip()
        if not name:
            errors["name"] = _("Ge nyckeln ett namn.")
        if scope not in Scope.values:
            errors["scope"] = _("Välj läsa eller läsa och skriva.")
        now = timezone.now()
        if expires_at <= now:
            errors["expires_at"] = _("Giltighetstiden måste sluta i framtiden.")
        elif expires_at > now + MAX_LIFETIME:
            errors["expires_at"] = _("En nyckel kan gälla högst ett år.")
        if errors:
            raise ValidationError(errors)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:10],
            token_hash=hash_secret(secret),
            scope=scope,
            expires_at=expires_at,
        )
        record_event(
            actor=acting_user,
            verb="api_token.create",
            target=token,
            summary=_("API-nyckel %(name)s skapad") % {"name": name},
            data={"scope": scope, "expires_at": expires_at.isoformat()},
        )
    return token, secret


def do_revoke_api_token(*, token: ApiToken, acting_user: Any) -> ApiToken:
    """Revoke a token now (its next request gets 401).  Revoking twice changes nothing."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if not getattr(acting_user, "is_authenticated", False) or acting_user.pk != locked.user_id:
            raise PermissionDenied(_("Bara användaren själv kan återkalla sina API-nycklar."))
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record_event(
                actor=acting_user,
                verb="api_token.revoke",
                target=locked,
                summary=_("API-nyckel %(name)s återkallad") % {"name": locked.name},
            )
    return locked
