"""Questions a lower layer asks and a higher layer answers, without an upward import.

The apps are layered (``docs/architecture.md``): ``funds`` < ``applications`` < ``ledger`` <
``followup``.  Sometimes a lower app needs an answer only a higher one has — the decision
check in ``applications`` needs the fund's uncommitted capital, which the ``ledger`` sums
from its journal; the ledger's disbursement check needs to know whether the follow-up
stopped the investment.  The lower app declares the question as a :class:`Provider`; the
higher app registers its answer in its ``AppConfig.ready()``.  The lower app never names the
higher one, and import-linter can keep it that way.

A provider without an answer raises (``default`` unset), so a missing registration fails
loudly instead of silently answering "nothing".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Provider(Generic[P, R]):
    """One question, answered by the function a higher app registers."""

    def __init__(self, name: str, *, default: Callable[P, R] | None = None) -> None:
        self.name = name
        self._default = default
        self.answer: Callable[P, R] | None = None

    def register(self, answer: Callable[P, R]) -> Callable[P, R]:
        """Set the answer (usable as a decorator).  Registering again replaces it."""
        self.answer = answer
        return answer

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        answer = self.answer or self._default
        if answer is None:
            raise LookupError(f"No app has registered an answer for {self.name!r}.")
        return answer(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Provider({self.name!r})"


__all__ = ["Provider"]
