"""The calculation editor's parts as the templates see them: inputs, uncertain numbers, rows,
groups, the choices of actors and cost items, and the cost-item panel next to the picker.

The sections themselves are put together in :mod:`.calculation_sections`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from socialinvest.core import formatting
from socialinvest.engine import Catalogue
from socialinvest.engine.scenario import CostItem

from . import scenario_form as sf

Options = list[tuple[str, list[tuple[str, str]]]]  # optgroups: (label, [(value, text)]); "" = no group


@dataclass
class Input:
    name: str
    label: str
    value: str = ""
    errors: list[str] = field(default_factory=list)
    kind: str = "text"  # text | number | select
    options: Options | None = None
    help: str = ""
    css: str = ""
    also: list[str] = field(default_factory=list)  # ids of the group's error and help texts
    own_slot: bool = True  # the fixed value of an uncertain number uses the group's error place

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def error_id(self) -> str:
        return f"err-{self.name}"

    @property
    def help_id(self) -> str:
        return f"help-{self.name}" if self.help else ""

    @property
    def described_by(self) -> str:
        ids = [self.error_id if self.own_slot else "", self.help_id, *self.also]
        return " ".join(dict.fromkeys(i for i in ids if i))


@dataclass
class Uncertain:
    """A number that may be a distribution: the choice of distribution and its parameters."""

    name: str
    label: str
    dist: str
    inputs: list[Input]  # the fixed value first, then mean, sd, low, mode, high
    errors: list[str] = field(default_factory=list)
    help: str = ""
    kind: str = "uncertain"

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def error_id(self) -> str:
        return f"err-{self.name}"

    @property
    def help_id(self) -> str:
        return f"help-{self.name}" if self.help else ""


@dataclass
class CostItemInfo:
    name: str
    unit: str
    price_year: int
    lines: list[tuple[str, str]]
    source: str
    status: str
    status_label: str
    confidence: int | None
    cashable: bool


@dataclass
class Row:
    prefix: str
    number: int
    cells: list[Input | Uncertain]
    info: CostItemInfo | None = None
    info_id: str = ""
    nested: Group | None = None


@dataclass
class Group:
    key: str
    title: str
    row_label: str
    rows: list[Row]
    add_label: str
    help: str = ""
    slot: Input | None = None  # an error place for the group as a whole


DIST_LABELS = {
    "fixed": N_("Fast värde"),
    "normal": N_("Normal (medelvärde, standardavvikelse)"),
    "triangular": N_("Triangel (lägsta, troligaste, högsta)"),
    "pert": N_("PERT (lägsta, troligaste, högsta)"),
    "uniform": N_("Likformig (lägsta, högsta)"),
    "beta": N_("Beta (medelvärde, standardavvikelse)"),
    "lognormal": N_("Lognormal (medelvärde, standardavvikelse)"),
    "gamma": N_("Gamma (medelvärde, standardavvikelse)"),
}
PART_LABELS = {
    "mean": N_("Medelvärde"),
    "sd": N_("Standardavvikelse"),
    "low": N_("Lägsta"),
    "mode": N_("Troligaste"),
    "high": N_("Högsta"),
}
STATUS_LABELS = {"found": N_("Funnen i källan"), "inferred": N_("Härledd"), "assumption": N_("Antagande")}
LEVEL_LABELS = {
    "kommun": N_("Kommun"),
    "region": N_("Region"),
    "stat": N_("Stat"),
    "individ": N_("Individ"),
    "samhalle": N_("Samhälle"),
}
UNIT_LABELS = {"per_year": N_("per år"), "per_case": N_("per fall")}


class Builder:
    """Makes inputs from the fields and errors; one per editor render."""

    def __init__(self, fields: Mapping[str, str], errors: Mapping[str, list[str]]):
        self.f = fields
        self.errors = errors

    def input(self, name: str, label: str, kind: str = "text", **kw: Any) -> Input:
        return Input(name, label, self.f.get(name, ""), list(self.errors.get(name, [])), kind, **kw)

    def number(self, name: str, label: str, **kw: Any) -> Input:
        return self.input(name, label, "number", **kw)

    def select(self, name: str, label: str, options: Options, **kw: Any) -> Input:
        value = self.f.get(name, "")
        known = {v for _g, opts in options for v, _t in opts}
        if value not in known:
            options = [*options, (_("Angivet värde"), [(value, value or _("(välj)"))])]
        return self.input(name, label, "select", options=options, **kw)

    def uncertain(self, name: str, label: str, help: str = "") -> Uncertain:
        dist = self.f.get(f"{name}-dist", "fixed") or "fixed"
        dists: Options = [("", [(k, _(v)) for k, v in DIST_LABELS.items()])]
        group = [f"err-{name}", f"help-{name}" if help else ""]
        inputs = [
            self.select(f"{name}-dist", _("Osäkerhet"), dists, css="dist-select", also=group),
            self.number(name, _("Värde"), css="p p-value", also=group, own_slot=False),
            *[
                self.number(f"{name}-{p}", _(PART_LABELS[p]), css=f"p p-{p}", also=group)
                for p in sf.UNCERTAIN_PARTS
            ],
        ]
        return Uncertain(name, label, dist, inputs, list(self.errors.get(name, [])), help)


def actor_options(catalogue: Catalogue, own: list[tuple[str, str, str]], units: Iterable[Any]) -> Options:
    groups: Options = []
    unit_opts = [(u.actor_id, f"{u.name} ({u.actor_id})") for u in units if u.actor_id]
    if unit_opts:
        groups.append((_("Organisationens enheter"), sorted(set(unit_opts), key=lambda o: o[1])))
    if own:
        groups.append((_("Egna aktörer i kalkylen"), [(i, f"{n} ({i})") for i, n, _lvl in own if i]))
    for level, label in LEVEL_LABELS.items():
        opts = [(a.id, f"{a.name} ({a.id})") for a in catalogue.actors if a.level == level]
        if opts:
            groups.append((_("Katalogen: %(level)s") % {"level": _(label)}, opts))
    return groups


def own_actors(f: Mapping[str, str]) -> list[tuple[str, str, str]]:
    return [(r.get("id", "").strip(), r.get("name", ""), r.get("level", "")) for r in sf.rows_of(f, "actors")]


def _dist_text(value: Any) -> str:
    dist = getattr(value, "dist", "fixed")
    if dist == "fixed":
        return formatting.number(value.mean(), 0)
    parts = [p for p in ("mean_", "sd", "low", "mode", "high") if hasattr(value, p)]
    shown = ", ".join(
        f"{_(PART_LABELS[p.rstrip('_')]).lower()} {formatting.number(getattr(value, p))}" for p in parts
    )
    return f"{_(DIST_LABELS[dist]).split(' (')[0]}: {shown}"


def cost_item_info(item_id: str, f: Mapping[str, str], catalogue: Catalogue) -> CostItemInfo | None:
    """The panel next to an outcome's picker: unit cost per actor, price year, source, status, confidence."""
    item: CostItem | None = None
    for i, row in enumerate(sf.rows_of(f, "cost_items")):
        if row.get("id", "").strip() == item_id:
            data = sf.to_scenario({k: v for k, v in f.items() if k.startswith(f"cost_items-{i}-")})
            try:
                item = CostItem.model_validate(data["cost_items"][i])
            except Exception:  # an own item still being filled in: the form shows its problems
                return None
            break
    if item is None:
        try:
            item = catalogue.cost_item(item_id)
        except KeyError:
            return None
    names = {a.id: a.name for a in catalogue.actors}
    names.update({i: n for i, n, _lvl in own_actors(f) if i and n})
    return CostItemInfo(
        name=item.name,
        unit=_(UNIT_LABELS[item.unit]),
        price_year=item.price_year,
        lines=[(names.get(a, a), _dist_text(d)) for a, d in item.cost.items()],
        source=item.source or "",
        status=item.status or "",
        status_label=_(STATUS_LABELS[item.status]) if item.status else _("Ej angiven"),
        confidence=item.confidence,
        cashable=item.cashable,
    )
