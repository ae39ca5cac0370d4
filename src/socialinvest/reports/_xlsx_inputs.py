"""The input sheets of the audit workbook: Antaganden, Kostnader, Deltagare, Utfall, Enhetskostnader.

Every number the engine draws (a :class:`~socialinvest.engine.resolve.Parameter`)
is written once, at its base value (the distribution's mean), in a yellow input
cell; a parameter used in several places (a cost line over several years, a
unit cost shared by two outcomes) is referred to from its first cell, so changing
it behaves as changing the scenario.
"""

from __future__ import annotations

import math

from xlsxwriter.worksheet import Worksheet

from socialinvest.engine.catalogue import default_catalogue
from socialinvest.engine.resolve import Model

from ._xlsx_common import (
    ASSUMPTIONS,
    COHORTS,
    COSTS,
    OUTCOMES,
    UNIT_COSTS,
    Formats,
    Layout,
    OutcomeRefs,
    UnitRow,
    cell,
    col_range,
    describe,
    ref,
    write_headers,
)

RATE_HEADER_ROW = 7


def base_values(model: Model) -> list[float]:
    return [p.base for p in model.parameters]


def write_assumptions(ws: Worksheet, model: Model, f: Formats, layout: Layout) -> None:
    s = model.scenario
    ob = model.parameters[model.optimism_bias]
    write_headers(ws, 0, ["Antagande", "Värde", "Fördelning i scenariot", "Kommentar"], f.header)
    ws.write_string(1, 0, "Optimism bias (påslag på insatsens kostnader)")
    ws.write_number(1, 1, ob.base, f.fmt("pct", input=True))
    ws.write_string(1, 2, describe(ob.dist))
    ws.write_string(1, 3, "Kostnad = belopp × (1 + optimism bias)")
    layout.optimism = ref(ASSUMPTIONS, 1, 1)
    layout.params[model.optimism_bias] = layout.optimism
    info = [
        ("Prisår (belopp i kronor i detta års priser)", s.price_year),
        ("Startår (kalenderår för år 0)", s.first_year),
        ("Horisont (år; år utanför räknas inte)", s.horizon),
    ]
    for i, (label, value) in enumerate(info, start=2):
        ws.write_string(i, 0, label)
        ws.write_number(i, 1, value, f.fmt("int"))
    ws.write_string(i, 3, "Struktur: ändras i scenariofilen, inte här", f.muted)
    layout.start_year = ref(ASSUMPTIONS, 3, 1)

    ws.write_string(RATE_HEADER_ROW - 1, 0, "Diskonteringsränta per år", f.section)
    write_headers(ws, RATE_HEADER_ROW, ["År (t)", "Kalenderår", "Ränta r_t", "Kommentar"], f.header)
    for t, rate in enumerate(model.rates):
        row = RATE_HEADER_ROW + 1 + t
        ws.write_number(row, 0, t, f.fmt("int"))
        ws.write_number(row, 1, s.first_year + t, f.fmt("int"))
        ws.write_number(row, 2, rate, f.fmt("pct", input=t > 0))
        if t == 0:
            ws.write_string(row, 3, "Används inte: år 0 diskonteras inte (D_0 = 1)", f.muted)
        layout.rates.append(ref(ASSUMPTIONS, row, 2))
    ws.write_string(
        RATE_HEADER_ROW - 1,
        2,
        "D_t = D_{t−1} / (1 + r_t), se Flöden",
        f.muted,
    )
    ws.set_column(0, 0, 46)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 36)
    ws.set_column(3, 3, 48)
    ws.freeze_panes(1, 0)


def write_costs(ws: Worksheet, model: Model, f: Formats, layout: Layout) -> None:
    s = model.scenario
    headers = ["Kostnadsrad", "Aktör (id)", "Aktör", "År (t)", "Kalenderår", "Belopp (kr)", "Kommentar"]
    write_headers(ws, 0, [*headers, "Parameter"], f.header)
    row = 1
    for i, line in enumerate(model.costs):
        param = model.parameters[line.amount]
        actor = model.actors[line.actor]
        first = row
        for t in line.years:
            ws.write_number(row, 0, i + 1, f.fmt("int"))
            ws.write_string(row, 1, actor.id)
            ws.write_string(row, 2, actor.name)
            ws.write_number(row, 3, t, f.fmt("int"))
            ws.write_number(row, 4, s.first_year + t, f.fmt("int"))
            if row == first:
                ws.write_number(row, 5, param.base, f.fmt("sek", input=True))
                ws.write_string(row, 6, describe(param.dist))
                layout.params[line.amount] = ref(COSTS, row, 5)
            else:
                ws.write_formula(row, 5, f"={cell(first, 5, True)}", f.fmt("sek"), param.base)
                ws.write_string(row, 6, f"Samma belopp som rad {first + 1} (en parameter)", f.muted)
            ws.write_string(row, 7, param.path)
            row += 1
    if row == 1:
        ws.write_string(1, 0, "(inga kostnader)", f.muted)
        row = 2
    last = row - 1
    layout.cost_actor_range = col_range(COSTS, 1, 1, last)
    layout.cost_year_range = col_range(COSTS, 3, 1, last)
    layout.cost_amount_range = col_range(COSTS, 5, 1, last)
    for col, width in enumerate([11, 24, 28, 8, 11, 16, 48, 18]):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)


