"""Money as exact :class:`~decimal.Decimal` kronor in whole öre.

Every amount the finance package produces passes through :func:`to_ore`, the one
rounding helper: half to even ("banker's rounding") to 0.01 kr, or down (towards
zero) where a limit must not be overshot — a ceiling such as principal × (1 + return
cap), and the equal parts of a straight-line split.  Arithmetic that
can produce more than two decimals (a share of an amount, a division) runs in a
private 60-digit context, so the only rounding is the final one to öre and the
result does not depend on the caller's thread-local decimal context.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from typing import Literal

ORE = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal(10) ** 15
"""Amounts (and savings) must stay below 10^15 kr in absolute value."""

MoneyLike = Decimal | int | float | str
Rounding = Literal["ROUND_HALF_EVEN", "ROUND_DOWN"]

_CTX = Context(prec=60, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])


def _decimal(value: MoneyLike, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValueError(f"{field}: must be a number, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{field}: must be a finite number, got {value}")
        value = repr(value)  # the shortest decimal that round-trips: 0.1 -> "0.1"
    try:
        d = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(f"{field}: not a number: {value!r}") from None
    if not d.is_finite():
        raise ValueError(f"{field}: must be a finite number, got {value!r}")
    if abs(d) >= MAX_AMOUNT:
        raise ValueError(f"{field}: must be below 10^15 kr in absolute value, got {value!r}")
    return d


def to_ore(value: MoneyLike, *, field: str = "amount", rounding: Rounding = ROUND_HALF_EVEN) -> Decimal:
    """Round an amount to whole öre, half to even (or ``ROUND_DOWN``: towards zero).

    Parameters
    ----------
    value : Decimal, int, float or str
        Kronor.  A float is read through its shortest round-trip representation
        (``0.1`` is 0.10 kr, not 0.1000000000000000055…).
    field : str
        Named in the error message.
    rounding : {ROUND_HALF_EVEN, ROUND_DOWN}
        ``ROUND_DOWN`` only for limits and straight-line parts.

    Returns
    -------
    Decimal
        Exactly two decimals.

    Raises
    ------
    ValueError
        Not a number, not finite, or at least 10^15 kr in absolute value.

    Examples
    --------
    >>> to_ore("2.345"), to_ore("2.355"), to_ore(7), to_ore("2.359", rounding=ROUND_DOWN)
    (Decimal('2.34'), Decimal('2.36'), Decimal('7.00'), Decimal('2.35'))
    """
    if rounding not in (ROUND_HALF_EVEN, ROUND_DOWN):
        raise ValueError(f"rounding: ROUND_HALF_EVEN or ROUND_DOWN, got {rounding!r}")
    d = _decimal(value, field)
    return _CTX.add(d.quantize(ORE, rounding=rounding, context=_CTX), ZERO)  # no -0.00


def is_whole_ore(value: Decimal) -> bool:
    """True if ``value`` has no more than two (non-zero) decimals."""
    return value.is_finite() and value == value.quantize(ORE, rounding=ROUND_DOWN, context=_CTX)


def share_of(
    share: Decimal, amount: Decimal, *, field: str = "amount", rounding: Rounding = ROUND_HALF_EVEN
) -> Decimal:
    """``share × amount`` computed exactly, then rounded once with :func:`to_ore`.

    >>> share_of(Decimal("0.3"), Decimal("1200000"))
    Decimal('360000.00')
    >>> share_of(Decimal("0.5"), Decimal("0.05"))  # 0.025 -> 0.02 (half to even)
    Decimal('0.02')
    """
    return to_ore(_CTX.multiply(share, amount), field=field, rounding=rounding)


def split_evenly(total: Decimal, n: int) -> list[Decimal]:
    """Split ``total`` into ``n`` straight-line parts that sum to it exactly.

    Each of the first ``n − 1`` parts is ``total / n`` rounded *down* (towards zero) to
    whole öre; the last part takes the remainder, so it is the same or up to
    ``n − 1`` öre larger.  Rounding the parts down (rather than half to even) is
    what keeps the remainder from ever being negative.

    Parameters
    ----------
    total : Decimal
        In whole öre.
    n : int
        Number of parts, at least 1.

    Returns
    -------
    list of Decimal
        ``n`` amounts, two decimals each, ``sum(parts) == total``.

    Examples
    --------
    >>> split_evenly(Decimal("10000000"), 3)
    [Decimal('3333333.33'), Decimal('3333333.33'), Decimal('3333333.34')]
    >>> split_evenly(Decimal("10000000"), 5)[0]
    Decimal('2000000.00')
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n: must be a whole number of at least 1, got {n!r}")
    if not isinstance(total, Decimal) or not is_whole_ore(total):
        raise ValueError(f"total: must be a Decimal in whole öre, got {total!r}")
    total = to_ore(total, field="total")
    part = to_ore(_CTX.divide(total, Decimal(n)), field="total", rounding=ROUND_DOWN)
    last = _CTX.subtract(total, _CTX.multiply(part, Decimal(n - 1)))
    return [part] * (n - 1) + [last]


_AMOUNT_TEXT = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
_GROUP_SPACES = str.maketrans("", "", " \u00a0\u2009\u202f")


def parse_amount(text: str) -> Decimal:
    """An amount in kronor as people type it: digits, spaces between groups, one decimal comma or point.

    Strict on purpose (``Decimal`` alone takes ``1_000``, ``1e5`` and Arabic-Indic digits,
    none of which a civil servant means as kronor).  A trailing ``kr`` is allowed.

    Raises
    ------
    ValueError
        Anything else: a sign, an exponent, underscores, two decimal separators, other digits.

    Examples
    --------
    >>> parse_amount("11 600 000,50")
    Decimal('11600000.50')
    >>> parse_amount("1e5")
    Traceback (most recent call last):
    ...
    ValueError: not an amount: '1e5'
    """
    plain = text.strip().removesuffix("kr").strip().translate(_GROUP_SPACES)
    if not plain.isascii() or not _AMOUNT_TEXT.fullmatch(plain):
        raise ValueError(f"not an amount: {text!r}")
    return _decimal(plain.replace(",", "."), "amount")


def amount_from(value: object) -> Decimal:
    """An amount as a form, a file or a caller gives it: text through :func:`parse_amount`, a
    ``Decimal`` or ``int`` as it is — the one reading of every money field.

    Raises
    ------
    ValueError
        Text that is not an amount, a ``float`` (binary, not kronor), a ``bool``, ``None`` or
        a non-finite ``Decimal``.

    Examples
    --------
    >>> amount_from("1 160 000")
    Decimal('1160000')
    >>> amount_from(Decimal("2.50"))
    Decimal('2.50')
    >>> amount_from("1_000")
    Traceback (most recent call last):
    ...
    ValueError: not an amount: '1_000'
    """
    if isinstance(value, str):
        return parse_amount(value)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError(f"not an amount: {value!r}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount
