"""The disbursement plan of a granted investment: rows of year, quarter and amount."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.formatting import kronor_exact
from socialinvest.core.personnummer import bulk_create, reject_personnummer

from ..models import Disbursement
from ..permissions import can_manage_investment
from ..selectors import non_cancelled_total
from .common import granted_decision, lock_fund, parse_money, parse_year

YEARS_AFTER_PERIOD = 2


def year_window(decision: Any) -> tuple[int, int]:
    """Disbursements fall from the decision's year to two years after the grant's period."""
    first = decision.decided_on.year
    last = (decision.period_end or decision.decided_on).year + YEARS_AFTER_PERIOD
    return first, max(first, last)


def do_plan_disbursements(
    *, application: Any, rows: list[dict[str, Any]], acting_user: Any
) -> list[Disbursement]:
    """Replace the investment's *planned* disbursements with ``rows`` (``{year, quarter, amount, note}``).

    Approved, paid and cancelled rows stay.  All disbursements not cancelled never
    exceed the granted amount.
    """
    with transaction.atomic():
        fund = lock_fund(application.fund, acting_user)
        can_manage_investment(acting_user, application).require()
        decision = granted_decision(application)
        first, last = year_window(decision)
        errors: dict[str, str] = {}
        clean: list[tuple[int, int | None, Decimal, str]] = []
        for i, row in enumerate(rows):
            year = parse_year(row.get("year"))
            if year is None or not first <= year <= last:
                errors[f"rows-{i}-year"] = _("Ange ett år från %(first)s till %(last)s.") % {
                    "first": first,
                    "last": last,
                }
            quarter = row.get("quarter")
            if quarter in (None, ""):
                quarter = None
            else:
                try:
                    quarter = int(quarter)
                except (TypeError, ValueError):
                    quarter = 0
                if not 1 <= quarter <= 4:
                    errors[f"rows-{i}-quarter"] = _("Kvartal 1–4, eller tomt för hela året.")
            amount, message = parse_money(row.get("amount"))
            if message:
                errors[f"rows-{i}-amount"] = message
            note = str(row.get("note", "") or "").strip()
            try:
                reject_personnummer(note)
            except ValidationError as exc:
                errors[f"rows-{i}-note"] = exc.messages[0]
            if year is not None and amount is not None:
                clean.append((year, quarter, amount, note[:300]))
        if errors:
            raise ValidationError(errors)
        kept = non_cancelled_total(
            application, statuses=(Disbursement.Status.APPROVED, Disbursement.Status.PAID)
        )
        planned = sum((a for _y, _q, a, _n in clean), Decimal(0))
        if kept + planned > decision.amount:
            raise ValidationError(
                {
                    "rows": _("Utbetalningarna (%(total)s) överstiger det beviljade beloppet (%(granted)s).")
                    % {"total": kronor_exact(kept + planned), "granted": kronor_exact(decision.amount)}
                }
            )
        Disbursement.objects.filter(application=application, status=Disbursement.Status.PLANNED).delete()
        created = bulk_create(
            Disbursement,
            [
                Disbursement(
                    application=application,
                    fund=fund,
                    year=y,
                    quarter=q,
                    amount=a,
                    note=n,
                    created_by=acting_user,
                )
                for y, q, a, n in sorted(clean, key=lambda r: (r[0], r[1] or 0))
            ],
        )
        record_event(
            actor=acting_user,
            verb="disbursement.planned",
            target=application,
            summary=_("Utbetalningsplan: %(n)s rader, %(total)s")
            % {"n": len(created), "total": kronor_exact(planned)},
            data={"rows": [[y, q, str(a)] for y, q, a, _n in clean]},
            fund=fund,
            application=application,
        )
    return created
