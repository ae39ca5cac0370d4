"""Readable text tables for the terminal, in Swedish with Swedish number formatting."""

from __future__ import annotations

from collections.abc import Sequence

from socialinvest.engine import Catalogue, CohortCost, Equivalents, PortfolioResult, Result
from socialinvest.engine.results import Sensitivity
from socialinvest.formatting import number, percent, ratio, sek

LEVELS = {
    "kommun": "kommun",
    "region": "region",
    "stat": "stat",
    "individ": "individ",
    "samhalle": "samhälle",
}


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align_left: int = 1) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i < align_left else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def _pairs(rows: Sequence[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def calculation(r: Result) -> str:
    b = r.base
    payback = "–" if b.payback_year is None else f"år {b.payback_year} ({r.start_year + b.payback_year})"
    parts = [
        f"{r.name}",
        f"Prisår {r.price_year}, start {r.start_year}, horisont {r.horizon} år",
        "",
        _pairs(
            [
                ("Nuvärde kostnader", sek(b.pv_costs)),
                ("Nuvärde nyttor", sek(b.pv_benefits)),
                ("  varav kontanta (cashable)", sek(b.pv_benefits_cashable)),
                ("Nettonuvärde (NPV)", sek(b.npv)),
                ("Nytta/kostnad (BCR)", ratio(b.bcr)),
                ("Avkastning (ROI)", percent(b.roi)),
                ("Återbetalningsår", payback),
                ("Undvikna fall", number(b.avoided_cases, 2)),
                ("Break-even, fall", number(b.break_even_cases, 2)),
            ]
        ),
        "",
        "Vem vinner (nuvärde per aktör)",
        _table(
            ["Aktör", "Nivå", "Kostnader", "Nyttor", "varav kontanta", "Netto"],
            [
                [
                    r.actors[a].name,
                    LEVELS.get(r.actors[a].level, r.actors[a].level),
                    sek(v.pv_costs),
                    sek(v.pv_benefits),
                    sek(v.pv_benefits_cashable),
                    sek(v.npv),
                ]
                for a, v in b.by_actor.items()
            ],
            align_left=2,
        ),
    ]
    mc = r.monte_carlo
    if mc is not None:
        parts += [
            "",
            f"Monte Carlo ({number(mc.draws)} dragningar, seed {mc.seed})",
            _pairs(
                [
                    ("NPV medel", sek(mc.npv.mean)),
                    ("NPV 5–95 %", f"{sek(mc.npv.p5)} … {sek(mc.npv.p95)}"),
                    ("P(NPV > 0)", percent(mc.probability_positive_npv)),
                    ("BCR medel", ratio(mc.bcr.mean if mc.bcr else None)),
                ]
            ),
        ]
    if r.sensitivity is not None:
        parts += ["", sensitivity(r.sensitivity)]
    parts += [
        "",
        f"Motorversion {r.engine_version}, katalog {r.catalogue_version}, indata sha256 {r.input_sha256}",
    ]
    return "\n".join(parts)


def _value(x: float) -> str:
    """A parameter value: amounts in whole kronor, shares and rates with three decimals."""
    return number(x, 0) if abs(x) >= 100 else number(x, 3)


def sensitivity(s: Sensitivity) -> str:
    parts = ["Känslighet: NPV med varje osäker parameter på 10:e och 90:e percentilen"]
    if s.tornado:
        parts.append(
            _table(
                ["Parameter", "Låg", "Hög", "NPV låg", "NPV hög", "Spännvidd"],
                [
                    [
                        b.label,
                        _value(b.low_value),
                        _value(b.high_value),
                        sek(b.npv_low),
                        sek(b.npv_high),
                        sek(b.swing),
                    ]
                    for b in s.tornado
                ],
            )
        )
    else:
        parts.append("(inga osäkra parametrar)")
    if s.switching_values:
        parts += ["", "Brytpunkt: effekt som ger NPV = 0"]
        parts.append(
            _table(
                ["Utfall", "Antagen effekt", "Effekt vid NPV = 0"],
                [
                    [
                        v.outcome,
                        number(v.effect_base, 3),
                        number(v.effect_at_zero_npv, 3) + ("" if v.attainable else " (ouppnåelig)"),
                    ]
                    for v in s.switching_values
                ],
            )
        )
    parts += ["", "Kalkylränta"]
    parts.append(
        _table(
            ["Ränta", "NPV", "BCR"],
            [[percent(c.rate), sek(c.npv), ratio(c.bcr)] for c in s.discount_rates],
        )
    )
    return "\n".join(parts)


def portfolio(p: PortfolioResult) -> str:
    parts = [
        f"Portfölj: {p.scenarios} scenarier, {number(p.draws)} dragningar",
        _pairs(
            [
                ("NPV (grundfall)", sek(p.base.npv)),
                ("NPV medel", sek(p.npv.mean if p.npv else None)),
                ("NPV 5–95 %", f"{sek(p.npv.p5)} … {sek(p.npv.p95)}" if p.npv else "–"),
                ("P(NPV > 0)", percent(p.probability_positive_npv)),
            ]
        ),
        "",
        _table(
            ["Scenario", "NPV grundfall", "NPV medel", "P(NPV > 0)"],
            [
                [s.name, sek(s.base_npv), sek(s.npv_mean), percent(s.probability_positive_npv)]
                for s in p.by_scenario
            ],
        ),
    ]
    if p.by_actor:
        parts += [
            "",
            _table(
                ["Aktör", "NPV medel", "NPV 5 %", "NPV 95 %", "P(NPV > 0)"],
                [
                    [
                        p.actors[a].name,
                        sek(v.npv_mean),
                        sek(v.npv_p5),
                        sek(v.npv_p95),
                        percent(v.probability_positive_npv),
                    ]
                    for a, v in p.by_actor.items()
                ],
            ),
        ]
    return "\n".join(parts)


def cohort(c: CohortCost) -> str:
    rows = [
        ("Årskull", number(c.cohort_size)),
        ("I varaktigt utanförskap", number(c.excluded, 2)),
        ("Andel", percent(c.share)),
        ("År", number(c.years)),
        ("Kostnad per år och person", sek(c.annual_cost)),
        ("Kostnad per person", sek(c.per_person)),
        ("Total kostnad", sek(c.total_cost)),
    ]
    if c.present_value is not None:
        rows.append((f"Nuvärde ({percent(c.discount_rate)})", sek(c.present_value)))
    parts = [_pairs(rows)]
    if c.by_actor:
        parts += ["", _table(["Aktör", "Andel av kostnaden"], [[a, sek(v)] for a, v in c.by_actor.items()])]
    return "\n".join(parts)


def equivalents(e: Equivalents) -> str:
    return "\n".join(
        [
            f"{sek(e.amount)} motsvarar",
            _table(
                ["Alternativ", "Styckpris", "Antal"],
                [[i.name, sek(i.unit_price), number(i.count)] for i in e.items],
            ),
        ]
    )


def catalogue(c: Catalogue) -> str:
    actors = _table(["Id", "Namn", "Nivå"], [[a.id, a.name, a.level] for a in c.actors], align_left=3)
    items = _table(
        ["Id", "Namn", "Enhet", "Prisår", "Status", "Säkerhet"],
        [
            [i.id, i.name, i.unit, str(i.price_year), i.status or "–", str(i.confidence or "–")]
            for i in c.cost_items
        ],
        align_left=6,
    )
    return f"Katalog {c.version}\n\nAktörer\n{actors}\n\nKostnadsposter\n{items}"
