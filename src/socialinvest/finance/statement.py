"""The year-end statement for the annual accounts (årsbokslut), and each party's share.

Input is a list of :class:`Movement` — the ledger's lines summed per year, kind,
investment, unit and party (the database does the summing); output is a
:class:`YearEndStatement`: the fund's opening balance, capital added, paid out,
repaid (principal and return), written off, corrections and closing balance; the
earmarked-equity movement of the statutory view; the investments outstanding of
the internal view; and the same per investment, per unit and, in a multi-party
fund, per party.

Corrections are **shown as such, and netted**: a reversal entry (the journal never
edits or deletes) is a movement with ``correction=True`` and the opposite sign.
Every block has the year's original movements (``gross``), the year's corrections
(``corrections``) and their sum (``net``); balances use ``net``.  A reversal falls
in the year it is posted: a closed year's statement is never rewritten, the
correction of an earlier year's entry shows in the year it was made — as an
auditor expects.  Shown separately so that a disbursement paid and reversed in
the same year is visible, not silently absent.

Pure calculation on exact :class:`~decimal.Decimal` kronor in whole öre.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Literal, get_args

from .money import ORE, ZERO, MoneyLike, is_whole_ore, to_ore

__all__ = [
    "KINDS",
    "UNALLOCATED",
    "Block",
    "Flows",
    "Movement",
    "MovementKind",
    "PartyKeys",
    "YearEndStatement",
    "allocate",
    "year_end_statement",
]

UNALLOCATED = "Ej fördelat (fondkapital)"
"""The label of a breakdown's explicit rest: movements without an investment (or unit),
e.g. capital injections; displays translate it."""

MovementKind = Literal["capital", "paid", "repaid", "returned", "written_off"]
KINDS: tuple[MovementKind, ...] = get_args(MovementKind)


@dataclass(frozen=True)
class Movement:
    """The sum of the ledger's movements of one kind in one year for one investment, unit, party.

    ``amount`` is signed as the kind reads: a disbursement paid is ``paid`` +X, its
    reversal ``paid`` −X with ``correction=True``.  ``application``, ``unit`` and
    ``party`` are labels (``None``: the movement has none, e.g. capital).
    """

    year: int
    kind: MovementKind
    amount: Decimal
    correction: bool = False
    application: str | None = None
    unit: str | None = None
    party: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise ValueError(f"year: must be a whole calendar year, got {self.year!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind: one of {', '.join(KINDS)}, got {self.kind!r}")
        if not isinstance(self.amount, Decimal) or not is_whole_ore(self.amount):
            raise ValueError(f"amount: must be a Decimal in whole öre, got {self.amount!r}")
        object.__setattr__(self, "amount", to_ore(self.amount))


@dataclass(frozen=True)
class Flows:
    """Capital added, paid out, principal repaid, return and written off: one set of movements."""

    capital: Decimal = ZERO
    paid: Decimal = ZERO
    repaid: Decimal = ZERO
    returned: Decimal = ZERO
    written_off: Decimal = ZERO

    def __add__(self, other: Flows) -> Flows:
        return Flows(*(getattr(self, k) + getattr(other, k) for k in KINDS))

    def get(self, kind: MovementKind) -> Decimal:
        value: Decimal = getattr(self, kind)
        return value

    @property
    def cash(self) -> Decimal:
        """The effect on the fund's cash (= the statutory earmarked equity)."""
        return self.capital - self.paid + self.repaid + self.returned

    @property
    def investments(self) -> Decimal:
        """The effect on investments outstanding (internal view)."""
        return self.paid - self.repaid - self.written_off

    @property
    def repayments(self) -> Decimal:
        """Principal and return: what re-earmarks equity in the statutory view."""
        return self.repaid + self.returned

    @property
    def is_zero(self) -> bool:
        return all(self.get(k) == 0 for k in KINDS)


