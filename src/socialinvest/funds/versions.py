"""The versions of a fund's rules (:class:`~.models.FundRulesVersion`).

Every service that changes the rules — establishing the fund, its rules, its criteria, how it
takes ideas — calls :func:`record_rules_version` inside its own transaction after the change:
a new version is written when the rules differ from the latest one.  A fund from before
versions gets its state before the first change as version 1 (:func:`ensure_base_version`,
called before the change), so no change is ever without its "before".
"""

from __future__ import annotations

from typing import Any

from .models import Criterion, Fund, FundRulesVersion

RULES = (
    "name",
    "rules_text",
    "requires_idea_test",
    "ideas_all_year",
    "requires_council_opinion",
    "min_applicant_units",
    "default_repayment_model",
)


def rules_snapshot(fund: Fund) -> dict[str, Any]:
    rules: dict[str, Any] = {f: getattr(fund, f) for f in RULES}
    rules["criteria"] = [
        {
            "name": c.name,
            "description": c.description,
            "weight": str(c.weight),
            "scale_min": c.scale_min,
            "scale_max": c.scale_max,
        }
        for c in Criterion.objects.filter(fund=fund).order_by("order", "id")
    ]
    return rules


def latest_version(fund: Fund) -> FundRulesVersion | None:
    return FundRulesVersion.objects.filter(fund=fund).order_by("-number").first()


def ensure_base_version(fund: Fund) -> None:
    """Record the rules as they stand as version 1 if the fund has no version yet."""
    if not FundRulesVersion.objects.filter(fund=fund).exists():
        FundRulesVersion.objects.create(fund=fund, number=1, rules=rules_snapshot(fund), changed=[])


def record_rules_version(fund: Fund, acting_user: Any) -> FundRulesVersion | None:
    """Write the next version if the rules differ from the latest; returns it (None if unchanged)."""
    fund.refresh_from_db(fields=list(RULES))
    rules = rules_snapshot(fund)
    latest = latest_version(fund)
    if latest is not None and latest.rules == rules:
        return None
    changed = sorted(k for k in rules if latest is None or latest.rules.get(k) != rules[k])
    return FundRulesVersion.objects.create(
        fund=fund,
        number=(latest.number + 1) if latest else 1,
        rules=rules,
        changed=[] if latest is None else changed,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
