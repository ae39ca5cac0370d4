"""The formula sheets by year: Undvikna (avoided states) and Flöden (flows per actor).

Both have one row per year offset ``t = 0..H−1`` starting on the same sheet row,
so a row of Flöden refers to the same row of Undvikna.  Years past the horizon
have no row: they are dropped, as in the engine.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from socialinvest.engine.calculate import Calculation

from ._xlsx_common import (
    AVOIDED,
    FLOWS,
    PAYBACK_TOLERANCE,
    Formats,
    Layout,
    OutcomeRefs,
    cell,
    col_range,
    ref,
    write_headers,
)
from ._xlsx_inputs import base_values

FIRST_ROW = 2  # zero-based sheet row of t = 0 on both sheets
N_TOTALS = 2  # t and calendar year before the per-outcome columns


def _weight(outcome: OutcomeRefs, k: int, duration: int, persistence: float) -> float:
    """The engine's weight of one avoided case ``k`` years after it starts (flows.yearly_flows)."""
    if outcome.per_year:
        return persistence**k if 0 <= k < duration else 0.0
    return 1.0 if k == 0 else 0.0


def _detail_formula(outcome: OutcomeRefs, t_cell: str, year: str, count: str) -> str:
    k = f"({t_cell}-{year}-{outcome.lag})"
    head = f"={count}*{outcome.share}"
    if not outcome.per_year:
        return f"{head}*IF({k}=0,1,0)"
    # POWER(p, 0) is #NUM! in Excel when p = 0, hence the explicit k = 0 case.
    power = f"IF({k}=0,1,POWER({outcome.persistence},{k}))"
    return f"{head}*IF(AND({k}>=0,{k}<{outcome.duration}),{power},0)"


def write_avoided(ws: Worksheet, calc: Calculation, f: Formats, layout: Layout) -> None:
    model, base = calc.model, calc.result.base
    v = base_values(model)
    horizon, n_out, n_coh = model.horizon, len(model.outcomes), len(model.cohorts)
    ws.write_string(0, 0, "Undvikna personår (per_year) eller fall (per_case) per år", f.section)
    headers = ["År (t)", "Kalenderår"]
    headers += [
        f"{i + 1}: {o.name} ({'personår' if o.per_year else 'fall'})" for i, o in enumerate(model.outcomes)
    ]
    write_headers(ws, 1, headers, f.header)
    detail0 = N_TOTALS + n_out + 1  # first per-cohort column, after one empty column
    for o, outcome in enumerate(model.outcomes):
        col0 = detail0 + o * n_coh
        if n_coh:
            ws.write_string(0, col0, f"Utfall {o + 1} per kohort: {outcome.name}", f.section)
        for j, cohort in enumerate(model.cohorts):
            ws.write_string(1, col0 + j, f"Utfall {o + 1}, kohort år {cohort.year}", f.header)
    for t in range(horizon):
        row = FIRST_ROW + t
        ws.write_number(row, 0, t, f.fmt("int"))
        ws.write_number(row, 1, model.scenario.first_year + t, f.fmt("int"))
        t_cell = f"$A{row + 1}"
        for o, (outcome, refs) in enumerate(zip(model.outcomes, layout.outcomes, strict=True)):
            col0 = detail0 + o * n_coh
            for j, cohort in enumerate(model.cohorts):
                year, count = layout.cohorts[j]
                k = t - cohort.year - outcome.lag
                cached = (
                    v[cohort.count]
                    * refs.share_value
                    * _weight(refs, k, outcome.duration, v[outcome.persistence])
                )
                ws.write_formula(
                    row, col0 + j, _detail_formula(refs, t_cell, year, count), f.fmt("cases"), cached
                )
            total = f"=SUM({cell(row, col0)}:{cell(row, col0 + n_coh - 1)})" if n_coh else "=0"
            ws.write_formula(row, N_TOTALS + o, total, f.fmt("cases"), base.outcomes[o].yearly[t])
    sum_row = FIRST_ROW + horizon
    ws.write_string(sum_row, 0, "Summa inom horisonten", f.fmt("text", bold=True))
    for o in range(n_out):
        col = N_TOTALS + o
        ws.write_formula(
            sum_row,
            col,
            f"=SUM({cell(FIRST_ROW, col)}:{cell(sum_row - 1, col)})",
            f.fmt("cases", bold=True),
            sum(base.outcomes[o].yearly),
        )
    ws.write_string(
        sum_row + 2,
        0,
        "Per kohort c: antal × undvikna per deltagare × vikt(k), k = t − c − fördröjning; "
        "per_year: vikt = persistens^k när 0 ≤ k < längd, annars 0; per_case: vikt = 1 när k = 0.",
        f.muted,
    )
    ws.set_column(0, 1, 11)
    ws.set_column(N_TOTALS, N_TOTALS + max(n_out, 1) - 1, 22)
    ws.set_column(detail0, detail0 + max(n_out * n_coh, 1) - 1, 16)
    ws.set_row(1, 45)
    ws.freeze_panes(FIRST_ROW, N_TOTALS)


