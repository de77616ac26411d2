"""The JSON report (DESIGN.md's stable contract) and the per-channel summary behind it.

Everything here works on plain dicts (``PieceResult.to_dict()`` or rows read back from the
store), so a fresh check and a stored run render the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from ..models import DEFAULT_PACK_COLOR, VERDICT_LABELS, compact_json
from ..score.ranking import drives, top_drivers

REPORT_VERSION = 1


def run_header(*, run_id: str, created: str, profile: str, target: str,
               personas: Sequence[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    head = {"id": run_id, "created": created, "profile": profile, "target": target,
            "personas": [{"id": p["id"], "name": p["name"], "kind": p["kind"],
                          "color": p.get("color", DEFAULT_PACK_COLOR), "version": p.get("version", "")}
                         for p in personas]}
    head.update({k: v for k, v in extra.items() if v is not None})
    return head


def channel_summary(pieces: Iterable[dict[str, Any]], target: str) -> list[dict[str, Any]]:
    """Per channel: pieces, wrong-audience count, share of each verdict, share of pieces drawn to
    each persona (the persona a verdict names; the target for on-target pieces), and the cue
    groups that drive each non-target persona there (see :func:`audit.score.ranking.top_drivers`)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for piece in pieces:
        groups[piece.get("channel") or "landing"].append(piece)
    out = []
    for channel in sorted(groups):
        items = groups[channel]
        n = len(items)
        verdicts = Counter(p["verdict"]["label"] for p in items)
        drawn: Counter[str] = Counter()
        drivers: dict[str, Counter[str]] = defaultdict(Counter)
        for p in items:
            v = p["verdict"]
            if v["label"] == "on-target":
                drawn[target] += 1
            elif v.get("persona"):
                drawn[v["persona"]] += 1
            for ev in p.get("evidence", []):
                if drives(ev, target):
                    drivers[ev["persona"]][ev["group"]] += ev["weight"]
        out.append({
            "channel": channel,
            "pieces": n,
            "wrong_audience": verdicts.get("wrong-audience", 0),
            "verdicts": {label: round(verdicts.get(label, 0) / n, 4) for label in VERDICT_LABELS},
            "share_by_persona": {pid: round(c / n, 4) for pid, c in sorted(drawn.items())},
            "drivers": {pid: [{"group": g, "weight": round(w, 4)} for g, w in top_drivers(c)]
                        for pid, c in sorted(drivers.items())},
        })
    return out


def dump_json(report: dict[str, Any], *, pretty: bool | None = None,
              encoded_pieces: list[str] | None = None) -> str:
    """The report as JSON text: indented for a person at a terminal, compact for a pipe or
    file (Python's encoder is several times slower when it indents). ``encoded_pieces``: the
    pieces already encoded compactly, in order (the same text, made earlier)."""
    import io

    out = io.StringIO()
    write_json(out, report, pretty=pretty, encoded_pieces=encoded_pieces)
    return out.getvalue()


def write_json(out: TextIO, report: dict[str, Any], *, pretty: bool | None = None,
               encoded_pieces: list[str] | None = None) -> None:
    """:func:`dump_json` written to ``out`` part by part, so a large report is never copied
    into one string first."""
    import json
    import sys

    if pretty is None:
        pretty = sys.stdout.isatty()
    if pretty:
        out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        return
    if encoded_pieces is None:
        out.write(compact_json(report) + "\n")
        return
    out.write("{")
    for i, (key, value) in enumerate(report.items()):
        out.write(("," if i else "") + compact_json(key) + ":")
        if key != "pieces":
            out.write(compact_json(value))
            continue
        out.write("[")
        summaries = report.get("pieces") or []
        for j, piece in enumerate(encoded_pieces):
            if j:
                out.write(",")
            stage = summaries[j].get("stage") if j < len(summaries) else None
            # The stage is given when the report is built, after the piece was encoded.
            tail = ',"stage":' + compact_json(stage) + "}"
            if stage is None or not piece.endswith("}") or piece.endswith(tail):
                out.write(piece)
            else:  # written in two parts: a long page's JSON runs to megabytes
                out.write(piece[:-1])
                out.write(tail)
        out.write("]")
    out.write("}\n")


def build_report(run: dict[str, Any], pieces: list[dict[str, Any]],
                 errors: Iterable[dict[str, Any]] = (), *,
                 warnings: Iterable[dict[str, Any]] = (), stage_rules: Sequence[Any] = (),
                 outcomes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one JSON object `check --format json` and `report --format json` print. Each
    piece gets its journey ``stage`` (``stage_rules``: the config's, tried first);
    ``errors``: sources that could not be read; ``warnings`` ({"source", "warning"}): what
    went wrong with pieces that were still analysed, kept apart so they are not counted as
    failures; ``outcomes``: the associations of imported page outcomes, when the run has any."""
    from ..journey import add_stages, stage_summary

    add_stages(pieces, stage_rules)
    report = {
        "version": REPORT_VERSION,
        "run": run,
        "pieces": pieces,
        "channels": channel_summary(pieces, run.get("target", "")),
        "stages": stage_summary(pieces, run.get("target", "")),
        "errors": list(errors),
        "warnings": list(warnings),
    }
    if outcomes is not None:
        report["outcomes"] = outcomes
    return report
