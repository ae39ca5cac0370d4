"""Repeating parts of an application: budget lines, partners, draft indicators; the sign-off."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.formatting import kronor
from socialinvest.core.forms import AMOUNT_MESSAGE
from socialinvest.core.personnummer import bulk_create, reject_personnummer
from socialinvest.finance.money import amount_from
from socialinvest.organisations.models import Unit

from ..locking import lock_application
from ..models import Application, BudgetLine, Partner, PlannedIndicator
from ..permissions import can_edit


def _locked_editable(application: Application, acting_user: Any) -> Application:
    locked = lock_application(application)
    can_edit(acting_user, locked).require()
    return locked


def _audit(application: Application, acting_user: Any, verb: str, summary: str, data: dict[str, Any]) -> None:
    record_event(
        actor=acting_user,
        verb=verb,
        target=application,
        summary=summary,
        data=data,
        fund=application.fund,
        application=application,
    )


def do_replace_budget_lines(
    *, application: Application, lines: list[dict[str, Any]], acting_user: Any
) -> None:
    """Replace the budget: ``[{year, payer (Unit id), amount, from_fund, description}]``."""
    with transaction.atomic():
        locked = _locked_editable(application, acting_user)
        errors: dict[str, str] = {}
        clean = []
        units = {u.pk: u for u in Unit.objects.filter(organisation=application.fund.owner)}
        for i, line in enumerate(lines):
            try:
                amount = amount_from(line.get("amount", ""))
            except ValueError:
                errors[f"budget-{i}-amount"] = str(AMOUNT_MESSAGE)
                continue
            if amount < 0:
                errors[f"budget-{i}-amount"] = _("Beloppet kan inte vara negativt.")
            year = line.get("year")
            if not isinstance(year, int) or not 1900 <= year <= 2200:
                errors[f"budget-{i}-year"] = _("Ange ett år.")
            payer = units.get(int(line.get("payer") or 0))
            if payer is None:
                errors[f"budget-{i}-payer"] = _("Välj en betalare i organisationen.")
            description = str(line.get("description", ""))
            try:
                reject_personnummer(description)
            except ValidationError as exc:
                errors[f"budget-{i}-description"] = exc.messages[0]
            clean.append((year, payer, amount, bool(line.get("from_fund", True)), description))
        if errors:
            raise ValidationError(errors)
        locked.budget_lines.all().delete()
        bulk_create(
            BudgetLine,
            [
                BudgetLine(application=locked, year=y, payer=p, amount=a, from_fund=f, description=d)
                for y, p, a, f, d in clean
            ],
        )
        total = sum((a for _y, _p, a, _f, _d in clean), Decimal(0))
        _audit(
            locked,
            acting_user,
            "application.budget",
            _("Budget ändrad: %(total)s") % {"total": kronor(total)},
            {"lines": len(clean), "total": str(total)},
        )


def _check_rows(
    rows: list[dict[str, str]], prefix: str, name_missing: str, text_keys: tuple[str, ...]
) -> None:
    """Every row needs a name; no text may hold a personnummer.  Errors keyed ``<prefix>-<i>-<field>``."""
    errors: dict[str, str] = {}
    for i, row in enumerate(rows):
        if not row.get("name", "").strip():
            errors[f"{prefix}-{i}-name"] = name_missing
        for key in text_keys:
            try:
                reject_personnummer(row.get(key, ""))
            except ValidationError as exc:
                errors[f"{prefix}-{i}-{key}"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)


def do_replace_partners(
    *, application: Application, partners: list[dict[str, str]], acting_user: Any
) -> None:
    with transaction.atomic():
        locked = _locked_editable(application, acting_user)
        _check_rows(partners, "partner", _("Ange partnerns namn."), ("name", "role"))
        locked.partners.all().delete()
        bulk_create(
            Partner,
            [Partner(application=locked, name=p["name"].strip(), role=p.get("role", "")) for p in partners],
        )
        _audit(
            locked,
            acting_user,
            "application.partners",
            _("Partners ändrade"),
            {"partners": [p["name"] for p in partners]},
        )


def do_replace_indicators(
    *, application: Application, indicators: list[dict[str, str]], acting_user: Any
) -> None:
    with transaction.atomic():
        locked = _locked_editable(application, acting_user)
        _check_rows(
            indicators, "indicator", _("Ange indikatorns namn."), ("name", "definition", "measured_when")
        )
        locked.planned_indicators.all().delete()
        bulk_create(
            PlannedIndicator,
            [
                PlannedIndicator(
                    application=locked,
                    name=ind["name"].strip(),
                    definition=ind.get("definition", ""),
                    measured_when=ind.get("measured_when", ""),
                    outcome_name=ind.get("outcome_name", ""),
                )
                for ind in indicators
            ],
        )
        _audit(
            locked,
            acting_user,
            "application.indicators",
            _("Uppföljningsplan ändrad"),
            {"indicators": [i["name"] for i in indicators]},
        )


def do_sign_off(*, application: Application, manager_name: str, acting_user: Any) -> Application:
    """The responsible manager signs the application off."""
    with transaction.atomic():
        locked = _locked_editable(application, acting_user)
        name = manager_name.strip()
        if not name:
            raise ValidationError({"signoff_name": _("Ange ansvarig chefs namn.")})
        reject_personnummer(name)
        locked.signoff_name = name
        locked.signed_off_at = timezone.now()
        locked.signed_off_by = acting_user
        locked.save(update_fields=["signoff_name", "signed_off_at", "signed_off_by", "updated_at"])
        _audit(
            locked,
            acting_user,
            "application.signed_off",
            _("Undertecknad av %(name)s") % {"name": name},
            {"manager": name},
        )
    return locked
