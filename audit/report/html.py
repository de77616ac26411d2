"""One standalone, offline HTML file for sharing a run with a manager.

No external requests: CSS is inline, there are no fonts, images or CDNs, and the only script
(sorting and filtering the pieces table) is inline and allowed by its SHA-256 hash in a strict
Content-Security-Policy, so even a mistake in escaping could not run injected script.

Page text is hostile by default: every title, URL, sentence and phrase goes through
``html.escape(..., quote=True)``. Highlights are built from escaped slices of the sentence
around the phrase positions, never by inserting markup into raw text. Colours come from the
packs but are checked against ``#rrggbb`` before they reach a style attribute.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from .. import __version__
from ..analyze.tonenames import group_phrase, tone_evidence_line
from ..models import DEFAULT_PACK_COLOR, VERDICT_COLORS, VERDICT_LABELS, VERDICT_NAMES, printed_note
from ..score.ranking import top_cue_phrases, worst_score
from .unread import unread_html
from .words import plural

WORST_SHOWN = 15
SENTENCES_SHOWN = 4
FIXES_SHOWN = 4
TABLE_ROWS = 2000
LIST_SHOWN = 100
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def e(value: Any) -> str:
    """Escape anything for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def color_of(value: Any) -> str:
    return value if isinstance(value, str) and _HEX.match(value) else DEFAULT_PACK_COLOR


def _rgb(color: str) -> tuple[int, int, int]:
    c = color_of(color)
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def tint(color: str, alpha: float) -> str:
    r, g, b = _rgb(color)
    return f"rgba({r},{g},{b},{max(0.0, min(alpha, 1.0)):.3f})"


def pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


# ------------------------------------------------------------------------------ highlight

def highlight(sentence: str, phrases: Sequence[tuple[str, str, str]]) -> str:
    """The sentence, escaped, with each (phrase, colour, label) marked where it occurs.

    Positions are found on the raw sentence; the output is built only from escaped slices,
    so text between and inside marks can never become markup."""
    lower = sentence.lower()
    spans: list[tuple[int, int, str, str]] = []
    for phrase, color, label in phrases:
        needle = phrase.lower().strip()
        if not needle:
            continue
        pos = lower.find(needle)
        while pos >= 0 and any(pos < s_end and pos + len(needle) > s for s, s_end, _, _ in spans):
            pos = lower.find(needle, pos + 1)
        if pos >= 0:
            spans.append((pos, pos + len(needle), color, label))
    spans.sort()
    out: list[str] = []
    at = 0
    for start, end, color, label in spans:
        out.append(e(sentence[at:start]))
        out.append(f'<mark style="background:{tint(color, 0.16)};border-color:{color_of(color)}" '
                   f'title="{e(label)}">{e(sentence[start:end])}</mark>')
        at = end
    out.append(e(sentence[at:]))
    return "".join(out)


# ------------------------------------------------------------------------------ the parts

class _Ctx:
    """What every part needs: packs by id, target, kinds."""

    def __init__(self, report: Mapping[str, Any]) -> None:
        self.report = report
        self.run = report.get("run", {})
        self.personas: dict[str, Mapping[str, Any]] = {p["id"]: p
                                                       for p in self.run.get("personas", [])}
        self.target = self.run.get("target", "")
        self.kinds = {pid: p.get("kind", "") for pid, p in self.personas.items()}
        ids = list(self.personas)
        self.order = ([self.target] if self.target in self.personas else []) + \
            [pid for pid in ids if pid != self.target]

    def name(self, pid: str | None) -> str:
        return str(self.personas.get(pid or "", {}).get("name", pid or ""))

    def color(self, pid: str | None) -> str:
        return color_of(self.personas.get(pid or "", {}).get("color"))

    def worst(self, piece: Mapping[str, Any]) -> float:
        return worst_score(piece.get("scores", {}), self.target, self.kinds)


def _badge(label: str) -> str:
    color = VERDICT_COLORS.get(label, DEFAULT_PACK_COLOR)
    return (f'<span class="badge" style="background:{tint(color, 0.12)};color:{color};'
            f'border-color:{tint(color, 0.35)}">{e(VERDICT_NAMES.get(label, label))}</span>')


def _chip(ctx: _Ctx, pid: str | None) -> str:
    if not pid:
        return ""
    color = ctx.color(pid)
    return (f'<span class="chip"><i style="background:{color}"></i>{e(ctx.name(pid))}</span>')


