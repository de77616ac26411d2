"""Copy with every cue highlighted in its persona's colour, as HTML that is safe to show.

Page text comes from the open web, so it is untrusted. The only HTML in the output is built
here: every slice of text, every tooltip and every attribute value goes through
:func:`html.escape`, and colours come only from a pack's validated ``#rrggbb`` value (anything
else falls back to grey). A page that holds ``<script>`` therefore shows the word, never runs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from typing import Any

from ..models import DEFAULT_PACK_COLOR

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
#: Longest text shown in one block; a giant page is cut here so the browser stays quick.
MAX_SHOWN_CHARS = 60_000
KIND_LABELS = {"persona": "target", "anti-persona": "anti-persona", "risk": "risk"}


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&\"'=^])")


def md_escape(text: Any) -> str:
    """Untrusted text for a Streamlit call that renders Markdown (st.markdown, st.error,
    st.subheader, st.table cells...): every punctuation mark that could start Markdown, an
    HTML tag, a colour directive, an emoji code or LaTeX is backslash-escaped, and line breaks
    become spaces, so the text shows exactly as written."""
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def safe_color(value: Any) -> str:
    """A ``#rrggbb`` colour, or grey: nothing else ever reaches a style attribute."""
    return value.lower() if isinstance(value, str) and COLOR_RE.match(value) else DEFAULT_PACK_COLOR


def tint(color: str, alpha: str = "33") -> str:
    """The colour with a hex alpha channel, for a light background behind the text."""
    return safe_color(color) + alpha


@dataclass(frozen=True, slots=True)
class Swatch:
    """How one persona is drawn: its name, kind and colour."""

    id: str
    name: str
    kind: str
    color: str


def _field(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, Mapping) else getattr(obj, key, None)


def palette(personas: Iterable[Any]) -> dict[str, Swatch]:
    """Swatches from Persona objects or report-header dicts (``run.personas``)."""
    out: dict[str, Swatch] = {}
    for p in personas:
        pid = str(_field(p, "id") or "")
        out[pid] = Swatch(pid, str(_field(p, "name") or pid), str(_field(p, "kind") or ""),
                          safe_color(_field(p, "color")))
    return out


def swatch(swatches: Mapping[str, Swatch], pid: str | None) -> Swatch:
    if pid and pid in swatches:
        return swatches[pid]
    return Swatch(pid or "", pid or "unknown", "", DEFAULT_PACK_COLOR)


@dataclass(frozen=True, slots=True)
class Mark:
    """One cue's span in the shown text, with what the tooltip says about it."""

    start: int
    end: int
    persona: str
    group: str
    weight: float = 0.0
    negated: bool = False
    counts_for: str | None = None
    suggest: tuple[str, ...] = ()
    note: str = ""


def marks_from_evidence(evidence: Iterable[Mapping[str, Any]], *, start: int = 0,
                        end: int | None = None) -> list[Mark]:
    """Cue evidence whose span lies in ``[start, end)`` of ``piece.text`` (tone evidence has no
    span and is left out), shifted so offsets are relative to ``start``."""
    out = []
    for ev in evidence:
        s, e = ev.get("start", -1), ev.get("end", -1)
        if ev.get("kind", "cue") != "cue" or not isinstance(s, int) or not isinstance(e, int):
            continue
        if s < start or e <= s or (end is not None and e > end):
            continue
        out.append(Mark(s - start, e - start, str(ev.get("persona", "")), str(ev.get("group", "")),
                        float(ev.get("weight") or 0.0), bool(ev.get("negated")),
                        ev.get("counts_for"), tuple(str(x) for x in ev.get("suggest") or ()),
                        str(ev.get("note") or "")))
    return out


def mark_title(mark: Mark, swatches: Mapping[str, Swatch]) -> str:
    """Plain-text tooltip: persona / cue group, negation, and what to write instead."""
    who = swatch(swatches, mark.persona)
    line = f"{who.name} · {mark.group}"
    if mark.negated:
        owner = swatch(swatches, mark.counts_for).name if mark.counts_for else None
        line += f" (negated: counts for {owner})" if owner else " (negated: not counted)"
    elif mark.suggest and who.kind != "persona":
        line += " — try: " + "; ".join(mark.suggest[:3])
    return line


def _primary(active: Sequence[Mark]) -> Mark:
    """Where cues overlap, the strongest counted one sets the colour."""
    return max(active, key=lambda m: (not m.negated, m.weight, m.end - m.start))


def _mark_tag(segment: str, active: Sequence[Mark], swatches: Mapping[str, Swatch]) -> str:
    top = _primary(active)
    color = safe_color(swatch(swatches, top.persona).color)
    if top.negated:
        style = f"background:transparent;border-bottom:2px dashed {color};"
    else:
        style = f"background:{tint(color)};border-bottom:2px solid {color};"
    style += "padding:0 1px;border-radius:2px;color:inherit;"
    title = "\n".join(dict.fromkeys(mark_title(m, swatches) for m in active))
    return (f'<mark class="ap-cue" data-persona="{escape(top.persona)}" '
            f'data-group="{escape(top.group)}" style="{style}" title="{escape(title)}">'
            f"{escape(segment)}</mark>")


