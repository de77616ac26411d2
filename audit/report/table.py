"""Terminal view of a stored run for `antipersona report --format table`.

Answers the manager's question first — through which channels does the copy draw the wrong
audience, and which cue groups drive it — then lists the worst pieces and the errors. Readable
in an 80-column terminal: narrow columns, cells that wrap rather than cut.

Every cell is a rich ``Text`` (never a markup string): titles, URLs and cue phrases come from
crawled pages and may contain "[bold]" or worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..analyze.tonenames import group_phrase
from ..models import VERDICT_LABELS
from ..score.ranking import top_cues, worst_score
from ..termsafe import safe_tree
from .unread import render_unread
from .warned import render_warnings
from .words import plural

LABEL_STYLE = {
    "on-target": "green",
    "wrong-audience": "red",
    "mixed": "yellow",
    "risk": "magenta",
    "neutral": "white",
}
WORST_PIECES = 10
ERRORS_SHOWN = 5


def _t(value: Any, style: str = "") -> Text:
    """Untrusted text as a plain rich Text (markup never interpreted)."""
    return Text("" if value is None else str(value), style=style)


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def persona_index(report: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in report["run"].get("personas", [])}


def short_name(persona: Mapping[str, Any]) -> str:
    """"Beth the Bureaucrat" -> "Beth"; "The Bargain Hunter" -> "Bargain Hunter"."""
    name = str(persona.get("name") or persona.get("id") or "?")
    words = name.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if len(words) >= 3 and words[1].lower() == "the":
        words = words[:1]
    return " ".join(words)[:22] or name[:22]


def worst_pieces(report: Mapping[str, Any], limit: int = WORST_PIECES) -> list[dict[str, Any]]:
    """Pieces that misfire, highest anti-persona or risk score first (on-target ones last out)."""
    target = report["run"].get("target", "")
    kinds = {pid: p.get("kind", "") for pid, p in persona_index(report).items()}
    scored = []
    for piece in report["pieces"]:
        worst = worst_score(piece.get("scores", {}), target, kinds)
        if piece["verdict"]["label"] in ("on-target", "neutral") and worst <= 0:
            continue
        bad = piece["verdict"]["label"] not in ("on-target", "neutral")
        scored.append((not bad, -worst, piece))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [p for _, _, p in scored[:limit]]


def header_line(report: Mapping[str, Any]) -> Text:
    run = report["run"]
    personas = persona_index(report)
    line = Text()
    line.append("Run ", style="dim")
    line.append(str(run.get("id", "")), style="bold")
    if run.get("name"):
        line.append("  ")
        line.append(str(run["name"]), style="bold cyan")
    line.append(f"  {run.get('created', '')}", style="dim")
    if run.get("status"):
        line.append(f"  {run['status']}", style="green" if run["status"] == "done" else "yellow")
    line.append(f"  profile {run.get('profile', '')}", style="dim")
    target = personas.get(run.get("target", ""), {})
    line.append("  target ", style="dim")
    line.append(str(target.get("name", run.get("target", ""))), style=target.get("color", ""))
    pieces = report["pieces"]
    counts = {label: sum(1 for p in pieces if p["verdict"]["label"] == label)
              for label in VERDICT_LABELS}
    line.append(f"\n{plural(len(pieces), 'piece')}", style="bold")
    first = True
    for label in VERDICT_LABELS:
        if counts[label]:
            line.append(": " if first else ", ", style="bold" if first else "")
            line.append(f"{counts[label]} {label}", style=LABEL_STYLE[label])
            first = False
    errors = report.get("errors") or []
    if errors:
        line.append(f"; {plural(len(errors), 'error')}", style="red")
    warnings = report.get("warnings") or []
    if warnings:
        line.append(f"; {len(warnings)} with a warning", style="yellow")
    return line


def persona_order(report: Mapping[str, Any]) -> list[str]:
    """The target first, then the other packs in the report's order."""
    personas = persona_index(report)
    target = report["run"].get("target", "")
    return [target, *[pid for pid in personas if pid != target]] if target in personas \
        else list(personas)


def _header(persona: Mapping[str, Any]) -> Text:
    """"→ Bargain\nHunter": a header a word a line (and "Over-\npersonalization"), so the
    table's widest header is one word and four packs fit in 80 columns without "Over-pe…"."""
    name = short_name(persona).replace("-", "-\n").replace(" ", "\n")
    return Text(f"→ {name}", style=f"bold {persona.get('color', '')}")


def channel_table(report: Mapping[str, Any]) -> Table:
    """Who each channel attracts: per channel, its pieces, the share whose verdict is wrong
    audience, and the share drawn to each persona (the one its verdict names). Narrow enough
    for an 80-column terminal with four packs; what drives each persona is
    :func:`drivers_table`."""
    personas = persona_index(report)
    table = Table(title=Text("Who each channel attracts", style="bold"), title_justify="left",
                  box=box.SIMPLE_HEAD, expand=False, pad_edge=False, collapse_padding=True)
    table.add_column(Text("Channel"), no_wrap=True)
    table.add_column(Text("Pieces"), justify="right", no_wrap=True)
    table.add_column(Text("Wrong\naudience", style="red"), justify="right")
    order = persona_order(report)
    for pid in order:
        table.add_column(_header(personas[pid]), justify="right")
    for ch in report.get("channels", []):
        wrong = ch.get("verdicts", {}).get("wrong-audience")
        if wrong is None:
            wrong = (ch.get("wrong_audience") or 0) / ch["pieces"] if ch.get("pieces") else 0.0
        cells: list[Text] = [_t(ch["channel"], "bold"), _t(ch["pieces"]),
                             _t(_pct(wrong) if wrong else "·", "red" if wrong else "")]
        for pid in order:
            share = ch.get("share_by_persona", {}).get(pid, 0.0)
            style = ("bold " + personas[pid].get("color", "")) if share >= 0.25 else ""
            cells.append(_t(_pct(share) if share else "·", style))
        table.add_row(*cells)
    return table


