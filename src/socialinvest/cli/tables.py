"""Readable text tables for the terminal, in the active language (Swedish by default).

Every label goes through gettext (``_``, :mod:`socialinvest.cli.i18n`); call
these inside :func:`socialinvest.cli.i18n.speaking`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .fmt import number, percent, ratio, sek
from .i18n import english, gettext_noop
from .i18n import gettext as _

if TYPE_CHECKING:  # annotations only: `calc` does not load the portfolio, cohort or equivalents
    from socialinvest.engine import Catalogue, CohortCost, Equivalents, PortfolioResult, Result
    from socialinvest.engine.results import Sensitivity

LEVELS = {
    "kommun": gettext_noop("kommun"),
    "region": gettext_noop("region"),
    "stat": gettext_noop("stat"),
    "individ": gettext_noop("individ"),
    "samhalle": gettext_noop("samhälle"),
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


PERSPECTIVE_NAMES = {
    "municipality": gettext_noop("Kommunen"),
    "public_sector": gettext_noop("Offentlig sektor"),
    "participants": gettext_noop("Deltagarna"),
    "society": gettext_noop("Samhället"),
    "society_public_funds": gettext_noop("Samhället, med skattefaktor"),
}


def _level(level: str) -> str:
    return _(LEVELS[level]) if level in LEVELS else level


def _payback(year: int | None, start_year: int) -> str:
    if year is None:
        return "–"
    return _("år %(t)s (%(year)s)") % {"t": year, "year": start_year + year}


# The engine labels its parameters in Swedish (resolve.py); in English the known
# parts are put into English, names (of outcomes, actors) are kept.
_LABEL_PARTS = (
    (re.compile(r": risk utan insats$"), ": baseline risk"),
    (re.compile(r": effekt$"), ": effect"),
    (re.compile(r": varaktighet$"), ": persistence"),
    (re.compile(r": dödviktsförlust$"), ": deadweight"),
    (re.compile(r": undanträngning$"), ": displacement"),
    (re.compile(r": attribution$"), ": attribution"),
    (re.compile(r"^Kostnad (.+) år ([\d, ]+)$"), r"Cost \1 year \2"),
    (re.compile(r"^Deltagare år (\d+)$"), r"Participants year \1"),
)


def _label(text: str) -> str:
    if not english():
        return text
    for pattern, replacement in _LABEL_PARTS:
        text = pattern.sub(replacement, text)
    return text


def perspectives(r: Result) -> str:
    """Municipality, public sector, participants and society side by side."""
    views = r.base.perspectives
    names = list(views)
    rows = [
        (_("Nuvärde kostnader"), [sek(views[p].pv_costs) for p in names]),
        (_("Nuvärde nyttor"), [sek(views[p].pv_benefits) for p in names]),
        (_("Nettonuvärde (NPV)"), [sek(views[p].npv) for p in names]),
        (_("Nytta/kostnad (BCR)"), [ratio(views[p].bcr) for p in names]),
        (_("Avkastning (ROI)"), [percent(views[p].roi) for p in names]),
        (_("Återbetalningsår"), [_payback(views[p].payback_year, r.start_year) for p in names]),
        (_("Break-even, fall"), [number(views[p].break_even_cases, 2) for p in names]),
    ]
    return _table(
        [_("Perspektiv"), *(_(PERSPECTIVE_NAMES[p]) if p in PERSPECTIVE_NAMES else p for p in names)],
        [[label, *cells] for label, cells in rows],
    )


def monte_carlo_perspectives(r: Result) -> str:
    """Each perspective's NPV over the draws, side by side."""
    mc = r.monte_carlo
    assert mc is not None
    views = mc.by_perspective
    names = list(views)
    rows = [
        (_("NPV medel"), [sek(views[p].npv.mean) for p in names]),
        ("NPV 5 %", [sek(views[p].npv.p5) for p in names]),
        ("NPV 95 %", [sek(views[p].npv.p95) for p in names]),
        ("P(NPV > 0)", [percent(views[p].probability_positive_npv) for p in names]),
    ]
    heading = _("Monte Carlo (%(draws)s dragningar, seed %(seed)s)") % {
        "draws": number(mc.draws),
        "seed": mc.seed,
    }
    table = _table(
        [_("Perspektiv"), *(_(PERSPECTIVE_NAMES[p]) if p in PERSPECTIVE_NAMES else p for p in names)],
        [[label, *cells] for label, cells in rows],
    )
    return f"{heading}\n{table}"


