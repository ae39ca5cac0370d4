"""The demo fund's content, read from ``examples/demo/exempelstad.yaml``.

The content is data, not code: the organisation, its units, the fund with its rules and
criteria, the users with their roles, and the eight applications with the path each is
driven along.  :mod:`socialinvest.web.demo` turns it into data through the services.
Amounts are written as strings in the file and read here as exact decimals.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_FILE = Path("demo") / "exempelstad.yaml"
# Keys whose values are kronor or weights: read as Decimal, never as float.
_DECIMAL_KEYS = {"capital", "weight", "requested_amount", "amount"}


def _decimals(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _decimals(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals(v, key) for v in value]
    if key in _DECIMAL_KEYS and isinstance(value, str | int):
        return Decimal(str(value))
    return value


@cache
def load(examples: Path) -> dict[str, Any]:
    """The demo's content from ``examples/demo/exempelstad.yaml`` (decimals exact)."""
    data = yaml.safe_load((examples / CONTENT_FILE).read_text(encoding="utf-8"))
    applications = data.pop("applications")
    data = _decimals(data)
    # Budget lines keep their amounts as text, as the budget form posts them.
    for app in applications:
        for section in ("full", "decision"):
            if section in app:
                app[section] = _decimals(app[section])
    data["applications"] = applications
    return data
