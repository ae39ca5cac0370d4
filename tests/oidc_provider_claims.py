"""The test identity provider's claims: the e-mail and name of the signed-in user (django-oauth-toolkit)."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class EmailClaims(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email": "email", "name": "profile"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return {"email": request.user.email, "name": request.user.get_full_name()}
