"""The Report page's view as query parameters, so a link restores exactly what was on screen.

Query parameters arrive from anyone's link, so parsing is forgiving and bounded: unknown keys
are ignored, text is trimmed and cut short, numbers out of range fall back to their defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlencode

#: Parameters a Report link may carry (``page`` is the table page, 1-based; ``compare`` the
#: earlier run the comparison shows).
PARAM_KEYS = ("run", "channel", "verdict", "persona", "q", "score", "piece", "page", "compare")
MAX_PARAM_CHARS = 200
#: Rows per table page: enough to scan, small enough to render fast on a 10,000-piece run.
PAGE_SIZE = 200


def _first(value: Any) -> str:
    """Streamlit gives the last value of a repeated key; plain dicts may hold lists."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return str(value).strip()[:MAX_PARAM_CHARS] if value is not None else ""


def _page(value: str) -> int:
    try:
        page = int(value)
    except ValueError:
        return 1
    return page if 1 <= page <= 1_000_000 else 1


def _score(value: str) -> float:
    try:
        score = float(value)
    except ValueError:
        return 0.0
    return round(score, 2) if 0.0 <= score <= 1.0 else 0.0


@dataclass(frozen=True, slots=True)
class ReportView:
    """Which run, which filters, which piece is open, which table page is shown and which
    earlier run it is compared with."""

    run: str = ""
    channel: str = ""
    verdict: str = ""
    persona: str = ""
    q: str = ""
    score: float = 0.0
    piece: str = ""
    page: int = 1
    compare: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ReportView:
        raw = {k: _first(params.get(k)) for k in PARAM_KEYS if k in params}
        kw: dict[str, Any] = {k: v for k, v in raw.items() if k not in ("page", "score")}
        if "page" in raw:
            kw["page"] = _page(raw["page"])
        if "score" in raw:
            kw["score"] = _score(raw["score"])
        return cls(**kw)

    def to_params(self) -> dict[str, str]:
        """Only what differs from the defaults, so links stay short."""
        default = ReportView()
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value != getattr(default, f.name):
                out[f.name] = f"{value:g}" if isinstance(value, float) else str(value)
        return out

    def link(self, page_url: str = "report") -> str:
        """A link to this view: the Report page's address plus the view's parameters."""
        params = self.to_params()
        return f"{page_url}?{urlencode(params)}" if params else page_url


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-max(total, 0) // size))


def page_offset(page: int, size: int = PAGE_SIZE) -> int:
    return (max(page, 1) - 1) * size