def write_cohorts(ws: Worksheet, model: Model, f: Formats, layout: Layout) -> None:
    s = model.scenario
    headers = ["Kohort", "År (t)", "Kalenderår", "Antal deltagare", "Kommentar", "Parameter"]
    write_headers(ws, 0, headers, f.header)
    for i, cohort in enumerate(model.cohorts):
        row = 1 + i
        param = model.parameters[cohort.count]
        ws.write_number(row, 0, i + 1, f.fmt("int"))
        ws.write_number(row, 1, cohort.year, f.fmt("int"))
        ws.write_number(row, 2, s.first_year + cohort.year, f.fmt("int"))
        ws.write_number(row, 3, param.base, f.fmt("count", input=True))
        ws.write_string(row, 4, describe(param.dist))
        ws.write_string(row, 5, param.path)
        layout.params[cohort.count] = ref(COHORTS, row, 3)
        layout.cohorts.append((ref(COHORTS, row, 1), ref(COHORTS, row, 3)))
    if not model.cohorts:
        ws.write_string(1, 0, "(inga deltagare)", f.muted)
    for col, width in enumerate([8, 8, 11, 16, 48, 22]):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)


OUTCOME_HEADERS = [
    "Utfall",
    "Namn",
    "Kostnadspost",
    "Enhet",
    "Fördröjning (år, lag)",
    "Längd (år, duration)",
    "Risk utan insats (baseline_risk)",
    "Effekt (effect)",
    "Persistens (andel kvar per år)",
    "Dödvikt (deadweight)",
    "Undanträngning (displacement)",
    "Attribution",
    "Undvikna per deltagare",
    "Deltagare totalt",
    "Undvikna fall totalt",
]
SHARE_FORMULA = "={g}*{h}*(1-{j})*(1-{k})*{l}"


def write_outcomes(ws: Worksheet, model: Model, f: Formats, layout: Layout) -> None:
    write_headers(ws, 0, OUTCOME_HEADERS, f.header)
    v = base_values(model)
    participants = sum(v[c.count] for c in model.cohorts)
    counts = col_range(COHORTS, 3, 1, len(layout.cohorts)) if layout.cohorts else ""
    for i, o in enumerate(model.outcomes):
        row = 1 + i
        ws.write_number(row, 0, i + 1, f.fmt("int"))
        ws.write_string(row, 1, o.name)
        ws.write_string(row, 2, o.cost_item)
        ws.write_string(row, 3, "per_year" if o.per_year else "per_case")
        ws.write_number(row, 4, o.lag, f.fmt("int", input=True))
        ws.write_number(row, 5, o.duration, f.fmt("int", input=o.per_year))
        shares = [o.baseline_risk, o.effect, o.persistence, o.deadweight, o.displacement, o.attribution]
        for col, idx in enumerate(shares, start=6):
            used = o.per_year or idx != o.persistence
            ws.write_number(row, col, v[idx], f.fmt("pct", input=used))
            if used:
                layout.params[idx] = ref(OUTCOMES, row, col)
        g, h, _, j, k, ll = (cell(row, c) for c in range(6, 12))
        share = v[o.baseline_risk] * v[o.effect] * (1 - v[o.deadweight])
        share = share * (1 - v[o.displacement]) * v[o.attribution]
        formula = SHARE_FORMULA.format(g=g, h=h, j=j, k=k, l=ll)
        ws.write_formula(row, 12, formula, f.fmt("factor"), share)
        ws.write_formula(row, 13, f"=SUM({counts})" if counts else "=0", f.fmt("count"), participants)
        ws.write_formula(row, 14, f"={cell(row, 12)}*{cell(row, 13)}", f.fmt("cases"), share * participants)
        layout.outcomes.append(
            OutcomeRefs(
                per_year=o.per_year,
                lag=ref(OUTCOMES, row, 4),
                duration=ref(OUTCOMES, row, 5),
                persistence=ref(OUTCOMES, row, 8),
                share=ref(OUTCOMES, row, 12),
                total=ref(OUTCOMES, row, 14),
                share_value=share,
            )
        )
    note_row = len(model.outcomes) + 2
    ws.write_string(
        note_row,
        0,
        "Undvikna per deltagare = risk × effekt × (1 − dödvikt) × (1 − undanträngning) × attribution. "
        "per_year: undvikna personår minskar med persistensen varje år under längden; "
        "per_case: undvikna fall i år c + fördröjning (längd och persistens används inte). "
        "Grundfallet använder fördelningarnas medelvärden; fördelningarna står på bladet Parametrar.",
        f.muted,
    )
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 2, 24)
    ws.set_column(3, 3, 10)
    ws.set_column(4, 11, 14)
    ws.set_column(12, 14, 15)
    ws.set_row(0, 45)
    ws.freeze_panes(1, 2)