ACTOR_COLUMNS = ["Kostnad", "Nytta", "varav utbetalbar", "Netto"]
TOTAL_COLUMNS = [
    "Kostnader",
    "Nytta",
    "varav utbetalbar",
    "Nettoflöde",
    "Diskonterat netto",
    "Kumulativt diskonterat netto",
    "Ej återbetalt (hjälpkolumn: t + 1 om kumulativt < −0,001)",
]


def write_flows(ws: Worksheet, calc: Calculation, f: Formats, layout: Layout) -> None:
    model, base = calc.model, calc.result.base
    horizon, n_act, width = model.horizon, len(model.actors), len(ACTOR_COLUMNS)
    first, last = FIRST_ROW, FIRST_ROW + horizon - 1
    actor0, total0 = 3, 3 + width * n_act
    ws.write_string(0, 0, "Flöden per år (kr, odiskonterat om inte annat anges)", f.section)
    headers = ["År (t)", "Kalenderår", "Diskonteringsfaktor D_t"]
    for a, actor in enumerate(model.actors):
        col = actor0 + width * a
        ws.merge_range(0, col, 0, col + width - 1, f"{actor.name} ({actor.id})", f.header)
        headers += ACTOR_COLUMNS
    ws.merge_range(0, total0, 0, total0 + len(TOTAL_COLUMNS) - 1, "Alla aktörer", f.header)
    write_headers(ws, 1, headers + TOTAL_COLUMNS, f.header)

    cost_cols = [actor0 + width * a for a in range(n_act)]
    net, disc, cum, unpaid = (total0 + k for k in range(3, 7))
    sums: dict[int, float] = {}  # the engine's column sums, for the sum row's cached results
    sek = f.fmt("sek")

    def money(row: int, col: int, formula: str, value: float) -> None:
        ws.write_formula(row, col, formula, sek, value)
        sums[col] = sums.get(col, 0.0) + value

    for t in range(horizon):
        row = first + t
        ws.write_number(row, 0, t, f.fmt("int"))
        ws.write_number(row, 1, model.scenario.first_year + t, f.fmt("int"))
        d_value = base.discount_factors[t]
        if t == 0:
            ws.write_number(row, 2, 1.0, f.fmt("factor"))
        else:
            ws.write_formula(row, 2, f"={cell(row - 1, 2)}/(1+{layout.rates[t]})", f.fmt("factor"), d_value)
        totals = [0.0, 0.0, 0.0]
        for a, actor in enumerate(model.actors):
            c = cost_cols[a]
            flows = base.flows[actor.id]
            cost = (
                f'=SUMIFS({layout.cost_amount_range},{layout.cost_actor_range},"{actor.id}",'
                f"{layout.cost_year_range},$A{row + 1})*(1+{layout.optimism})"
            )
            # A resource counts for its actor (cashable or not); a transfer counts,
            # always as cash, + for the payer and − for the receiver.
            terms = []
            for u in layout.units:
                term = f"'{AVOIDED}'!{cell(row, N_TOTALS + u.outcome)}*{u.unit_cost}"
                if u.actor == a:
                    terms.append(("+" + term, "" if u.receiver >= 0 else f"*{u.cashable}"))
                if u.receiver == a:
                    terms.append(("-" + term, ""))
            benefit = "=" + "".join(term for term, _ in terms).removeprefix("+") if terms else "=0"
            cash = "=" + "".join(f"{term}{flag}" for term, flag in terms).removeprefix("+") if terms else "=0"
            values = [flows.costs[t], flows.benefits[t], flows.benefits_cashable[t]]
            money(row, c, cost, values[0])
            money(row, c + 1, benefit, values[1])
            money(row, c + 2, cash, values[2])
            money(row, c + 3, f"={cell(row, c + 1)}-{cell(row, c)}", values[1] - values[0])
            totals = [x + y for x, y in zip(totals, values, strict=True)]
        for k in range(3):
            cells = "+".join(cell(row, c + k) for c in cost_cols)
            money(row, total0 + k, f"={cells}" if cells else "=0", totals[k])
        money(row, net, f"={cell(row, total0 + 1)}-{cell(row, total0)}", base.net_flow[t])
        discounted = d_value * base.net_flow[t]
        ws.write_formula(row, disc, f"={cell(row, 2)}*{cell(row, net)}", sek, discounted)
        previous = f"{cell(row - 1, cum)}+" if t > 0 else ""
        cumulative = base.cumulative_discounted_net_flow[t]
        ws.write_formula(row, cum, f"={previous}{cell(row, disc)}", sek, cumulative)
        flag = t + 1 if cumulative < -PAYBACK_TOLERANCE else 0
        check = f"=IF({cell(row, cum)}<-{PAYBACK_TOLERANCE},{cell(row, 0)}+1,0)"
        ws.write_formula(row, unpaid, check, f.fmt("int"), flag)

    sum_row = last + 1
    ws.write_string(sum_row, 0, "Summa (odiskonterat)", f.fmt("text", bold=True))
    for col, cached in sums.items():
        letter = xl_col_to_name(col)
        formula = f"=SUM({letter}{first + 1}:{letter}{last + 1})"
        ws.write_formula(sum_row, col, formula, f.fmt("sek", bold=True), cached)

    layout.discount_range = col_range(FLOWS, 2, first, last)
    layout.actor_costs = [col_range(FLOWS, c, first, last) for c in cost_cols]
    layout.actor_benefits = [col_range(FLOWS, c + 1, first, last) for c in cost_cols]
    layout.actor_cashable = [col_range(FLOWS, c + 2, first, last) for c in cost_cols]
    layout.total_costs = col_range(FLOWS, total0, first, last)
    layout.total_benefits = col_range(FLOWS, total0 + 1, first, last)
    layout.total_cashable = col_range(FLOWS, total0 + 2, first, last)
    layout.last_cumulative = ref(FLOWS, last, cum)
    layout.unpaid_range = col_range(FLOWS, unpaid, first, last)

    ws.write_string(
        sum_row + 2,
        0,
        "D_0 = 1, D_t = D_{t−1} / (1 + r_t). Kostnad = summa över Kostnader för aktören och året × "
        "(1 + optimism bias). Nytta = undvikna (Undvikna) × enhetskostnad i scenariots prisår "
        "(Enhetskostnader); en transferering är + för den som betalar och − för mottagaren, så "
        "summan över alla aktörer (samhället) räknar bara resurser. "
        "Nuvärden (Sammanfattning) = SUMPRODUCT(D_t; flöde).",
        f.muted,
    )
    ws.set_column(0, 1, 11)
    ws.set_column(2, 2, 14)
    ws.set_column(actor0, total0 + len(TOTAL_COLUMNS) - 1, 15)
    ws.set_row(1, 45)
    ws.freeze_panes(FIRST_ROW, 3)
