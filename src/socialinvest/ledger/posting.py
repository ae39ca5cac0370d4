"""The one way into the journal: :func:`post_entry`.

Every entry is checked before anything is written — at least two lines, each exactly
one of debit or credit, positive, whole öre, a known account, and Σ debit = Σ credit —
and is idempotent: posting again with a key already used for the fund returns the
entry already posted and writes nothing.  Two requests racing with the same key are
settled by the database's unique constraint: the loser's insert fails inside a
savepoint and it returns the winner's entry.

An entry's budget year is always its booking date's year (a repayment says which
instalment of its agreement's schedule it pays in ``instalment_year``).  Dates in the
future are refused, and so are dates in a year the fund has closed
(``Fund.books_closed_through``): a correction of a closed year is a reversal dated in
an open year.

Callers run :func:`post_entry` inside their own ``transaction.atomic()`` (with the
fund row locked where the posting could overdraw it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.applications.models import Decision
from socialinvest.core.audit import record_event
from socialinvest.core.formatting import kronor_exact
from socialinvest.core.personnummer import bulk_create, reject_personnummer
from socialinvest.finance.money import ZERO, to_ore

from .models import Account, EntryKind, LedgerEntry, LedgerLine

MAX_LINE = Decimal(10) ** 14  # the columns hold 16 digits, two of them decimals
OPENING_KEY = "opening"


@dataclass(frozen=True)
class Line:
    """A line to post.  Links left ``None`` take the entry's."""

    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    application: Any = None
    unit: Any = None
    party: Any = None


def debit(account: str, amount: Decimal, **links: Any) -> Line:
    return Line(account=account, debit=amount, **links)


def credit(account: str, amount: Decimal, **links: Any) -> Line:
    return Line(account=account, credit=amount, **links)