@dataclass(frozen=True)
class Block:
    """One statement: the fund's, or one investment's, unit's or party's share of it.

    ``opening_balance`` is the cash (= statutory earmarked equity) at the start of
    the year — for an investment or a unit, its cumulative net effect on it
    (repaid − paid, so usually negative), so the parts add up to the fund;
    ``opening_investments`` the investments outstanding (internal view).

    Notes
    -----
    ``closing_balance = opening_balance + K − P + R + A`` and, statutory, the same
    read as equity: ``closing_equity = opening_equity + capital − costs +
    repayments``; internal ``closing_investments = opening_investments + P − R − W``.
    """

    label: str
    opening_balance: Decimal
    opening_investments: Decimal
    gross: Flows
    corrections: Flows

    @property
    def net(self) -> Flows:
        return self.gross + self.corrections

    @property
    def closing_balance(self) -> Decimal:
        return self.opening_balance + self.net.cash

    @property
    def closing_investments(self) -> Decimal:
        return self.opening_investments + self.net.investments

    # The statutory view's names for the same figures.
    @property
    def opening_equity(self) -> Decimal:
        return self.opening_balance

    @property
    def costs(self) -> Decimal:
        return self.net.paid

    @property
    def closing_equity(self) -> Decimal:
        return self.closing_balance

    @property
    def is_empty(self) -> bool:
        return self.opening_balance == 0 and self.opening_investments == 0 and self.net.is_zero


@dataclass(frozen=True)
class PartyKeys:
    """A party of a multi-party fund and its keys (any non-negative weights; they need not sum to 1)."""

    label: str
    capital_contribution: Decimal
    cost_key: Decimal
    repayment_key: Decimal

    def __post_init__(self) -> None:
        for name in ("capital_contribution", "cost_key", "repayment_key"):
            v = getattr(self, name)
            if not isinstance(v, Decimal) or not v.is_finite() or v < 0:
                raise ValueError(f"{name}[{self.label}]: must be a Decimal ≥ 0, got {v!r}")


def _empty(label: str) -> Block:
    return Block(label, ZERO, ZERO, Flows(), Flows())


@dataclass(frozen=True)
class YearEndStatement:
    """The fund's block and its breakdowns.

    ``investments`` and ``units`` hold the labelled blocks; ``investments_unallocated``
    and ``units_unallocated`` (label :data:`UNALLOCATED`) what has no investment or no
    unit (capital injections, pooled items), so ``investment_rows`` and ``unit_rows``
    each add up to ``fund`` in every figure.  ``parties`` add up to ``fund`` by
    construction (see :func:`year_end_statement`).
    """

    year: int
    fund: Block
    investments: tuple[Block, ...]
    units: tuple[Block, ...]
    parties: tuple[Block, ...]
    investments_unallocated: Block = field(default_factory=lambda: _empty(UNALLOCATED))
    units_unallocated: Block = field(default_factory=lambda: _empty(UNALLOCATED))

    @property
    def investment_rows(self) -> tuple[Block, ...]:
        """Each investment, then the explicit rest: the rows of the per-investment breakdown."""
        return (*self.investments, self.investments_unallocated)

    @property
    def unit_rows(self) -> tuple[Block, ...]:
        """Each unit, then the explicit rest: the rows of the per-unit breakdown."""
        return (*self.units, self.units_unallocated)


