"""Adopt an ex-post calculation: its measured savings become what the repayment agreements read.

For every benefiting unit — one unit per actor with flows in the ex-post calculation
(:func:`receiving_units`: the unit with a repayment agreement, else the committee or
external unit; never an administration, so savings are not counted twice), and every
unit with a repayment agreement for the investment — the cashable benefits of the
ex-post result (``finance.savings.forecast_savings``) are written as
:class:`~..models.MeasuredSaving` for each *measured* year: the calendar years that
have ended by the end of the last approved follow-up period
(``ExPostCalculation.measured_through``).  Later years stay unmeasured.  A unit with an
agreement but no flows in the calculation measured no savings: 0 for those years.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.applications.locking import lock_application
from socialinvest.core.personnummer import bulk_create
from socialinvest.engine import Result
from socialinvest.finance.savings import forecast_savings
from socialinvest.ledger.models import RepaymentAgreement
from socialinvest.organisations.models import Unit

from ..models import ExPostCalculation, MeasuredSaving
from ..permissions import can_adopt_expost
from ._common import audit


def year_span(years: list[int]) -> str:
    """``2025`` for one year, ``2025–2027`` for several."""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def measured_years(expost: ExPostCalculation) -> list[int]:
    """The calculation's years that ended on or before ``measured_through``."""
    through = expost.measured_through
    if through is None:
        return []
    last = through.year if (through.month, through.day) == (12, 31) else through.year - 1
    return [int(y) for y in expost.result["base"]["years"] if int(y) <= last]


def receiving_units(application: Any, actor_ids: set[str]) -> dict[str, Unit]:
    """The one unit per calculation actor that receives the actor's measured savings.

    A committee and its administration share an ``actor_id``; the savings are counted
    once: the unit with a repayment agreement for the application if there is one,
    else the committee (``namnd``) or external unit (lowest id first).  An
    administration (``forvaltning``) never receives measured savings.
    """
    agreed = set(RepaymentAgreement.objects.filter(application=application).values_list("unit_id", flat=True))
    candidates = Unit.objects.filter(
        organisation_id=application.fund.owner_id, actor_id__in=sorted(actor_ids)
    ).exclude(kind=Unit.Kind.ADMINISTRATION)
    extra = Unit.objects.filter(pk__in=agreed, actor_id__in=sorted(actor_ids)).exclude(
        kind=Unit.Kind.ADMINISTRATION
    )
    out: dict[str, Unit] = {}
    for unit in sorted({*candidates, *extra}, key=lambda u: (u.pk not in agreed, u.pk)):
        out.setdefault(unit.actor_id, unit)
    return out


def savings_by_unit(expost: ExPostCalculation) -> dict[Unit, dict[int, Decimal]]:
    """Each benefiting unit's cashable savings by year in the ex-post result (all years).

    One unit per actor (:func:`receiving_units`) gets the actor's savings; every other
    unit with a repayment agreement for the investment measured none: 0 for each year.
    """
    application = expost.application
    result = Result.model_validate({**expost.result, "scenario": expost.scenario})
    flows = result.base.flows
    receivers = receiving_units(application, set(flows))
    zero = {int(y): Decimal("0.00") for y in result.base.years}
    out: dict[Unit, dict[int, Decimal]] = {
        unit: forecast_savings(result, actor) for actor, unit in receivers.items()
    }
    for agreement in RepaymentAgreement.objects.filter(application=application).select_related("unit"):
        out.setdefault(agreement.unit, dict(zero))
    return dict(sorted(out.items(), key=lambda item: item[0].pk))


def do_adopt_expost_calculation(*, expost: ExPostCalculation, acting_user: Any) -> ExPostCalculation:
    """The fund administrator adopts the ex-post calculation; its measured savings are written."""
    with transaction.atomic():
        application = lock_application(expost.application_id)
        can_adopt_expost(acting_user, application).require()
        locked = ExPostCalculation.objects.select_for_update().get(pk=expost.pk)
        locked.application = application
        if locked.adopted_at is not None:
            raise ValidationError({"expost": _("Efterkalkylen är redan fastställd.")})
        # Only the latest: an older one was made from fewer measurements (checked under the lock,
        # so a new ex-post run cannot slip in between).
        newest = ExPostCalculation.objects.filter(application=application).order_by("-number").first()
        if newest is not None and newest.pk != locked.pk:
            raise ValidationError({"expost": _("Endast den senaste efterkalkylen kan fastställas.")})
        years = measured_years(locked)
        if not years:
            raise ValidationError(
                {
                    "expost": _(
                        "Inget helt kalenderår är mätt än, så det finns inga mätta besparingar "
                        "att fastställa."
                    )
                }
            )
        rows = []
        for unit, by_year in savings_by_unit(locked).items():
            rows += [
                MeasuredSaving(
                    application=application,
                    unit=unit,
                    year=y,
                    amount=by_year.get(y, Decimal(0)),
                    expost=locked,
                )
                for y in years
            ]
        bulk_create(MeasuredSaving, rows)
        locked.adopted_by = acting_user
        locked.adopted_at = timezone.now()
        locked.save(update_fields=["adopted_by", "adopted_at"])
        audit(
            application,
            acting_user,
            "followup.expost_adopted",
            locked,
            _("Efterkalkyl %(n)d fastställd: mätta besparingar %(years)s")
            % {"n": locked.number, "years": year_span(years)},
            data={
                "years": years,
                "savings": {f"{r.unit_id}:{r.year}": str(r.amount) for r in rows},
            },
        )
    return locked
