"""The report's ``outcomes`` object: which persona scores travel with which page outcomes.

For every persona and every metric: Spearman's rho across the run's pages that have the
metric (optionally only pages with at least N sessions), a seeded bootstrap 95% interval, the
number of pages, and a Benjamini-Hochberg q-value over all the pairs tested. Ranked with the
strongest credible association first (interval clear of zero and q <= 0.05, then by |rho|).

An association is not a cause: pages about enterprise features may draw refunds because of
the product they sell, not the words they use. The wording everywhere says "pages that pull
toward X have higher Y", never "X causes Y".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .stats import benjamini_hochberg, bootstrap_ci, spearman, spearman_p

MIN_PAGES = 8
CREDIBLE_Q = 0.05
#: |rho| at which a credible pair gets a scatter plot in the app and the HTML report.
STRONG_RHO = 0.3
#: A score under this reads as 0 here: it is at most a faint wording rank (a fifth of the
#: wording's probability, see audit.analyze.lean.RANK_SHARE) from a probability under 0.2, no
#: more than each of five labels gets by chance. Between pages that do not speak to a persona
#: such differences are noise, and Spearman's ranks would turn them into order.
FAINT_SCORE = 0.04
SESSION_METRICS = ("sessions", "views", "screen page views", "total users", "users",
                   "active users", "clicks")


def metric_phrase(metric: str) -> str:
    """"refund_rate" -> "refund rate", "Bounce rate" -> "bounce rate", "CTR" stays."""
    text = metric.replace("_", " ").strip()
    if len(text) > 1 and text[0].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]
    return text


def interval_text(ci: Sequence[float]) -> str:
    low, high = ci
    return f"{low:.2f}-{high:.2f}" if low >= 0 else f"{low:.2f} to {high:.2f}"


def describe(name: str, metric: str, rho: float, ci: Sequence[float], n: int,
             credible: bool) -> str:
    """The one sentence a manager reads: association, never cause."""
    numbers = f"rho {rho:.2f}, 95% CI {interval_text(ci)}, {n} pages"
    way = "higher" if rho > 0 else "lower"
    if credible:
        return f"pages that pull toward {name} have {way} {metric_phrase(metric)}: {numbers}"
    if ci[0] > 0 or ci[1] < 0:
        return (f"pages that pull toward {name} may have {way} {metric_phrase(metric)}, but not "
                f"clearly once every pair tested is counted: {numbers}")
    return f"no clear link between pulling toward {name} and {metric_phrase(metric)}: {numbers}"


def _score(piece: Mapping[str, Any], persona: str) -> float:
    score = float(piece.get("scores", {}).get(persona, 0.0))
    return score if score >= FAINT_SCORE else 0.0


def sessions_metric(metrics: Sequence[str]) -> str | None:
    lower = {m.lower(): m for m in metrics}
    return next((lower[s] for s in SESSION_METRICS if s in lower), None)


def outcome_summary(pieces: Sequence[Mapping[str, Any]], personas: Sequence[Mapping[str, Any]],
                    values: Mapping[str, Mapping[str, float]], *, files: Sequence[Any] = (),
                    min_sessions: float | None = None) -> dict[str, Any]:
    """``{"metrics", "associations", ...}`` for a report (see the module docstring)."""
    by_source = {p["source"]: p for p in pieces}
    metrics: list[str] = list(dict.fromkeys(m for v in values.values() for m in v))
    notes: list[str] = []
    keep = [s for s in values if s in by_source]
    sessions = sessions_metric(metrics)
    if min_sessions:
        if sessions is None:
            notes.append(f"--min-sessions {min_sessions:g} ignored: no sessions metric imported")
        else:
            keep = [s for s in keep if values[s].get(sessions, 0.0) >= min_sessions]
    rows: list[dict[str, Any]] = []
    for metric in metrics:
        pages = [s for s in keep if metric in values[s]]
        ys = [float(values[s][metric]) for s in pages]
        for persona in personas:
            pid = persona["id"]
            xs = [_score(by_source[s], pid) for s in pages]
            if len(pages) < MIN_PAGES or len(set(xs)) < 2 or len(set(ys)) < 2:
                continue
            rho = spearman(xs, ys)
            if math.isnan(rho):
                continue
            low, high = bootstrap_ci(xs, ys, seed=f"{pid}|{metric}")
            rows.append({"persona": pid, "metric": metric, "n": len(pages),
                         "rho": round(rho, 4), "ci": [round(low, 4), round(high, 4)],
                         "p": spearman_p(rho, len(pages)), "_name": persona.get("name", pid)})
    for row, q in zip(rows, benjamini_hochberg([r["p"] for r in rows]), strict=True):
        low, high = row["ci"]
        row["q"] = round(q, 4)
        row["p"] = round(row["p"], 6)
        row["credible"] = bool(q <= CREDIBLE_Q and (low > 0 or high < 0))
        row["strong"] = row["credible"] and abs(row["rho"]) >= STRONG_RHO
        row["text"] = describe(row.pop("_name"), row["metric"], row["rho"], row["ci"], row["n"],
                               row["credible"])
    rows.sort(key=lambda r: (not r["credible"], -abs(r["rho"]) if r["credible"] else r["q"],
                             -abs(r["rho"]), r["persona"], r["metric"]))
    metric_rows = [{"metric": m, "pages": sum(1 for s in keep if m in values[s]),
                    "joined": sum(1 for s in values if m in values[s] and s in by_source)}
                   for m in metrics]
    out: dict[str, Any] = {"metrics": metric_rows, "associations": rows,
                           "files": [dict(f) for f in files]}
    if min_sessions:
        out["min_sessions"] = min_sessions
        out["sessions_metric"] = sessions
    if notes:
        out["notes"] = notes
    return out


def scatter_points(pieces: Sequence[Mapping[str, Any]], persona: str, metric: str,
                   outcomes: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """(score, value) per page for one pair, from pieces that carry ``outcomes``; the same
    pages the association used (``outcomes``: the report's object, for --min-sessions)."""
    floor = (outcomes or {}).get("min_sessions")
    sessions = (outcomes or {}).get("sessions_metric")
    points = []
    for p in pieces:
        vals = p.get("outcomes") or {}
        if metric not in vals:
            continue
        if floor and sessions and vals.get(sessions, 0.0) < floor:
            continue
        points.append({"score": _score(p, persona),
                       "value": float(vals[metric]), "title": p.get("title") or p["source"],
                       "source": p["source"]})
    return points


def attach_outcomes(pieces: Sequence[dict[str, Any]], personas: Sequence[Mapping[str, Any]],
                    values: Mapping[str, Mapping[str, float]], *, files: Sequence[Any] = (),
                    min_sessions: float | None = None) -> dict[str, Any]:
    """Give each piece its imported values (``outcomes``, in place) and return the report's
    ``outcomes`` object."""
    for piece in pieces:
        got = values.get(piece["source"])
        if got:
            piece["outcomes"] = dict(got)
    return outcome_summary(pieces, personas, values, files=files, min_sessions=min_sessions)
