"""Outcome rows matched to a run's pages by join key, and several rows for one page merged.

A run's page can be found under the address it was listed with and the address it ended up
at after redirects; sources that are not web addresses (an email file, an ad row) join only
when the export names them exactly. Several rows for one page (GA4 rows for ``/pricing?a=1``
and ``/pricing?utm_source=x``, or a second dimension) are merged: counts add up, rates
(percentages, "rate", CTR, position, averages) are averaged weighted by sessions or
impressions when the rows have them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .readers import OutcomeFile
from .urls import join_key, page_address

UNJOINED_SHOWN = 5
_RATE_WORDS = re.compile(r"rate|ctr|position|average|avg|mean|per |ratio|percent|share|%|"
                         r"duration|time|conversion", re.IGNORECASE)
_WEIGHTS = ("sessions", "views", "screen page views", "total users", "users", "active users",
            "impressions", "clicks")


@dataclass(slots=True)
class Unjoined:
    line: int
    page: str
    reason: str


@dataclass(slots=True)
class JoinResult:
    """What one file gave: rows read, rows joined, the first rows that did not join and why,
    and the merged values per piece source."""

    file: str
    kind: str
    label: str
    metrics: list[str]
    rows: int = 0
    joined: int = 0
    totals: int = 0
    unjoined: list[Unjoined] = field(default_factory=list)
    unjoined_count: int = 0
    notes: list[str] = field(default_factory=list)
    values: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return len(self.values)

    def summary(self) -> dict[str, object]:
        return {"file": self.file, "format": self.kind, "rows": self.rows, "joined": self.joined,
                "pages": self.pages, "metrics": self.metrics, "totals": self.totals,
                "unjoined": self.unjoined_count}


class PageIndex:
    """Join key -> the piece source it belongs to (listed address and final address)."""

    def __init__(self, pages: Iterable[tuple[str, str | None]]) -> None:
        self.by_key: dict[str, str] = {}
        self.sources: set[str] = set()
        for source, final in pages:
            self.sources.add(source)
            for address in (source, final):
                if not address:
                    continue
                try:
                    self.by_key.setdefault(join_key(address), source)
                except ValueError:
                    continue  # an email file or ad row: joined by its exact source only

    def find(self, page: str, site: str | None) -> tuple[str | None, str]:
        """(piece source, "") or (None, the reason it did not join)."""
        if page in self.sources:
            return page, ""
        try:
            key = join_key(page_address(page, site))
        except ValueError as exc:
            return None, str(exc)
        source = self.by_key.get(key)
        if source is None:
            return None, f"no page of this run has the address {key.lstrip('/')}"
        return source, ""


def is_rate(metric: str, percent: set[str]) -> bool:
    return metric in percent or bool(_RATE_WORDS.search(metric))


def join_file(parsed: OutcomeFile, index: PageIndex, site: str | None) -> JoinResult:
    """Match every row of ``parsed`` to a page of the run and merge rows per page."""
    out = JoinResult(file=parsed.path, kind=parsed.kind, label=parsed.label,
                     metrics=list(parsed.metrics), totals=parsed.totals, notes=list(parsed.notes))
    grouped: dict[str, list[dict[str, float]]] = {}
    for row in parsed.rows:
        out.rows += 1
        source, reason = (None, row.problem) if row.problem else index.find(row.page, site)
        if source is None:
            out.unjoined_count += 1
            if len(out.unjoined) < UNJOINED_SHOWN:
                out.unjoined.append(Unjoined(row.line, row.page, reason))
            continue
        out.joined += 1
        grouped.setdefault(source, []).append(row.values)
    lower = {m.lower(): m for m in parsed.metrics}
    weight = next((lower[w] for w in _WEIGHTS if w in lower), None)
    for source, rows in grouped.items():
        out.values[source] = merge_rows(rows, parsed.percent, weight)
    return out


def merge_rows(rows: list[dict[str, float]], percent: set[str],
               weight: str | None) -> dict[str, float]:
    """Several rows of one page as one: rates weighted-averaged, counts summed."""
    if len(rows) == 1:
        return dict(rows[0])
    merged: dict[str, float] = {}
    metrics = list(dict.fromkeys(m for r in rows for m in r))
    for metric in metrics:
        present = [r for r in rows if metric in r]
        if not is_rate(metric, percent):
            merged[metric] = sum(r[metric] for r in present)
            continue
        weights = [r.get(weight, 0.0) if weight and weight != metric else 1.0 for r in present]
        if sum(weights) <= 0:
            weights = [1.0] * len(present)
        merged[metric] = sum(w * r[metric] for w, r in zip(weights, present, strict=True)) / sum(weights)
    return merged
