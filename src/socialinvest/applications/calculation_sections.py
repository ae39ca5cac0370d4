"""The calculation editor's sections, put together from the flat fields and their errors.

Built from the fields (:mod:`.scenario_form`) and the problems placed next to
them (:mod:`.calculation_input`); ``calculation/_form.html`` only loops and prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from socialinvest.engine import Catalogue

from . import scenario_form as sf
from .calculation_editor import (
    LEVEL_LABELS,
    STATUS_LABELS,
    UNIT_LABELS,
    Builder,
    CostItemInfo,
    Group,
    Input,
    Options,
    Row,
    Uncertain,
    actor_options,
    cost_item_info,
    own_actors,
)

Cells = Callable[[str], list[Input | Uncertain]]


def _rows(b: Builder, group: str, cells: Cells) -> list[Row]:
    return [Row(f"{group}-{i}", i + 1, cells(f"{group}-{i}")) for i in range(sf.row_count(b.f, group))]


def _choices(labels: Mapping[str, str], blank: bool = False) -> Options:
    return [("", [*([("", "–")] if blank else []), *((k, _(v)) for k, v in labels.items())])]


def _outcome_rows(b: Builder, items: Options, catalogue: Catalogue) -> list[Row]:
    share = _("Andel mellan 0 och 1, t.ex. 0,25.")
    rows = []
    for i in range(sf.row_count(b.f, "outcomes")):
        p = f"outcomes-{i}"
        cells: list[Input | Uncertain] = [
            b.input(f"{p}-name", _("Utfallets namn"), css="wide"),
            b.select(f"{p}-cost_item", _("Kostnadspost"), items, also=[f"info-{p}"]),
            b.uncertain(f"{p}-baseline_risk", _("Risk utan insats"), share),
            b.uncertain(
                f"{p}-effect", _("Effekt"), _("Relativ minskning av risken, t.ex. 0,2 = 20 % färre.")
            ),
            b.number(f"{p}-lag", _("Fördröjning (år)")),
            b.number(f"{p}-duration", _("Varaktighet (år)")),
            b.uncertain(f"{p}-persistence", _("Kvarstående effekt per år"), share),
            b.uncertain(f"{p}-deadweight", _("Dödviktsförlust"), _("Andel som hade skett ändå.")),
            b.uncertain(f"{p}-displacement", _("Undanträngning"), _("Andel som flyttas till andra.")),
            b.uncertain(f"{p}-attribution", _("Tillskrivning"), _("Andel som beror på insatsen.")),
        ]
        info = cost_item_info(b.f.get(f"{p}-cost_item", "").strip(), b.f, catalogue)
        rows.append(Row(p, i + 1, cells, info, f"info-{p}"))
    return rows


def _cost_item_rows(b: Builder, actors: Options) -> list[Row]:
    rows = []
    for i in range(sf.row_count(b.f, "cost_items")):
        p = f"cost_items-{i}"
        cells: list[Input | Uncertain] = [
            b.input(f"{p}-id", _("Id")),
            b.input(f"{p}-name", _("Namn"), css="wide"),
            b.select(f"{p}-unit", _("Enhet"), _choices(UNIT_LABELS)),
            b.number(f"{p}-price_year", _("Prisår")),
            b.select(
                f"{p}-cashable",
                _("Frigör budgetmedel"),
                [("", [("yes", _("Ja (kassaflöde)")), ("no", _("Nej (realekonomisk)"))])],
            ),
            b.input(f"{p}-source", _("Källa"), css="wide"),
            b.select(f"{p}-status", _("Status"), _choices(STATUS_LABELS, blank=True)),
            b.number(f"{p}-confidence", _("Tillförlitlighet (1–5)")),
            b.input(f"{p}-transfer_source", _("Varför transferering (källa)"), css="wide"),
        ]
        nested = Group(
            f"{p}-cost",
            _("Kostnad per enhet och aktör"),
            _("Aktörens kostnad"),
            _rows(
                b,
                f"{p}-cost",
                lambda q: [
                    b.select(f"{q}-actor", _("Aktör"), actors),
                    b.uncertain(f"{q}-amount", _("Kostnad (kr)")),
                    b.select(
                        f"{q}-transfer_to",
                        _("Transferering till"),
                        [("", [("", _("Ingen (en resurs)"))]), *actors],
                    ),
                ],
            ),
            _("Lägg till aktör"),
            slot=b.input(f"{p}-cost", ""),
        )
        rows.append(Row(p, i + 1, cells, nested=nested))
    return rows


def editor(
    fields: Mapping[str, str], errors: Mapping[str, list[str]], catalogue: Catalogue, units: Iterable[Any]
) -> dict[str, Any]:
    """The sections of the editor, ready for ``calculation/_form.html``."""
    b = Builder(fields, errors)
    actors = actor_options(catalogue, own_actors(fields), units)
    own_items = [(r.get("id", "").strip(), r.get("name", "")) for r in sf.rows_of(fields, "cost_items")]
    items: Options = []
    if any(i for i, _n in own_items):
        items.append((_("Egna kostnadsposter"), [(i, f"{n} ({i})") for i, n in own_items if i]))
    items.append((_("Katalogen"), [(c.id, c.name) for c in catalogue.cost_items]))

    basics = [
        b.input("name", _("Kalkylens namn"), css="wide"),
        b.number("price_year", _("Prisår"), help=_("Alla belopp i kronor detta år.")),
        b.number("start_year", _("Startår (år 0)")),
        b.number("horizon", _("Tidshorisont (år)")),
        b.number("draws", _("Antal dragningar (Monte Carlo)")),
        b.number("seed", _("Slumpfrö"), help=_("Samma frö ger samma resultat.")),
        b.number(
            "public_funds_factor",
            _("Skattefaktor"),
            help=_("Marginalkostnad för offentliga medel; tomt = 1. ASEK anger 1,3."),
        ),
    ]
    bias = b.uncertain(
        "optimism_bias", _("Optimismjustering av kostnaderna"), _("Påslag på kostnaderna, t.ex. 0,1.")
    )
    steps = Group(
        "discount_rate-steps",
        _("Kalkylränta"),
        _("Räntesteg"),
        _rows(
            b,
            "discount_rate-steps",
            lambda p: [
                b.number(f"{p}-from", _("Från år")),
                b.number(f"{p}-rate", _("Ränta (andel)"), help=_("0,035 = 3,5 %.")),
            ],
        ),
        _("Lägg till räntesteg"),
        help=_(
            "Real kalkylränta; 3,5 procent enligt ASEK. Lägg till ett steg för fallande ränta (Green Book)."
        ),
    )
    participants = Group(
        "participants",
        _("Deltagare per år"),
        _("Deltagarår"),
        _rows(
            b,
            "participants",
            lambda p: [
                b.number(f"{p}-year", _("År (0 = startåret)")),
                b.uncertain(f"{p}-count", _("Antal deltagare")),
            ],
        ),
        _("Lägg till deltagarår"),
    )
    costs = Group(
        "costs",
        _("Insatsens kostnader"),
        _("Kostnad"),
        _rows(
            b,
            "costs",
            lambda p: [
                b.select(f"{p}-actor", _("Aktör som betalar"), actors),
                b.input(
                    f"{p}-year", _("År"), help=_("Ett år (0) eller flera: 1, 2 eller 1–3."), css="narrow"
                ),
                b.uncertain(f"{p}-amount", _("Belopp per år (kr)")),
                b.input(f"{p}-description", _("Beskrivning"), css="wide"),
            ],
        ),
        _("Lägg till kostnad"),
    )
    outcomes = Group(
        "outcomes",
        _("Utfall som insatsen förebygger"),
        _("Utfall"),
        _outcome_rows(b, items, catalogue),
        _("Lägg till utfall"),
    )
    own = Group(
        "actors",
        _("Egna aktörer"),
        _("Aktör"),
        _rows(
            b,
            "actors",
            lambda p: [
                b.input(
                    f"{p}-id", _("Id"), help=_("T.ex. kommun.fritid: små bokstäver, siffror, _ och punkt.")
                ),
                b.input(f"{p}-name", _("Namn")),
                b.select(f"{p}-level", _("Nivå"), _choices(LEVEL_LABELS)),
            ],
        ),
        _("Lägg till aktör"),
        help=_("Behövs bara för aktörer som inte finns i katalogen."),
    )
    own_items_group = Group(
        "cost_items",
        _("Egna kostnadsposter"),
        _("Kostnadspost"),
        _cost_item_rows(b, actors),
        _("Lägg till kostnadspost"),
        help=_("Enhetskostnader som inte finns i katalogen, med källa och status."),
    )
    index = Group(
        "price_index",
        _("Prisindex (KPI)"),
        _("Indexår"),
        _rows(
            b,
            "price_index",
            lambda p: [b.number(f"{p}-year", _("År")), b.number(f"{p}-value", _("Indextal"))],
        ),
        _("Lägg till indexår"),
        help=_("Katalogens KPI (SCB) används om inget anges; egna tal ersätter katalogens för samma år."),
        slot=b.input("price_index", ""),
    )
    advanced = [own, own_items_group, index]
    return {
        "basics": basics,
        "bias": bias,
        "steps": steps,
        "groups": [participants, costs, outcomes],
        "advanced": advanced,
        "advanced_open": any(g.rows for g in advanced)
        or any(k.split("-")[0] in ("actors", "cost_items", "price_index") for k in errors),
    }


def info_panels(fields: Mapping[str, str], catalogue: Catalogue) -> list[tuple[str, CostItemInfo | None]]:
    """Each outcome's cost-item panel, for the live preview to refresh out of band."""
    return [
        (
            f"info-outcomes-{i}",
            cost_item_info(fields.get(f"outcomes-{i}-cost_item", "").strip(), fields, catalogue),
        )
        for i in range(sf.row_count(fields, "outcomes"))
    ]