def drivers_table(report: Mapping[str, Any]) -> Table | None:
    """What draws each anti-persona and risk pack, per channel: its heaviest cue groups."""
    personas = persona_index(report)
    rows = [(ch["channel"], pid, groups) for ch in report.get("channels", [])
            for pid, groups in (ch.get("drivers") or {}).items() if groups]
    if not rows:
        return None
    table = Table(title=Text("What draws them, by channel", style="bold"), title_justify="left",
                  box=box.SIMPLE_HEAD, expand=False, pad_edge=False)
    table.add_column(Text("Channel"), no_wrap=True)
    table.add_column(Text("Draws"))
    table.add_column(Text("Cue groups, heaviest first"))
    last = None
    for channel, pid, groups in rows:
        p = personas.get(pid, {})
        table.add_row(_t(channel if channel != last else "", "bold"),
                      _t(p.get("name") or pid, p.get("color", "")),
                      _t(", ".join(group_phrase(str(g["group"])) for g in groups[:3])))
        last = channel
    return table


def worst_table(report: Mapping[str, Any], limit: int = WORST_PIECES) -> Table:
    """The pieces that misfire most: score, verdict, channel, then the piece with its address
    and top cues in one wrapping cell, so an 80-column terminal folds nothing important."""
    personas = persona_index(report)
    target = report["run"].get("target", "")
    kinds = {pid: p.get("kind", "") for pid, p in personas.items()}
    table = Table(title=Text("Worst pieces", style="bold"), title_justify="left",
                  box=box.SIMPLE_HEAD, expand=False, pad_edge=False)
    table.add_column(Text("Score"), justify="right", no_wrap=True)
    table.add_column(Text("Verdict"), no_wrap=True)
    table.add_column(Text("Channel"), no_wrap=True)
    table.add_column(Text("Piece, address and top cues"), overflow="fold", ratio=1)
    for piece in worst_pieces(report, limit):
        verdict = piece["verdict"]
        label = verdict["label"]
        vtext = Text(label, style=LABEL_STYLE.get(label, ""))
        if verdict.get("persona"):
            p = personas.get(verdict["persona"], {})
            vtext.append("\n")
            vtext.append(short_name(p) if p else verdict["persona"], style=p.get("color", ""))
        piece_text = Text(str(piece.get("title") or piece["source"])[:140], style="bold")
        if piece.get("title"):
            piece_text.append("\n")
            piece_text.append(str(piece["source"])[:200], style="dim")
        cues = top_cues(piece, target)
        if cues:
            piece_text.append("\n")
            piece_text.append(cues)
        table.add_row(_t(f"{worst_score(piece['scores'], target, kinds):.2f}"), vtext,
                      _t(piece.get("channel", "")), piece_text)
    return table


def render_errors(report: Mapping[str, Any], console: Console, shown: int = ERRORS_SHOWN) -> None:
    errors = report.get("errors") or []
    if not errors:
        return
    console.print(Text(f"{plural(len(errors), 'source')} not audited", style="bold red"))
    for err in errors[:shown]:
        line = Text("  ")
        line.append(str(err.get("source", "")), style="bold")
        line.append(": ")
        line.append(str(err.get("error", "")))
        if err.get("kind") == "skipped":
            line.append(" (skipped)", style="dim")
        console.print(line)
    if len(errors) > shown:
        console.print(Text(f"  … {len(errors) - shown} more (see --format json or html)",
                           style="dim"))


def render_channels(report: Mapping[str, Any], console: Console) -> None:
    """Who each channel attracts, on its own: the report's ``channels`` summary as the small
    table `report` opens with (`make run` prints it before it serves the app)."""
    report = safe_tree(report)
    console.print(channel_table(report))
    console.print(Text("Share of each channel's pieces whose verdict names each persona (the "
                       "target for on-target pieces); the rest are neutral.", style="dim"))


def render_table(report: dict[str, Any], console: Console) -> None:
    """Run header, channel view, worst pieces, errors, then a line per warning. (A --diff is
    printed separately with :func:`audit.report.diff.render_diff_table`.)"""
    report = safe_tree(report)  # names, titles and URLs without terminal control sequences
    console.print(header_line(report))
    console.print()
    if report["pieces"]:
        console.print(channel_table(report))
        drivers = drivers_table(report)
        if drivers is not None:
            console.print(drivers)
        if worst_pieces(report, 1):
            console.print(worst_table(report))
        else:
            console.print(Text("No piece draws an anti-persona or trips a risk pack.",
                               style="green"))
        console.print()
    render_unread(report, console)
    render_errors(report, console)
    render_warnings(report.get("warnings") or (), console)