def perspective_note() -> str:
    return _(
        "Samhället räknar bara resurser. En transferering (t.ex. försörjningsstöd) är en\n"
        "besparing för den som betalar och ett inkomstbortfall för den som tar emot: de tar ut varandra."
    )


def break_even_note() -> str:
    return _(
        "Break-even, fall: hur många undvikna fall (med samma blandning av utfall) som\n"
        "skulle räcka för att nyttorna ska täcka kostnaderna."
    )


def calculation(r: Result) -> str:
    b = r.base
    heading = _("Prisår %(price_year)s, start %(start)s, horisont %(horizon)s år") % {
        "price_year": r.price_year,
        "start": r.start_year,
        "horizon": r.horizon,
    }
    parts = [f"{r.name}", heading, ""]
    if b.perspectives:
        parts += [perspectives(r), "", perspective_note(), ""]
    parts += [
        _pairs(
            [
                (_("Samhällets nettonuvärde (NPV)"), sek(b.npv)),
                (_("  varav kontanta nyttor (cashable)"), sek(b.pv_benefits_cashable)),
                (_("Undvikna fall"), number(b.avoided_cases, 2)),
                (_("Break-even, fall (samhället)"), number(b.break_even_cases, 2)),
            ]
        ),
        break_even_note(),
        "",
        _("Vem vinner (nuvärde per aktör, budgetperspektiv)"),
        _table(
            [_("Aktör"), _("Nivå"), _("Kostnader"), _("Nyttor"), _("varav transfereringar"), _("Netto")],
            [
                [
                    r.actors[a].name,
                    _level(r.actors[a].level),
                    sek(v.pv_costs),
                    sek(v.pv_benefits),
                    sek(v.pv_transfers),
                    sek(v.npv),
                ]
                for a, v in b.by_actor.items()
            ],
            align_left=2,
        ),
    ]
    mc = r.monte_carlo
    if mc is not None and mc.by_perspective:
        parts += ["", monte_carlo_perspectives(r)]
    elif mc is not None:
        parts += [
            "",
            _("Monte Carlo, samhällets NPV (%(draws)s dragningar, seed %(seed)s)")
            % {"draws": number(mc.draws), "seed": mc.seed},
            _pairs(
                [
                    (_("NPV medel"), sek(mc.npv.mean)),
                    (_("NPV 5–95 %"), f"{sek(mc.npv.p5)} … {sek(mc.npv.p95)}"),
                    ("P(NPV > 0)", percent(mc.probability_positive_npv)),
                    (_("BCR medel"), ratio(mc.bcr.mean if mc.bcr else None)),
                ]
            ),
        ]
    if r.sensitivity is not None:
        parts += ["", sensitivity(r.sensitivity)]
    parts += [
        "",
        _("Motorversion %(engine)s, katalog %(catalogue)s, indata sha256 %(sha)s")
        % {"engine": r.engine_version, "catalogue": r.catalogue_version, "sha": r.input_sha256},
    ]
    return "\n".join(parts)


def _value(x: float) -> str:
    """A parameter value: amounts in whole kronor, shares and rates with three decimals."""
    return number(x, 0) if abs(x) >= 100 else number(x, 3)


def switching_note() -> str:
    return _(
        "Brytpunkten är den effekt (relativ minskning) vid vilken NPV blir noll, allt annat lika.\n"
        "Över 1 är den ouppnåelig. Negativ: NPV är positivt även om utfallet inte har någon effekt\n"
        "alls – de andra utfallen bär kalkylen. –: utfallet ändrar inte NPV (t.ex. en transferering\n"
        "sedd från samhället)."
    )


def _switching(value: float | None, attainable: bool) -> str:
    if value is None:
        return "–"
    return number(value, 3) + ("" if attainable else " " + _("(ouppnåelig)"))