def _check_amount(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        return None
    try:
        amount = Decimal(value)
        rounded = to_ore(amount)
    except (ValueError, ArithmeticError):
        return None
    return rounded if rounded == amount else None


def validate_lines(lines: list[Line]) -> list[Line]:
    """The lines with amounts in whole öre; ``ValidationError`` ({"lines": …}) if they cannot be posted."""
    if len(lines) < 2:
        raise ValidationError({"lines": _("En verifikation behöver minst två rader.")})
    clean: list[Line] = []
    for line in lines:
        if line.account not in Account.values:
            raise ValidationError({"lines": _("Okänt konto: %(account)s.") % {"account": line.account}})
        d, c = _check_amount(line.debit), _check_amount(line.credit)
        if d is None or c is None:
            raise ValidationError({"lines": _("Belopp anges i kronor med högst två decimaler (hela ören).")})
        if d < 0 or c < 0 or (d > 0) == (c > 0):
            raise ValidationError(
                {"lines": _("Varje rad har antingen ett debet- eller ett kreditbelopp, större än noll.")}
            )
        if max(d, c) >= MAX_LINE:
            raise ValidationError({"lines": _("Beloppet är för stort.")})
        clean.append(Line(line.account, d, c, line.application, line.unit, line.party))
    total_debit = sum((x.debit for x in clean), ZERO)
    total_credit = sum((x.credit for x in clean), ZERO)
    if total_debit != total_credit:
        raise ValidationError(
            {
                "lines": _("Verifikationen balanserar inte: debet %(d)s, kredit %(c)s.")
                % {"d": kronor_exact(total_debit), "c": kronor_exact(total_credit)}
            }
        )
    return clean


def post_entry(
    *,
    fund: Any,
    kind: str,
    lines: list[Line],
    description: str,
    idempotency_key: str,
    acting_user: Any,
    entry_date: dt.date | None = None,
    budget_year: int | None = None,
    instalment_year: int | None = None,
    application: Any = None,
    unit: Any = None,
    party: Any = None,
    disbursement: Any = None,
    agreement_version: Any = None,
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    """Post one balanced entry, or return the one already posted under ``idempotency_key``.

    The returned entry has ``is_new`` set: ``False`` when it was posted before (by an
    earlier or a simultaneous request), in which case nothing was written.

    ``budget_year`` is derived from ``entry_date`` (default today); passing a different
    one is refused.

    Raises
    ------
    ValidationError
        Lines that do not balance or are not whole öre, no description, no key, a key
        already used for another kind of entry, an entry that is already reversed, a
        date in the future, a budget year other than the date's, or a closed year.
    RuntimeError
        Called outside ``transaction.atomic()``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_entry must be called inside transaction.atomic()")
    key = (idempotency_key or "").strip()
    if not key or len(key) > 120:
        raise ValidationError(
            {"idempotency_key": _("Formuläret saknar giltig engångsnyckel. Ladda om sidan.")}
        )
    existing = LedgerEntry.objects.filter(fund=fund, idempotency_key=key).first()
    if existing is not None:
        return same_entry(existing, kind, amount=sum((x.debit for x in lines), Decimal(0)))
    if kind not in EntryKind.values:
        raise ValidationError({"kind": _("Okänd typ av verifikation.")})
    if (kind == EntryKind.REVERSAL) != (reverses is not None):
        raise ValidationError({"kind": _("En rättelse pekar ut verifikationen den rättar.")})
    if not (description or "").strip():
        raise ValidationError({"description": _("Ange varför (beskrivning).")})

    try:
        reject_personnummer(description)
    except ValidationError as exc:
        raise ValidationError({"description": exc.messages[0]}) from None
    clean = validate_lines(lines)
    entry_date = entry_date or timezone.localdate()
    check_entry_date(fund, entry_date, application=application if kind in DECIDED_KINDS else None)
    if budget_year is not None and budget_year != entry_date.year:
        raise ValidationError(
            {
                "budget_year": _("Budgetåret är bokföringsdagens år (%(year)s), inte %(given)s.")
                % {"year": entry_date.year, "given": budget_year}
            }
        )
    budget_year = entry_date.year
    if not 1900 <= budget_year <= 2200:
        raise ValidationError({"entry_date": _("Ange en bokföringsdag.")})
    entry = LedgerEntry(
        fund=fund,
        kind=kind,
        entry_date=entry_date,
        budget_year=budget_year,
        instalment_year=instalment_year,
        description=description.strip(),
        idempotency_key=key,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        reverses=reverses,
        application=application,
        unit=unit,
        party=party,
        disbursement=disbursement,
        agreement_version=agreement_version,
    )
    try:
        with transaction.atomic():  # a savepoint: a lost race rolls back only this
            entry.save()
            bulk_create(
                LedgerLine,
                [
                    LedgerLine(
                        entry=entry,
                        fund=fund,
                        budget_year=budget_year,
                        account=x.account,
                        debit=x.debit,
                        credit=x.credit,
                        application=x.application if x.application is not None else application,
                        unit=x.unit if x.unit is not None else unit,
                        party=x.party if x.party is not None else party,
                    )
                    for x in clean
                ],
            )
    except IntegrityError:
        winner = LedgerEntry.objects.filter(fund=fund, idempotency_key=key).first()
        if winner is not None:
            return same_entry(winner, kind)
        if reverses is not None and LedgerEntry.objects.filter(reverses=reverses).exists():
            raise ValidationError({"entry": _("Verifikationen är redan rättad.")}) from None
        raise
    amount = sum((x.debit for x in clean), ZERO)
    record_event(
        actor=acting_user,
        verb=f"ledger.{kind}",
        target=entry,
        summary=_("Verifikation %(id)s: %(kind)s %(amount)s")
        % {"id": entry.pk, "kind": entry.get_kind_display(), "amount": kronor_exact(amount)},
        reason=entry.description,
        data={
            "idempotency_key": key,
            "budget_year": budget_year,
            "lines": [[x.account, str(x.debit), str(x.credit)] for x in clean],
            "reverses": reverses.pk if reverses is not None else None,
        },
        fund=fund,
        application=application,
    )
    entry.is_new = True  # type: ignore[attr-defined]
    return entry


# Entries that follow from an investment's grant: none is booked before the decision.
DECIDED_KINDS = (EntryKind.DISBURSEMENT, EntryKind.REPAYMENT, EntryKind.WRITE_OFF)


def check_entry_date(fund: Any, entry_date: dt.date, *, application: Any = None) -> None:
    """Refuse a booking date in the future, before the fund's first year, in a year the fund
    has closed, or — for a payment, repayment or write-off of ``application`` — before the
    decision that granted it."""
    if entry_date > timezone.localdate():
        raise ValidationError({"entry_date": _("Bokföringsdagen kan inte ligga i framtiden.")})
    if application is not None:
        decided_on = (
            Decision.objects.filter(
                application_id=getattr(application, "pk", application), outcome=Decision.Outcome.GRANTED
            )
            .values_list("decided_on", flat=True)
            .first()
        )
        if decided_on is not None and entry_date < decided_on:
            raise ValidationError(
                {
                    "entry_date": _("Bokföringsdagen ligger före beslutet om investeringen (%(date)s).")
                    % {"date": decided_on.isoformat()}
                }
            )
    # The fund's first year is the year of its opening capital: nothing is booked before it
    # (a date such as 1900-01-01 once made closing the books ask for 1900 next).
    opening = (
        LedgerEntry.objects.filter(fund=fund, idempotency_key=OPENING_KEY)
        .values_list("entry_date", flat=True)
        .first()
    )
    if opening is not None and entry_date.year < opening.year:
        raise ValidationError(
            {
                "entry_date": _("Bokföringsdagen ligger före fondens första år (%(year)s).")
                % {"year": opening.year}
            }
        )
    closed = getattr(fund, "books_closed_through", None)
    if closed is not None and entry_date.year <= closed:
        raise ValidationError(
            {
                "entry_date": _("Året %(year)s är bokslutat; bokför i innevarande år.")
                % {"year": entry_date.year}
            }
        )


def entry_amount(entry: LedgerEntry) -> Decimal:
    """The entry's amount: the sum of its debits (an entry balances, so of its credits too)."""
    return entry.lines.aggregate(total=Sum("debit"))["total"] or Decimal(0)


def same_entry(entry: LedgerEntry, kind: str, *, amount: Decimal | None = None) -> LedgerEntry:
    """The entry already posted under a reused key — if the request is the same one again.

    A reused key with another kind or another amount is not a double submit but a second,
    different entry sent with an old form: nothing is posted, and the user is told.
    """
    if entry.kind != kind:
        raise ValidationError(
            {
                "idempotency_key": _(
                    "Engångsnyckeln är redan använd för en annan verifikation. Ladda om sidan."
                )
            }
        )
    if amount is not None and amount != entry_amount(entry):
        raise ValidationError(
            {
                "amount": _(
                    "Formuläret är redan skickat en gång, med beloppet %(was)s kr; inget bokfördes nu. "
                    "Ladda om sidan för att bokföra ett nytt belopp."
                )
                % {"was": f"{entry_amount(entry):,.2f}".replace(",", " ").replace(".", ",")}
            }
        )
    entry.is_new = False  # type: ignore[attr-defined]
    return entry


def post_opening_capital(
    *, fund: Any, acting_user: Any = None, entry_date: dt.date | None = None
) -> LedgerEntry | None:
    """Post the fund's opening capital (``Fund.capital``) as a capital injection, once.

    Idempotent (key ``"opening"``).  A fund created outside
    :func:`socialinvest.ledger.actions.create_fund.do_create_fund` (the admin, older data) gets it
    posted on its first ledger write; until then the selectors count it as unposted.
    """
    if fund.capital <= 0:
        return None
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return post_opening_capital(fund=fund, acting_user=acting_user, entry_date=entry_date)
    when = entry_date or (timezone.localtime(fund.created_at).date() if fund.created_at else None)
    return post_entry(
        fund=fund,
        kind=EntryKind.CAPITAL_INJECTION,
        lines=[debit(Account.CASH, fund.capital), credit(Account.FUND_CAPITAL, fund.capital)],
        description=_("Ingående kapital"),
        idempotency_key=OPENING_KEY,
        acting_user=acting_user,
        entry_date=when,
    )
