"""The Sammanfattning sheet: provenance, key results as formulas, engine-only values."""

from __future__ import annotations

from typing import Any

from xlsxwriter.worksheet import Worksheet

from socialinvest.engine.calculate import Calculation
from socialinvest.engine.perspectives import PERSPECTIVE_LEVELS, SOCIETY_PUBLIC_FUNDS
from socialinvest.engine.results import Summary

from ._xlsx_common import OUTCOMES, PAYBACK_TOLERANCE, Formats, Layout, cell, col_range, write_headers

READ_ME = (
    "Läs mig: gula celler (blå text) är indata från scenariot — för osäkra parametrar medelvärdet "
    "av fördelningen (grundfallet). Ändra en gul cell så räknas alla formler om: undvikna fall "
    "(Undvikna), flöden per aktör och år (Flöden) och nyckeltalen nedan. Övriga tal är formler; "
    "år, namn och id är struktur som ändras i scenariofilen. Belopp i kronor i scenariots prisår. "
    "Monte Carlo och känslighetsanalys längst ned är värden från motorn, inte formler, och räknas "
    "inte om. (English: yellow cells are inputs; everything else recomputes, except the Monte Carlo "
    "and sensitivity values, which are copied from the engine.)"
)
PERSPECTIVE_LABELS = {
    "municipality": "Kommunen",
    "public_sector": "Offentlig sektor",
    "participants": "Deltagarna",
    "society": "Samhället",
    "society_public_funds": "Samhället med skattefaktor",
}
ENGINE_VALUES = "Värden från motorn, inte formler (values from the engine, not formulas)"


class _Writer:
    def __init__(self, ws: Worksheet, f: Formats):
        self.ws, self.f, self.row = ws, f, 0

    def section(self, title: str) -> None:
        self.row += 1
        self.ws.write_string(self.row, 0, title, self.f.section)
        self.row += 1

    def pair(self, label: str, value: Any, kind: str = "text", key: str = "") -> None:
        self.ws.write_string(self.row, 0, label)
        if isinstance(value, str):
            self.ws.write_string(self.row, 1, value)
        elif value is None:
            self.ws.write_string(self.row, 1, "–")
        else:
            self.ws.write_number(self.row, 1, value, self.f.fmt(kind))
        if key:
            self.ws.write_string(self.row, 2, key, self.f.muted)
        self.row += 1

    def formula(self, label: str, key: str, formula: str, kind: str, cached: float | None, note: str) -> str:
        """Write a formula result; returns its cell for later formulas."""
        self.ws.write_string(self.row, 0, label)
        self.ws.write_formula(
            self.row, 1, formula, self.f.fmt(kind, bold=True), "" if cached is None else cached
        )
        self.ws.write_string(self.row, 2, key, self.f.muted)
        self.ws.write_string(self.row, 3, note, self.f.muted)
        self.row += 1
        return cell(self.row - 1, 1, True)

    def table(self, headers: list[str], rows: list[list[Any]], kinds: list[str]) -> None:
        write_headers(self.ws, self.row, headers, self.f.header)
        self.row += 1
        for values in rows:
            for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
                if isinstance(value, str):
                    self.ws.write_string(self.row, col, value)
                elif value is None:
                    self.ws.write_string(self.row, col, "–")
                else:
                    self.ws.write_number(self.row, col, value, self.f.fmt(kind))
            self.row += 1


