"""Repayment terms from a form: coerced, validated by ``finance.repayment.parse_terms``,
errors as Swedish messages per field; and the forecast copied from the decision."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pydantic
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialinvest.core.forms import AMOUNT_MESSAGE
from socialinvest.finance.money import amount_from
from socialinvest.finance.repayment import parse_terms, repayment_schedule
from socialinvest.finance.savings import forecast_savings

from .common import parse_share

_BAD_SHARE = object()
_BAD_AMOUNT = object()
MONEY_FIELDS = ("principal", "cap")

INT_FIELDS = ("years", "first_year", "last_year")
SHARE_FIELDS = ("share", "guaranteed_share", "conditional_share_of_savings", "return_cap")
DECIMAL_FIELDS = ("principal", "cap", *SHARE_FIELDS)
SHARE_MESSAGE = gettext_lazy(
    "Ange en andel i procent eller som bråk, t.ex. 40 %, 40 eller 0,4 (mellan 0 och 100 %)."
)


def _coerce(raw: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # an empty field is a missing one
        if key in SHARE_FIELDS and isinstance(value, str):
            share = parse_share(value)
            data[key] = str(share) if share is not None else _BAD_SHARE
            continue
        if key in MONEY_FIELDS:
            try:
                data[key] = str(amount_from(value))
            except ValueError:
                data[key] = _BAD_AMOUNT
            continue
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace(" ", "")
            if key in DECIMAL_FIELDS:
                value = value.replace(",", ".")
            elif key in INT_FIELDS and value.lstrip("-").isdigit():
                value = int(value)
        data[key] = value
    return data


def _message(err: Any) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return _("Obligatoriskt fält.")
    if kind == "greater_than_equal":
        return _("Måste vara minst %(v)s.") % {"v": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Får vara högst %(v)s.") % {"v": ctx.get("le")}
    if kind in ("less_than", "greater_than"):
        return _("Värdet är utanför tillåtet intervall.")
    if kind in ("decimal_max_places", "decimal_max_digits"):
        return _("Högst två decimaler (hela ören).")
    if kind.startswith("int_"):
        return _("Ange ett heltal.")
    if kind.startswith(("decimal_", "float_", "finite_")):
        return _("Ange ett tal.")
    if kind == "extra_forbidden":
        return _("Fältet hör inte till modellen.")
    return _("Ogiltigt värde.")


def clean_terms(raw: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """``(terms as JSON, {})`` or ``(None, {field: message})``.

    Shares are read by the ledger's one share parser (``"40 %"``, ``"40"``, ``"0,4"``,
    ``"0.4"`` are all 40 %).
    """
    data = _coerce(raw)
    bad = {key: str(SHARE_MESSAGE) for key, value in data.items() if value is _BAD_SHARE}
    bad |= {key: str(AMOUNT_MESSAGE) for key, value in data.items() if value is _BAD_AMOUNT}
    if bad:
        return None, bad
    try:
        terms = parse_terms(data)
    except pydantic.ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            loc = [str(part) for part in err["loc"]]
            if err["type"].startswith("union_tag"):
                errors["model"] = _("Välj en modell för återföring.")
            elif len(loc) >= 2:
                errors.setdefault(loc[1], _message(err))
            elif "last_year" in str(err.get("msg", "")):
                errors["last_year"] = _("Sista året kan inte vara före första året.")
            else:
                errors.setdefault("model", _message(err))
        return None, errors
    return terms.model_dump(mode="json"), {}


def decided_forecast(decision: Any, unit: Any) -> dict[str, str]:
    """``{"year": "amount"}``: the cashable savings the decided calculation forecasts for the unit.

    Empty when the decision has no calculation or the unit is not an actor in it.
    """
    calculation = getattr(decision, "calculation", None)
    if calculation is None or not unit.actor_id:
        return {}
    base = (calculation.result or {}).get("base") or {}
    flows = {
        actor: SimpleNamespace(benefits_cashable=f.get("benefits_cashable", []))
        for actor, f in (base.get("flows") or {}).items()
    }
    result = SimpleNamespace(base=SimpleNamespace(years=base.get("years", []), flows=flows))
    try:
        forecast = forecast_savings(result, unit.actor_id)
    except ValueError:
        return {}
    return {str(year): str(amount) for year, amount in forecast.items()}


def check_schedule(terms: dict[str, Any], forecast: dict[str, str]) -> dict[str, str]:
    """Errors that only the schedule shows (a forecast share with no forecast)."""
    if terms.get("model") == "forecast_share" and not forecast:
        return {
            "model": _("Beslutets kalkyl har ingen prognos för enhetens besparingar; välj en annan modell.")
        }
    try:
        repayment_schedule(terms, forecast={int(y): a for y, a in forecast.items()})
    except (ValueError, pydantic.ValidationError):
        return {"model": _("Villkoren ger ingen giltig återföringsplan.")}
    return {}