def _index_years(model: Model, item_id: str) -> tuple[int, float | None, float | None] | None:
    """The cost item's price year and the index values behind its price factor, if known.

    The model keeps only the factor; the item is looked up in the scenario and,
    when the calculation used it, the default catalogue.
    """
    s = model.scenario
    items = {c.id: c for c in s.cost_items}
    index = dict(s.price_index)
    catalogue = default_catalogue()
    if catalogue.version == model.catalogue_version:
        items = {**{c.id: c for c in catalogue.cost_items}, **items}
        index = {**catalogue.price_index, **index}
    item = items.get(item_id)
    if item is None:
        return None
    return item.price_year, index.get(item.price_year), index.get(s.price_year)


UNIT_HEADERS = [
    "Utfall",
    "Utfall (namn)",
    "Kostnadspost",
    "Aktör (id)",
    "Aktör",
    "Enhetskostnad (kr, postens prisår)",
    "Postens prisår",
    "KPI postens prisår",
    "KPI scenariots prisår",
    "Prisomräkningsfaktor",
    "Utbetalbar (1 = ja, 0 = nej)",
    "Enhetskostnad (kr, scenariots prisår)",
    "Kommentar",
    "Parameter",
    "Transferering till (mottagare)",
]


def write_unit_costs(ws: Worksheet, model: Model, f: Formats, layout: Layout) -> None:
    write_headers(ws, 0, UNIT_HEADERS, f.header)
    v = base_values(model)
    row = 1
    for o, outcome in enumerate(model.outcomes):
        years = _index_years(model, outcome.cost_item)
        for term in outcome.benefits:
            param = model.parameters[term.unit_cost]
            actor = model.actors[term.actor]
            ws.write_number(row, 0, o + 1, f.fmt("int"))
            ws.write_string(row, 1, outcome.name)
            ws.write_string(row, 2, outcome.cost_item)
            ws.write_string(row, 3, actor.id)
            ws.write_string(row, 4, actor.name)
            if term.unit_cost in layout.params:
                first = layout.params[term.unit_cost]
                ws.write_formula(row, 5, f"={first}", f.fmt("sek"), param.base)
                ws.write_string(row, 12, f"Samma parameter som {first} (en enhetskostnad per post och aktör)")
            else:
                ws.write_number(row, 5, param.base, f.fmt("sek", input=True))
                ws.write_string(row, 12, describe(param.dist))
                layout.params[term.unit_cost] = ref(UNIT_COSTS, row, 5)
            if years is not None:
                ws.write_number(row, 6, years[0], f.fmt("int"))
                src, dst = years[1], years[2]
                if src and dst and math.isclose(dst / src, term.price_factor, rel_tol=1e-12):
                    ws.write_number(row, 7, src, f.fmt("factor"))
                    ws.write_number(row, 8, dst, f.fmt("factor"))
            ws.write_number(row, 9, term.price_factor, f.fmt("factor", input=True))
            ws.write_number(row, 10, 1 if term.cashable else 0, f.fmt("int", input=True))
            unit = v[term.unit_cost] * term.price_factor
            ws.write_formula(row, 11, f"={cell(row, 5)}*{cell(row, 9)}", f.fmt("sek"), unit)
            ws.write_string(row, 13, param.path)
            if term.is_transfer:
                ws.write_string(row, 14, model.actors[term.receiver].id)
            layout.units.append(
                UnitRow(
                    o,
                    term.actor,
                    ref(UNIT_COSTS, row, 11),
                    ref(UNIT_COSTS, row, 10),
                    unit,
                    term.cashable,
                    term.receiver,
                )
            )
            row += 1
    if row == 1:
        ws.write_string(1, 0, "(inga utfall)", f.muted)
    ws.write_string(
        row + 1,
        0,
        "Prisomräkningsfaktor = KPI scenariots prisår / KPI postens prisår (1 när prisåren är lika). "
        "Nytta = undvikna personår eller fall × enhetskostnad × faktor. En transferering (sista "
        "kolumnen) är nytta för den som betalar och lika stor negativ nytta för mottagaren.",
        f.muted,
    )
    for col, width in enumerate([7, 30, 24, 24, 26, 16, 9, 12, 12, 13, 12, 16, 48, 34, 22]):
        ws.set_column(col, col, width)
    ws.set_row(0, 45)
    ws.freeze_panes(1, 0)
