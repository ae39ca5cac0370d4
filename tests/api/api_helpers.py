"""Helpers for API tests: a token for a user, a client that sends it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client
from django.utils import timezone

from socialinvest.api.actions import do_create_api_token


def token_for(user: Any, scope: str = "write", days: int = 30) -> str:
    _token, secret = do_create_api_token(
        user=user,
        name=f"{user.username}-{scope}",
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
        acting_user=user,
    )
    return secret


class ApiClient:
    """A Django test client that sends a bearer token and JSON."""

    def __init__(self, secret: str | None = None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any = None, raw: bytes | None = None, **headers: str) -> Any:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            path, data=data, content_type="application/json", headers={**self.headers, **headers}
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            path, data=json.dumps(body), content_type="application/json", headers=self.headers
        )

    def put(self, path: str, body: Any, **headers: str) -> Any:
        return self.client.put(
            path, data=json.dumps(body), content_type="application/json", headers={**self.headers, **headers}
        )
