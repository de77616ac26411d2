"""The journey and outcomes parts of the terminal report (``report -f table``): a stage x
persona table beside the channel one, the associations of imported outcomes worded as
association, not cause, and, with ``--diff``, how outcomes moved on pages whose verdict changed.

Every cell is a rich ``Text``: metric names and page titles come from files and pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .table import channel_table
from .words import plural

ASSOCIATIONS_SHOWN = 10
MOVES_SHOWN = 15


def q_text(q: float | None) -> str:
    if q is None:
        return "—"
    return "<0.001" if q < 0.001 else f"{q:.3f}"


def stage_table(report: Mapping[str, Any]) -> Table:
    """The channel table's shape, one row per journey stage."""
    as_channels = {**report, "channels": [{**s, "channel": s["stage"]}
                                          for s in report.get("stages", [])]}
    table = channel_table(as_channels)
    table.title = Text("Where on the journey (awareness → retention)", style="bold")
    table.columns[0].header = Text("Stage")
    return table


def outcomes_table(report: Mapping[str, Any]) -> Table | None:
    outcomes = report.get("outcomes") or {}
    rows = outcomes.get("associations") or []
    if not rows:
        return None
    names = {p["id"]: p.get("name", p["id"]) for p in report["run"].get("personas", [])}
    table = Table(title=Text("What travels with each persona (association, not cause)",
                             style="bold"), title_justify="left")
    for head, justify in (("Persona", "left"), ("Metric", "left"), ("rho", "right"),
                          ("95% CI", "right"), ("Pages", "right"), ("q", "right")):
        # Names wrap rather than end in "…" in an 80-column terminal; numbers never wrap.
        table.add_column(Text(head), justify=justify,  # type: ignore[arg-type]
                         overflow="fold", no_wrap=justify == "right")
    for a in rows[:ASSOCIATIONS_SHOWN]:
        style = ("bold red" if a["rho"] > 0 else "bold green") if a.get("credible") else "dim"
        low, high = a["ci"]
        table.add_row(Text(str(names.get(a["persona"], a["persona"]))), Text(str(a["metric"])),
                      Text(f"{a['rho']:+.2f}", style=style), Text(f"{low:+.2f} … {high:+.2f}"),
                      Text(str(a["n"])), Text(q_text(a.get("q"))))
    return table


def render_outcomes(report: Mapping[str, Any], console: Console) -> None:
    """Stages, then the outcome associations with their sentences, if the run has outcomes."""
    if report.get("stages"):
        console.print(stage_table(report))
        console.print()
    outcomes = report.get("outcomes")
    if not outcomes:
        return
    table = outcomes_table(report)
    metrics = ", ".join(f"{m['metric']} ({plural(m['pages'], 'page')})" for m in outcomes.get("metrics", []))
    console.print(Text("Outcomes imported: ", style="bold") + Text(metrics or "none"))
    if outcomes.get("min_sessions"):
        console.print(Text(f"Only pages with at least {outcomes['min_sessions']:g} "
                           f"{outcomes.get('sessions_metric') or 'sessions'} count.", style="dim"))
    for note in outcomes.get("notes", []):
        console.print(Text(str(note), style="yellow"))
    if table is None:
        console.print(Text("Too few pages with outcomes to measure (at least 8 per metric).",
                           style="dim"))
        return
    console.print(table)
    credible = [a for a in outcomes["associations"] if a.get("credible")]
    for a in credible[:5]:
        console.print(Text("• " + str(a["text"])))
    if not credible:
        console.print(Text("No persona score travels clearly with any outcome.", style="dim"))
    console.print(Text("Spearman's rho across pages, bootstrap 95% interval, Benjamini-Hochberg "
                       "q over every pair. An association, not cause: the pages may differ in "
                       "more than their words.", style="dim"))
    console.print()


def render_outcome_moves(diff: Mapping[str, Any], console: Console) -> None:
    """With --diff: outcome movement on the pages whose verdict changed."""
    moves = [c for c in diff.get("changed", []) if c.get("verdict_changed") and c.get("outcomes")]
    if not moves:
        return
    table = Table(title=Text("Outcomes on pages that changed verdict", style="bold"),
                  title_justify="left")
    table.add_column(Text("Piece"), overflow="fold", max_width=44)
    table.add_column(Text("Verdict"))
    table.add_column(Text("Metric: before → now"), overflow="fold")
    for c in moves[:MOVES_SHOWN]:
        verdict = Text(f"{c['old_verdict'].get('label')} → {c['new_verdict'].get('label')}")
        lines = Text()
        for metric, m in c["outcomes"].items():
            if lines:
                lines.append("\n")
            lines.append(f"{metric}: {_num(m.get('old'))} → {_num(m.get('new'))}")
            if m.get("delta") is not None:
                lines.append(f" ({m['delta']:+.4g})", style="bold")
        table.add_row(Text(str(c.get("title") or c["source"])[:120]), verdict, lines)
    console.print(table)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"
