"""Open statistics in: Kolada's API client and the CSV format for entering the same figures.

Pure Python (the standard library only): no Django, no database. The web app's
``needs`` layer stores what this package returns, in one transaction, only after
a whole fetch or file has been read and checked, so a failure writes nothing.
"""

from .errors import OpenDataError
from .records import KOLADA_ATTRIBUTION, KOLADA_LICENCE, KpiMeta, MunicipalityGroup, Observation

__all__ = [
    "KOLADA_ATTRIBUTION",
    "KOLADA_LICENCE",
    "KpiMeta",
    "MunicipalityGroup",
    "Observation",
    "OpenDataError",
]
