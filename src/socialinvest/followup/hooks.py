"""What the follow-up asks the apps above it (see :mod:`socialinvest.core.providers`).

The registry app registers the answer in :meth:`socialinvest.registry.apps.RegistryConfig.ready`;
the follow-up never imports it.
"""

from __future__ import annotations

from typing import Any

from socialinvest.core.providers import Provider


def _no_choice(*, application: Any, outcome: str, local: tuple[float, float]) -> None:
    return None


#: ``chosen_effect(*, application, outcome, local) -> (choice, mean, sd) or None``: the estimate
#: of an outcome's effect the fund chose for the ex-post calculation (``"local"``, ``"pooled"``
#: or ``"shrunken"``, recorded with the registry's figures), ``None`` when it chose none; the
#: local estimate ``(mean, sd)`` is given so a choice made on another evaluation is not applied.
chosen_effect: Provider[..., tuple[str, float, float] | None] = Provider(
    "followup.chosen_effect", default=_no_choice
)


def _no_comparison(*, application: Any, local: tuple[float, float]) -> None:
    return None


#: ``effect_comparison(*, application, local) -> dict or None``: the latest choice made on this
#: local estimate ``(mean, sd)`` with all three estimates as recorded — ``local``, ``pooled``
#: (with ``studies`` and ``tau2``) and ``shrunken``, each ``(mean, se)``, and ``choice`` — for the
#: evaluation page to show side by side; ``None`` when none was made.
effect_comparison: Provider[..., dict[str, Any] | None] = Provider(
    "followup.effect_comparison", default=_no_comparison
)
