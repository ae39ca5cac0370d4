"""Publication documents for the registry tests."""

from __future__ import annotations

from typing import Any

EFFECTS = [0.12, 0.30, 0.05, 0.22, 0.18, 0.40, 0.02, 0.15, 0.25, 0.10, 0.33, 0.08]
SES = [0.05, 0.10, 0.06, 0.08, 0.04, 0.15, 0.07, 0.05, 0.09, 0.06, 0.12, 0.05]


def document(i: int, **overrides: Any) -> dict[str, Any]:
    doc = {
        "source_ref": f"fund-{i}",
        "intervention_type": "school-attendance",
        "target_group": "Elever i årskurs 7–9 med hög frånvaro",
        "setting": "Grundskola",
        "outcome": "Fullständiga betyg",
        "effect": EFFECTS[i % len(EFFECTS)],
        "standard_error": SES[i % len(SES)],
        "design": "comparison_group",
        "evidence_grade": 3,
        "n_intervention": 120,
        "n_comparison": 110,
        "cost_per_participant": "25000.00",
        "municipality": f"Kommun {i}",
        "year_from": 2019,
        "year_to": 2022,
    }
    doc.update(overrides)
    return doc
