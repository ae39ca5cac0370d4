"""Bring open figures in: fetch from Kolada, upload a CSV, or enter one figure by hand.

Every write is one transaction with its audit event, after the whole fetch or
file has been read and checked: a service that times out, a page that fails
half-way or one bad row in a file writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import bulk_create, bulk_update
from socialinvest.opendata import KOLADA_LICENCE, Observation, OpenDataError
from socialinvest.opendata.csvfile import parse_csv
from socialinvest.opendata.kolada import KoladaClient
from socialinvest.organisations.models import Organisation

from ..errors import open_data_message
from ..models import NATIONAL, NeedsSettings, OpenDataKpi, OpenDataValue, Source
from ..permissions import can_manage_open_data
from ..selectors import effective_kpis

FIRST_YEAR = 1990
MAX_YEARS = 50


@dataclass(frozen=True)
class StoredFigures:
    """What a fetch or an upload stored: how many figures, for which key figures, areas and years."""

    created: int
    updated: int
    kpis: tuple[str, ...]
    areas: tuple[str, ...]
    years: tuple[int, ...]
    skipped: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.created + self.updated


def default_years(today: dt.date | None = None) -> range:
    """The last fifteen complete years: what the needs analysis shows."""
    year = (today or dt.date.today()).year
    return range(year - 15, year)


def check_years(years: Sequence[int]) -> list[int]:
    """Years from 1990 to next year, at most fifty of them; a ValidationError on ``years`` otherwise."""
    wanted = sorted(set(years))
    last = dt.date.today().year + 1
    if not wanted:
        raise ValidationError({"years": _("Ange minst ett år.")})
    if wanted[0] < FIRST_YEAR or wanted[-1] > last:
        raise ValidationError(
            {
                "years": _("Åren måste ligga mellan %(first)s och %(last)s.")
                % {"first": FIRST_YEAR, "last": last}
            }
        )
    if len(wanted) > MAX_YEARS:
        raise ValidationError({"years": _("Högst %(n)s år åt gången.") % {"n": MAX_YEARS}})
    return wanted


def kolada_client() -> KoladaClient:
    """The client the settings point at (``KOLADA_BASE_URL``; tests use a server on 127.0.0.1)."""
    return KoladaClient(
        base_url=getattr(settings, "KOLADA_BASE_URL", "https://api.kolada.se/v3"),
        timeout=float(getattr(settings, "KOLADA_TIMEOUT", 20)),
    )


def _settings_locked(organisation: Organisation) -> NeedsSettings:
    NeedsSettings.objects.get_or_create(organisation=organisation)
    return NeedsSettings.objects.select_for_update().get(organisation=organisation)


def _as_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value)).quantize(Decimal("0.0001"))


def _store(
    rows: Iterable[Observation], *, source: str, licence: str, acting_user: Any, when: dt.datetime
) -> tuple[int, int]:
    """Insert or update figures by (kpi, municipality, year, gender); returns (created, updated)."""
    rows = list(rows)
    existing = {
        (v.kpi, v.municipality, v.year, v.gender): v
        for v in OpenDataValue.objects.filter(
            kpi__in={r.kpi for r in rows},
            municipality__in={r.municipality for r in rows},
            year__in={r.year for r in rows},
        )
    }
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    new, changed = [], []
    for r in rows:
        value = _as_decimal(r.value)
        old = existing.get((r.kpi, r.municipality, r.year, r.gender))
        if old is None:
            new.append(
                OpenDataValue(
                    kpi=r.kpi,
                    municipality=r.municipality,
                    year=r.year,
                    gender=r.gender,
                    value=value,
                    source=source,
                    licence=licence,
                    fetched_at=when,
                    fetched_by=user,
                )
            )
        else:
            old.value, old.source, old.licence, old.fetched_at, old.fetched_by = (
                value,
                source,
                licence,
                when,
                user,
            )
            changed.append(old)
    bulk_create(OpenDataValue, new, batch_size=500)
    bulk_update(
        OpenDataValue, changed, ["value", "source", "licence", "fetched_at", "fetched_by"], batch_size=500
    )
    return len(new), len(changed)


def do_fetch_open_data(
    *,
    organisation: Organisation,
    acting_user: Any,
    municipality: str = "",
    kpis: Sequence[str] = (),
    years: Sequence[int] = (),
    client: KoladaClient | None = None,
) -> StoredFigures:
    """Fetch key figures from Kolada for the municipality, the country and the comparison group.

    Defaults: the organisation's municipality code, the curated indicators'
    key figures and the last fifteen years.  The network is read before the
    transaction (a fetch can take seconds; no row lock is held meanwhile), then
    the lock is taken, the permission checked again and everything written with
    one audit event.  Raises ValidationError naming the field and the problem.
    """
    can_manage_open_data(acting_user, organisation).require()
    code = (municipality or organisation.municipality_code).strip()
    if not code:
        raise ValidationError(
            {
                "municipality": _(
                    "Organisationen har ingen kommunkod. Ange den under organisationens uppgifter."
                )
            }
        )
    explicit = [k.strip() for k in kpis if k.strip()]
    wanted_kpis = list(dict.fromkeys(explicit or [e.kpi for e in effective_kpis(organisation) if e.kolada]))
    if not wanted_kpis:
        raise ValidationError({"kpis": _("Inga nyckeltal att hämta.")})
    wanted_years = check_years(list(years) or list(default_years()))
    groups = NeedsSettings.objects.filter(organisation=organisation).values_list("comparison_group")
    group = (groups.first() or ("",))[0]
    areas = list(dict.fromkeys([code, NATIONAL, *([group] if group else [])]))
    client = client or kolada_client()
    metas, rows, skipped = [], [], []
    try:
        client.municipality_title(code)
        group_title = client.municipality_group(group).title if group else ""
        for kpi in wanted_kpis:
            try:
                meta = client.kpi(kpi)
                got = client.values(kpi, areas, wanted_years)
                if not any(r.municipality == code and r.value is not None for r in got):
                    raise OpenDataError(
                        "no_data",
                        f"Kolada has no figures of {kpi} for {code} in {wanted_years[0]}–{wanted_years[-1]}",
                        kpi=kpi,
                        municipality=code,
                        first=wanted_years[0],
                        last=wanted_years[-1],
                    )
            except OpenDataError as exc:
                # Asked for by name: the user's mistake, refuse.  The curated default set:
                # leave out what Kolada does not have and say so, fetch the rest.
                if explicit or exc.code not in ("unknown_kpi", "no_data"):
                    raise
                skipped.append(open_data_message(exc))
                continue
            metas.append(meta)
            rows.extend(got)
    except OpenDataError as exc:
        raise ValidationError({"kolada": open_data_message(exc)}, code=exc.code) from None
    if not metas:
        raise ValidationError({"kolada": " ".join(skipped) or _("Inga nyckeltal att hämta.")})
    when = timezone.now()
    with transaction.atomic():
        needs_settings = _settings_locked(organisation)
        can_manage_open_data(acting_user, organisation).require()
        if group_title and not needs_settings.comparison_group_title:
            # The group's name as Kolada gives it, where the organisation has not named it.
            needs_settings.comparison_group_title = group_title[:300]
            needs_settings.save(update_fields=["comparison_group_title"])
        for meta in metas:
            OpenDataKpi.objects.update_or_create(
                id=meta.id,
                defaults={
                    "title": meta.title[:500],
                    "description": meta.description,
                    "source": Source.KOLADA,
                    "fetched_at": when,
                },
            )
        created, updated = _store(
            rows, source=Source.KOLADA, licence=KOLADA_LICENCE, acting_user=acting_user, when=when
        )
        fetched = tuple(m.id for m in metas)
        stored = StoredFigures(created, updated, fetched, tuple(areas), tuple(wanted_years), tuple(skipped))
        record_event(
            actor=acting_user,
            verb="open_data.fetched",
            target=organisation,
            summary=_("Hämtade %(n)s värden från Kolada") % {"n": stored.total},
            data={
                "kpis": list(fetched),
                "skipped": skipped,
                "areas": areas,
                "years": [wanted_years[0], wanted_years[-1]],
                "created": created,
                "updated": updated,
                "base_url": client.base_url,
            },
        )
    return stored


def do_import_open_data(
    *, organisation: Organisation, raw: bytes, acting_user: Any, source: str = Source.CSV
) -> StoredFigures:
    """Store the figures of a ``kpi,municipality,year,value`` file; one bad row refuses the whole file."""
    with transaction.atomic():
        _settings_locked(organisation)
        can_manage_open_data(acting_user, organisation).require()
        if source not in (Source.CSV, Source.ILLUSTRATIVE, Source.MANUAL):
            raise ValidationError({"source": _("Okänd källa.")})
        try:
            rows = parse_csv(raw)
        except OpenDataError as exc:
            raise ValidationError({"file": open_data_message(exc)}, code=exc.code) from None
        return _record_entered(
            organisation, rows, source=source, acting_user=acting_user, verb="open_data.imported"
        )


def do_enter_open_data_value(
    *, organisation: Organisation, kpi: str, municipality: str, year: int, value: Decimal, acting_user: Any
) -> StoredFigures:
    """Enter one figure by hand (same checks as a file's row)."""
    with transaction.atomic():
        _settings_locked(organisation)
        can_manage_open_data(acting_user, organisation).require()
        line = f"kpi,municipality,year,value\n{kpi},{municipality},{year},{value}\n".encode()
        try:
            rows = parse_csv(line)
        except OpenDataError as exc:
            raise ValidationError({"value": open_data_message(exc)}, code=exc.code) from None
        return _record_entered(
            organisation, rows, source=Source.MANUAL, acting_user=acting_user, verb="open_data.entered"
        )


def _record_entered(
    organisation: Organisation, rows: list[Observation], *, source: str, acting_user: Any, verb: str
) -> StoredFigures:
    """Store checked rows and audit them (under the caller's lock and permission check)."""
    when = timezone.now()
    created, updated = _store(rows, source=source, licence="", acting_user=acting_user, when=when)
    kpis = tuple(sorted({r.kpi for r in rows}))
    years = tuple(sorted({r.year for r in rows}))
    stored = StoredFigures(created, updated, kpis, tuple(sorted({r.municipality for r in rows})), years)
    record_event(
        actor=acting_user,
        verb=verb,
        target=organisation,
        summary=_("Matade in %(n)s värden (%(source)s)")
        % {"n": stored.total, "source": Source(source).label},
        data={
            "kpis": list(kpis),
            "years": list(years),
            "created": created,
            "updated": updated,
            "source": source,
        },
    )
    return stored