def sensitivity(s: Sensitivity) -> str:
    parts = [_("Känslighet: samhällets NPV med varje osäker parameter på 10:e och 90:e percentilen")]
    if s.tornado:
        parts.append(
            _table(
                [_("Parameter"), _("Låg"), _("Hög"), _("NPV låg"), _("NPV hög"), _("Spännvidd")],
                [
                    [
                        _label(b.label),
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
        parts.append(_("(inga osäkra parametrar)"))
    if s.switching_values:
        parts += ["", _("Brytpunkt: effekt som ger samhällets NPV = 0")]
        parts.append(
            _table(
                [_("Utfall"), _("Antagen effekt"), _("Effekt vid NPV = 0")],
                [
                    [
                        v.outcome,
                        number(v.effect_base, 3),
                        _switching(v.effect_at_zero_npv, v.attainable),
                    ]
                    for v in s.switching_values
                ],
            )
        )
        parts.append(switching_note())
    parts += ["", _("Kalkylränta")]
    parts.append(
        _table(
            [_("Ränta"), "NPV", "BCR"],
            [[percent(c.rate), sek(c.npv), ratio(c.bcr)] for c in s.discount_rates],
        )
    )
    return "\n".join(parts)


def portfolio(p: PortfolioResult) -> str:
    parts = [
        _("Portfölj: %(n)s scenarier, %(draws)s dragningar") % {"n": p.scenarios, "draws": number(p.draws)},
        _pairs(
            [
                (_("NPV (grundfall)"), sek(p.base.npv)),
                (_("NPV medel"), sek(p.npv.mean if p.npv else None)),
                (_("NPV 5–95 %"), f"{sek(p.npv.p5)} … {sek(p.npv.p95)}" if p.npv else "–"),
                ("P(NPV > 0)", percent(p.probability_positive_npv)),
            ]
        ),
        "",
        _table(
            [_("Scenario"), _("NPV grundfall"), _("NPV medel"), "P(NPV > 0)"],
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
                [_("Aktör"), _("NPV medel"), "NPV 5 %", "NPV 95 %", "P(NPV > 0)"],
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
        (_("Årskull"), number(c.cohort_size)),
        (_("I varaktigt utanförskap"), number(c.excluded, 2)),
        (_("Andel"), percent(c.share)),
        (_("År"), number(c.years)),
        (_("Kostnad per år och person"), sek(c.annual_cost)),
        (_("Kostnad per person"), sek(c.per_person)),
        (_("Total kostnad"), sek(c.total_cost)),
    ]
    if c.present_value is not None:
        rows.append((_("Nuvärde (%(rate)s)") % {"rate": percent(c.discount_rate)}, sek(c.present_value)))
    parts = [_pairs(rows)]
    if c.by_actor:
        table = _table([_("Aktör"), _("Andel av kostnaden")], [[a, sek(v)] for a, v in c.by_actor.items()])
        parts += ["", table]
    return "\n".join(parts)


def equivalents(e: Equivalents) -> str:
    return "\n".join(
        [
            _("%(amount)s motsvarar") % {"amount": sek(e.amount)},
            _table(
                [_("Alternativ"), _("Styckpris"), _("Antal")],
                [
                    [(i.name_en or i.name) if english() else i.name, sek(i.unit_price), number(i.count)]
                    for i in e.items
                ],
            ),
        ]
    )


def catalogue(c: Catalogue) -> str:
    actors = _table(["Id", _("Namn"), _("Nivå")], [[a.id, a.name, a.level] for a in c.actors], align_left=3)
    items = _table(
        ["Id", _("Namn"), _("Enhet"), _("Prisår"), _("Status"), _("Säkerhet")],
        [
            [i.id, i.name, i.unit, str(i.price_year), i.status or "–", str(i.confidence or "–")]
            for i in c.cost_items
        ],
        align_left=6,
    )
    heading = _("Katalog %(version)s") % {"version": c.version}
    return f"{heading}\n\n{_('Aktörer')}\n{actors}\n\n{_('Kostnadsposter')}\n{items}"