def allocate(total: MoneyLike, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights``, exactly to the öre (largest remainder).

    Parameters
    ----------
    total : amount
        Whole öre; may be negative (a correction).
    weights : sequence of Decimal
        ≥ 0, at least one > 0.

    Returns
    -------
    list of Decimal
        One amount per weight, summing to ``total`` exactly.

    Notes
    -----
    Hare's largest-remainder method in öre: each part is first
    ``floor(|T|·w_i / Σw)`` öre; the öre left over go one each to the largest
    remainders (ties: the earlier weight).  The sign of ``total`` is applied last, so
    a reversal is split exactly as its original was.

    Examples
    --------
    >>> allocate(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)])
    [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
    >>> allocate(Decimal("-0.05"), [Decimal("0.5"), Decimal("0.5")])
    [Decimal('-0.03'), Decimal('-0.02')]
    """
    t = to_ore(total, field="total")
    if not weights:
        raise ValueError("weights: at least one")
    if any(not isinstance(w, Decimal) or not w.is_finite() or w < 0 for w in weights):
        raise ValueError(f"weights: must be Decimals ≥ 0, got {list(weights)!r}")
    wsum = sum(weights, Decimal(0))
    if wsum <= 0:
        raise ValueError("weights: at least one must be above 0")
    ore = int((abs(t) / ORE).to_integral_value())
    exact = [Decimal(ore) * w / wsum for w in weights]
    floors = [int(q.to_integral_value(rounding=ROUND_FLOOR)) for q in exact]
    left = ore - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    sign = -1 if t < 0 else 1
    return [to_ore(Decimal(sign * n) * ORE) for n in floors]


def _flows(amounts: dict[MovementKind, Decimal]) -> Flows:
    return Flows(**{k: amounts.get(k, ZERO) for k in KINDS})


def _blocks(
    movements: Iterable[Movement], year: int, label_of: Callable[[Movement], str | None]
) -> dict[str, Block]:
    """Blocks per label; movements without a label are left out."""
    opening: dict[str, Flows] = defaultdict(Flows)
    gross: dict[str, dict[MovementKind, Decimal]] = defaultdict(dict)
    corr: dict[str, dict[MovementKind, Decimal]] = defaultdict(dict)
    for m in movements:
        label = label_of(m)
        if label is None or m.year > year:
            continue
        if m.year < year:
            opening[label] = opening[label] + Flows(**{m.kind: m.amount})
            continue
        target = corr if m.correction else gross
        target[label][m.kind] = target[label].get(m.kind, ZERO) + m.amount
    labels = sorted(set(opening) | set(gross) | set(corr))
    return {
        label: Block(
            label=label,
            opening_balance=opening[label].cash if label in opening else ZERO,
            opening_investments=opening[label].investments if label in opening else ZERO,
            gross=_flows(gross.get(label, {})),
            corrections=_flows(corr.get(label, {})),
        )
        for label in labels
    }


def _split(
    movements: Iterable[Movement], year: int, label_of: Callable[[Movement], str | None]
) -> tuple[tuple[Block, ...], Block]:
    """The labelled blocks, and the rest (the movements without a label) as one block
    labelled :data:`UNALLOCATED`, kept apart so a label can never merge into it."""
    labelled: list[Movement] = []
    unlabelled: list[Movement] = []
    for m in movements:
        (unlabelled if label_of(m) is None else labelled).append(m)
    parts = tuple(_blocks(labelled, year, label_of).values())
    rest = _blocks(unlabelled, year, lambda m: UNALLOCATED).get(UNALLOCATED) or _empty(UNALLOCATED)
    return parts, rest


_PARTY_KEY: dict[MovementKind, str] = {
    "capital": "capital_contribution",
    "paid": "cost_key",
    "written_off": "cost_key",
    "repaid": "repayment_key",
    "returned": "repayment_key",
}


def _party_movements(
    movements: Sequence[Movement],
    parties: Sequence[PartyKeys],
    keys_by_year: Mapping[int, Sequence[PartyKeys]],
) -> list[Movement]:
    """Every movement given a party: its own, or its key share of the fund's unassigned movements,
    split by the keys in force in the movement's year."""
    out = [m for m in movements if m.party is not None]
    pooled: dict[tuple[int, MovementKind, bool], Decimal] = defaultdict(Decimal)
    for m in movements:
        if m.party is None:
            pooled[(m.year, m.kind, m.correction)] += m.amount
    for (y, kind, correction), total in sorted(pooled.items()):
        in_force = {p.label: p for p in keys_by_year.get(y, parties)}
        weights = [
            getattr(in_force[p.label], _PARTY_KEY[kind]) if p.label in in_force else ZERO for p in parties
        ]
        if sum(weights, ZERO) <= 0:  # no key stated for this kind: equal shares, never a crash
            weights = [Decimal(1) if p.label in in_force else ZERO for p in parties]
        for p, share in zip(parties, allocate(total, weights), strict=True):
            out.append(Movement(year=y, kind=kind, amount=share, correction=correction, party=p.label))
    return out


def year_end_statement(
    movements: Iterable[Movement],
    year: int,
    *,
    parties: Sequence[PartyKeys] = (),
    keys_by_year: Mapping[int, Sequence[PartyKeys]] | None = None,
) -> YearEndStatement:
    """The year-end statement of ``year``: the fund, per investment, per unit, per party.

    Parameters
    ----------
    movements : iterable of Movement
        All years up to and including ``year`` (earlier years make the opening
        balances; later years are ignored).
    year : int
    parties : sequence of PartyKeys
        A multi-party fund's parties (their order is the statement's) and the keys
        used for any year ``keys_by_year`` does not name; none for a fund with one owner.
    keys_by_year : mapping of int to sequence of PartyKeys, optional
        The keys in force in each year (keys are versioned by year): a year's pooled
        movements are split by that year's keys, so a change of keys from year ``Y``
        leaves every earlier year's party statements unchanged.  Labels must be
        parties' labels; a party missing from a year gets nothing of that year.

    Returns
    -------
    YearEndStatement
        Blocks sorted by label; the fund's block is labelled ``"Fonden"``; each
        breakdown has its explicit rest (:data:`UNALLOCATED`).

    Notes
    -----
    Per investment and per unit, ``Σ blocks + rest = fund`` in every figure (opening,
    each movement, corrections, closing), where the rest is what has no investment
    (unit): capital injections, pooled items.

    Each party's statement: a movement that names a party is that party's; every
    other movement is split among the parties (:func:`allocate`, exact to öre) by
    a key of the movement's year — capital by ``capital_contribution``,
    disbursements and write-offs by ``cost_key``, principal and return by
    ``repayment_key`` (equal shares if that key is 0 for every party) — per year,
    kind and correction flag, so the parties' statements add up to the fund's in
    every figure, and a party's closing balance is its next year's opening balance.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"year: must be a whole calendar year, got {year!r}")
    ms = [m for m in movements if m.year <= year]
    for m in ms:
        if not isinstance(m, Movement):
            raise ValueError(f"movements: expected Movement, got {type(m).__name__}")
    labels = [p.label for p in parties]
    if len(set(labels)) != len(labels):
        raise ValueError("parties: labels must be unique")
    unknown = {m.party for m in ms if m.party is not None} - set(labels)
    by_year = dict(keys_by_year or {})
    for y, keys in by_year.items():
        unknown |= {k.label for k in keys} - set(labels)
        if len({k.label for k in keys}) != len(keys):
            raise ValueError(f"keys_by_year[{y}]: labels must be unique")
    if unknown:
        raise ValueError(f"movements: party {sorted(unknown)[0]!r} is not one of the parties")
    fund = _blocks(ms, year, lambda m: "Fonden").get("Fonden") or _empty("Fonden")
    party_blocks: tuple[Block, ...] = ()
    if parties:
        by_party = _blocks(_party_movements(ms, parties, by_year), year, lambda m: m.party)
        party_blocks = tuple(by_party.get(p, _empty(p)) for p in labels)
    investments, investments_rest = _split(ms, year, lambda m: m.application)
    units, units_rest = _split(ms, year, lambda m: m.unit)
    return YearEndStatement(
        year=year,
        fund=fund,
        investments=investments,
        units=units,
        parties=party_blocks,
        investments_unallocated=investments_rest,
        units_unallocated=units_rest,
    )
