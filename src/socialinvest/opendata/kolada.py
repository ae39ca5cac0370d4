"""A small client for Kolada's public API (version 3).

Kolada (RKA's database of municipal key figures) answers JSON without a key:

- ``GET {base}/kpi/{id}`` → ``{"count": n, "values": [{"id", "title", "description", …}]}``
- ``GET {base}/municipality/{id}`` → ``{"count": n, "values": [{"id", "title", "type"}]}``
- ``GET {base}/municipality_groups/{id}`` →
  ``{"values": [{"id", "title", "members": [{"id", "title"}, …]}]}``
- ``GET {base}/data/kpi/{kpi}/municipality/{m,…}/year/{y,…}`` →
  ``{"count": n, "values": [{"kpi", "municipality", "period", "values": [{"gender", "status",
  "value", "count"}]}], "next_url": "…"}`` — a long answer comes in pages, each
  naming the next in ``next_url`` until there is none.

Every request has a timeout; a refused connection, a timeout, HTTP 429 or a 5xx
answer is retried with exponential backoff, anything else fails at once.  The
client returns plain records and writes nothing: the caller stores a fetch only
when every page of it has arrived (see ``socialinvest.needs``).
"""

from __future__ import annotations

import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import OpenDataError
from .records import KpiMeta, MunicipalityGroup, Observation

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
YEARS_PER_REQUEST = 25  # the service refuses longer year lists
PER_PAGE = 5000
MAX_PAGES = 1000  # a guard against a service that points next_url at itself forever


@dataclass
class KoladaClient:
    """Reads Kolada's API.

    Parameters
    ----------
    base_url : str
        The API root, ``https://api.kolada.se/v3`` by default (tests point it at
        a server on 127.0.0.1 that answers with recorded responses).
    timeout : float
        Seconds to wait for each answer.
    retries : int
        How many times to try again after a refused connection, a timeout, 429
        or a 5xx answer.
    backoff : float
        The first pause before trying again, in seconds; it doubles each time.
    sleep : callable
        How to pause (``time.sleep``; tests pass a recorder).
    """

    base_url: str = DEFAULT_BASE_URL
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    requests_made: int = 0

    # -- transport ---------------------------------------------------------------------------------

    def _url(self, path: str, query: dict[str, Any] | None = None) -> str:
        url = self.base_url.rstrip("/") + "/" + path.lstrip("/")
        if query:
            url += "?" + urllib.parse.urlencode(query)
        return url

    def get_json(self, url: str) -> dict[str, Any]:
        """One GET, retried as the class says; the decoded JSON object."""
        attempt = 0
        while True:
            attempt += 1
            self.requests_made += 1
            try:
                request = urllib.request.Request(url, headers={"Accept": "application/json"})
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read()
            except urllib.error.HTTPError as exc:
                retry = exc.code == 429 or exc.code >= 500
                if not retry or attempt > self.retries:
                    raise OpenDataError(
                        "http_status",
                        f"Kolada answered HTTP {exc.code} for {url}",
                        status=exc.code,
                        url=url,
                    ) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt > self.retries:
                    reason = getattr(exc, "reason", exc)
                    raise OpenDataError(
                        "unreachable",
                        f"Kolada could not be reached ({reason}) after {attempt} attempts",
                        attempts=attempt,
                        url=url,
                    ) from None
            else:
                return _decode(body, url)
            self.sleep(self.backoff * 2 ** (attempt - 1))

    # -- metadata ----------------------------------------------------------------------------------

    def _lookup(self, path: str) -> list[dict[str, Any]]:
        """A metadata answer's values; a 404 is an empty answer (the id does not exist)."""
        try:
            return _values(self.get_json(self._url(path)), self.base_url)
        except OpenDataError as exc:
            if exc.code == "http_status" and exc.params.get("status") == 404:
                return []
            raise

    def kpi(self, kpi_id: str) -> KpiMeta:
        """A key figure's metadata; :class:`OpenDataError` ``unknown_kpi`` if Kolada has none."""
        _check_id("kpi", kpi_id)
        values = self._lookup(f"kpi/{urllib.parse.quote(kpi_id)}")
        for item in values:
            if str(item.get("id", "")) == kpi_id:
                return KpiMeta(
                    id=kpi_id,
                    title=str(item.get("title") or kpi_id),
                    description=str(item.get("description") or ""),
                )
        raise OpenDataError("unknown_kpi", f"Kolada has no key figure {kpi_id!r}", kpi=kpi_id)

    def municipality_title(self, code: str) -> str:
        """The municipality's (or region's) name; ``unknown_municipality`` if the code is not Kolada's."""
        _check_id("municipality", code)
        values = self._lookup(f"municipality/{urllib.parse.quote(code)}")
        for item in values:
            if str(item.get("id", "")) == code:
                return str(item.get("title") or code)
        raise OpenDataError(
            "unknown_municipality", f"Kolada has no municipality with code {code!r}", municipality=code
        )

    def municipality_group(self, group_id: str) -> MunicipalityGroup:
        """A municipality group with its members."""
        _check_id("municipality group", group_id)
        for item in self._lookup(f"municipality_groups/{urllib.parse.quote(group_id)}"):
            if str(item.get("id", "")) == group_id:
                members = tuple(str(m.get("id")) for m in item.get("members") or () if isinstance(m, dict))
                return MunicipalityGroup(
                    id=group_id, title=str(item.get("title") or group_id), members=members
                )
        raise OpenDataError(
            "unknown_municipality", f"Kolada has no municipality group {group_id!r}", municipality=group_id
        )

    # -- data --------------------------------------------------------------------------------------

    def values(self, kpi_id: str, municipalities: Sequence[str], years: Iterable[int]) -> list[Observation]:
        """Every observation of one key figure for these municipalities (or groups) and years.

        Years are asked for in blocks of :data:`YEARS_PER_REQUEST`; each block's
        pages are followed through ``next_url``.  Only whole answers are
        returned: a page that fails raises, and the caller keeps nothing.
        """
        _check_id("kpi", kpi_id)
        for code in municipalities:
            _check_id("municipality", code)
        wanted = sorted(set(years))
        if not wanted:
            raise OpenDataError("bad_years", "no years asked for")
        out: list[Observation] = []
        where = ",".join(urllib.parse.quote(m) for m in municipalities)
        for start in range(0, len(wanted), YEARS_PER_REQUEST):
            block = ",".join(str(y) for y in wanted[start : start + YEARS_PER_REQUEST])
            url: str | None = self._url(
                f"data/kpi/{urllib.parse.quote(kpi_id)}/municipality/{where}/year/{block}",
                {"per_page": PER_PAGE},
            )
            pages = 0
            while url:
                pages += 1
                if pages > MAX_PAGES:
                    raise OpenDataError(
                        "bad_response", f"Kolada sent more than {MAX_PAGES} pages for {kpi_id}"
                    )
                payload = self.get_json(url)
                out.extend(_observations(payload, kpi_id, self.base_url))
                next_url = payload.get("next_url")
                url = str(next_url) if next_url else None
        return out


