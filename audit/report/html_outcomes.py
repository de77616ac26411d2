"""The journey and outcomes parts of the standalone HTML report: a stage x persona heat map
beside the channel one, the outcome associations (worded as association, not cause) with an
inline SVG scatter plot per strong pair, and outcome movement in a --diff.

Same rules as :mod:`audit.report.html`: no external requests or script, every text escaped,
colours checked before they reach an attribute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..outcomes.associate import interval_text, metric_phrase, scatter_points
from .html import _Ctx, _heatmap, color_of, e, pct
from .words import plural

SCATTERS_SHOWN = 6
LIST_SHOWN = 100

CSS = """
.heat-pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:0 28px}
.assoc-list{padding-left:18px}.assoc-list li{margin:4px 0}
.scatters{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:14px}
.scatter{border:1px solid var(--line);border-radius:10px;padding:8px 12px}
.scatter h3{font-size:14px;margin:4px 0}
.scatter svg{width:100%;height:auto}
.caveat{font-size:13px;color:var(--muted);max-width:820px}
"""


def heat_pair(ctx: _Ctx) -> str:
    """The channel heat map and, beside it, the same view by journey stage."""
    return f'<div class="heat-pair">{_heatmap(ctx)}{stage_heatmap(ctx)}</div>'


def stage_heatmap(ctx: _Ctx) -> str:
    stages = ctx.report.get("stages") or []
    if not stages:
        return ""
    as_channels = {**ctx.report, "channels": [{**s, "channel": s["stage"]} for s in stages]}
    section = _heatmap(_Ctx(as_channels))
    # The channel heat map's markup, relabelled for stages (our own fixed strings only).
    return (section.replace("<h2>Through which channels</h2>", "<h2>Where on the journey</h2>", 1)
            .replace("Share of each channel's pieces", "Share of each journey stage's pieces "
                     "(awareness, consideration, decision, retention)", 1)
            .replace("<th>Channel</th>", "<th>Stage</th>", 1))


def outcomes_section(ctx: _Ctx) -> str:
    outcomes = ctx.report.get("outcomes") or {}
    if not outcomes:
        return ""
    rows = outcomes.get("associations") or []
    metrics = ", ".join(f"{e(m['metric'])} ({plural(m['pages'], 'page')})"
                        for m in outcomes.get("metrics", []))
    parts = ['<section class="outcomes"><h2>What travels with each persona</h2>',
             f'<p class="lede">Imported outcomes: {metrics or "none"}.']
    if outcomes.get("min_sessions"):
        floor = f"{float(outcomes['min_sessions']):g}"
        parts.append(f' Only pages with at least {e(floor)} '
                     f'{e(outcomes.get("sessions_metric") or "sessions")} count.')
    parts.append("</p>")
    credible = [a for a in rows if a.get("credible")]
    if credible:
        parts.append('<ul class="assoc-list">' + "".join(
            f'<li><b style="color:{ctx.color(a["persona"])}">●</b> {e(a["text"])}</li>'
            for a in credible[:10]) + "</ul>")
    elif rows:
        parts.append('<p class="muted">No persona score travels clearly with any outcome.</p>')
    else:
        parts.append('<p class="muted">Too few pages with outcomes to measure (at least 8 per '
                     'metric).</p>')
    if rows:
        body = "".join(
            f'<tr{"" if a.get("credible") else " class=muted"}><td>{e(ctx.name(a["persona"]))}</td>'
            f'<td>{e(a["metric"])}</td><td class="num">{a["rho"]:+.2f}</td>'
            f'<td class="num">{e(interval_text(a["ci"]))}</td><td class="num">{a["n"]}</td>'
            f'<td class="num">{_q(a["q"])}</td></tr>'
            for a in rows[:LIST_SHOWN])
        parts.append('<div class="scroll"><table class="data"><thead><tr><th>Persona</th>'
                     '<th>Metric</th><th class="num">rho</th><th class="num">95% CI</th>'
                     f'<th class="num">Pages</th><th class="num">q</th></tr></thead><tbody>{body}'
                     '</tbody></table></div>')
    strong = [a for a in rows if a.get("strong")][:SCATTERS_SHOWN]
    if strong:
        plots = "".join(_scatter_block(ctx, a, outcomes) for a in strong)
        parts.append(f'<div class="scatters">{plots}</div>')
    parts.append('<p class="caveat">Spearman\'s rank correlation across the run\'s pages, a '
                 'seeded bootstrap 95% interval and a Benjamini-Hochberg q-value over every '
                 'persona and metric tested. These are associations, not causes: pages that '
                 'talk to one audience may also differ in product, price or traffic.</p>'
                 '</section>')
    return "".join(parts)


def _scatter_block(ctx: _Ctx, a: Mapping[str, Any], outcomes: Mapping[str, Any]) -> str:
    points = scatter_points(ctx.report.get("pieces", []), a["persona"], a["metric"], outcomes)
    title = f"{ctx.name(a['persona'])} score × {metric_phrase(a['metric'])}"
    svg = scatter_svg(points, color=ctx.color(a["persona"]),
                      x_label=f"{ctx.name(a['persona'])} score", y_label=str(a["metric"]))
    return (f'<div class="scatter"><h3>{e(title)}</h3>{svg}<div class="muted">rho '
            f'{a["rho"]:+.2f}, 95% CI {e(interval_text(a["ci"]))}, {a["n"]} pages</div></div>')


def scatter_svg(points: Sequence[Mapping[str, Any]], *, color: str, x_label: str,
                y_label: str, width: int = 340, height: int = 230) -> str:
    """An inline SVG scatter plot: score (0-1) across, the metric up, a tooltip per page."""
    left, right, top, bottom = 48, 12, 10, 36
    ys = [float(p["value"]) for p in points] or [0.0]
    lo, hi = min(ys), max(ys)
    if hi == lo:
        hi = lo + 1
    pw, ph = width - left - right, height - top - bottom

    def sx(v: float) -> float:
        return left + max(0.0, min(v, 1.0)) * pw

    def sy(v: float) -> float:
        return top + ph - (v - lo) / (hi - lo) * ph

    fill = color_of(color)
    dots = "".join(
        f'<circle cx="{sx(float(p["score"])):.1f}" cy="{sy(float(p["value"])):.1f}" r="3.5" '
        f'fill="{fill}" fill-opacity="0.7"><title>{e(p.get("title"))}: score '
        f'{float(p["score"]):.2f}, {e(y_label)} {float(p["value"]):.4g}</title></circle>'
        for p in points)
    axes = (f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#94a3b8"/>'
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#94a3b8"/>')
    ticks = "".join(f'<text x="{sx(t):.1f}" y="{top + ph + 14}" font-size="10" '
                    f'text-anchor="middle" fill="#64748b">{t:.1f}</text>' for t in (0, 0.5, 1))
    ticks += "".join(f'<text x="{left - 4}" y="{sy(v) + 3:.1f}" font-size="10" text-anchor="end" '
                     f'fill="#64748b">{v:.3g}</text>' for v in (lo, (lo + hi) / 2, hi))
    labels = (f'<text x="{left + pw / 2:.1f}" y="{height - 4}" font-size="11" text-anchor="middle" '
              f'fill="#334155">{e(x_label)}</text>'
              f'<text x="12" y="{top + ph / 2:.1f}" font-size="11" text-anchor="middle" '
              f'fill="#334155" transform="rotate(-90 12 {top + ph / 2:.1f})">{e(y_label)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{e(x_label)} against {e(y_label)}">{axes}{ticks}{labels}{dots}</svg>')


def diff_outcomes(diff: Mapping[str, Any] | None) -> str:
    """Outcome movement on pages whose verdict changed (a --diff of runs with outcomes)."""
    moves = [c for c in (diff or {}).get("changed", [])
             if c.get("verdict_changed") and c.get("outcomes")]
    if not moves:
        return ""
    rows = []
    for c in moves[:LIST_SHOWN]:
        cells = "<br>".join(
            f'{e(metric)}: {_num(m.get("old"))} → {_num(m.get("new"))}'
            + (f' <b>({m["delta"]:+.4g})</b>' if m.get("delta") is not None else "")
            for metric, m in c["outcomes"].items())
        rows.append(f'<tr><td><div class="cell-title">{e(c.get("title") or c.get("source"))}</div>'
                    f'<div class="cell-src">{e(c.get("source"))}</div></td>'
                    f'<td>{e(c["old_verdict"].get("label"))} → {e(c["new_verdict"].get("label"))}'
                    f'</td><td>{cells}</td></tr>')
    return ('<section><h3>Outcomes on pages that changed verdict</h3><div class="scroll">'
            '<table class="data"><thead><tr><th>Piece</th><th>Verdict</th><th>Metric: before → '
            f'now</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div></section>')


def _q(q: float) -> str:
    return "&lt;0.001" if q < 0.001 else f"{q:.3f}"


def _num(value: float | None) -> str:
    return "—" if value is None else e(f"{value:.4g}")


__all__ = ["CSS", "diff_outcomes", "heat_pair", "outcomes_section", "pct", "scatter_svg",
           "stage_heatmap"]
