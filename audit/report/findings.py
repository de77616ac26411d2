"""What the CI formats (SARIF, rdjson) report as a finding: one rule for both."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..analyze.language import context_factors
from ..models import NOTE_KINDS


def is_finding(ev: Mapping[str, Any], kinds: Mapping[str, str]) -> bool:
    """A cue that pulls toward an anti-persona or risk pack and counts: not tone, not negated,
    not in a context that weighs it at nothing (a quotation, a template's placeholder)."""
    return ev.get("kind") not in NOTE_KINDS and not ev.get("negated") \
        and context_factors().get(ev.get("context") or "", 1.0) > 0 \
        and kinds.get(ev["persona"], "") in ("anti-persona", "risk")