def highlight_html(text: str, marks: Sequence[Mark], swatches: Mapping[str, Swatch], *,
                   limit: int = MAX_SHOWN_CHARS) -> str:
    """``text`` escaped, with each marked span wrapped in a coloured ``<mark>``. Overlapping
    cues split the text at every boundary, so no tag is ever left open."""
    shown = text[:limit]
    spans = [m for m in marks if 0 <= m.start < m.end and m.start < len(shown)]
    cuts = sorted({0, len(shown), *(m.start for m in spans), *(min(m.end, len(shown)) for m in spans)})
    parts: list[str] = []
    for a, b in pairwise(cuts):
        segment = shown[a:b]
        active = [m for m in spans if m.start <= a and b <= m.end]
        parts.append(_mark_tag(segment, active, swatches) if active else escape(segment))
    if len(text) > limit:
        parts.append(f'<span class="ap-cut"> … ({len(text) - limit:,} more characters not shown)</span>')
    return "".join(parts)


_BLOCK_STYLE = ("white-space:pre-wrap;line-height:1.75;font-size:0.98rem;overflow-wrap:anywhere;"
                "padding:0.75rem 1rem;border:1px solid #e2e8f0;border-radius:8px;background:#ffffff;"
                "color:#0f172a;")


def text_block(text: str, evidence: Iterable[Mapping[str, Any]], swatches: Mapping[str, Swatch],
               *, base: int = 0) -> str:
    """A bordered block of text with its cues highlighted; ``base`` is the text's offset in
    ``piece.text``."""
    marks = marks_from_evidence(evidence, start=base, end=base + len(text))
    return f'<div class="ap-draft" style="{_BLOCK_STYLE}">{highlight_html(text, marks, swatches)}</div>'


def sections_html(sections: Sequence[Mapping[str, Any]], evidence: Sequence[Mapping[str, Any]],
                  swatches: Mapping[str, Swatch], *, separator: str = "\n\n",
                  limit: int = MAX_SHOWN_CHARS) -> str:
    """A stored piece's sections, each labelled with its role (headline, body, cta...), with
    evidence offsets into the joined text mapped back onto each section."""
    out = [f'<div class="ap-draft" style="{_BLOCK_STYLE}">']
    offset = 0
    budget = limit
    for sec in sections:
        text = str(sec.get("text", ""))
        role = str(sec.get("role", ""))
        marks = marks_from_evidence(evidence, start=offset, end=offset + len(text))
        out.append('<div class="ap-section" style="margin:0 0 0.6rem 0;">'
                   '<span class="ap-role" style="font-size:0.7rem;letter-spacing:0.05em;'
                   'text-transform:uppercase;color:#64748b;margin-right:0.5rem;">'
                   f"{escape(role)}</span>{highlight_html(text, marks, swatches, limit=max(budget, 0))}"
                   "</div>")
        budget -= len(text)
        offset += len(text) + len(separator)
        if budget <= 0:
            out.append('<div class="ap-cut" style="color:#64748b;">… the rest of the page is not '
                       "shown</div>")
            break
    out.append("</div>")
    return "".join(out)


def legend_html(swatches: Mapping[str, Swatch], used: Iterable[str] | None = None) -> str:
    """Coloured chips naming each persona (only those in ``used`` when given)."""
    keep = set(used) if used is not None else None
    chips = []
    for sw in swatches.values():
        if keep is not None and sw.id not in keep:
            continue
        kind = KIND_LABELS.get(sw.kind, sw.kind)
        color = safe_color(sw.color)
        chips.append(
            f'<span class="ap-chip" data-persona="{escape(sw.id)}" style="display:inline-block;'
            f"margin:0 0.5rem 0.3rem 0;padding:0.1rem 0.55rem;border-radius:999px;"
            f'background:{tint(color)};border:1px solid {color};font-size:0.85rem;">'
            f"{escape(sw.name)} <span style=\"color:#475569;\">({escape(kind)})</span></span>")
    return '<div class="ap-legend">' + "".join(chips) + "</div>" if chips else ""


def rewrites_html(items: Sequence[Any], swatches: Mapping[str, Swatch], limit: int = 12) -> str:
    """Cards for :class:`audit.ui.explain.Rewrite` items: the persona and cue group in their
    colour, the phrases that fired it, why it matters and what to write instead."""
    cards = []
    for rw in items[:limit]:
        sw = swatch(swatches, rw.persona)
        color = safe_color(sw.color)
        phrases = ", ".join(f"“{escape(p)}”" for p in rw.phrases[:6])
        tries = "".join(f"<li>{escape(s)}</li>" for s in rw.suggest[:4])
        note = f'<div style="color:#475569;font-size:0.88rem;margin-top:0.2rem;">{escape(rw.note)}</div>' \
            if rw.note else ""
        cards.append(
            f'<div class="ap-rewrite" data-persona="{escape(sw.id)}" style="border-left:4px solid '
            f'{color};padding:0.4rem 0.8rem;background:{tint(color, "0f")};'
            'border-radius:0 6px 6px 0;">'
            f'<div style="font-weight:600;">{escape(sw.name)} · {escape(rw.group)}</div>'
            f'<div style="font-size:0.92rem;">You wrote: {phrases}</div>{note}'
            + (f'<div style="font-size:0.92rem;margin-top:0.3rem;">Try instead:<ul style="margin:0.1rem 0 0 '
               f'1.1rem;padding:0;">{tries}</ul></div>' if tries else "")
            + "</div>")
    if not cards:
        return ""
    return ('<div class="ap-rewrites" style="display:grid;grid-template-columns:repeat(auto-fill,'
            'minmax(340px,1fr));gap:0.7rem;">' + "".join(cards) + "</div>")
