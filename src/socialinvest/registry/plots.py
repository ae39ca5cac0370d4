"""Forest and funnel plots as inline SVG, drawn here: 500 studies render in milliseconds, no browser
library and no CDN.  Each plot has a text alternative (the table beside it)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from socialinvest.evaluation.meta import MetaAnalysis

Z95 = 1.959963984540054


def _scale(lo: float, hi: float, left: float, right: float) -> tuple[float, float]:
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    k = (right - left) / (hi - lo)
    return k, left - lo * k


def forest(
    labels: Sequence[str], effects: Sequence[float], ses: Sequence[float], pooled: MetaAnalysis
) -> str:
    row, top, width, label_w = 16, 24, 720, 260
    lows = [y - Z95 * s for y, s in zip(effects, ses, strict=True)]
    highs = [y + Z95 * s for y, s in zip(effects, ses, strict=True)]
    extra = [pooled.prediction_low or pooled.ci_low, pooled.prediction_high or pooled.ci_high, 0.0]
    lo, hi = min([*lows, *extra]), max([*highs, *extra])
    k, b = _scale(lo, hi, label_w + 10, width - 10)
    n = len(effects)
    height = top + (n + 3) * row
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="forest" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="forest-title">',
        '<title id="forest-title">Forest plot</title>',
        f'<line x1="{b:.1f}" y1="{top - 8}" x2="{b:.1f}" y2="{height - 4}" '
        'stroke="#888" stroke-dasharray="3 3"/>',
    ]
    total = sum(1 / (s * s) for s in ses)
    for i, (label, y, s, low, high) in enumerate(zip(labels, effects, ses, lows, highs, strict=True)):
        cy = top + i * row
        size = 2 + 6 * math.sqrt((1 / (s * s)) / total)
        out.append(f'<text x="4" y="{cy + 4}" font-size="11">{escape(label[:42])}</text>')
        out.append(
            f'<line x1="{low * k + b:.1f}" y1="{cy}" x2="{high * k + b:.1f}" y2="{cy}" stroke="#333"/>'
        )
        out.append(
            f'<rect x="{y * k + b - size / 2:.1f}" y="{cy - size / 2:.1f}" width="{size:.1f}" '
            f'height="{size:.1f}" fill="#1f4e79"/>'
        )
    cy = top + (n + 1) * row
    if pooled.prediction_low is not None and pooled.prediction_high is not None:
        pl, ph = pooled.prediction_low * k + b, pooled.prediction_high * k + b
        out.append(
            f'<line x1="{pl:.1f}" y1="{cy}" x2="{ph:.1f}" y2="{cy}" stroke="#b35900" stroke-width="2"/>'
        )
    m, cl, ch = pooled.pooled * k + b, pooled.ci_low * k + b, pooled.ci_high * k + b
    out.append(
        f'<polygon points="{cl:.1f},{cy} {m:.1f},{cy - 6} {ch:.1f},{cy} {m:.1f},{cy + 6}" fill="#b35900"/>'
    )
    out.append(f'<text x="4" y="{cy + 4}" font-size="11" font-weight="bold">RE (REML)</text>')
    for tick in _ticks(lo, hi):
        x = tick * k + b
        out.append(f'<text x="{x:.1f}" y="{height - 4}" font-size="10" text-anchor="middle">{tick:g}</text>')
    out.append("</svg>")
    return "".join(out)


def funnel(effects: Sequence[float], ses: Sequence[float], pooled: MetaAnalysis) -> str:
    width, height, pad = 420, 300, 30
    smax = max(ses) * 1.05
    mu = pooled.pooled
    lo = min(min(effects), pooled.pooled - Z95 * smax)
    hi = max(max(effects), pooled.pooled + Z95 * smax)
    kx, bx = _scale(lo, hi, pad, width - 10)
    ky, by = _scale(0.0, smax, pad - 10, height - pad)  # se grows downward
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="funnel" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="funnel-title">',
        '<title id="funnel-title">Funnel plot</title>',
        f'<polyline fill="none" stroke="#888" stroke-dasharray="3 3" points="'
        f"{(mu - Z95 * smax) * kx + bx:.1f},{smax * ky + by:.1f} {mu * kx + bx:.1f},{by:.1f} "
        f'{(mu + Z95 * smax) * kx + bx:.1f},{smax * ky + by:.1f}"/>',
        f'<line x1="{pooled.pooled * kx + bx:.1f}" y1="{by:.1f}" x2="{pooled.pooled * kx + bx:.1f}" '
        f'y2="{smax * ky + by:.1f}" stroke="#b35900"/>',
    ]
    for y, s in zip(effects, ses, strict=True):
        out.append(f'<circle cx="{y * kx + bx:.1f}" cy="{s * ky + by:.1f}" r="3" fill="#1f4e79"/>')
    out.append('<text x="4" y="14" font-size="10">SE</text>')
    for tick in _ticks(lo, hi):
        x = tick * kx + bx
        out.append(f'<text x="{x:.1f}" y="{height - 6}" font-size="10" text-anchor="middle">{tick:g}</text>')
    out.append("</svg>")
    return "".join(out)


def _ticks(lo: float, hi: float) -> list[float]:
    span = hi - lo
    step = 10 ** math.floor(math.log10(span / 4)) if span > 0 else 1
    for mult in (1, 2, 5, 10):
        if span / (step * mult) <= 6:
            step *= mult
            break
    start = math.ceil(lo / step) * step
    return [round(start + i * step, 10) for i in range(int((hi - start) / step) + 1)]
