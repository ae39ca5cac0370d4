"""Application rounds (utlysningar): reads, the round check for new ideas, and the writes.

The check is one function, :func:`ideas_verdict`, used by the application service (an idea
is refused outside an open round, with the next round's date), by the transition table's
``round_open`` condition and by the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.forms import AMOUNT_MESSAGE
from socialinvest.core.permissions import Verdict, allow, deny
from socialinvest.finance.money import amount_from
from socialinvest.organisations.models import Membership, Role

from .models import Fund, Round
from .versions import ensure_base_version, record_rules_version


def open_rounds(fund: Fund, on: dt.date | None = None) -> QuerySet[Round]:
    """The fund's rounds open on ``on`` (today by default), closing soonest first."""
    on = on or timezone.localdate()
    return Round.objects.filter(fund=fund, opens_on__lte=on, closes_on__gte=on).order_by("closes_on", "id")


def upcoming_rounds(fund: Fund, on: dt.date | None = None) -> QuerySet[Round]:
    """Rounds open now or later: what the fund page and the public pages announce."""
    on = on or timezone.localdate()
    return Round.objects.filter(fund=fund, closes_on__gte=on).order_by("opens_on", "id")


def open_rounds_all(on: dt.date | None = None) -> QuerySet[Round]:
    """Every fund's open rounds (for public pages): fund, name, dates and budget frame."""
    on = on or timezone.localdate()
    return (
        Round.objects.filter(opens_on__lte=on, closes_on__gte=on)
        .select_related("fund")
        .order_by("closes_on", "fund__name", "id")
    )


def next_round(fund: Fund, on: dt.date | None = None) -> Round | None:
    on = on or timezone.localdate()
    return Round.objects.filter(fund=fund, opens_on__gt=on).order_by("opens_on", "id").first()


def ideas_verdict(fund: Fund, on: dt.date | None = None) -> Verdict:
    """May the fund take a new idea on ``on``?  The reason names the next round's opening date."""
    if fund.ideas_all_year:
        return allow()
    on = on or timezone.localdate()
    if open_rounds(fund, on).exists():
        return allow()
    upcoming = next_round(fund, on)
    if upcoming is None:
        return deny(_("Fonden tar inte emot idéer nu och ingen ny utlysning är planerad."))
    return deny(
        _("Fonden tar inte emot idéer nu. Nästa utlysning, ”%(name)s”, öppnar %(date)s.")
        % {"name": upcoming.name, "date": upcoming.opens_on.isoformat()}
    )


def can_manage_rounds(user: Any, fund: Fund) -> Verdict:
    """The fund administrator (of the fund or its owner organisation) announces rounds."""
    if getattr(user, "is_authenticated", False):
        scope = Q(fund=fund) | Q(organisation_id=fund.owner_id)
        if Membership.objects.filter(scope, user=user, role=Role.FUND_ADMIN).exists():
            return allow()
    return deny(_("Endast fondförvaltaren hanterar utlysningar."))


def _clean(
    *, name: str, opens_on: Any, closes_on: Any, budget_frame: Any, description: str
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"name": (name or "").strip(), "description": (description or "").strip()}
    if not values["name"]:
        errors["name"] = _("Ange ett namn.")
    for key, value in (("opens_on", opens_on), ("closes_on", closes_on)):
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                errors[key] = _("Ange ett datum som ÅÅÅÅ-MM-DD.")
                continue
        if not isinstance(value, dt.date):
            errors[key] = _("Ange ett datum som ÅÅÅÅ-MM-DD.")
            continue
        values[key] = value
    if "opens_on" in values and "closes_on" in values and values["closes_on"] < values["opens_on"]:
        errors["closes_on"] = _("Utlysningen måste stänga samma dag som den öppnar eller senare.")
    frame = budget_frame
    if frame in (None, ""):
        values["budget_frame"] = None
    else:
        try:
            values["budget_frame"] = amount_from(frame)
        except ValueError:
            errors["budget_frame"] = str(AMOUNT_MESSAGE)
        else:
            if values["budget_frame"] < 0:
                errors["budget_frame"] = _("Budgetramen kan inte vara negativ.")
    if errors:
        raise ValidationError(errors)
    round_ = Round(**values)
    try:
        round_.clean_fields(exclude=["fund"])
    except ValidationError as exc:
        raise ValidationError({k: v[0] for k, v in exc.message_dict.items()}) from exc
    return values


def do_save_round(
    *,
    fund: Fund,
    name: str,
    opens_on: Any,
    closes_on: Any,
    acting_user: Any,
    budget_frame: Any = None,
    description: str = "",
    round_id: int | None = None,
) -> Round:
    """Announce a round, or change one (``round_id``); audited with the dates."""
    values = _clean(
        name=name, opens_on=opens_on, closes_on=closes_on, budget_frame=budget_frame, description=description
    )
    with transaction.atomic():
        locked = Fund.objects.select_for_update().get(pk=fund.pk)
        verdict = can_manage_rounds(acting_user, locked)
        if not verdict:
            raise PermissionDenied(verdict.reason)
        if round_id is None:
            round_ = Round.objects.create(fund=locked, **values)
            verb, summary = "round.created", _("Utlysning skapad: %(name)s")
        else:
            round_ = Round.objects.select_for_update().get(pk=round_id, fund=locked)
            for key, value in values.items():
                setattr(round_, key, value)
            round_.save()
            verb, summary = "round.changed", _("Utlysning ändrad: %(name)s")
        record_event(
            actor=acting_user,
            verb=verb,
            target=round_,
            summary=summary % {"name": round_.name},
            data={
                "opens_on": round_.opens_on.isoformat(),
                "closes_on": round_.closes_on.isoformat(),
                "budget_frame": None if round_.budget_frame is None else str(round_.budget_frame),
            },
            fund=locked,
        )
    return round_


def do_set_ideas_all_year(*, fund: Fund, ideas_all_year: bool, acting_user: Any) -> Fund:
    """Whether the fund takes ideas all year or only in open rounds."""
    with transaction.atomic():
        locked = Fund.objects.select_for_update().get(pk=fund.pk)
        verdict = can_manage_rounds(acting_user, locked)
        if not verdict:
            raise PermissionDenied(verdict.reason)
        ensure_base_version(locked)
        before = locked.ideas_all_year
        locked.ideas_all_year = bool(ideas_all_year)
        locked.save(update_fields=["ideas_all_year"])
        version = record_rules_version(locked, acting_user)
        record_event(
            actor=acting_user,
            verb="fund.ideas_all_year",
            target=locked,
            summary=_("Tar emot idéer hela året")
            if ideas_all_year
            else _("Tar emot idéer bara i utlysningar"),
            data={
                "ideas_all_year": bool(ideas_all_year),
                "before": {"ideas_all_year": before},
                "after": {"ideas_all_year": bool(ideas_all_year)},
                "version": version.number if version else None,
            },
            fund=locked,
        )
    return locked
