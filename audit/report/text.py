"""Human output for `antipersona check`: verdict, score bars, each phrase highlighted in its
sentence with the persona and cue group it pulls toward, and what to write instead.

Built with rich ``Text`` objects (styles applied to spans), never markup strings, so copy that
contains brackets or markup prints as it is. Sentences, suggestions and tone notes are wrapped
to the terminal's width under their own indent (a terminal's own wrap would break words and
run back to column 0); tone metrics are named in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from ..analyze.tonenames import plain_metric, tone_evidence_line
from ..models import NOTE_KINDS, printed_note
from ..termsafe import safe_tree
from .unread import why
from .warned import render_warnings
from .words import plural

_LABEL_STYLE = {
    "on-target": "bold green",
    "wrong-audience": "bold red",
    "mixed": "bold yellow",
    "risk": "bold magenta",
    "neutral": "bold white",
}
_BAR = 20


#: Cues listed under one sentence before "… N more" (a run-on page can hold thousands).
_CUES_PER_SENTENCE = 10
#: Why a cue counts little or nothing here (the evidence's ``context``), as the report says it.
_CONTEXT_NOTES = {
    "informational": "in a sentence that informs: counts a tenth",
    "documentation": "on a page that documents the feature: counts a tenth",
    "policy": "on a legal or policy page: counts a tenth",
    "release-notes": "in release notes: counts a tenth",
    "explainer": "on a page that explains a term: counts a tenth",
    "quoted": "quoted, not used: not counted",
    "template": "a template's placeholder, filled in when sent: not counted",
}


def _bar(score: float) -> str:
    full = round(score * _BAR)
    return "█" * full + "░" * (_BAR - full)


def _sentence_line(sentence: str, phrases: list[tuple[str, str]]) -> Text:
    """The sentence with each cue phrase styled in its persona's colour."""
    line = Text(sentence)
    lower = sentence.lower()
    for phrase, color in phrases:
        pos = lower.find(phrase.lower())
        if pos >= 0:
            line.stylize(f"bold underline {color}", pos, pos + len(phrase))
    return line


def _indented(console: Console, text: Text, indent: int, first: Text | None = None) -> None:
    """``text`` wrapped within the console's width, every line ``indent`` columns in; the
    first line may start with a label of that width instead. No padding is added, so piped
    output carries no trailing spaces."""
    width = max(20, console.width - indent)
    for i, line in enumerate(text.wrap(console, width, justify="default", overflow="fold")):
        line.rstrip()
        lead = first if i == 0 and first is not None else Text(" " * indent)
        console.print(Text.assemble(lead, line), soft_wrap=True)


def render_piece(console: Console, piece: Mapping[str, Any], personas: Mapping[str, Any],
                 target: str, *, verbose: bool = False) -> None:
    piece = safe_tree(piece)  # titles, file names and copy without terminal control sequences
    verdict = piece["verdict"]
    label = verdict["label"]
    head = Text()
    head.append(piece["source"], style="bold")
    head.append(f"  [{piece['channel']}]  ", style="dim")
    head.append(label.upper().replace("-", " "), style=_LABEL_STYLE.get(label, "bold"))
    if verdict.get("persona"):
        head.append(f" → {personas.get(verdict['persona'], {}).get('name', verdict['persona'])}")
    head.append(f"   {piece['words']} words", style="dim")
    console.print(head)
    if piece.get("needs_render"):
        console.print(Text("  " + why(piece), style="bold yellow"))
    if verdict.get("reason"):
        _indented(console, Text(verdict["reason"], style="italic"), 2)
    for pid, score in sorted(piece["scores"].items(), key=lambda kv: -kv[1]):
        p = personas.get(pid, {})
        row = Text("  ")
        row.append(f"{p.get('name', pid)[:28]:<28} ", style="bold" if pid == target else "")
        row.append(_bar(score), style=p.get("color", "white"))
        row.append(f" {score:.2f}")
        console.print(row)
    if verdict.get("clashes"):
        _indented(console, Text("clashing phrases: " + ", ".join(f'"{c}"' for c in verdict["clashes"]),
                                style="yellow"), 2)
    by_sentence: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for ev in piece["evidence"]:
        if ev.get("kind") in NOTE_KINDS:
            continue
        by_sentence.setdefault((ev["section"], ev.get("sentence") or ev["text"]), []).append(ev)
    advised: set[tuple[str, str]] = set()  # groups whose suggestions were shown already
    for shown, ((section, sentence), evs) in enumerate(by_sentence.items()):
        if not verbose and shown >= 12:
            more = len(by_sentence) - shown
            console.print(Text(f"  … {plural(more, 'more sentence')} with cues "
                               "(--verbose shows all)", style="dim"))
            break
        phrases = [(e["text"], personas.get(e["persona"], {}).get("color", "white")) for e in evs]
        _indented(console, _sentence_line(sentence[:400], phrases), 14,
                  first=Text(f"  {section:>9} │ ", style="dim"))
        for shown_cues, ev in enumerate(evs):
            if not verbose and shown_cues == _CUES_PER_SENTENCE:
                more = len(evs) - shown_cues
                _indented(console, Text(f"… {plural(more, 'more cue')} in this "
                                        "sentence (--verbose shows all)", style="dim"), 12)
                break
            p = personas.get(ev["persona"], {})
            detail = Text()
            detail.append(f"“{ev['text']}”", style=p.get("color", "white"))
            tip = None
            if ev.get("negated"):
                owner = ev.get("counts_for")
                detail.append("  negated", style="green")
                detail.append(f" (counts for {personas.get(owner, {}).get('name', owner)})"
                              if owner else " (not counted)", style="dim")
            else:
                detail.append(f"  → {p.get('name', ev['persona'])} / {ev['group']}")
                group = (ev["persona"], ev["group"])
                context = _CONTEXT_NOTES.get(ev.get("context") or "")
                if context:  # the sentence or piece turned the cue down: no advice to rewrite
                    detail.append(f"  ({context})", style="dim")
                elif p.get("kind") != "persona" and ev.get("suggest") and group not in advised:
                    advised.add(group)
                    tip = Text("try: " + " · ".join(ev["suggest"][:3]), style="cyan")
            _indented(console, detail, 12)
            if tip is not None:
                _indented(console, tip, 14)
    tone = piece.get("tone", {})
    summary = Text("tone: ", style="dim")
    summary.append(", ".join(plain_metric(m, float(tone.get(m, 0))) for m in
                             ("reading_grade", "avg_sentence_words", "passive_ratio",
                              "second_person_ratio")))
    _indented(console, summary, 2)
    for ev in piece["evidence"]:
        if printed_note(ev):
            _indented(console, Text(tone_evidence_line(ev, tone), style="dim"), 8)
    console.print()


def render_text(report: Mapping[str, Any], console: Console, *, verbose: bool = False) -> None:
    personas = {p["id"]: p for p in safe_tree(report["run"]["personas"])}
    target = report["run"]["target"]
    for piece in report["pieces"]:
        render_piece(console, piece, personas, target, verbose=verbose)
    pieces: Sequence[Mapping[str, Any]] = report["pieces"]
    if len(pieces) > 1:
        counts: dict[str, int] = {}
        for p in pieces:
            counts[p["verdict"]["label"]] = counts.get(p["verdict"]["label"], 0) + 1
        line = Text(f"{plural(len(pieces), 'piece')}: ", style="bold")
        line.append(", ".join(f"{n} {label}" for label, n in sorted(counts.items())))
        console.print(line)
    render_warnings(report.get("warnings") or (), console)


