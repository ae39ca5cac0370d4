"""Whose gain? The same flows summed for the municipality, the public sector,
the participants and society.

Every actor has a level (``kommun``, ``region``, ``stat``, ``individ``,
``samhalle``).  A perspective is a set of levels; its costs and benefits are
the sums over the actors on those levels, in each actor's budget view
(resources saved plus transfers, signed).  A transfer between two actors of
the same perspective nets out inside it.

Society is every actor, resources only: a transfer moves money from one pocket
to another and creates nothing, so society never counts it (Nilsson &
Wadeskog's "real" as against "financial" effects; ASEK: transfers are
distribution, not gain).  With a marginal cost of public funds ``λ``
(``public_funds_factor``) each krona of net public-budget flow costs or frees
``λ − 1`` kronor more (WSIPP's "indirect" line), shown as a fifth perspective
``society_public_funds`` when ``λ ≠ 1``.

Everything here works on arrays whose first axis is the actor: present values
``(actors, draws)`` or yearly flows ``(actors, years)``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MUNICIPALITY = "municipality"
PUBLIC_SECTOR = "public_sector"
PARTICIPANTS = "participants"
SOCIETY = "society"
SOCIETY_PUBLIC_FUNDS = "society_public_funds"

PERSPECTIVE_LEVELS: dict[str, frozenset[str]] = {
    MUNICIPALITY: frozenset({"kommun"}),
    PUBLIC_SECTOR: frozenset({"kommun", "region", "stat"}),
    PARTICIPANTS: frozenset({"individ"}),
}
"""The budget perspectives and the actor levels each one sums."""

PERSPECTIVES = (MUNICIPALITY, PUBLIC_SECTOR, PARTICIPANTS, SOCIETY)
"""Always computed, in this order."""

DEFAULT_HEADLINE = MUNICIPALITY


def perspective_names(public_funds_factor: float) -> tuple[str, ...]:
    """The perspectives of a calculation: the four, and society with the
    public-funds factor when it is not 1."""
    if public_funds_factor != 1.0:
        return (*PERSPECTIVES, SOCIETY_PUBLIC_FUNDS)
    return PERSPECTIVES


@dataclass(frozen=True)
class PerspectiveFlows:
    """Costs and benefits of one perspective; the shape of one actor's row."""

    costs: FloatArray
    benefits: FloatArray

    @property
    def net(self) -> FloatArray:
        net: FloatArray = self.benefits - self.costs
        return net


def _members(levels: Sequence[str], wanted: frozenset[str]) -> list[int]:
    return [j for j, level in enumerate(levels) if level in wanted]


def _sum_rows(a: FloatArray, rows: Sequence[int]) -> FloatArray:
    # row_sum's order (left to right from zeros), without copying the rows out first.
    out = np.zeros(a.shape[1:])
    for row in rows:
        out += a[row]
    return out


def by_perspective(
    levels: Sequence[str],
    costs: FloatArray,
    resource_benefits: FloatArray,
    transfers: FloatArray,
    public_funds_factor: float = 1.0,
) -> dict[str, PerspectiveFlows]:
    """Sum per-actor flows into each perspective.

    Parameters
    ----------
    levels : sequence of str
        The level of each actor (row).
    costs, resource_benefits, transfers : ndarray
        Per-actor arrays, actors on the first axis; ``transfers`` signed
        (+ payer, − receiver).
    public_funds_factor : float
        ``λ``, the marginal cost of public funds (1 = none).

    Returns
    -------
    dict
        :data:`PERSPECTIVES` (and ``society_public_funds`` when ``λ ≠ 1``), each
        with its costs and benefits.

    Notes
    -----
    For a budget perspective ``P``:
    ``costs_P = Σ_{a∈P} costs_a`` and ``benefits_P = Σ_{a∈P} (resources_a + transfers_a)``.
    Society: ``costs = Σ_a costs_a``, ``benefits = Σ_a resources_a`` (no transfers).
    Society with public funds: ``society + (λ − 1)·public_sector``, costs and
    benefits alike, so its NPV is ``NPV_society + (λ − 1)·NPV_public``.

    Examples
    --------
    A municipality pays 100 of social assistance to an individual; avoiding it
    saves the municipality 100, the individual loses 100, society gains nothing:

    >>> z = np.zeros((2, 1))
    >>> out = by_perspective(["kommun", "individ"], z, z, np.array([[100.0], [-100.0]]))
    >>> [float(out[p].net[0]) for p in PERSPECTIVES]
    [100.0, 100.0, -100.0, 0.0]
    """
    budget = resource_benefits + transfers
    out: dict[str, PerspectiveFlows] = {}
    for name, wanted in PERSPECTIVE_LEVELS.items():
        rows = _members(levels, wanted)
        out[name] = PerspectiveFlows(_sum_rows(costs, rows), _sum_rows(budget, rows))
    everyone = list(range(len(levels)))
    out[SOCIETY] = PerspectiveFlows(_sum_rows(costs, everyone), _sum_rows(resource_benefits, everyone))
    if public_funds_factor != 1.0:
        extra = public_funds_factor - 1.0
        public, society = out[PUBLIC_SECTOR], out[SOCIETY]
        out[SOCIETY_PUBLIC_FUNDS] = PerspectiveFlows(
            society.costs + extra * public.costs, society.benefits + extra * public.benefits
        )
    return out


def net_by_perspective(
    levels: Sequence[str], npv_by_actor: FloatArray, society_npv: FloatArray, public_funds_factor: float = 1.0
) -> Iterator[tuple[str, FloatArray]]:
    """Each perspective's NPV per draw, one at a time, from the actors' budget-view NPVs
    and society's NPV.

    What Monte Carlo keeps of each draw is enough: a budget perspective is the sum of
    its actors' NPVs; society's NPV (resources only) is kept as it is.

    Examples
    --------
    >>> nets = net_by_perspective(["kommun", "individ"], np.array([[100.0], [-100.0]]), np.array([0.0]))
    >>> {k: float(v[0]) for k, v in nets}
    {'municipality': 100.0, 'public_sector': 100.0, 'participants': -100.0, 'society': 0.0}
    """
    public: FloatArray | None = None
    for name, wanted in PERSPECTIVE_LEVELS.items():
        if name == PUBLIC_SECTOR and public_funds_factor != 1.0:
            public = _sum_rows(npv_by_actor, _members(levels, wanted))
            yield name, public
            continue
        # Not bound to a local: the caller can drop it before the next one is made.
        yield name, _sum_rows(npv_by_actor, _members(levels, wanted))
    yield SOCIETY, society_npv
    if public is not None:
        yield SOCIETY_PUBLIC_FUNDS, society_npv + (public_funds_factor - 1.0) * public
