"""What the CI formats (SARIF, rdjson) report as a finding: one rule for both."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Contexts in which a cue counts nothing: a quotation of a practice, a template's placeholder.
_NOT_COUNTED = frozenset({"quoted", "template"})


def is_finding(ev: Mapping[str, Any], kinds: Mapping[str, str]) -> bool:
    """A cue that pulls toward an anti-persona or risk pack (not tone, not negated, not in a
    context where it counts nothing): what CI formats report."""
    return ev.get("kind") != "tone" and not ev.get("negated") \
        and ev.get("context") not in _NOT_COUNTED \
        and kinds.get(ev["persona"], "") in ("anti-persona", "risk")
