from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import reject_personnummer
from socialinvest.engine import Scenario

from ..calculation_cache import cached_result
from ..locking import lock_application
from ..models import Application, CalculationVersion
from ..permissions import can_save_calculation


def stored_result(result: Any) -> dict[str, Any]:
    """The fields every stored calculation keeps of an engine result, to reproduce and compare it.

    The scenario is stored once, beside the result, so it is excluded from the result.
    """
    mc = result.monte_carlo
    return {
        "scenario": result.scenario,
        "input_sha256": result.input_sha256,
        "engine_version": result.engine_version,
        "seed": result.seed,
        "result": result.model_dump(mode="json", exclude={"scenario"}),
        "npv": result.base.npv,
        "bcr": result.base.bcr,
        "probability_positive_npv": mc.probability_positive_npv if mc else None,
    }


def do_save_calculation(
    *, application: Application, scenario: Scenario, acting_user: Any, note: str = ""
) -> CalculationVersion:
    """Calculate with the engine and store a new immutable version (inputs, seed, engine version, results)."""
    reject_personnummer(note)
    reject_personnummer(scenario.canonical_json())
    # Outside the transaction: the engine touches no database.  A preview of the same
    # input, draws, seed and engine version is reused, not recalculated.
    result = cached_result(scenario)
    with transaction.atomic():
        locked = lock_application(application)
        can_save_calculation(acting_user, locked).require()
        number = (locked.calculations.aggregate(n=Max("number"))["n"] or 0) + 1
        version = CalculationVersion.objects.create(
            application=locked,
            number=number,
            **stored_result(result),
            note=note,
            created_by=acting_user,
        )
        locked.save(update_fields=["updated_at"])
        record_event(
            actor=acting_user,
            verb="calculation.saved",
            target=version,
            summary=_("Kalkyl version %(n)d sparad (NPV %(npv).0f kr)")
            % {"n": number, "npv": result.base.npv},
            reason=note,
            data={"input_sha256": result.input_sha256, "engine_version": result.engine_version},
            fund=locked.fund,
            application=locked,
        )
    return version
