"""Inputs to repayment schedules: money rounding, straight-line splits, and validation
errors that name the field or year at fault."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from socialinvest.finance import (
    ForecastShare,
    OutcomeContract,
    Schedule,
    ScheduleLine,
    parse_terms,
    repayment_schedule,
    split_evenly,
)
from socialinvest.finance.money import share_of, to_ore

D = Decimal
NORRKOPING = OutcomeContract(
    principal=D(10_000_000),
    guaranteed_share=D("0.4"),
    years=4,
    first_year=2016,
    conditional_share_of_savings=D("0.5"),
    return_cap=D("0.2"),
)


def test_to_ore_rounds_half_to_even() -> None:
    assert [to_ore(x) for x in ("0.125", "0.135", "-0.001", 0.1, 2)] == [
        D("0.12"),
        D("0.14"),
        D("0.00"),
        D("0.10"),
        D("2.00"),
    ]
    assert str(to_ore("-0.001")) == "0.00"  # never -0.00
    assert to_ore("0.019", rounding=ROUND_DOWN) == D("0.01")
    assert share_of(D("0.3"), D("0.25")) == D("0.08")  # 0.075 -> 0.08


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "must be a number"),
        (None, "must be a number"),
        ("abc", "not a number"),
        (float("inf"), "must be a finite number"),
        ("NaN", "must be a finite number"),
        (D(10) ** 15, "must be below 10\\^15"),
    ],
)
def test_to_ore_rejects(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=f"^savings: {message}"):
        to_ore(value, field="savings")


def test_split_evenly() -> None:
    assert split_evenly(D("1.00"), 3) == [D("0.33"), D("0.33"), D("0.34")]
    assert split_evenly(D("0.05"), 7) == [D(0)] * 6 + [D("0.05")]
    assert split_evenly(D(0), 2) == [D(0), D(0)]
    with pytest.raises(ValueError, match="total: must be a Decimal in whole öre"):
        split_evenly(D("1.005"), 2)
    with pytest.raises(ValueError, match="n: must be a whole number of at least 1"):
        split_evenly(D(1), 0)


def test_terms_amounts_are_kept_in_whole_ore() -> None:
    terms = parse_terms({"model": "fixed_schedule", "principal": "1.5", "years": 1, "first_year": 2026})
    assert str(terms.principal) == "1.50"  # type: ignore[union-attr]
    assert parse_terms({"model": "none"}).model == "none"


OUTCOME = {
    "model": "outcome_contract",
    "principal": 1,
    "guaranteed_share": 0.4,
    "years": 4,
    "first_year": 2016,
    "conditional_share_of_savings": 0.5,
    "return_cap": 0.2,
}
FIXED = {"model": "fixed_schedule", "principal": 1, "years": 1, "first_year": 2026}
SHARE = {"model": "measured_share", "share": 0.5, "cap": 1, "first_year": 2026, "last_year": 2027}

BAD_TERMS: list[tuple[dict[str, Any], str]] = [
    ({**FIXED, "years": 0}, "years"),
    ({**FIXED, "principal": "1.005"}, "principal"),
    ({**FIXED, "principal": -1}, "principal"),
    ({**FIXED, "principal": 1e15}, "principal"),
    ({**FIXED, "first_year": True}, "first_year"),
    ({**FIXED, "first_year": 26}, "first_year"),
    ({**FIXED, "rate": 0.03}, "rate"),
    ({**SHARE, "model": "forecast_share", "share": "1.5"}, "share"),
    ({**SHARE, "share": -0.1}, "share"),
    ({**SHARE, "cap": "nan"}, "cap"),
    ({**SHARE, "last_year": 2025}, "last_year"),
    ({**OUTCOME, "return_cap": -0.1}, "return_cap"),
    ({**OUTCOME, "guaranteed_share": 1.2}, "guaranteed_share"),
    ({**OUTCOME, "conditional_share_of_savings": "x"}, "conditional_share_of_savings"),
]


@pytest.mark.parametrize(("terms", "field"), BAD_TERMS)
def test_invalid_terms_name_the_field(terms: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        repayment_schedule(terms)
    [error] = exc.value.errors()
    assert error["loc"][-1] == field or str(error["msg"]).startswith(f"Value error, {field}:")


def test_unknown_model() -> None:
    with pytest.raises(ValidationError, match="'none', 'fixed_schedule', 'forecast_share'"):
        parse_terms({"model": "loan"})


def test_invalid_savings_name_the_year() -> None:
    share = ForecastShare(share=D("0.3"), cap=D(1), first_year=2026, last_year=2026)
    with pytest.raises(ValueError, match="forecast: required for model 'forecast_share'"):
        repayment_schedule(share)
    with pytest.raises(ValueError, match=r"forecast\[2026\]: must be a finite number"):
        repayment_schedule(share, forecast={2026: float("nan")})
    with pytest.raises(ValueError, match=r"forecast\[2026\]: a forecast needs an amount"):
        repayment_schedule(share, forecast={2026: None})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match=r"measured\[2027\]: not a number"):
        repayment_schedule(NORRKOPING, measured={2027: "lots"})
    with pytest.raises(ValueError, match="measured: years must be whole calendar years"):
        repayment_schedule(NORRKOPING, measured={"2027": 1})  # type: ignore[dict-item]


def test_a_schedule_round_trips_through_json() -> None:
    s = repayment_schedule(NORRKOPING, measured={2016: 2_000_000, 2017: "3000000.004"})
    data = s.model_dump_json()
    assert '"total":"6500000.00"' in data and Schedule.model_validate_json(data) == s
    with pytest.raises(ValidationError, match=r"total: 1\.00 is not the sum of the lines"):
        Schedule.model_validate_json(data.replace('"total":"6500000.00"', '"total":"1"'))
    with pytest.raises(ValidationError, match="exceeds the ceiling"):
        Schedule.model_validate({**s.model_dump(exclude={"total"}), "ceiling": 1})
    with pytest.raises(ValidationError, match="a pending line owes nothing yet"):
        ScheduleLine(year=2026, amount=D(1), basis="measured", pending=True)
