"""``POST /api/calculate``: the engine as a service for a scenario-v1 document.

The body is read and validated exactly as ``socialinvest calc`` reads a ``.json`` file
(:func:`~socialinvest.engine.loading.parse_text`, then
:func:`~socialinvest.engine.loading.parse_scenario`), and the response is the same JSON
as ``socialinvest calc --format json`` (the result's ``model_dump(mode="json")``), compact: the
CLI indents for people, and ``json.dumps`` with an indent runs the pure-Python encoder, which took
more CPU than the 10 000 draws themselves (the same data; only whitespace differs).

The compact text is the result's own ``model_dump_json()`` (pydantic-core, in Rust), not
``json.dumps``: ``json.dumps`` spent about 0.75 ms of a request's ~11 ms CPU writing the result's
floats; dumping to Python data first and encoding that with pydantic-core took 0.30 ms, the
direct dump 0.15 ms.  It writes the same data as ``model_dump(mode="json")``, so the parsed JSON
is the CLI's (a float may be spelled differently, ``0.00001`` for ``1e-05``, the same number).
The CLI refuses a NaN or an infinity (``allow_nan=False``); the result models write them as
``NaN``/``Infinity`` (``ser_json_inf_nan``), and when either word appears anywhere in the text
the result goes through ``json.dumps`` after all, which refuses it as the CLI does (or, when the
word was only inside a name, gives the same JSON).

A result the editor has calculated (the same input, draws, seed and engine version) is served
from the shared result cache, but the API does not store its own results there: a caller who
varies the seed, as a Monte Carlo client does, would pay a database write of the pickled result
on every request (~0.85 ms CPU of ~10 with the database cache) for an entry no one reads, and
anonymous callers, at 600 requests a minute each, would push the editor's entries out of the
cache (the database cache keeps 300).  A repeated API request is calculated again.
"""

# No ``from __future__ import annotations``: django-ninja reads these annotations at import time.

import json

from django.http import HttpRequest, HttpResponse
from ninja import Router

from socialinvest.applications.calculation_cache import stored_result
from socialinvest.engine import Result, run
from socialinvest.engine.errors import Problem, ScenarioError
from socialinvest.engine.loading import MAX_FILE_BYTES, decode, parse_scenario, parse_text

from .auth import OptionalTokenAuth
from .schemas import ErrorOut

router = Router(tags=["calculate"])


def calculation_json(body: bytes, *, draws: int | None = None, seed: int | None = None) -> bytes:
    """The CLI's JSON for a scenario document given as bytes (raises ScenarioError naming each problem)."""
    if len(body) > MAX_FILE_BYTES:
        raise ScenarioError([Problem("", f"file is too large ({len(body)} bytes; at most {MAX_FILE_BYTES})")])
    scenario = parse_scenario(parse_text(decode(body), json_only=True))
    # The scenario's own draws and seed: a result the editor calculated is served from its cache.
    stored = stored_result(scenario) if draws is None and seed is None else None
    result = stored if stored is not None else run(scenario, draws=draws, seed=seed).result
    return result_json(result)


def result_json(result: Result) -> bytes:
    """The result as the CLI's JSON data, compact, UTF-8; a NaN or an infinity raises ``ValueError``."""
    text = result.model_dump_json().encode()
    if b"NaN" in text or b"Infinity" in text:
        data = result.model_dump(mode="json")
        return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
    return text


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