def write_summary(ws: Worksheet, calc: Calculation, f: Formats, layout: Layout) -> None:
    result, model, base = calc.result, calc.model, calc.result.base
    w = _Writer(ws, f)
    ws.write_string(0, 0, f"Socialinvest – granskningsunderlag: {result.name}", f.title)
    ws.merge_range(1, 0, 1, 7, READ_ME, f.note)
    ws.set_row(1, 96)
    w.row = 2

    w.section("Beräkningen")
    w.pair("Namn", result.name, key="name")
    w.pair("Prisår", result.price_year, "int", "price_year")
    w.pair("Startår (år 0)", result.start_year, "int", "start_year")
    w.pair("Horisont (år)", result.horizon, "int", "horizon")
    w.pair("Motorversion", result.engine_version, key="engine_version")
    w.pair("Katalogversion", result.catalogue_version, key="catalogue_version")
    w.pair("Indata sha256", result.input_sha256, key="input_sha256")
    w.pair("Slumpfrö", result.seed, "int", "seed")
    draws = result.monte_carlo.draws if result.monte_carlo else 0
    w.pair("Monte Carlo-dragningar", draws, "int", "draws")

    w.section("Resultat, grundfallet (formler)")
    write_headers(ws, w.row, ["Nyckeltal", "Värde", "Nyckel i JSON", "Formel"], f.header)
    w.row += 1
    d = layout.discount_range
    pvc = w.formula(
        "Nuvärde kostnader (kr)",
        "pv_costs",
        f"=SUMPRODUCT({d},{layout.total_costs})",
        "sek",
        base.pv_costs,
        "Σ_t D_t × kostnader_t (Flöden)",
    )
    pvb = w.formula(
        "Nuvärde nytta (kr)",
        "pv_benefits",
        f"=SUMPRODUCT({d},{layout.total_benefits})",
        "sek",
        base.pv_benefits,
        "Σ_t D_t × nytta_t (Flöden)",
    )
    cash = w.formula(
        "varav utbetalbar nytta (kr)",
        "pv_benefits_cashable",
        f"=SUMPRODUCT({d},{layout.total_cashable})",
        "sek",
        base.pv_benefits_cashable,
        "Σ_t D_t × utbetalbar nytta_t",
    )
    w.formula(
        "varav ej utbetalbar nytta (kr)",
        "pv_benefits_non_cashable",
        f"={pvb}-{cash}",
        "sek",
        base.pv_benefits_non_cashable,
        "nytta − utbetalbar nytta",
    )
    npv = w.formula("Nettonuvärde (kr)", "npv", f"={pvb}-{pvc}", "sek", base.npv, "nytta − kostnader")
    w.formula(
        "Nytta/kostnad (BCR)",
        "bcr",
        f'=IF({pvc}=0,"",{pvb}/{pvc})',
        "ratio",
        base.bcr,
        "tom när kostnaden är 0",
    )
    w.formula("Avkastning (ROI)", "roi", f'=IF({pvc}=0,"",{npv}/{pvc})', "ratio", base.roi, "NPV / kostnader")
    payback = w.formula(
        "Återbetalningsår (år t)",
        "payback_year",
        f'=IF({layout.last_cumulative}<-{PAYBACK_TOLERANCE},"",MAX({layout.unpaid_range}))',
        "int",
        base.payback_year,
        "första år från vilket kumulativt diskonterat netto är ≥ 0; tom om det slutar negativt",
    )
    cached_year = None if base.payback_year is None else result.start_year + base.payback_year
    w.formula(
        "Återbetalningsår (kalenderår)",
        "",
        f'=IF({payback}="","",{layout.start_year}+{payback})',
        "int",
        cached_year,
        "startår + återbetalningsår",
    )
    n_out = len(layout.outcomes)
    totals = col_range(OUTCOMES, 14, 1, n_out) if n_out else ""
    avoided = w.formula(
        "Undvikna fall totalt",
        "avoided_cases",
        f"=SUM({totals})" if totals else "=0",
        "cases",
        base.avoided_cases,
        "Σ över utfall av undvikna per deltagare × deltagare (Utfall)",
    )
    w.formula(
        "Break-even: undvikna fall som bär kostnaden",
        "break_even_cases",
        f'=IF(AND({pvb}>0,{avoided}>0),{pvc}*{avoided}/{pvb},"")',
        "cases",
        base.break_even_cases,
        "kostnader × undvikna fall / nytta",
    )

    w.section("Per aktör (formler)")
    headers = ["Aktör", "Aktör (id)", "Nivå", "Nuvärde kostnader", "Nuvärde nytta", "varav utbetalbar"]
    write_headers(ws, w.row, [*headers, "Nettonuvärde"], f.header)
    w.row += 1
    sek = f.fmt("sek")
    actor_rows: list[int] = []
    for a, actor in enumerate(model.actors):
        actor_rows.append(w.row)
        pv = base.by_actor[actor.id]
        ws.write_string(w.row, 0, actor.name)
        ws.write_string(w.row, 1, actor.id)
        ws.write_string(w.row, 2, actor.level)
        ws.write_formula(w.row, 3, f"=SUMPRODUCT({d},{layout.actor_costs[a]})", sek, pv.pv_costs)
        ws.write_formula(w.row, 4, f"=SUMPRODUCT({d},{layout.actor_benefits[a]})", sek, pv.pv_benefits)
        ws.write_formula(
            w.row, 5, f"=SUMPRODUCT({d},{layout.actor_cashable[a]})", sek, pv.pv_benefits_cashable
        )
        ws.write_formula(w.row, 6, f"={cell(w.row, 4)}-{cell(w.row, 3)}", sek, pv.npv)
        w.row += 1

    write_perspectives(w, calc, actor_rows, (pvc, pvb), avoided)
    _engine_values(w, calc)
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 20)
    ws.set_column(2, 2, 24)
    ws.set_column(3, 7, 18)
    ws.freeze_panes(1, 0)
    ws.activate()


