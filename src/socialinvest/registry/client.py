"""A fund's HTTP client for the registry (``REGISTRY_URL``, ``REGISTRY_TOKEN``), on the standard library.

Errors come back as :class:`RegistryError` with a message for the user; the registry's own
``{"errors": [...]}`` messages are passed on.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 10


class RegistryError(Exception):
    pass


def configured() -> bool:
    return bool(getattr(settings, "REGISTRY_URL", ""))


def _request(method: str, path: str, body: Any = None, *, auth: bool = False) -> Any:
    base = getattr(settings, "REGISTRY_URL", "").rstrip("/")
    if not base:
        raise RegistryError(_("Inget register är inställt (REGISTRY_URL)."))
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if auth:
        token = getattr(settings, "REGISTRY_TOKEN", "")
        if not token:
            raise RegistryError(_("Ingen registernyckel är inställd (REGISTRY_TOKEN)."))
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read().decode())
    except urllib.error.HTTPError as exc:
        try:
            errors = json.loads(exc.read().decode()).get("errors", [])
            detail = "; ".join(
                ".".join(str(p) for p in e.get("loc", [])[1:])
                + (": " if len(e.get("loc", [])) > 1 else "")
                + e["msg"]
                for e in errors
            )
        except (ValueError, AttributeError, KeyError, TypeError):
            detail = ""
        raise RegistryError(
            _("Registret svarade %(status)s: %(detail)s")
            % {"status": exc.code, "detail": detail or exc.reason}
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RegistryError(_("Registret kunde inte nås: %(reason)s") % {"reason": exc}) from None


def publish(payload: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = _request("POST", "/api/registry/publications", payload, auth=True)
    return result


def correct(registry_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    """A corrected version of one's own publication (``payload``: the publication and a ``reason``)."""
    result: dict[str, Any] = _request(
        "POST", f"/api/registry/publications/{registry_id}/corrections", payload, auth=True
    )
    return result


def withdraw(registry_id: int, reason: str) -> dict[str, Any]:
    result: dict[str, Any] = _request(
        "POST", f"/api/registry/publications/{registry_id}/withdraw", {"reason": reason}, auth=True
    )
    return result


def pooled(intervention_type: str, outcome: str) -> dict[str, Any]:
    query = urllib.parse.urlencode({"outcome": outcome})
    path = f"/api/registry/intervention-types/{urllib.parse.quote(intervention_type)}/pooled?{query}"
    result: dict[str, Any] = _request("GET", path)
    # Another registry (or version) answering in another shape is the registry's problem, said as such.
    missing = [k for k in POOLED_FIELDS if not isinstance(result, dict) or k not in result]
    if missing:
        raise RegistryError(_("Registret svarade utan %(fields)s.") % {"fields": ", ".join(missing)})
    return result


POOLED_FIELDS = (
    "k",
    "pooled",
    "standard_error",
    "tau2",
    "i2",
    "ci_low",
    "ci_high",
    "prediction_low",
    "prediction_high",
)
