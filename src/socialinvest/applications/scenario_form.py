"""The calculation form's flat fields ↔ the scenario's nested data, and problem paths → fields.

The form posts flat fields named after the scenario path, so that every
problem the engine reports lands next to exactly one field::

    outcomes[1].baseline_risk     → outcomes-1-baseline_risk
    outcomes[1].effect.sd         → outcomes-1-effect-sd
    costs[0].years[1]             → costs-0-year         (one field: "1, 2" or "1–3")
    discount_rate.steps[0].rate   → discount_rate-steps-0-rate
    cost_items[0].cost[kommun.x]  → cost_items-0-cost-<row>-amount (or -actor for an unknown actor)
    price_index[2020]             → price_index-<row>-value

An *uncertain* number ``X`` (a plain number or a distribution) has the fields
``X`` (the fixed value), ``X-dist`` and the parameters ``X-mean``, ``X-sd``,
``X-low``, ``X-mode``, ``X-high``; only those of the chosen distribution are read.

Nothing here validates: :func:`to_scenario` builds the dict and
:func:`socialinvest.engine.parse_scenario` — the one model — judges it.  A
number that cannot be read is passed on as the text typed, so the engine says
"must be a number, got 'abc'" next to the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

Fields = dict[str, str]

BASICS = ("name", "price_year", "start_year", "horizon", "draws", "seed")
UNCERTAIN_PARTS = ("mean", "sd", "low", "mode", "high")
DIST_PARAMS = {
    "fixed": (),
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
    "beta": ("mean", "sd"),
    "gamma": ("mean", "sd"),
    "triangular": ("low", "mode", "high"),
    "pert": ("low", "mode", "high"),
    "uniform": ("low", "high"),
}
ROW_GROUPS = (
    "participants",
    "costs",
    "outcomes",
    "actors",
    "cost_items",
    "price_index",
    "discount_rate-steps",
)
# Fields of each row; ``None`` marks an uncertain number.
ROW_FIELDS: dict[str, dict[str, str | None]] = {
    "participants": {"year": "int", "count": None},
    "costs": {"actor": "text", "year": "years", "amount": None, "description": "text"},
    "outcomes": {
        "name": "text",
        "cost_item": "text",
        "baseline_risk": None,
        "effect": None,
        "lag": "int",
        "duration": "int",
        "persistence": None,
        "deadweight": None,
        "displacement": None,
        "attribution": None,
    },
    "actors": {"id": "text", "name": "text", "level": "text"},
    "cost_items": {
        "id": "text",
        "name": "text",
        "unit": "text",
        "price_year": "int",
        "cashable": "bool",
        "source": "text",
        "status": "text",
        "confidence": "int",
        "transfer_source": "text",
    },
    "price_index": {"year": "int", "value": "number"},
    "discount_rate-steps": {"from": "int", "rate": "number"},
    "cost": {"actor": "text", "amount": None, "transfer_to": "text"},
}


# ---------------------------------------------------------------- numbers in and out


def number_text(value: Any) -> str:
    """A number as the form shows it: ``0,035``, ``1000000`` (Swedish decimal comma)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
        return text.replace(".", ",")
    return "" if value is None else str(value)


_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]")


def read_number(text: str) -> Any:
    """``"1 000 000"`` → 1000000, ``"0,035"`` → 0.035, ``"−2"`` → -2; unreadable text is returned as is."""
    cleaned = _SPACES.sub("", text).replace("−", "-")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        value = float(cleaned)
    except ValueError:
        return text.strip()
    return int(value) if value.is_integer() and abs(value) < 1e16 and "e" not in cleaned.lower() else value


