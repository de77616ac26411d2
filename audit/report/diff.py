"""Compare two runs: what changed between last month's audit and this one.

Pieces are matched by source (the same URL keeps its meaning across runs). A matched piece is
reported when its verdict changed or any persona score moved by at least ``threshold``; pieces
only in the new run are "added", only in the old one "gone". Per channel, the change in the
share of wrong-audience pieces. The result is plain JSON (it goes under "diff" in a report).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..score.ranking import worst_score
from .words import plural

DEFAULT_THRESHOLD = 0.1
_SHOWN = 15


def _run_ref(report: Mapping[str, Any]) -> dict[str, Any]:
    run = report.get("run", {})
    return {k: run.get(k) for k in ("id", "name", "created") if run.get(k) is not None}


def _kinds(report: Mapping[str, Any]) -> dict[str, str]:
    return {p["id"]: p.get("kind", "") for p in report.get("run", {}).get("personas", [])}


def _brief(piece: Mapping[str, Any], target: str, kinds: Mapping[str, str]) -> dict[str, Any]:
    verdict = piece.get("verdict", {})
    return {"id": piece.get("id"), "source": piece["source"], "channel": piece.get("channel"),
            "title": piece.get("title", ""), "verdict": verdict.get("label"),
            "persona": verdict.get("persona"),
            "worst": round(worst_score(piece.get("scores", {}), target, kinds), 4)}


def _verdict(piece: Mapping[str, Any]) -> dict[str, Any]:
    v = piece.get("verdict", {})
    return {"label": v.get("label"), "persona": v.get("persona")}


def _compare(old: Mapping[str, Any], new: Mapping[str, Any], target: str,
             kinds: Mapping[str, str], threshold: float) -> dict[str, Any] | None:
    """The change of one matched piece, or None when nothing moved enough to tell."""
    old_scores, new_scores = old.get("scores", {}), new.get("scores", {})
    scores = {}
    for pid in dict.fromkeys([*old_scores, *new_scores]):
        a, b = float(old_scores.get(pid, 0.0)), float(new_scores.get(pid, 0.0))
        scores[pid] = {"old": a, "new": b, "delta": round(b - a, 4)}
    moved = [pid for pid, s in scores.items() if abs(s["delta"]) >= threshold - 1e-9]
    verdict_changed = _verdict(old) != _verdict(new)
    if not moved and not verdict_changed:
        return None
    old_worst = worst_score(old_scores, target, kinds)
    new_worst = worst_score(new_scores, target, kinds)
    # Worse when the pull toward anti-personas grows more than the pull toward the target.
    swing = (new_worst - old_worst) - (scores.get(target, {}).get("delta", 0.0))
    direction = "worse" if swing > 1e-9 else "better" if swing < -1e-9 else "same"
    change = {"id": new.get("id"), "source": new["source"], "channel": new.get("channel"),
              "title": new.get("title") or old.get("title", ""),
              "old_verdict": _verdict(old), "new_verdict": _verdict(new),
              "verdict_changed": verdict_changed, "moved": moved, "scores": scores,
              "old_worst": round(old_worst, 4), "new_worst": round(new_worst, 4),
              "direction": direction}
    if verdict_changed:
        moves = outcome_moves(old.get("outcomes") or {}, new.get("outcomes") or {})
        if moves:
            change["outcomes"] = moves
    return change


def outcome_moves(old: Mapping[str, float], new: Mapping[str, float]) -> dict[str, Any]:
    """Each imported metric of a page before and now (delta when both runs have it)."""
    out: dict[str, Any] = {}
    for metric in dict.fromkeys([*new, *old]):
        a, b = old.get(metric), new.get(metric)
        out[metric] = {"old": a, "new": b,
                       "delta": None if a is None or b is None else round(b - a, 6)}
    return out


def _channel_shares(report: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """channel -> (pieces, wrong-audience pieces), counted from the pieces themselves."""
    out: dict[str, tuple[int, int]] = {}
    for piece in report.get("pieces", []):
        channel = piece.get("channel") or "landing"
        n, w = out.get(channel, (0, 0))
        out[channel] = (n + 1, w + (piece.get("verdict", {}).get("label") == "wrong-audience"))
    return out


def _share(n: int, w: int) -> float | None:
    return round(w / n, 4) if n else None


def _channels(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    a, b = _channel_shares(old), _channel_shares(new)
    rows = []
    for channel in sorted(set(a) | set(b)):
        on, ow = a.get(channel, (0, 0))
        nn, nw = b.get(channel, (0, 0))
        old_share, new_share = _share(on, ow), _share(nn, nw)
        delta = None if old_share is None or new_share is None else round(new_share - old_share, 4)
        rows.append({"channel": channel, "old_pieces": on, "new_pieces": nn,
                     "old_wrong_audience": ow, "new_wrong_audience": nw,
                     "old_share": old_share, "new_share": new_share, "delta": delta})
    return rows


def diff_reports(old: dict[str, Any], new: dict[str, Any], *,
                 threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """What changed from ``old`` to ``new`` (both JSON reports)."""
    target = new.get("run", {}).get("target") or old.get("run", {}).get("target", "")
    kinds = {**_kinds(old), **_kinds(new)}
    old_by = {p["source"]: p for p in old.get("pieces", [])}
    new_by = {p["source"]: p for p in new.get("pieces", [])}
    changed = []
    for source, piece in new_by.items():
        if source in old_by:
            change = _compare(old_by[source], piece, target, kinds, threshold)
            if change:
                changed.append(change)
    changed.sort(key=lambda c: (c["direction"] != "worse", not c["verdict_changed"],
                                -abs(c["new_worst"] - c["old_worst"])))
    added = [_brief(p, target, kinds) for s, p in new_by.items() if s not in old_by]
    gone = [_brief(p, target, kinds) for s, p in old_by.items() if s not in new_by]
    old_total = sum(n for n, _ in _channel_shares(old).values())
    new_total = sum(n for n, _ in _channel_shares(new).values())
    old_wrong = sum(w for _, w in _channel_shares(old).values())
    new_wrong = sum(w for _, w in _channel_shares(new).values())
    return {
        "old": _run_ref(old),
        "new": _run_ref(new),
        "threshold": threshold,
        "summary": {
            "matched": sum(1 for s in new_by if s in old_by),
            "changed": len(changed),
            "verdict_changed": sum(1 for c in changed if c["verdict_changed"]),
            "worse": sum(1 for c in changed if c["direction"] == "worse"),
            "better": sum(1 for c in changed if c["direction"] == "better"),
            "added": len(added),
            "gone": len(gone),
            "old_wrong_audience_share": _share(old_total, old_wrong),
            "new_wrong_audience_share": _share(new_total, new_wrong),
        },
        "changed": changed,
        "added": added,
        "gone": gone,
        "channels": _channels(old, new),
    }


# ------------------------------------------------------------------------------ terminal

_DIRECTION_STYLE = {"worse": "red", "better": "green", "same": "white"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _delta_text(delta: float | None, *, points: bool = True) -> Text:
    if delta is None:
        return Text("new" if points else "", style="dim")
    if abs(delta) < 1e-9:
        return Text("±0", style="dim")
    shown = f"{delta * 100:+.0f} pts" if points else f"{delta:+.2f}"
    return Text(shown, style="red" if delta > 0 else "green")


def _verdict_text(v: Mapping[str, Any]) -> str:
    return f"{v.get('label')}" + (f" ({v['persona']})" if v.get("persona") else "")


def render_diff_table(diff: dict[str, Any], console: Console) -> None:
    """The diff for a terminal: summary, channel shares, changed / added / gone pieces."""
    from ..termsafe import safe_tree

    diff = safe_tree(diff)  # titles and URLs without terminal control sequences
    s = diff["summary"]
    head = Text("Compared with run ", style="bold")
    head.append(str(diff["old"].get("id", "?")), style="bold cyan")
    head.append(f": {plural(s['matched'], 'piece')} in both, {s['changed']} changed "
                f"({s['worse']} worse, {s['better']} better, {s['verdict_changed']} new verdicts), "
                f"{s['added']} added, {s['gone']} gone. Wrong audience "
                f"{_pct(s['old_wrong_audience_share'])} → {_pct(s['new_wrong_audience_share'])}.")
    console.print(head)
    channels = Table(title=Text("Wrong-audience share by channel", style="bold"),
                     title_justify="left")
    channels.add_column(Text("Channel"))
    for name in ("Before", "Now", "Change"):
        channels.add_column(Text(name), justify="right")
    for ch in diff["channels"]:
        channels.add_row(Text(str(ch["channel"])),
                         Text(f"{_pct(ch['old_share'])} of {ch['old_pieces']}"),
                         Text(f"{_pct(ch['new_share'])} of {ch['new_pieces']}"),
                         _delta_text(ch["delta"]))
    console.print(channels)
    if diff["changed"]:
        table = Table(title=Text("Changed pieces", style="bold"), title_justify="left")
        table.add_column(Text("Piece"), overflow="fold", max_width=50)
        table.add_column(Text("Verdict"))
        table.add_column(Text("Worst score"), justify="right")
        for c in diff["changed"][:_SHOWN]:
            verdict = Text(_verdict_text(c["old_verdict"]))
            if c["verdict_changed"]:
                verdict.append(" → ")
                verdict.append(_verdict_text(c["new_verdict"]),
                               style=_DIRECTION_STYLE[c["direction"]])
            worst = Text(f"{c['old_worst']:.2f} → {c['new_worst']:.2f}",
                         style=_DIRECTION_STYLE[c["direction"]])
            table.add_row(Text(str(c.get("title") or c["source"])[:120]), verdict, worst)
        console.print(table)
        if len(diff["changed"]) > _SHOWN:
            console.print(Text(f"… {len(diff['changed']) - _SHOWN} more changed pieces",
                               style="dim"))
    for key, label in (("added", "Added"), ("gone", "Gone")):
        items = diff[key]
        if not items:
            continue
        console.print(Text(f"{label} ({len(items)})", style="bold"))
        for item in items[:_SHOWN]:
            line = Text("  ")
            line.append(str(item["source"]))
            line.append(f"  {item['verdict']}", style="dim")
            console.print(line)
        if len(items) > _SHOWN:
            console.print(Text(f"  … {len(items) - _SHOWN} more", style="dim"))
