"""What open data brings in: key-figure metadata, observations and municipality groups."""

from __future__ import annotations

from dataclasses import dataclass, field

# Kolada publishes its data under CC BY 4.0 and asks to be named as the source.
KOLADA_LICENCE = "CC BY 4.0"
KOLADA_ATTRIBUTION = "Källa: Kolada (RKA, Rådet för främjande av kommunala analyser), CC BY 4.0"

NATIONAL = "0000"  # Kolada's id for the whole country (Riket)


@dataclass(frozen=True)
class KpiMeta:
    """A key figure (nyckeltal) as its publisher describes it."""

    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Observation:
    """One value of one key figure for one municipality (or group, or the country) and year.

    ``value`` is ``None`` where the publisher has the cell but no figure
    (suppressed for confidentiality or not yet reported).  ``gender`` is ``T``
    (total), ``K`` (women) or ``M`` (men), as Kolada splits them.
    """

    kpi: str
    municipality: str
    year: int
    value: float | None
    gender: str = "T"


@dataclass(frozen=True)
class MunicipalityGroup:
    """A published group of municipalities (for example similar municipalities)."""

    id: str
    title: str
    members: tuple[str, ...] = field(default_factory=tuple)