def _source_link(source: str) -> str:
    """Only http(s) sources become links (a javascript: URL stays text)."""
    try:
        scheme = urlsplit(source).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme in ("http", "https"):
        return (f'<a href="{e(source)}" rel="noopener noreferrer nofollow">'
                f'{e(source)}</a>')
    return e(source)


def _header(ctx: _Ctx) -> str:
    run = ctx.run
    title = run.get("name") or f"Run {run.get('id', '')}"
    facts = [("Run", run.get("id")), ("Created", run.get("created")),
             ("Target", ctx.name(ctx.target)), ("Profile", run.get("profile")),
             ("Model", run.get("model")), ("Status", run.get("status"))]
    if run.get("sources"):
        facts.append(("Sources", f"{len(run['sources'])} listed"))
    meta = "".join(f"<span><b>{e(k)}</b> {e(v)}</span>" for k, v in facts if v)
    return (f'<header><div class="kicker">antipersona audit</div><h1>{e(title)}</h1>'
            f'<div class="meta">{meta}</div></header>')


def _worst_channel(channels: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    bad = [c for c in channels if c.get("wrong_audience")]
    if not bad:
        return None
    return max(bad, key=lambda c: (c["wrong_audience"] / max(c["pieces"], 1), c["pieces"]))


def _figures(ctx: _Ctx) -> str:
    pieces = ctx.report.get("pieces", [])
    n = len(pieces)
    counts = {label: sum(1 for p in pieces if p["verdict"]["label"] == label)
              for label in VERDICT_LABELS}
    errors = ctx.report.get("errors") or []
    worst = _worst_channel(ctx.report.get("channels", []))
    worst_text = "none" if worst is None else str(worst["channel"])
    worst_note = ("no channel draws the wrong audience" if worst is None else
                  f"{pct(worst['wrong_audience'] / max(worst['pieces'], 1))} wrong audience "
                  f"({worst['wrong_audience']} of {worst['pieces']})")
    cards = [
        ("Pieces audited", str(n), f"{len(errors)} not audited" if errors else "all sources read",
         ""),
        ("Wrong audience", pct(counts["wrong-audience"] / n) if n else "—",
         f"{plural(counts['wrong-audience'], 'piece')} lead with an anti-persona", "bad"),
        ("On target", pct(counts["on-target"] / n) if n else "—",
         f"{plural(counts['on-target'], 'piece')} speak to {ctx.name(ctx.target)}", "good"),
        ("Risk flags", str(counts["risk"]), f"{plural(counts['mixed'], 'mixed signal')}", "warn"),
        ("Worst channel", worst_text, worst_note, "bad" if worst else ""),
    ]
    html_cards = "".join(
        f'<div class="fig {cls}"><div class="fig-label">{e(label)}</div>'
        f'<div class="fig-value">{e(value)}</div><div class="fig-note">{e(note)}</div></div>'
        for label, value, note, cls in cards)
    bar = ""
    if n:
        segs = "".join(
            f'<span style="width:{counts[label] / n * 100:.2f}%;background:{VERDICT_COLORS[label]}" '
            f'title="{e(VERDICT_NAMES[label])}: {counts[label]}"></span>'
            for label in VERDICT_LABELS if counts[label])
        legend = "".join(
            f'<span><i style="background:{VERDICT_COLORS[label]}"></i>{e(VERDICT_NAMES[label])} '
            f'{counts[label]}</span>' for label in VERDICT_LABELS if counts[label])
        bar = f'<div class="mixbar">{segs}</div><div class="legend">{legend}</div>'
    return f'<section class="figures">{html_cards}</section>{bar}'


def _heatmap(ctx: _Ctx) -> str:
    channels = ctx.report.get("channels", [])
    if not channels:
        return ""
    head = "".join(
        f'<th class="num"><span class="dot" style="background:{ctx.color(pid)}"></span>'
        f'{e(ctx.name(pid))}{"<small>target</small>" if pid == ctx.target else ""}</th>'
        for pid in ctx.order)
    rows = []
    for ch in channels:
        n = ch.get("pieces", 0)
        wrong = ch.get("wrong_audience", 0) / n if n else 0.0
        cells = [f'<th scope="row">{e(ch["channel"])}</th><td class="num">{n}</td>',
                 _heat_cell(VERDICT_COLORS["wrong-audience"], wrong, f"{ch.get('wrong_audience', 0)}"
                            f" of {n} pieces lead with an anti-persona")]
        shares = ch.get("share_by_persona", {})
        for pid in ctx.order:
            share = float(shares.get(pid, 0.0))
            cells.append(_heat_cell(ctx.color(pid), share,
                                    f"{round(share * n)} of {n} pieces drawn to {ctx.name(pid)}"))
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return ('<section><h2>Through which channels</h2><p class="lede">Share of each channel\'s '
            'pieces drawn to each persona (the persona its verdict names; on-target pieces count '
            'for the target). Darker is more.</p><div class="scroll"><table class="heat">'
            f'<thead><tr><th>Channel</th><th class="num">Pieces</th><th class="num">Wrong '
            f'audience</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
            '</section>')


def _heat_cell(color: str, share: float, title: str) -> str:
    if share <= 0:
        return f'<td class="num heatcell zero" title="{e(title)}">·</td>'
    alpha = 0.12 + 0.78 * min(share, 1.0)
    fg = "#ffffff" if alpha > 0.55 else "#0f172a"
    return (f'<td class="num heatcell" style="background:{tint(color, alpha)};color:{fg}" '
            f'title="{e(title)}">{pct(share)}</td>')


def _drivers(ctx: _Ctx) -> str:
    blocks = []
    for ch in ctx.report.get("channels", []):
        drivers = ch.get("drivers") or {}
        if not any(drivers.values()):
            continue
        groups = []
        for pid, items in drivers.items():
            if not items:
                continue
            top = max(float(i.get("weight", 0)) for i in items) or 1.0
            bars = "".join(
                f'<div class="drv"><span class="drv-name">{e(group_phrase(i["group"]))}</span>'
                f'<span class="drv-bar"><span style="width:{float(i.get("weight", 0)) / top * 100:.1f}%;'
                f'background:{ctx.color(pid)}"></span></span>'
                f'<span class="drv-w">{float(i.get("weight", 0)):.1f}</span></div>' for i in items)
            groups.append(f'<div class="drv-persona">{_chip(ctx, pid)}{bars}</div>')
        blocks.append(f'<div class="drv-channel"><h3>{e(ch["channel"])}</h3>{"".join(groups)}</div>')
    if not blocks:
        return ""
    return ('<section><h2>What drives it</h2><p class="lede">Cue groups pulling each channel '
            'toward an anti-persona or risk pack, by summed evidence weight.</p>'
            f'<div class="drv-grid">{"".join(blocks)}</div></section>')


def _score_bars(ctx: _Ctx, scores: Mapping[str, float]) -> str:
    rows = []
    for pid in ctx.order + [p for p in scores if p not in ctx.order]:
        if pid not in scores:
            continue
        s = float(scores[pid])
        rows.append(f'<div class="sb"><span class="sb-name">{e(ctx.name(pid))}</span>'
                    f'<span class="sb-bar"><span style="width:{s * 100:.1f}%;'
                    f'background:{ctx.color(pid)}"></span></span>'
                    f'<span class="sb-v">{s:.2f}</span></div>')
    return f'<div class="scores">{"".join(rows)}</div>'


def _evidence_by_sentence(ctx: _Ctx, evidence: Iterable[Mapping[str, Any]]
                          ) -> list[tuple[str, str, list[Mapping[str, Any]]]]:
    """Cue evidence grouped by (section, sentence), sentences pulling away from the target first."""
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for ev in evidence:
        if ev.get("kind", "cue") != "cue":
            continue
        key = (str(ev.get("section", "")), str(ev.get("sentence") or ev.get("text", "")))
        groups.setdefault(key, []).append(ev)

    def pull(evs: list[Mapping[str, Any]]) -> float:
        return sum(float(x.get("weight", 0)) for x in evs
                   if x["persona"] != ctx.target and not x.get("negated"))

    items = sorted(groups.items(), key=lambda kv: -pull(kv[1]))
    return [(section, sentence, evs) for (section, sentence), evs in items]


def _cue_line(ctx: _Ctx, ev: Mapping[str, Any]) -> str:
    """One cue under its sentence: phrase -> persona / group (negated cues say so)."""
    pid = ev["persona"]
    color = ctx.color(pid)
    phrase = f'<span class="ph" style="border-color:{color}">{e(ev.get("text", ""))}</span>'
    if ev.get("negated"):
        owner = ev.get("counts_for")
        where = f"counts for {e(ctx.name(owner))}" if owner else "not counted"
        return (f'<li class="negated">{phrase} negated — {where} '
                f'<span class="group">({e(ctx.name(pid))} / {e(ev.get("group", ""))})</span></li>')
    return (f'<li>{phrase} <span class="arrow">→</span> <b style="color:{color}">'
            f'{e(ctx.name(pid))}</b> <span class="group">{e(ev.get("group", ""))}</span></li>')


def _fixes(ctx: _Ctx, evidence: Sequence[Mapping[str, Any]]) -> str:
    """What to write instead: once per anti-persona / risk cue group that fired."""
    seen: dict[tuple[str, str], Mapping[str, Any]] = {}
    phrases: dict[tuple[str, str], list[str]] = {}
    for ev in evidence:
        pid = ev["persona"]
        if ev.get("kind", "cue") != "cue" or ev.get("negated") or ctx.kinds.get(pid) == "persona" \
                or pid == ctx.target:
            continue
        key = (pid, str(ev.get("group", "")))
        seen.setdefault(key, ev)
        found = phrases.setdefault(key, [])
        if str(ev.get("text", "")).lower() not in (f.lower() for f in found):
            found.append(str(ev.get("text", "")))
    if not seen:
        return ""
    weight = {k: sum(float(x.get("weight", 0)) for x in evidence if not x.get("negated")
                     and (x["persona"], str(x.get("group", ""))) == k) for k in seen}
    items = []
    for (pid, group), ev in sorted(seen.items(), key=lambda kv: -weight[kv[0]])[:FIXES_SHOWN]:
        tries = "".join(f"<li>{e(t)}</li>" for t in list(ev.get("suggest") or [])[:3])
        said = ", ".join(f"“{e(t)}”" for t in phrases[(pid, group)][:4])
        items.append(f'<div class="fix" style="border-color:{ctx.color(pid)}"><div class="fix-head">'
                     f'<b>{e(group)}</b> <span class="muted">{e(ctx.name(pid))} · {said}</span></div>'
                     + (f'<div class="note">{e(ev.get("note"))}</div>' if ev.get("note") else "")
                     + (f'<ul class="tries">{tries}</ul>' if tries else "") + "</div>")
    return (f'<div class="fixes"><h4>What to write instead</h4><div class="fix-grid">'
            f'{"".join(items)}</div></div>')


def _piece_card(ctx: _Ctx, piece: Mapping[str, Any], rank: int) -> str:
    verdict = piece.get("verdict", {})
    label = verdict.get("label", "neutral")
    title = piece.get("title") or piece.get("source", "")
    head = (f'<div class="piece-head"><span class="rank">{rank}</span>{_badge(label)}'
            f'{_chip(ctx, verdict.get("persona"))}<span class="muted">{e(piece.get("channel", ""))}'
            f' · {int(piece.get("words") or 0)} words · worst score {ctx.worst(piece):.2f}</span></div>')
    body = [head, f'<h3>{e(title)}</h3>', f'<div class="src">{_source_link(piece.get("source", ""))}</div>',
            '<div class="piece-grid">', _score_bars(ctx, piece.get("scores", {})), '<div>']
    if verdict.get("reason"):
        body.append(f'<p class="reason">{e(verdict["reason"])}</p>')
    sentences = _evidence_by_sentence(ctx, piece.get("evidence", []))
    if sentences:
        body.append('<ol class="sentences">')
        for section, sentence, evs in sentences[:SENTENCES_SHOWN]:
            phrases = [(str(x.get("text", "")), ctx.color(x["persona"]),
                        f"{ctx.name(x['persona'])} / {x.get('group', '')}") for x in evs]
            cues = "".join(_cue_line(ctx, x) for x in evs)
            body.append(f'<li><span class="role">{e(section)}</span>'
                        f'<blockquote>{highlight(sentence[:600], phrases)}</blockquote>'
                        f'<ul class="cues">{cues}</ul></li>')
        body.append("</ol>")
        if len(sentences) > SENTENCES_SHOWN:
            body.append(f'<p class="muted">… {len(sentences) - SENTENCES_SHOWN} more sentences '
                        'with cues</p>')
    body.append(_fixes(ctx, piece.get("evidence", [])))
    tone_notes = [ev for ev in piece.get("evidence", []) if printed_note(ev)]
    if tone_notes:
        notes = "".join(f"<li>{e(tone_evidence_line(ev, piece.get('tone') or {}))}</li>"
                        for ev in tone_notes)
        body.append(f'<ul class="tone">{notes}</ul>')
    body.append("</div></div>")
    edge = VERDICT_COLORS.get(label, DEFAULT_PACK_COLOR)
    return f'<article class="piece" style="border-left-color:{edge}">{"".join(body)}</article>'


def _worst_section(ctx: _Ctx) -> str:
    candidates = [p for p in ctx.report.get("pieces", [])
                  if p["verdict"]["label"] not in ("on-target", "neutral") or ctx.worst(p) > 0]
    candidates.sort(key=lambda p: (p["verdict"]["label"] in ("on-target", "neutral"),
                                   -ctx.worst(p)))
    if not candidates:
        return ('<section><h2>Worst pieces</h2><p class="good-note">No piece draws an '
                'anti-persona or trips a risk pack.</p></section>')
    cards = "".join(_piece_card(ctx, p, i) for i, p in enumerate(candidates[:WORST_SHOWN], 1))
    more = (f'<p class="muted">{len(candidates) - WORST_SHOWN} more pieces with anti-persona '
            'cues are in the table below.</p>' if len(candidates) > WORST_SHOWN else "")
    return (f'<section><h2>Worst pieces</h2><p class="lede">Highest anti-persona or risk score '
            f'first, with the phrases that pull and what to write instead.</p>{cards}{more}</section>')


def _all_pieces(ctx: _Ctx) -> str:
    pieces = sorted(ctx.report.get("pieces", []), key=lambda p: -ctx.worst(p))
    if not pieces:
        return ""
    shown = pieces[:TABLE_ROWS]
    head = ['<th data-type="text"><button type="button">Piece</button></th>',
            '<th data-type="text"><button type="button">Channel</button></th>',
            '<th data-type="text"><button type="button">Verdict</button></th>']
    head += [f'<th data-type="num" class="num"><button type="button">{e(ctx.name(pid))}'
             f'</button></th>' for pid in ctx.order]
    head.append('<th data-type="text"><button type="button">Top cues</button></th>')
    rows = []
    for p in shown:
        label = p["verdict"]["label"]
        scores = p.get("scores", {})
        cells = [f'<td><div class="cell-title">{e(p.get("title") or p.get("source"))}</div>'
                 f'<div class="cell-src">{e(p.get("source"))}</div></td>',
                 f'<td>{e(p.get("channel", ""))}</td>',
                 f'<td data-v="{e(label)}">{_badge(label)}</td>']
        for pid in ctx.order:
            s = float(scores.get(pid, 0.0))
            style = f' style="background:{tint(ctx.color(pid), 0.06 + 0.3 * s)}"' if s > 0 else ""
            cells.append(f'<td class="num" data-v="{s:.4f}"{style}>{s:.2f}</td>')
        cues = ", ".join(top_cue_phrases(p, ctx.target))
        cells.append(f'<td class="cues-cell">{e(cues)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note = (f'<p class="muted">Showing the {TABLE_ROWS} pieces with the highest anti-persona '
            f'scores of {len(pieces)}; export CSV for all.</p>' if len(pieces) > TABLE_ROWS else "")
    return ('<section class="all"><h2>All pieces</h2><div class="tools noprint">'
            '<input id="ap-filter" type="search" placeholder="Filter by text, channel or verdict"'
            ' aria-label="Filter pieces"><span class="muted">Click a column to sort.</span></div>'
            f'<div class="scroll"><table id="ap-pieces" class="data"><thead><tr>{"".join(head)}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>{note}</section>')


def _errors(ctx: _Ctx) -> str:
    errors = ctx.report.get("errors") or []
    return _source_list("Not audited", "", ("Kind", "Why"), [
        (x.get("source"), x.get("kind", "failed"), x.get("error")) for x in errors])


def _warnings(ctx: _Ctx) -> str:
    """Pieces analysed with a warning: apart from the sources not audited, since they were."""
    warnings = ctx.report.get("warnings") or []
    return _source_list("Audited with a warning", "These pieces were analysed, but part of them "
                        "may not have been read.", ("Warning",),
                        [(x.get("source"), x.get("warning")) for x in warnings])


def _source_list(title: str, lede: str, columns: Sequence[str],
                 rows: Sequence[Sequence[Any]]) -> str:
    """A section listing sources (the first cell of each row), the first LIST_SHOWN of them;
    "" when there are none."""
    if not rows:
        return ""
    cells = "".join('<tr><td class="cell-src">' + "</td><td>".join(e(c) for c in row) + "</td></tr>"
                    for row in rows[:LIST_SHOWN])
    more = (f'<p class="muted">… {len(rows) - LIST_SHOWN} more in the JSON report.</p>'
            if len(rows) > LIST_SHOWN else "")
    head = "".join(f"<th>{e(c)}</th>" for c in ("Source", *columns))
    return (f'<section><h2>{e(title)} ({len(rows)})</h2>'
            + (f'<p class="lede">{e(lede)}</p>' if lede else "")
            + f'<div class="scroll"><table class="data"><thead><tr>{head}</tr></thead><tbody>'
            f'{cells}</tbody></table></div>{more}</section>')


def _diff_section(ctx: _Ctx, diff: Mapping[str, Any]) -> str:
    s = diff.get("summary", {})
    old = diff.get("old", {})
    title = old.get("name") or old.get("id", "")
    delta = None
    if s.get("old_wrong_audience_share") is not None and s.get("new_wrong_audience_share") is not None:
        delta = s["new_wrong_audience_share"] - s["old_wrong_audience_share"]
    facts = [("Wrong audience", f"{pct(s.get('old_wrong_audience_share'))} → "
                                f"{pct(s.get('new_wrong_audience_share'))}", _delta_class(delta)),
             ("Worse", str(s.get("worse", 0)), "bad" if s.get("worse") else ""),
             ("Better", str(s.get("better", 0)), "good" if s.get("better") else ""),
             ("New verdicts", str(s.get("verdict_changed", 0)), ""),
             ("Added / gone", f"{s.get('added', 0)} / {s.get('gone', 0)}", "")]
    cards = "".join(f'<div class="fig {cls}"><div class="fig-label">{e(k)}</div>'
                    f'<div class="fig-value">{e(v)}</div></div>' for k, v, cls in facts)
    ch_rows = "".join(
        f'<tr><th scope="row">{e(c["channel"])}</th>'
        f'<td class="num">{pct(c.get("old_share"))} '
        f'<span class="muted">of {c.get("old_pieces", 0)}</span></td>'
        f'<td class="num">{pct(c.get("new_share"))} '
        f'<span class="muted">of {c.get("new_pieces", 0)}</span></td>'
        f'<td class="num {_delta_class(c.get("delta"))}">{_delta_pts(c.get("delta"))}</td></tr>'
        for c in diff.get("channels", []))
    parts = [f'<section class="diff"><h2>Since {e(title)}</h2><p class="lede">Pieces matched by '
             f'source; listed when the verdict changed or a score moved by at least '
             f'{float(diff.get("threshold", 0.1)):.2f}.</p><div class="figures">{cards}</div>',
             '<h3>Wrong-audience share by channel</h3><table class="data"><thead><tr><th>Channel'
             '</th><th class="num">Before</th><th class="num">Now</th><th class="num">Change</th>'
             f'</tr></thead><tbody>{ch_rows}</tbody></table>']
    changed = diff.get("changed", [])
    if changed:
        rows = []
        for c in changed[:LIST_SHOWN]:
            ov, nv = c.get("old_verdict", {}), c.get("new_verdict", {})
            verdict = _badge(str(ov.get("label")))
            if c.get("verdict_changed"):
                verdict += f' <span class="arrow">→</span> {_badge(str(nv.get("label")))}'
            cls = {"worse": "bad", "better": "good"}.get(str(c.get("direction")), "")
            rows.append(f'<tr><td><div class="cell-title">{e(c.get("title") or c.get("source"))}'
                        f'</div><div class="cell-src">{e(c.get("source"))}</div></td>'
                        f'<td>{verdict}</td><td class="num {cls}">{float(c.get("old_worst", 0)):.2f}'
                        f' → {float(c.get("new_worst", 0)):.2f}</td><td class="{cls}">'
                        f'{e(c.get("direction"))}</td></tr>')
        parts.append('<h3>Changed pieces</h3><div class="scroll"><table class="data"><thead><tr>'
                     '<th>Piece</th><th>Verdict</th><th class="num">Worst score</th><th>Change'
                     f'</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
    for key, label in (("added", "Added"), ("gone", "Gone")):
        items = diff.get(key, [])
        if items:
            lis = "".join(f'<li>{_badge(str(i.get("verdict")))} {e(i.get("title") or i.get("source"))}'
                          f' <span class="muted">{e(i.get("source"))}</span></li>'
                          for i in items[:LIST_SHOWN])
            parts.append(f'<h3>{label} ({len(items)})</h3><ul class="plain">{lis}</ul>')
    parts.append("</section>")
    return "".join(parts)


def _delta_class(delta: float | None) -> str:
    if delta is None or abs(delta) < 1e-9:
        return ""
    return "bad" if delta > 0 else "good"


def _delta_pts(delta: float | None) -> str:
    if delta is None:
        return '<span class="muted">new</span>'
    return "±0" if abs(delta) < 1e-9 else f"{delta * 100:+.0f} pts"


# ------------------------------------------------------------------------------ page

_CSS = """
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--soft:#f8fafc;--bad:#b91c1c;--good:#15803d;
--warn:#b45309}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:#fff;color:var(--ink);font:15px/1.55 -apple-system,BlinkMacSystemFont,
"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1160px;margin:0 auto;padding:40px 40px 64px}
header{border-bottom:1px solid var(--line);padding-bottom:18px;margin-bottom:26px}
.kicker{text-transform:uppercase;letter-spacing:.12em;font-size:12px;color:var(--muted);font-weight:600}
h1{font-size:30px;line-height:1.2;margin:6px 0 10px;font-weight:700;letter-spacing:-.01em}
h2{font-size:21px;margin:42px 0 6px;letter-spacing:-.005em}
h3{font-size:16px;margin:18px 0 6px}
.meta{display:flex;flex-wrap:wrap;gap:6px 22px;color:var(--muted);font-size:13px}
.meta b{color:var(--ink);font-weight:600;margin-right:4px}
.lede{color:var(--muted);margin:0 0 14px;max-width:760px}
.muted{color:var(--muted)}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:0 0 18px}
.fig{border:1px solid var(--line);border-radius:10px;padding:14px 16px;background:var(--soft)}
.fig-label{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-weight:600}
.fig-value{font-size:28px;font-weight:700;margin:4px 0 2px;overflow-wrap:anywhere;line-height:1.2}
.fig-note{font-size:13px;color:var(--muted)}
.fig.bad .fig-value,.bad{color:var(--bad)}
.fig.good .fig-value,.good{color:var(--good)}
.fig.warn .fig-value{color:var(--warn)}
.mixbar{display:flex;height:12px;border-radius:6px;overflow:hidden;background:var(--line)}
.mixbar span{display:block;height:100%}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:13px;color:var(--muted);margin-top:8px}
.legend i,.chip i,.dot{display:inline-block;width:10px;height:10px;border-radius:3px;margin-right:6px;
vertical-align:baseline}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:8px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);
font-weight:600;border-bottom:2px solid var(--line);vertical-align:bottom}
thead th small{display:block;text-transform:none;letter-spacing:0;font-weight:500}
.num{text-align:right;font-variant-numeric:tabular-nums}
table.heat td.heatcell{text-align:center;font-weight:600;border:2px solid #fff;border-radius:4px}
table.heat td.zero{color:#cbd5e1;font-weight:400}
table.heat th[scope=row]{font-weight:600}
.drv-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:14px}
.drv-channel{border:1px solid var(--line);border-radius:10px;padding:4px 16px 12px}
.drv-persona{margin-top:8px}
.drv{display:grid;grid-template-columns:minmax(120px,1.3fr) 1fr 36px;gap:8px;align-items:center;
font-size:13px;margin:3px 0}
.drv-bar,.sb-bar{display:block;height:8px;background:var(--line);border-radius:4px;overflow:hidden}
.drv-bar span,.sb-bar span{display:block;height:100%;border-radius:4px}
.drv-w,.sb-v{text-align:right;color:var(--muted);font-variant-numeric:tabular-nums}
.chip{display:inline-flex;align-items:center;font-size:13px;font-weight:600;margin-right:8px}
.badge{display:inline-block;font-size:12px;font-weight:700;padding:1px 8px;border-radius:999px;
border:1px solid;margin-right:8px;white-space:nowrap}
.piece{border:1px solid var(--line);border-left:5px solid;border-radius:10px;padding:14px 18px;
margin:14px 0;break-inside:avoid;page-break-inside:avoid}
.piece-head{display:flex;flex-wrap:wrap;align-items:center;gap:4px;font-size:13px}
.rank{font-weight:700;color:var(--muted);margin-right:8px}
.piece h3{margin:8px 0 2px;font-size:18px;overflow-wrap:anywhere}
.src{font-size:13px;color:var(--muted);overflow-wrap:anywhere;margin-bottom:10px}
.src a{color:#1d4ed8;text-decoration:none}
.piece-grid{display:grid;grid-template-columns:260px 1fr;gap:22px}
.sb{display:grid;grid-template-columns:1fr 70px 34px;gap:6px;align-items:center;font-size:12.5px;
margin:3px 0}
.sb-name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.reason{margin:0 0 8px;font-style:italic;color:#334155}
ol.sentences{list-style:none;padding:0;margin:0}
ol.sentences>li{margin:10px 0}
.role{display:inline-block;font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);
font-weight:600}
blockquote{margin:2px 0 4px;padding:6px 12px;background:var(--soft);border-radius:6px;font-size:15px;
overflow-wrap:anywhere}
mark{color:inherit;border-bottom:2px solid;padding:0 2px;border-radius:2px}
ul.cues{list-style:none;padding:0 0 0 12px;margin:0;font-size:13px;display:flex;flex-wrap:wrap;
gap:2px 18px}
ul.cues li{margin:2px 0}
ul.cues li.negated{color:var(--good)}
.ph{border-bottom:2px solid;font-weight:600}
.group{color:var(--muted)}
.arrow{color:var(--muted)}
.note{color:var(--muted);font-size:12.5px;margin:2px 0}
.fixes{margin-top:12px;padding:10px 14px;background:#f0fdfa;border-radius:8px}
.fix-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:4px 20px}
.fixes h4{margin:0 0 6px;font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:#0f766e}
.fix{border-left:3px solid;padding:2px 0 2px 10px;margin:8px 0;font-size:13.5px}
ul.tries{margin:2px 0 0;padding-left:18px;color:#0f766e}
ul.tries li::marker{content:"→ "}
ul.tone{font-size:13px;color:#334155;margin:8px 0 0;padding-left:18px}
.tools{display:flex;gap:14px;align-items:center;margin:6px 0 10px}
.tools input{font:inherit;padding:7px 10px;border:1px solid #cbd5e1;border-radius:8px;width:340px}
table.data th button{all:unset;cursor:pointer}
table.data th[aria-sort=ascending] button::after{content:" ▲"}
table.data th[aria-sort=descending] button::after{content:" ▼"}
.cell-title{font-weight:600;overflow-wrap:anywhere}
#ap-pieces td:first-child{min-width:240px}
.cell-src{font-size:12.5px;color:var(--muted);overflow-wrap:anywhere}
.cues-cell{font-size:13px;color:#334155}
ul.plain{padding-left:18px}
ul.plain li{margin:4px 0;overflow-wrap:anywhere}
.good-note{color:var(--good);font-weight:600}
footer{margin-top:48px;padding-top:14px;border-top:1px solid var(--line);color:var(--muted);font-size:12.5px}
@media (max-width:800px){main{padding:20px}.piece-grid{grid-template-columns:1fr}}
@media print{main{padding:0;max-width:none}.noprint{display:none}h2{break-after:avoid}
body{font-size:12px}.piece{margin:10px 0}a{color:inherit}section.all tbody tr:nth-child(n+200){display:none}}
"""

_JS = """(function () {
  var table = document.getElementById("ap-pieces");
  if (!table) { return; }
  var body = table.tBodies[0];
  var input = document.getElementById("ap-filter");
  input.addEventListener("input", function () {
    var q = input.value.toLowerCase();
    Array.prototype.forEach.call(body.rows, function (row) {
      row.hidden = q !== "" && row.textContent.toLowerCase().indexOf(q) < 0;
    });
  });
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, i) {
    th.querySelector("button").addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var num = th.getAttribute("data-type") === "num";
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[i];
        var v = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent;
        return num ? parseFloat(v) || 0 : v.toLowerCase();
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();"""


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       f"script-src '{_script_hash(_JS)}'; base-uri 'none'; form-action 'none'")


def render_html(report: dict[str, Any], *, diff: dict[str, Any] | None = None) -> str:
    """The whole report as one HTML document (a string; write it with encoding utf-8)."""
    ctx = _Ctx(report)
    diff = diff if diff is not None else report.get("diff")
    title = ctx.run.get("name") or f"Run {ctx.run.get('id', '')}"
    from .html_outcomes import CSS as OUTCOME_CSS
    from .html_outcomes import diff_outcomes, heat_pair, outcomes_section

    parts = [_header(ctx), _figures(ctx), heat_pair(ctx), _drivers(ctx), outcomes_section(ctx),
             _diff_section(ctx, diff) if diff else "", diff_outcomes(diff), _worst_section(ctx),
             _all_pieces(ctx), unread_html(report), _errors(ctx), _warnings(ctx)]
    packs = ", ".join(f"{p.get('id')} {p.get('version', '')}".strip()
                      for p in ctx.run.get("personas", []))
    footer = (f'<footer>Made by antipersona {e(__version__)} · profile '
              f'{e(ctx.run.get("profile"))} · packs {e(packs)}</footer>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="referrer" content="no-referrer">'
            f"<title>{e(title)} · antipersona</title><style>{_CSS}{OUTCOME_CSS}</style></head>"
            f"<body><main>{''.join(parts)}{footer}</main><script>{_JS}</script></body></html>\n")