def _check_id(kind: str, value: str) -> None:
    # Ids go into the URL path: letters, digits and a few separators only.
    if not value or len(value) > 40 or not all(c.isalnum() or c in "-_" for c in value):
        raise OpenDataError("bad_code", f"{kind} id {value!r} is not a Kolada id", kind=kind, value=value)


def _decode(body: bytes, url: str) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise OpenDataError("bad_response", f"Kolada's answer from {url} is not JSON", url=url) from None
    if not isinstance(data, dict):
        raise OpenDataError("bad_response", f"Kolada's answer from {url} is not a JSON object", url=url)
    return data


def _values(payload: dict[str, Any], where: str) -> list[dict[str, Any]]:
    values = payload.get("values")
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise OpenDataError("bad_response", f"Kolada's answer from {where} has no list of values")
    return values


def _observations(payload: dict[str, Any], kpi_id: str, where: str) -> list[Observation]:
    out = []
    for row in _values(payload, where):
        try:
            municipality = str(row["municipality"])
            year = int(row["period"])
            cells = row.get("values") or []
        except (KeyError, TypeError, ValueError):
            raise OpenDataError(
                "bad_response", f"Kolada sent a data row without municipality or period: {row!r}"
            ) from None
        if str(row.get("kpi", kpi_id)) != kpi_id:
            raise OpenDataError("bad_response", f"Kolada sent {row.get('kpi')!r} when asked for {kpi_id!r}")
        for cell in cells:
            if not isinstance(cell, dict):
                raise OpenDataError("bad_response", f"Kolada sent a value that is not an object: {cell!r}")
            raw = cell.get("value")
            if raw is not None and (
                isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw)
            ):
                raise OpenDataError("bad_response", f"Kolada sent a value that is not a number: {raw!r}")
            out.append(
                Observation(
                    kpi=kpi_id,
                    municipality=municipality,
                    year=year,
                    value=None if raw is None else float(raw),
                    gender=str(cell.get("gender") or "T"),
                )
            )
    return out