def write_perspectives(
    w: _Writer, calc: Calculation, actor_rows: list[int], society: tuple[str, str], avoided: str
) -> None:
    """Each perspective's present values as sums of the actors' rows above (formulas)."""
    result, model = calc.result, calc.model
    views = result.base.perspectives
    w.section("Per perspektiv (formler)")
    write_headers(w.ws, w.row, ["Nyckeltal", "Värde", "Nyckel i JSON", "Formel"], w.f.header)
    w.row += 1
    factor = model.scenario.public_funds_factor
    lam = ""
    if SOCIETY_PUBLIC_FUNDS in views:
        w.ws.write_string(w.row, 0, "Skattefaktor λ (public_funds_factor)")
        w.ws.write_number(w.row, 1, factor, w.f.fmt("factor", input=True))
        w.ws.write_string(w.row, 2, "public_funds_factor", w.f.muted)
        lam = cell(w.row, 1, True)
        w.row += 1
    cells: dict[str, tuple[str, str]] = {}
    for name, view in views.items():
        label = PERSPECTIVE_LABELS.get(name, name)
        if name == "society":
            costs_f, benefits_f = f"={society[0]}", f"={society[1]}"
            note = "alla aktörer; transfereringarna tar ut varandra"
        elif name == SOCIETY_PUBLIC_FUNDS:
            (sc, sb), (pc, pb) = cells["society"], cells["public_sector"]
            costs_f, benefits_f = f"={sc}+({lam}-1)*{pc}", f"={sb}+({lam}-1)*{pb}"
            note = "samhället + (λ − 1) × offentlig sektor"
        else:
            wanted = PERSPECTIVE_LEVELS[name]
            rows = [r for r, actor in zip(actor_rows, model.actors, strict=True) if actor.level in wanted]
            costs_f = "=" + "+".join(cell(r, 3) for r in rows) if rows else "=0"
            benefits_f = "=" + "+".join(cell(r, 4) for r in rows) if rows else "=0"
            note = "summan av aktörerna på nivåerna " + ", ".join(sorted(wanted))
        key = f"perspectives.{name}"
        c = w.formula(
            f"{label}: nuvärde kostnader (kr)", f"{key}.pv_costs", costs_f, "sek", view.pv_costs, note
        )
        b = w.formula(
            f"{label}: nuvärde nytta (kr)", f"{key}.pv_benefits", benefits_f, "sek", view.pv_benefits, ""
        )
        w.formula(
            f"{label}: nettonuvärde (kr)", f"{key}.npv", f"={b}-{c}", "sek", view.npv, "nytta − kostnader"
        )
        w.formula(
            f"{label}: nytta/kostnad (BCR)", f"{key}.bcr", f'=IF({c}=0,"",{b}/{c})', "ratio", view.bcr, ""
        )
        w.formula(
            f"{label}: break-even, undvikna fall",
            f"{key}.break_even_cases",
            f'=IF(AND({b}>0,{avoided}>0),{c}*{avoided}/{b},"")',
            "cases",
            view.break_even_cases,
            "",
        )
        cells[name] = (c, b)


