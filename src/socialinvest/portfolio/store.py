"""Dashboard figures computed once per change: stored per fund, deleted when the fund changes.

:func:`dashboard_data` reads the stored snapshot, or computes and stores it.  The
snapshot of a fund is deleted (in the same transaction as the change, so a rolled
back change leaves it) when any of the models below is saved or deleted: a
calculation, a decision, a posting, a disbursement or agreement version, a status
change, a measurement or an ex-post calculation (an evaluation), a closing decision.
A snapshot of an earlier day is stale too (what is overdue depends on the date).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone

from . import figures, gains
from .models import DashboardSnapshot

# (app label, model, how to reach the fund id from an instance)
WATCHED: tuple[tuple[str, str, str], ...] = (
    ("applications", "Application", "fund_id"),
    ("applications", "CalculationVersion", "application__fund_id"),
    ("applications", "Decision", "application__fund_id"),
    ("applications", "StatusChange", "application__fund_id"),
    ("ledger", "LedgerEntry", "fund_id"),
    ("ledger", "Disbursement", "fund_id"),
    ("ledger", "RepaymentAgreementVersion", "agreement__application__fund_id"),
    ("followup", "ExPostCalculation", "application__fund_id"),
    ("followup", "Measurement", "scheduled__indicator__plan__application__fund_id"),
    ("followup", "ScheduledMeasurement", "indicator__plan__application__fund_id"),
    ("followup", "ClosingDecision", "application__fund_id"),
    ("followup", "EvidenceGradeUpdate", "application__fund_id"),
    ("funds", "Fund", "pk"),
    ("funds", "Criterion", "fund_id"),
    ("needs", "Aim", "fund_id"),  # the long-term aims' section of the dashboard and the annual report
)


def _fund_id(instance: Any, path: str) -> int | None:
    """Follow ``a__b__fund_id`` through the instance's foreign keys (a query or two at most)."""
    obj = instance
    *steps, last = path.split("__")
    for step in steps:
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return getattr(obj, last, None)  # type: ignore[no-any-return]


fund_changed = Signal()
"""Sent with ``fund_id`` (None: every fund) when something the fund's owners' or the public's
figures are made of changed; the public pages drop their stored figures on it too."""


def invalidate(fund_id: int | None) -> None:
    if fund_id is not None:
        DashboardSnapshot.objects.filter(fund_id=fund_id).delete()
    else:
        DashboardSnapshot.objects.all().delete()
    fund_changed.send(sender=DashboardSnapshot, fund_id=fund_id)


def _receiver(path: str) -> Any:
    def receiver(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
        if raw:
            return  # fixture loading: nothing computed yet
        try:
            invalidate(_fund_id(instance, path))
        except Exception:
            DashboardSnapshot.objects.all().delete()

    return receiver


_RECEIVERS: list[Any] = []  # signal receivers are weak references: keep them alive


def connect_invalidation() -> None:
    for app_label, model_name, path in WATCHED:
        model = apps.get_model(app_label, model_name)
        receiver = _receiver(path)
        _RECEIVERS.append(receiver)
        uid = f"portfolio-{app_label}-{model_name}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + "-delete")


def compute(fund: Any, today: dt.date) -> dict[str, Any]:
    """Every figure of the dashboard, JSON-ready and language-neutral."""
    decisions = gains.granted_decisions(fund)
    return {
        "headline": fund.headline_perspective,
        "key": figures.key_figures(fund),
        "balance": figures.balance_series(fund, today),
        "pending": [
            {
                "reference": a.reference,
                "title": a.title,
                "status": a.status,
                "requested": figures.money(a.requested_amount),
            }
            for a in figures.pending_applications(fund)
        ],
        "applications": figures.application_pipeline(fund, today),
        "investments": figures.investment_statuses(fund),
        "overdue_followups": figures.overdue_followups(fund, today),
        "repayments": figures.repayments(fund, today),
        "gains": gains.who_gains(decisions),
        "monte_carlo": gains.monte_carlo(decisions),
        "forecast": gains.forecast_against_outcome(decisions),
    }


def dashboard_data(fund: Any, *, today: dt.date | None = None) -> DashboardSnapshot:
    """The fund's stored snapshot for ``today``, computed and stored when missing or stale."""
    today = today or timezone.localdate()
    snapshot = DashboardSnapshot.objects.filter(fund=fund, as_of=today).first()
    if snapshot is not None:
        return snapshot
    started = time.perf_counter()
    data = compute(fund, today)
    elapsed = int(1000 * (time.perf_counter() - started))
    try:
        with transaction.atomic():
            snapshot, _ = DashboardSnapshot.objects.update_or_create(
                fund=fund, defaults={"as_of": today, "data": data, "compute_ms": elapsed}
            )
    except IntegrityError:  # another request stored it first: theirs is as good
        snapshot = DashboardSnapshot.objects.get(fund=fund)
    return snapshot
