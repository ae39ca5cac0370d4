"""The parties of a multi-party fund, with their capital contributions and keys."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.formatting import percent_exact
from socialinvest.organisations.models import Unit

from ..models import FundParty, FundPartyKeys, LedgerEntry, LedgerLine
from ..permissions import can_manage_ledger
from ..selectors import first_open_year, party_keys_by_year
from .common import lock_fund, parse_money, parse_share, parse_year, reject_pnr

ONE = Decimal(1)


def _key(value: Any) -> Decimal | None:
    return parse_share(value, places=6)


def do_set_fund_parties(
    *, fund: Any, parties: list[dict[str, Any]], acting_user: Any, from_year: Any = None
) -> list[FundParty]:
    """Replace the fund's parties: ``[{name, unit (id or None), capital_contribution, cost_key,
    repayment_key}]``, matched to the existing ones by name.

    Keys are shares (``0.25``, ``25``, ``25 %`` or ``0,25``); per kind they sum to exactly 1
    when there are parties.  The keys are in force from budget year ``from_year`` (default:
    the first open year) — earlier years keep the keys they had; a closed year cannot be
    changed.  A party the journal already names, or whose keys were in force before
    ``from_year``, cannot be removed (set its keys to 0 instead).
    """
    with transaction.atomic():
        locked = lock_fund(fund, acting_user)
        can_manage_ledger(acting_user, fund).require()
        errors: dict[str, str] = {}
        year = first_open_year(fund) if from_year in (None, "") else parse_year(from_year)
        if year is None:
            errors["from_year"] = _("Ange ett år.")
        elif fund.books_closed_through is not None and year <= fund.books_closed_through:
            errors["from_year"] = _("Året %(year)s är bokslutat; nycklarna kan ändras från %(open)s.") % {
                "year": year,
                "open": fund.books_closed_through + 1,
            }
        clean: list[dict[str, Any]] = []
        names: set[str] = set()
        for i, row in enumerate(parties):
            name = str(row.get("name", "")).strip()
            if not name:
                errors[f"parties-{i}-name"] = _("Ange partens namn.")
            elif name in names:
                errors[f"parties-{i}-name"] = _("Två parter har samma namn.")
            names.add(name)
            if name:
                reject_pnr(errors, f"parties-{i}-name", name)
            contribution, message = parse_money(row.get("capital_contribution", 0) or 0, allow_zero=True)
            if message:
                errors[f"parties-{i}-capital_contribution"] = message
            unit = None
            if row.get("unit"):
                unit = Unit.objects.filter(pk=row["unit"]).first()
                if unit is None:
                    errors[f"parties-{i}-unit"] = _("Okänd enhet.")
            keys = {}
            for field in ("cost_key", "repayment_key"):
                keys[field] = _key(row.get(field, ""))
                if keys[field] is None:
                    errors[f"parties-{i}-{field}"] = _(
                        "Ange en andel mellan 0 och 100 %, t.ex. 25 %, 25 eller 0,25 "
                        "(högst fyra decimaler i procent)."
                    )
            clean.append({"name": name, "unit": unit, "capital_contribution": contribution, **keys})
        if clean and not errors:
            for field, label in (
                ("cost_key", _("Kostnadsnycklarna")),
                ("repayment_key", _("Återföringsnycklarna")),
            ):
                total = sum((row[field] for row in clean), Decimal(0))
                if total != ONE:
                    errors[field] = _("%(what)s summerar till %(total)s, inte 100 %%.") % {
                        "what": label,
                        "total": percent_exact(total),
                    }
        if errors:
            raise ValidationError(errors)
        assert year is not None
        existing = {p.name: p for p in FundParty.objects.filter(fund=locked)}
        gone = [p for name, p in existing.items() if name not in names]
        used = set(LedgerLine.objects.filter(party__in=gone).values_list("party_id", flat=True))
        used |= _entry_parties(gone)
        history = party_keys_by_year(locked)
        used |= {p.pk for p in gone if any(y < year for y, *_k in history.get(p.pk, []))}
        if used:
            kept = ", ".join(p.name for p in gone if p.pk in used)
            raise ValidationError(
                {
                    "parties": _(
                        "Parter med bokförda verifikationer eller nycklar i tidigare år kan inte tas bort "
                        "(sätt deras nycklar till 0 %%): %(names)s."
                    )
                    % {"names": kept}
                }
            )
        FundParty.objects.filter(pk__in=[p.pk for p in gone]).delete()
        out = []
        for row in clean:
            party = existing.get(row["name"]) or FundParty(fund=locked, name=row["name"])
            for field in ("unit", "capital_contribution", "cost_key", "repayment_key"):
                setattr(party, field, row[field])
            party.save()
            FundPartyKeys.objects.update_or_create(
                party=party,
                from_year=year,
                defaults={"fund": locked, "cost_key": row["cost_key"], "repayment_key": row["repayment_key"]},
            )
            latest = FundPartyKeys.objects.filter(party=party).order_by("-from_year").first()
            if latest is not None and latest.from_year > year:  # a later change stays the current keys
                party.cost_key, party.repayment_key = latest.cost_key, latest.repayment_key
                party.save(update_fields=["cost_key", "repayment_key"])
            out.append(party)
        record_event(
            actor=acting_user,
            verb="fund.parties",
            target=locked,
            summary=_("Fondens parter: %(names)s") % {"names": ", ".join(p.name for p in out) or "–"},
            data={
                "from_year": year,
                "parties": [
                    [p.name, str(p.capital_contribution), str(p.cost_key), str(p.repayment_key)] for p in out
                ],
            },
            fund=locked,
        )
    return out


def _entry_parties(parties: list[FundParty]) -> set[int]:
    return set(LedgerEntry.objects.filter(party__in=parties).values_list("party_id", flat=True))
