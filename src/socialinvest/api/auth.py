"""Bearer-token authentication for the API: the token's user becomes ``request.user``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from .actions import hash_secret
from .models import ApiToken, Scope
from .ratelimit import check_rate

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ReadOnlyScope(Exception):
    """A read-scope token tried to write."""


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


class TokenAuth(HttpBearer):
    """``Authorization: Bearer si_…``.  A revoked, expired or unknown token is refused (401)."""

    # A read-scope token may not write.  Endpoints that write nothing (calculate) turn this off.
    check_scope = True

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_secret(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        check_rate(f"token:{found.pk}")
        if self.check_scope and request.method not in SAFE_METHODS and found.scope != Scope.WRITE:
            raise ReadOnlyScope()
        request.user = found.user
        # Touch at most once a minute: a read should not write on every call.
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found


class OptionalTokenAuth(TokenAuth):
    """A token if one is given (and then it must be valid); otherwise anonymous, limited per address."""

    check_scope = False

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return super().__call__(request)
        check_rate(f"addr:{_client_address(request)}")
        request.user = AnonymousUser()
        return "anonymous"
