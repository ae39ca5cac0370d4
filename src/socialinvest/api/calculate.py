"""``POST /api/calculate``: the engine as a service for a scenario-v1 document.

The body is read and validated exactly as ``socialinvest calc`` reads a ``.json`` file
(:func:`~socialinvest.engine.loading.parse_text`, then
:func:`~socialinvest.engine.loading.parse_scenario`), and the response is the same JSON
as ``socialinvest calc --format json`` (the result's ``model_dump(mode="json")``), compact: the
CLI indents for people, and ``json.dumps`` with an indent runs the pure-Python encoder, which took
more CPU than the 10 000 draws themselves (the same data; only whitespace differs).
"""

# No ``from __future__ import annotations``: django-ninja reads these annotations at import time.

import json

from django.http import HttpRequest, HttpResponse
from ninja import Router

from socialinvest.applications.calculation_cache import cached_result
from socialinvest.engine import Result, run
from socialinvest.engine.errors import Problem, ScenarioError
from socialinvest.engine.loading import MAX_FILE_BYTES, decode, parse_scenario, parse_text

from .auth import OptionalTokenAuth
from .schemas import ErrorOut

router = Router(tags=["calculate"])


def calculation_json(body: bytes, *, draws: int | None = None, seed: int | None = None) -> str:
    """The CLI's JSON for a scenario document given as bytes (raises ScenarioError naming each problem)."""
    if len(body) > MAX_FILE_BYTES:
        raise ScenarioError([Problem("", f"file is too large ({len(body)} bytes; at most {MAX_FILE_BYTES})")])
    scenario = parse_scenario(parse_text(decode(body), json_only=True))
    if draws is None and seed is None:  # the scenario's own: the editor's cache serves it
        result = cached_result(scenario)
    else:
        result = run(scenario, draws=draws, seed=seed).result
    return json.dumps(
        result.model_dump(mode="json"), ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )


@router.post(
    "/calculate",
    auth=OptionalTokenAuth(),
    response={200: Result, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Calculate a scenario (as socialinvest calc --format json)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Scenario"}}},
        }
    },
)
def calculate(request: HttpRequest) -> HttpResponse:
    """Validate the scenario document in the body and calculate it.

    Bad input gives 422 with one error per problem, ``loc`` the field path.
    """
    return HttpResponse(calculation_json(request.body), content_type="application/json")
