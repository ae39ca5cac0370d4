"""The fund's settings: closing a year's books, the overdraft limit, the calculations' headline."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.formatting import kronor_exact
from socialinvest.funds.models import Fund, HeadlinePerspective

from ..permissions import can_close_books, can_manage_ledger
from ..selectors import first_open_year
from .common import lock_fund, parse_money, parse_year, reject_pnr, today


def do_close_books(*, fund: Any, year: Any, acting_user: Any) -> Fund:
    """Close ``year``: no entry may be booked in it or earlier any more (``Fund.books_closed_through``).

    Years close in order — the first open year next (with nothing closed yet, the fund's first
    booked year) — never the current or a future year.
    A correction of a closed year is a reversal booked in an open year.
    """
    with transaction.atomic():
        locked = lock_fund(fund, acting_user)
        can_close_books(acting_user, locked).require()
        value = parse_year(year)
        if value is None:
            raise ValidationError({"year": _("Ange ett år.")})
        first = first_open_year(locked)
        if value >= today().year:
            raise ValidationError({"year": _("Innevarande eller kommande år kan inte bokslutas.")})
        if locked.books_closed_through is not None and value <= locked.books_closed_through:
            raise ValidationError({"year": _("Året %(year)s är redan bokslutat.") % {"year": value}})
        if value != first:
            raise ValidationError(
                {"year": _("Åren bokslutas i tur och ordning: nästa är %(first)s.") % {"first": first}}
            )
        locked.books_closed_through = value
        locked.save(update_fields=["books_closed_through"])
        record_event(
            actor=acting_user,
            verb="fund.books_closed",
            target=locked,
            summary=_("Bokslut: %(year)s är låst") % {"year": value},
            data={"books_closed_through": value},
            fund=locked,
        )
    return locked


def do_set_overdraft_limit(*, fund: Any, limit: Any, reason: str, acting_user: Any) -> Fund:
    """Set how far disbursements may exceed the money available, with the rule that allows it.

    A limit above 0 needs a reason (the decision or rule); 0 clears it.
    """
    with transaction.atomic():
        locked = lock_fund(fund, acting_user)
        can_manage_ledger(acting_user, locked).require()
        errors: dict[str, str] = {}
        value, message = parse_money(limit, allow_zero=True)
        if message:
            errors["limit"] = message
        text = (reason or "").strip()
        if value is not None and value > 0 and not text:
            errors["reason"] = _("Ange vilket beslut eller vilken regel som tillåter övertrasseringen.")
        reject_pnr(errors, "reason", text)
        if value is not None and value >= 10**12:
            errors["limit"] = _("Beloppet är för stort.")
        if errors:
            raise ValidationError(errors)
        assert value is not None
        before = locked.overdraft_limit
        locked.overdraft_limit, locked.overdraft_reason = value, text
        locked.save(update_fields=["overdraft_limit", "overdraft_reason"])
        record_event(
            actor=acting_user,
            verb="fund.overdraft_limit",
            target=locked,
            summary=_("Tillåten övertrassering: %(before)s → %(after)s")
            % {"before": kronor_exact(before), "after": kronor_exact(value)},
            reason=text,
            data={"before": str(before), "after": str(value)},
            fund=locked,
        )
    return locked


def do_set_headline_perspective(*, fund: Any, perspective: str, acting_user: Any) -> Fund:
    """Choose whose net present value the fund's calculations lead with (municipality, public
    sector or society); society's is always shown beside it."""
    with transaction.atomic():
        locked = lock_fund(fund, acting_user)
        can_manage_ledger(acting_user, locked).require()
        if perspective not in HeadlinePerspective.values:
            raise ValidationError({"perspective": _("Välj ett av perspektiven i listan.")})
        before = locked.headline_perspective
        locked.headline_perspective = perspective
        locked.save(update_fields=["headline_perspective"])
        record_event(
            actor=acting_user,
            verb="fund.headline_perspective",
            target=locked,
            summary=_("Huvudperspektiv i kalkylerna: %(before)s → %(after)s")
            % {
                "before": HeadlinePerspective(before).label,
                "after": HeadlinePerspective(perspective).label,
            },
            data={"before": before, "after": perspective},
            fund=locked,
        )
    return locked
