"""A fund's long-term aims: an indicator with baseline, target and benchmark, and what aims at it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.models import Application
from socialinvest.applications.states import Status
from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import reject_personnummer
from socialinvest.engine.catalogue import default_catalogue
from socialinvest.funds.models import Fund

from ..models import NATIONAL, Aim
from ..permissions import can_manage_aims

_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
LIMIT = Decimal("1e12")
CLOSED = {Status.REJECTED, Status.WITHDRAWN, Status.IDEA_DECLINED}


def _number(errors: dict[str, str], name: str, value: Any) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[name] = _("Ange ett tal.")
        return Decimal(0)
    if not number.is_finite() or abs(number) > LIMIT:
        errors[name] = _("Ange ett ändligt tal av rimlig storlek.")
        return Decimal(0)
    return number


def _snapshot(aim: Aim) -> dict[str, Any]:
    return {
        "title": aim.title,
        "kpi": aim.kpi,
        "higher_is_better": aim.higher_is_better,
        "baseline": [aim.baseline_year, str(aim.baseline_value)],
        "target": [aim.target_year, str(aim.target_value)],
        "benchmark": aim.benchmark,
        "population": aim.population,
        "cost_item": aim.cost_item,
    }


def do_save_aim(
    *,
    fund: Fund,
    acting_user: Any,
    title: str,
    kpi: str,
    higher_is_better: bool,
    baseline_year: int,
    baseline_value: Any,
    target_year: int,
    target_value: Any,
    benchmark: str = NATIONAL,
    population: int | None = None,
    cost_item: str = "",
    aim: Aim | None = None,
) -> Aim:
    """Create an aim for the fund, or change ``aim``; audited with the values before and after."""
    with transaction.atomic():
        locked_fund = Fund.objects.select_for_update().get(pk=fund.pk)
        locked = Aim.objects.select_for_update().get(pk=aim.pk, fund=locked_fund) if aim else None
        can_manage_aims(acting_user, locked_fund).require()
        errors: dict[str, str] = {}
        title, kpi, benchmark, cost_item = (
            title.strip(),
            kpi.strip(),
            (benchmark.strip() or NATIONAL),
            cost_item.strip(),
        )
        if not title:
            errors["title"] = _("Ange målet.")
        elif len(title) > 200:
            errors["title"] = _("Högst 200 tecken.")
        if not _ID.match(kpi):
            errors["kpi"] = _("Ange nyckeltalets id, t.ex. N15428.")
        if not _ID.match(benchmark):
            errors["benchmark"] = _("Ange 0000 för riket eller en grupps id.")
        base = _number(errors, "baseline_value", baseline_value)
        target = _number(errors, "target_value", target_value)
        for name, year in (("baseline_year", baseline_year), ("target_year", target_year)):
            if not isinstance(year, int) or not 1990 <= year <= 2100:
                errors[name] = _("Ange ett år mellan 1990 och 2100.")
        if "baseline_year" not in errors and "target_year" not in errors and target_year <= baseline_year:
            errors["target_year"] = _("Målåret måste komma efter utgångsåret.")
        if population is not None and not 0 <= population <= 20_000_000:
            errors["population"] = _("Populationen måste vara mellan 0 och 20 000 000.")
        if cost_item:
            try:
                if default_catalogue().cost_item(cost_item).unit != "per_year":
                    errors["cost_item"] = _("Välj en kostnad per år.")
            except KeyError:
                errors["cost_item"] = _("Kostnadsposten finns inte i katalogen.")
        if errors:
            raise ValidationError(errors)
        reject_personnummer(title)
        before = _snapshot(locked) if locked else None
        target_aim = locked or Aim(fund=locked_fund)
        target_aim.title, target_aim.kpi, target_aim.higher_is_better = title, kpi, higher_is_better
        target_aim.baseline_year, target_aim.baseline_value = baseline_year, base
        target_aim.target_year, target_aim.target_value = target_year, target
        target_aim.benchmark, target_aim.population, target_aim.cost_item = benchmark, population, cost_item
        target_aim.save()
        record_event(
            actor=acting_user,
            verb="aim.changed" if locked else "aim.created",
            target=target_aim,
            summary=(_("Långsiktigt mål ändrat: %(title)s") if locked else _("Långsiktigt mål: %(title)s"))
            % {"title": title},
            data={"before": before, "after": _snapshot(target_aim)},
            fund=locked_fund,
        )
    return target_aim


def do_delete_aim(*, aim: Aim, acting_user: Any, reason: str) -> None:
    """Remove an aim (the audit event keeps what it was and why it went)."""
    with transaction.atomic():
        fund = Fund.objects.select_for_update().get(pk=aim.fund_id)
        locked = Aim.objects.select_for_update().get(pk=aim.pk)
        can_manage_aims(acting_user, fund).require()
        if not reason.strip():
            raise ValidationError({"reason": _("Ange varför målet tas bort.")})
        reject_personnummer(reason)
        record_event(
            actor=acting_user,
            verb="aim.deleted",
            target=locked,
            summary=_("Långsiktigt mål borttaget: %(title)s") % {"title": locked.title},
            reason=reason.strip(),
            data={"before": _snapshot(locked)},
            fund=fund,
        )
        locked.delete()


def do_set_aim_investments(*, aim: Aim, applications: Sequence[Application], acting_user: Any) -> Aim:
    """Say which of the fund's applications and investments aim at this indicator."""
    with transaction.atomic():
        fund = Fund.objects.select_for_update().get(pk=aim.fund_id)
        locked = Aim.objects.select_for_update().get(pk=aim.pk)
        can_manage_aims(acting_user, fund).require()
        chosen = list(Application.objects.filter(pk__in=[a.pk for a in applications]))
        wrong = [a.reference for a in chosen if a.fund_id != fund.pk or a.status in CLOSED]
        if wrong or len(chosen) != len({a.pk for a in applications}):
            raise ValidationError(
                {"investments": _("Välj bland fondens pågående ansökningar och investeringar.")}
            )
        before = sorted(locked.investments.values_list("reference", flat=True))
        locked.investments.set(chosen)
        after = sorted(a.reference for a in chosen)
        record_event(
            actor=acting_user,
            verb="aim.investments_set",
            target=locked,
            summary=_("Investeringar mot målet %(title)s: %(refs)s")
            % {"title": locked.title, "refs": ", ".join(after) or "–"},
            data={"before": before, "after": after},
            fund=fund,
        )
    return locked