def read_years(text: str) -> tuple[str, Any]:
    """``"0"`` → ``("year", 0)``; ``"1, 2"`` or ``"1–3"`` → ``("years", [1, 2, 3])``."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    years: list[Any] = []
    for part in parts:
        m = re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", part)
        if m and int(m.group(1)) <= int(m.group(2)) and int(m.group(2)) - int(m.group(1)) <= 200:
            years.extend(range(int(m.group(1)), int(m.group(2)) + 1))
        else:
            years.append(read_number(part))
    if len(years) == 1 and not re.search(r"[,;–-]", text.strip()):
        return "year", years[0]
    return "years", years


# ---------------------------------------------------------------- scenario → fields


def _put_uncertain(f: Fields, name: str, value: Any) -> None:
    f[name] = ""
    f.update({f"{name}-{part}": "" for part in UNCERTAIN_PARTS})
    if isinstance(value, dict):
        dist = str(value.get("dist", ""))
        f[f"{name}-dist"] = dist
        if dist == "fixed":
            f[name] = number_text(value.get("value"))
        for part in UNCERTAIN_PARTS:
            if part in value:
                f[f"{name}-{part}"] = number_text(value[part])
    else:
        f[f"{name}-dist"] = "fixed"
        f[name] = number_text(value)  # None → ""


def _put_row(f: Fields, prefix: str, kinds: Mapping[str, str | None], row: Mapping[str, Any]) -> None:
    for key, kind in kinds.items():
        name = f"{prefix}-{key}"
        if kind is None:
            if key in row:
                _put_uncertain(f, name, row[key])
            else:
                _put_uncertain(f, name, None)
        elif kind == "years":
            if row.get("years") is not None:
                years = row["years"]
                f[name] = ", ".join(number_text(y) for y in years) if isinstance(years, list) else str(years)
            else:
                f[name] = number_text(row.get("year"))
        elif kind == "bool":
            f[name] = "no" if row.get(key) is False else "yes"
        else:
            f[name] = number_text(row.get(key))


def _rows(value: Any) -> list[dict[str, Any]]:
    return [r if isinstance(r, dict) else {} for r in value] if isinstance(value, list) else []


# What the scenario model assumes when a key is left out: shown in the form, so nothing is hidden.
OUTCOME_DEFAULTS = {
    "lag": 0,
    "duration": 1,
    "persistence": 1,
    "deadweight": 0,
    "displacement": 0,
    "attribution": 1,
}


def to_fields(data: Mapping[str, Any]) -> Fields:
    """Flat form fields from scenario data (a validated dump, or a file's data as read)."""
    f: Fields = {}
    for key in BASICS:
        f[key] = number_text(data.get(key))
    _put_uncertain(f, "optimism_bias", data.get("optimism_bias", 0))
    rate = data.get("discount_rate", 0.035)
    steps = rate.get("steps") if isinstance(rate, dict) else [{"from": 0, "rate": rate}]
    for i, step in enumerate(_rows(steps)):
        _put_row(f, f"discount_rate-steps-{i}", ROW_FIELDS["discount_rate-steps"], step)
    index = data.get("price_index")
    for i, (year, value) in enumerate(sorted((index or {}).items(), key=lambda kv: str(kv[0]))):
        _put_row(f, f"price_index-{i}", ROW_FIELDS["price_index"], {"year": year, "value": value})
    for group in ("participants", "costs", "outcomes", "actors"):
        for i, row in enumerate(_rows(data.get(group))):
            if group == "outcomes":
                row = {**OUTCOME_DEFAULTS, **row}
            _put_row(f, f"{group}-{i}", ROW_FIELDS[group], row)
    factor = data.get("public_funds_factor")
    f["public_funds_factor"] = "" if factor in (None, 1, 1.0) else number_text(factor)
    for i, item in enumerate(_rows(data.get("cost_items"))):
        _put_row(f, f"cost_items-{i}", ROW_FIELDS["cost_items"], item)
        cost = item.get("cost") if isinstance(item.get("cost"), dict) else {}
        receivers = item.get("transfer_to")
        for j, (actor, amount) in enumerate(cost.items()):
            receiver = receivers.get(actor) if isinstance(receivers, dict) else receivers
            line = {"actor": actor, "amount": amount, "transfer_to": receiver}
            _put_row(f, f"cost_items-{i}-cost-{j}", ROW_FIELDS["cost"], line)
    return f


# ---------------------------------------------------------------- fields → scenario


def _text(f: Mapping[str, str], name: str) -> str:
    return str(f.get(name, "")).strip()


def _uncertain(f: Mapping[str, str], name: str) -> Any:
    """The uncertain number ``name`` as scenario data, or ``None`` when left empty."""
    dist = _text(f, f"{name}-dist") or "fixed"
    if dist == "fixed" or dist not in DIST_PARAMS:
        text = _text(f, name)
        return read_number(text) if text else None
    out: dict[str, Any] = {"dist": dist}
    for part in DIST_PARAMS[dist]:
        text = _text(f, f"{name}-{part}")
        if text:
            out[part] = read_number(text)
    return out


def _row(f: Mapping[str, str], prefix: str, kinds: Mapping[str, str | None]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, kind in kinds.items():
        name = f"{prefix}-{key}"
        if kind is None:
            value = _uncertain(f, name)
            if value is not None:
                out[key] = value
            continue
        text = _text(f, name)
        if kind == "bool":
            out[key] = text != "no"
        elif not text:
            continue
        elif kind == "years":
            which, value = read_years(text)
            out[which] = value
        elif kind in ("int", "number"):
            out[key] = read_number(text)
        else:
            out[key] = text
    return out


_ROW_KEY = re.compile(r"^(?P<prefix>.+?)-(?P<index>\d+)-(?P<rest>.+)$")


def row_count(f: Mapping[str, str], group: str) -> int:
    """How many rows the group has (indexes run 0..n-1 after :func:`renumber`)."""
    pattern = re.compile(rf"^{re.escape(group)}-(\d+)-")
    indexes = [int(m.group(1)) for key in f if (m := pattern.match(key))]
    return max(indexes) + 1 if indexes else 0


def to_scenario(f: Mapping[str, str]) -> dict[str, Any]:
    """The nested scenario dict for :func:`parse_scenario`, from the flat fields."""
    data: dict[str, Any] = {}
    for key in BASICS:
        text = _text(f, key)
        if text:
            data[key] = text if key == "name" else read_number(text)
    bias = _uncertain(f, "optimism_bias")
    if bias is not None:
        data["optimism_bias"] = bias
    steps = [
        _row(f, f"discount_rate-steps-{i}", ROW_FIELDS["discount_rate-steps"])
        for i in range(row_count(f, "discount_rate-steps"))
    ]
    if len(steps) == 1 and steps[0].get("from", 0) == 0 and "rate" in steps[0]:
        data["discount_rate"] = steps[0]["rate"]
    elif steps:
        data["discount_rate"] = {"steps": steps}
    n = row_count(f, "price_index")
    if n:
        rows = [_row(f, f"price_index-{i}", ROW_FIELDS["price_index"]) for i in range(n)]
        data["price_index"] = {r.get("year", ""): r.get("value") for r in rows}
    for group in ("actors", "costs", "participants", "outcomes"):
        n = row_count(f, group)
        if n:
            data[group] = [_row(f, f"{group}-{i}", ROW_FIELDS[group]) for i in range(n)]
    n = row_count(f, "cost_items")
    if n:
        items = []
        for i in range(n):
            item = _row(f, f"cost_items-{i}", ROW_FIELDS["cost_items"])
            cost, transfers = {}, {}
            for j in range(row_count(f, f"cost_items-{i}-cost")):
                line = _row(f, f"cost_items-{i}-cost-{j}", ROW_FIELDS["cost"])
                cost[line.get("actor", "")] = line.get("amount")
                if line.get("transfer_to"):
                    transfers[line.get("actor", "")] = line["transfer_to"]
            item["cost"] = cost
            if transfers:
                item["transfer_to"] = transfers
            items.append(item)
        data["cost_items"] = items
    factor = _text(f, "public_funds_factor")
    if factor:
        data["public_funds_factor"] = read_number(factor)
    # Transfers and the public-funds factor are scenario format version 2.
    if "public_funds_factor" in data or any(
        "transfer_to" in item or "transfer_source" in item for item in data.get("cost_items", [])
    ):
        data["version"] = 2
    return data


# ---------------------------------------------------------------- adding and removing rows


def rows_of(f: Mapping[str, str], group: str) -> list[dict[str, str]]:
    """The rows of a group as ``{suffix: value}`` (nested rows stay in their parent's suffixes)."""
    pattern = re.compile(rf"^{re.escape(group)}-(\d+)-(.+)$")
    rows: dict[int, dict[str, str]] = {}
    for key, value in f.items():
        m = pattern.match(key)
        if m:
            rows.setdefault(int(m.group(1)), {})[m.group(2)] = value
    return [rows[i] for i in sorted(rows)]


def with_rows(f: Mapping[str, str], group: str, rows: list[dict[str, str]]) -> Fields:
    """The fields with the group's rows replaced (and renumbered from 0)."""
    pattern = re.compile(rf"^{re.escape(group)}-\d+-")
    out = {k: v for k, v in f.items() if not pattern.match(k)}
    for i, row in enumerate(rows):
        for suffix, value in row.items():
            out[f"{group}-{i}-{suffix}"] = value
    return out


def _new_row(f: Mapping[str, str], group: str) -> dict[str, str]:
    """A new row: the uncertain parts as fixed values, sensible defaults where the scenario has them."""
    kinds = ROW_FIELDS["cost" if group.endswith("-cost") else group]
    row: dict[str, str] = {key: "" for key, kind in kinds.items() if kind is not None}
    for key in [k for k, kind in kinds.items() if kind is None]:
        row.update({key: "", f"{key}-dist": "fixed", **{f"{key}-{part}": "" for part in UNCERTAIN_PARTS}})
    previous = rows_of(f, group)
    last = previous[-1] if previous else {}
    if group == "participants":
        row["year"] = str(int(last["year"]) + 1) if last.get("year", "").isdigit() else "0"
    elif group == "costs":
        row["actor"] = last.get("actor", "")
    elif group == "outcomes":
        row.update({key: str(value) for key, value in OUTCOME_DEFAULTS.items()})
    elif group == "cost_items":
        row.update(unit="per_year", cashable="yes", status="assumption")
        row.update({"cost-0-actor": "", "cost-0-amount": "", "cost-0-amount-dist": "fixed"})
        row.update({f"cost-0-amount-{part}": "" for part in UNCERTAIN_PARTS})
    return row


def is_group(group: str) -> bool:
    return group in ROW_GROUPS or bool(re.fullmatch(r"cost_items-\d+-cost", group))


def add_row(f: Mapping[str, str], group: str) -> tuple[Fields, str]:
    """The fields with a new row at the end of ``group``, and the new row's prefix."""
    rows = rows_of(f, group)
    rows.append(_new_row(f, group))
    return with_rows(f, group, rows), f"{group}-{len(rows) - 1}"


def remove_row(f: Mapping[str, str], row: str) -> tuple[Fields, str]:
    """The fields without ``row`` (``costs-1``), and its group."""
    m = re.fullmatch(r"(?P<group>.+)-(?P<index>\d+)", row)
    if not m or not is_group(m.group("group")):
        return dict(f), ""
    group, index = m.group("group"), int(m.group("index"))
    rows = rows_of(f, group)
    if 0 <= index < len(rows):
        del rows[index]
    return with_rows(f, group, rows), group


def fields_from_post(post: Mapping[str, Any]) -> Fields:
    """Only the scenario's fields from a POST (buttons, the CSRF token and the note are dropped)."""
    out: Fields = {}
    for key in post:
        value = post.get(key)
        if not isinstance(value, str):
            continue
        head = key.split("-", 1)[0]
        if (
            key in BASICS
            or key == "public_funds_factor"
            or head in ("optimism_bias", "discount_rate", *ROW_GROUPS)
        ):
            out[key] = value
    return out
