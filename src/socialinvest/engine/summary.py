"""Summaries of the kept Monte Carlo draws: mean, sd, share above zero and percentiles.

Every figure is exact and the same bits for any chunk size: means and sds are
numpy's pairwise sums of the whole arrays (:func:`.results.mean_and_sd`), and
percentiles are numpy's linear interpolation between the order statistics they
need, selected rather than sorted (:func:`.results.order_statistics`).

What is summarised: society's NPV and benefit-cost ratio (5th, 50th and 95th
percentiles), each perspective's NPV (the same) and each actor's NPV (mean, 5th
and 95th percentiles only: the result has no actor median, so it is not selected).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .montecarlo import Draws
from .perspectives import PERSPECTIVE_LEVELS, net_by_perspective
from .resolve import Model
from .results import (
    ActorMonteCarlo,
    MonteCarlo,
    PerspectiveMonteCarlo,
    Summary,
    mean_and_sd,
    percentiles_in_place,
)

FloatArray = npt.NDArray[np.float64]

QUANTILES = (5, 50, 95)
ACTOR_QUANTILES = (5, 95)


@dataclass(frozen=True)
class Stats:
    """What a summary needs of one array of draws."""

    mean: float
    sd: float
    positive: float  # share of draws > 0
    quantiles: list[float]  # at QUANTILES, or at ACTOR_QUANTILES for an actor

    def summary(self) -> Summary:
        p5, p50, p95 = self.quantiles
        return Summary(mean=self.mean, sd=self.sd, p5=p5, p50=p50, p95=p95)

    def plus_zero(self) -> Stats:
        """The stats of ``0.0 + x`` from those of ``x``: only a ``−0.0`` changes (to ``0.0``).

        A perspective of one actor is ``0.0 + that actor's row`` (sums start from
        zeros), so its stats are the actor's without selecting its percentiles again.
        """
        return Stats(self.mean + 0.0, self.sd, self.positive, [q + 0.0 for q in self.quantiles])


def stats_of(
    x: FloatArray,
    percents: Sequence[float] = QUANTILES,
    scratch: FloatArray | None = None,
    with_sd: bool = True,
) -> Stats:
    """:class:`Stats` of one array, in ``scratch`` (an array of its size, overwritten).

    :func:`.results.mean_and_sd` and :func:`.results.percentiles` with ``scratch`` as
    their one temporary array: a summary of many arrays reuses one buffer rather than
    allocating a new one per array and figure (fresh memory costs a page fault per
    4 KiB on first touch, which at ten thousand draws costs more than the
    arithmetic).  ``with_sd=False``: no sd (``nan``), for an actor's NPV, whose
    summary has none.
    """
    n = x.size
    if scratch is None:
        scratch = np.empty(n)
    mean, sd = mean_and_sd(x, out=scratch, with_sd=with_sd)
    positive = float(np.count_nonzero(x > 0) / n)
    np.copyto(scratch, x)
    # A NaN anywhere makes the sum NaN: a mean that is a number rules one out.
    return Stats(mean, sd, positive, percentiles_in_place(scratch, percents, may_have_nan=math.isnan(mean)))


def monte_carlo_summary(model: Model, draws: Draws) -> MonteCarlo:
    """Summaries of the kept draws: NPV, benefit-cost ratio, per perspective and per actor.

    Computed from the whole arrays, so means and percentiles are exact and the
    same bits for any chunk size.  One array at a time in one scratch buffer, so a
    10-million-draw summary needs one array's worth of memory more than the draws.
    """
    bcr = draws.bcr
    finite = np.isfinite(bcr)
    if not finite.all():
        bcr = bcr[finite]
    by_actor = draws.npv_by_actor
    levels = [a.level for a in model.actors]
    factor = model.scenario.public_funds_factor
    # A perspective of exactly one actor is that actor's row (plus 0.0): not summarised twice.
    single = {}
    for name, wanted in PERSPECTIVE_LEVELS.items():
        members = [j for j, level in enumerate(levels) if level in wanted]
        if len(members) == 1:
            single[name] = members[0]
    scratch = np.empty(draws.n)  # one buffer for every array's figures
    npv_stats = stats_of(draws.npv, QUANTILES, scratch)
    actor_stats = [
        stats_of(row, _actor_quantiles(single, j), scratch, with_sd=j in single.values())
        for j, row in enumerate(by_actor)
    ]
    bcr_stats = stats_of(bcr, QUANTILES, scratch if bcr.size == draws.n else None) if bcr.size else None
    # One perspective at a time: its array is made, summarised and dropped (memory).
    perspective_stats = []
    for name, npv in net_by_perspective(levels, by_actor, draws.npv, factor):
        if name in single:
            perspective_stats.append((name, actor_stats[single[name]].plus_zero()))
        elif npv is draws.npv:
            perspective_stats.append((name, npv_stats))
        else:
            perspective_stats.append((name, stats_of(npv, QUANTILES, scratch)))
        del npv
    npv_summary = npv_stats.summary()
    return MonteCarlo(
        draws=draws.n,
        seed=draws.seed,
        by_perspective={
            name: PerspectiveMonteCarlo(
                npv=npv_summary if st is npv_stats else st.summary(), probability_positive_npv=st.positive
            )
            for name, st in perspective_stats
        },
        npv=npv_summary,
        bcr=bcr_stats.summary() if bcr_stats is not None else None,
        probability_positive_npv=npv_stats.positive,
        by_actor={
            actor.id: ActorMonteCarlo(
                npv_mean=st.mean,
                npv_p5=st.quantiles[0],
                npv_p95=st.quantiles[-1],
                probability_positive_npv=st.positive,
            )
            for actor, st in zip(model.actors, actor_stats, strict=True)
        },
    )


def _actor_quantiles(single: dict[str, int], row: int) -> Sequence[float]:
    # An actor that is a perspective on its own needs the perspective's median too.
    return QUANTILES if row in single.values() else ACTOR_QUANTILES
