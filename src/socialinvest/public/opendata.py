"""Open data: a published fund as JSON (with a JSON Schema served beside it) and as CSV.

The JSON is the stored public figures as they are (:mod:`.published`); the CSV has one row
per granted investment with the columns of :data:`CSV_COLUMNS`.  Both carry the licence.
Amounts are kronor as decimal strings in JSON (exact) and plain numbers in the CSV.
"""

from __future__ import annotations

from typing import Any

from .published import SCHEMA_VERSION

LEVELS = ("kommun", "region", "stat", "individ", "samhalle")

CSV_COLUMNS = (
    "reference",
    "title",
    "lead_unit",
    "granted_amount",
    "decided_on",
    "decision_body",
    "decision_reference",
    "period_start",
    "period_end",
    "status",
    "forecast_npv",
    "forecast_probability_positive_npv",
    *(f"benefits_{level}" for level in LEVELS),
    "evaluated_npv",
    "measured_through",
    "evidence_grade",
    "licence",
    # Last, so that a reader of the earlier columns by position is not thrown: the outcomes whose
    # measured effect's 95 % interval includes zero (";"-separated).
    "evaluated_effects_including_zero",
)


def csv_rows(data: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for inv in data["investments"]:
        forecast = inv["forecast"] or {}
        evaluation = inv["evaluation"] or {}
        rows.append(
            [
                inv["reference"],
                inv["title"],
                inv["lead_unit"],
                inv["granted_amount"],
                inv["decided_on"],
                inv["decision_body"],
                inv["decision_reference"],
                inv["period_start"],
                inv["period_end"],
                inv["status"],
                forecast.get("npv"),
                forecast.get("probability_positive_npv"),
                *(inv["benefits_by_level"].get(level, 0.0) for level in LEVELS),
                evaluation.get("npv"),
                evaluation.get("measured_through"),
                inv["evidence_grade"],
                data["licence"],
                "; ".join(evaluation.get("effects_including_zero") or []),
            ]
        )
    return rows


_MONEY = {
    "type": "string",
    "pattern": r"^-?\d+(\.\d{1,2})?$",
    "description": "Kronor, exact (decimal string).",
}
_DATE = {"type": ["string", "null"], "format": "date"}
_TEXT = {"type": "string"}


def json_schema(schema_url: str) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a published fund's open data."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url,
        "title": "Socialinvest: a published social investment fund",
        "description": (
            "A municipal social investment fund's granted investments, who gains from them (present "
            "value of benefits per actor and level, from the calculation each decision was based on) "
            "and their evaluation results. Only decided investments; no personal data."
        ),
        "type": "object",
        "required": ["schema_version", "licence", "fund", "totals", "investments"],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "licence": {"type": "string", "description": "SPDX identifier of the data's licence."},
            "fund": {
                "type": "object",
                "required": ["name", "slug", "owner", "capital", "rules", "criteria"],
                "additionalProperties": False,
                "properties": {
                    "name": _TEXT,
                    "slug": _TEXT,
                    "owner": {"type": "string", "description": "The organisation that owns the fund."},
                    "capital": _MONEY,
                    "rules": _TEXT,
                    "criteria": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "description", "weight"],
                            "additionalProperties": False,
                            "properties": {"name": _TEXT, "description": _TEXT, "weight": _TEXT},
                        },
                    },
                },
            },
            "totals": {
                "type": "object",
                "required": ["investments", "granted_amount", "pv_benefits", "benefits_by_level"],
                "additionalProperties": False,
                "properties": {
                    "investments": {"type": "integer", "minimum": 0},
                    "granted_amount": _MONEY,
                    "pv_benefits": {"type": "number", "description": "Present value of benefits, kronor."},
                    "benefits_by_level": {"$ref": "#/$defs/by_level"},
                },
            },
            "investments": {"type": "array", "items": {"$ref": "#/$defs/investment"}},
        },
        "$defs": {
            "by_level": {
                "type": "object",
                "description": (
                    "Present value of benefits (kronor) per level: kommun, region, stat, individ, samhalle."
                ),
                "additionalProperties": {"type": "number"},
            },
            "investment": {
                "type": "object",
                "required": [
                    "reference",
                    "title",
                    "granted_amount",
                    "decided_on",
                    "status",
                    "benefits_by_level",
                    "benefits_by_actor",
                ],
                "additionalProperties": False,
                "properties": {
                    "reference": _TEXT,
                    "title": _TEXT,
                    "summary": _TEXT,
                    "target_group": _TEXT,
                    "intervention": _TEXT,
                    "lead_unit": {"type": "string", "description": "The applicant unit (never a person)."},
                    "granted_amount": _MONEY,
                    "decided_on": _DATE,
                    "decision_body": _TEXT,
                    "decision_reference": _TEXT,
                    "period_start": _DATE,
                    "period_end": _DATE,
                    "status": {"enum": ["running", "ordinary_operations", "extend", "stop"]},
                    "forecast": {
                        "type": ["object", "null"],
                        "properties": {
                            "npv": {"type": "number"},
                            "bcr": {"type": ["number", "null"]},
                            "probability_positive_npv": {"type": ["number", "null"]},
                            "engine_version": _TEXT,
                        },
                    },
                    "benefits_by_level": {"$ref": "#/$defs/by_level"},
                    "benefits_by_actor": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "name", "level", "pv_benefits"],
                            "properties": {
                                "id": _TEXT,
                                "name": _TEXT,
                                "level": _TEXT,
                                "pv_benefits": {"type": "number"},
                            },
                        },
                    },
                    "evaluation": {
                        "type": ["object", "null"],
                        "properties": {
                            "npv": {"type": "number"},
                            "measured_through": _DATE,
                            "adopted_on": _DATE,
                            "effects_including_zero": {
                                "type": "array",
                                "items": _TEXT,
                                "description": "Outcomes whose measured effect's 95 % interval includes "
                                "zero: not told apart from chance, no finding.",
                            },
                            "npv_with_those_effects_at_zero": {
                                "type": ["number", "null"],
                                "description": "The evaluated NPV with those effects set to zero.",
                            },
                        },
                    },
                    "evidence_grade": {"type": ["integer", "null"], "minimum": 1, "maximum": 4},
                    "lessons_learned": _TEXT,
                },
            },
        },
    }
