"""The fund's decision criteria: set them through one service, never under a submitted review.

Which criteria a submitted review has scored is the applications app's knowledge; it
registers a provider here (``register_criteria_in_use``) when it loads, so this lower
layer asks without importing the higher one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event

from .models import Criterion, Fund
from .permissions import can_edit_fund_rules
from .versions import ensure_base_version, record_rules_version

_in_use_providers: list[Callable[[Iterable[int]], set[int]]] = []
FIELDS = ("name", "description", "weight", "scale_min", "scale_max")
SCORED_FIELDS = ("weight", "scale_min", "scale_max")


def register_criteria_in_use(provider: Callable[[Iterable[int]], set[int]]) -> None:
    """``provider(criterion_ids)`` returns those used by a submitted review."""
    if provider not in _in_use_providers:
        _in_use_providers.append(provider)


def criteria_in_use(ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    used: set[int] = set()
    for provider in _in_use_providers:
        used |= provider(ids)
    return used


def _row(c: Criterion) -> dict[str, Any]:
    return {
        "name": c.name,
        "description": c.description,
        "weight": str(c.weight),
        "scale_min": c.scale_min,
        "scale_max": c.scale_max,
    }


def _parse(index: int, spec: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    where = _("Kriterium %(n)s") % {"n": index + 1}
    name = str(spec.get("name") or "").strip()
    if not name:
        errors[f"criteria-{index}-name"] = _("%(where)s: ange ett namn.") % {"where": where}
    try:
        weight = Decimal(str(spec.get("weight", 1)).replace(",", ".").strip())
        if not weight.is_finite() or weight < 0 or weight > 100:
            raise InvalidOperation
    except InvalidOperation:
        errors[f"criteria-{index}-weight"] = _("%(where)s: vikten ska vara ett tal mellan 0 och 100.") % {
            "where": where
        }
        weight = Decimal(1)
    try:
        low, high = int(spec.get("scale_min", 1)), int(spec.get("scale_max", 5))
    except (TypeError, ValueError):
        low, high = 1, 5
        errors[f"criteria-{index}-scale_min"] = _("%(where)s: skalan anges med heltal.") % {"where": where}
    if not 0 <= low < high <= 100:
        errors[f"criteria-{index}-scale_max"] = _(
            "%(where)s: skalan ska gå från ett lägre till ett högre heltal (0–100)."
        ) % {"where": where}
    return {
        "name": name,
        "description": str(spec.get("description") or "").strip(),
        "weight": weight.quantize(Decimal("0.01")),
        "scale_min": low,
        "scale_max": high,
    }


def do_set_criteria(*, fund: Fund, criteria: list[dict[str, Any]], acting_user: Any) -> list[Criterion]:
    """Make the fund's criteria these, in this order.  Each is matched by ``id`` (or else by
    name); missing ones are removed.  A criterion a submitted review has scored keeps its
    weight and scale and cannot be removed: the scores were given under it."""
    with transaction.atomic():
        locked = Fund.objects.select_for_update().get(pk=fund.pk)
        can_edit_fund_rules(acting_user, locked).require()
        ensure_base_version(locked)
        existing = {c.pk: c for c in Criterion.objects.filter(fund=locked)}
        by_name = {c.name.lower(): c for c in existing.values()}
        errors: dict[str, str] = {}
        rows = [_parse(i, spec, errors) for i, spec in enumerate(criteria)]
        names = [r["name"].lower() for r in rows]
        for i, name in enumerate(names):
            if name and names.index(name) != i:
                errors[f"criteria-{i}-name"] = _("Kriteriet %(name)s finns två gånger.") % {
                    "name": rows[i]["name"]
                }
        matched: list[Criterion | None] = []
        for spec, row in zip(criteria, rows, strict=True):
            pk = spec.get("id")
            matched.append(existing.get(int(pk)) if pk else by_name.get(row["name"].lower()))
        kept = {c.pk for c in matched if c is not None}
        used = criteria_in_use(existing)
        for pk in used - kept:
            errors.setdefault(
                "criteria",
                _("Kriteriet %(name)s har använts i en inlämnad bedömning och kan inte tas bort.")
                % {"name": existing[pk].name},
            )
        for i, (current, row) in enumerate(zip(matched, rows, strict=True)):
            changed = current is not None and any(getattr(current, f) != row[f] for f in SCORED_FIELDS)
            if changed and current is not None and current.pk in used:
                errors[f"criteria-{i}-weight"] = _(
                    "Kriteriet %(name)s har använts i en inlämnad bedömning: vikt och skala kan inte ändras."
                ) % {"name": current.name}
        if errors:
            raise ValidationError(errors)
        before = [_row(c) for c in sorted(existing.values(), key=lambda c: (c.order, c.pk))]
        result = []
        for order, (current, row) in enumerate(zip(matched, rows, strict=True), start=1):
            criterion = current or Criterion(fund=locked)
            for field, value in row.items():
                setattr(criterion, field, value)
            criterion.order = order
            criterion.save()
            result.append(criterion)
        Criterion.objects.filter(fund=locked).exclude(pk__in=[c.pk for c in result]).delete()
        after = [_row(c) for c in result]
        if after != before:
            version = record_rules_version(locked, acting_user)
            record_event(
                actor=acting_user,
                verb="fund.criteria_changed",
                target=locked,
                summary=_("Fondens kriterier ändrade (%(n)s st)") % {"n": len(result)},
                data={"before": before, "after": after, "version": version.number if version else None},
                fund=locked,
            )
    return result
