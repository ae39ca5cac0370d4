"""The NinjaAPI: routers, error handlers, and the scenario schema in the OpenAPI document.

:func:`make_api` builds it from this app's routers; ``socialinvest.config.api`` adds the
routers of the apps above (the registry) and is what the URLconf serves.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from socialinvest.engine.scenario import Scenario

from . import (  # noqa: F401
    agreement_writes,
    application_writes,
    calculate,
    errors,
    expost_writes,
    followup_writes,
    plan_writes,
    resources,
    writes,
)


class SocialinvestAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Add the engine's scenario-v1 model, which ``POST /api/calculate`` reads as raw JSON."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        scenario = Scenario.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in scenario.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components["Scenario"] = scenario
        return schema


DESCRIPTION = (
    "Funds, applications, calculations, decisions, the ledger and follow-up, with the same "
    "permissions as the web pages. Authenticate with `Authorization: Bearer <token>` "
    "(tokens are created on your own user page, /api/tokens/). "
    'Errors: `{"errors": [{"loc": [...], "msg": ...}]}`. '
    "Writes that move money (a decision, a repayment agreement, approving or paying a "
    "disbursement, a repayment, adopting an ex-post calculation) need an `Idempotency-Key` header."
)


def make_api() -> SocialinvestAPI:
    api = SocialinvestAPI(
        title="Socialinvest API", version="1", description=DESCRIPTION, urls_namespace="api"
    )
    errors.install(api)
    api.add_router("", calculate.router)
    api.add_router("", resources.router)
    api.add_router("", writes.router)
    # application_writes and plan_writes add their operations to resources.router (the same paths).
    api.add_router("", agreement_writes.router)
    api.add_router("", followup_writes.router)
    api.add_router("", expost_writes.router)
    return api