def _summary_row(name: str, s: Summary | None) -> list[Any]:
    if s is None:
        return [name, None, None, None, None, None]
    return [name, s.mean, s.sd, s.p5, s.p50, s.p95]


def _engine_values(w: _Writer, calc: Calculation) -> None:
    result = calc.result
    mc = result.monte_carlo
    w.section(f"Monte Carlo – {ENGINE_VALUES}")
    if mc is None:
        w.ws.write_string(w.row, 0, "Ingen Monte Carlo-simulering (draws = 0).", w.f.muted)
        w.row += 1
    else:
        w.pair("Dragningar", mc.draws, "int", "monte_carlo.draws")
        w.pair("Slumpfrö", mc.seed, "int", "monte_carlo.seed")
        w.pair("Sannolikhet för positivt nettonuvärde", mc.probability_positive_npv, "pct")
        w.row += 1
        w.table(
            ["Mått", "Medelvärde", "Standardavvikelse", "P5", "P50", "P95"],
            [_summary_row("Nettonuvärde (kr)", mc.npv), _summary_row("Nytta/kostnad (BCR)", mc.bcr)],
            ["text", "sek", "sek", "sek", "sek", "sek"],
        )
        w.row += 1
        rows = [
            [result.actors[a].name, s.npv_mean, s.npv_p5, s.npv_p95, s.probability_positive_npv]
            for a, s in mc.by_actor.items()
        ]
        w.table(
            ["Aktör", "NPV medelvärde", "NPV P5", "NPV P95", "Sannolikhet NPV > 0"],
            rows,
            ["text", "sek", "sek", "sek", "pct"],
        )
        if mc.by_perspective:
            w.row += 1
            w.table(
                ["Perspektiv", "NPV medelvärde", "NPV P5", "NPV P95", "Sannolikhet NPV > 0"],
                [
                    [
                        PERSPECTIVE_LABELS.get(name, name),
                        s.npv.mean,
                        s.npv.p5,
                        s.npv.p95,
                        s.probability_positive_npv,
                    ]
                    for name, s in mc.by_perspective.items()
                ],
                ["text", "sek", "sek", "sek", "pct"],
            )

    sens = result.sensitivity
    w.section(f"Känslighetsanalys – {ENGINE_VALUES}")
    if sens is None:
        w.ws.write_string(w.row, 0, "Ingen känslighetsanalys (--no-sensitivity).", w.f.muted)
        w.row += 1
        return
    tornado = "Tornado: NPV med en parameter i taget på sin 10:e och 90:e percentil"
    if not sens.tornado:
        tornado += " (inga osäkra parametrar)"
    w.ws.write_string(w.row, 0, tornado, w.f.muted)
    w.row += 1
    w.table(
        ["Parameter", "Sökväg", "Grundvärde", "Lågt (P10)", "Högt (P90)", "NPV lågt", "NPV högt", "Spann"],
        [
            [b.label, b.parameter, b.base_value, b.low_value, b.high_value, b.npv_low, b.npv_high, b.swing]
            for b in sens.tornado
        ],
        ["text", "text", "count", "count", "count", "sek", "sek", "sek"],
    )
    w.row += 1
    w.ws.write_string(w.row, 0, "Brytvärden: effekten som ger nettonuvärde 0", w.f.muted)
    w.row += 1
    w.table(
        ["Utfall", "Effekt (grund)", "Effekt vid NPV = 0", "Uppnåelig"],
        [
            [s.outcome, s.effect_base, s.effect_at_zero_npv, "ja" if s.attainable else "nej"]
            for s in sens.switching_values
        ],
        ["text", "pct", "pct", "text"],
    )
    w.row += 1
    w.ws.write_string(w.row, 0, "Andra diskonteringsräntor (konstant ränta alla år)", w.f.muted)
    w.row += 1
    w.table(
        ["Ränta", "Nettonuvärde (kr)", "Nytta/kostnad (BCR)"],
        [[r.rate, r.npv, r.bcr] for r in sens.discount_rates],
        ["pct", "sek", "ratio"],
    )
