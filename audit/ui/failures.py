"""Sources a run could not read, said for someone using the app.

The crawler words its errors for the terminal ("pass --allow-private to audit internal
sites"); an app user has no flags to pass, so the Report and Run pages say the same in the
app's own words, count the failures next to the pieces read, and group them by reason so a
run of 400 refused pages reads as one cause, not 400 lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: The Run page's checkbox, named as the page names it.
PRIVATE_OPTION = "“Allow internal / local addresses”"
_PASS_PRIVATE = re.compile(r"pass --allow-private to audit internal sites")
#: An address in brackets ("a loopback address (127.0.0.1)"): the reason is the same for
#: every address, so it is left out when reasons are grouped.
_ADDRESS = re.compile(r" \((?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]+)\)")


def in_app_words(error: str, *, allow_private: bool = True) -> str:
    """A stored error reworded for the app: CLI flags become the app's own controls."""
    if allow_private:
        hint = f"tick {PRIVATE_OPTION} on the Run page to audit internal sites"
    else:
        hint = ("this app is reachable from other machines, so it does not audit internal sites "
                "(whoever starts it can allow it with `antipersona app --allow-private-from-app`)")
    return _PASS_PRIVATE.sub(hint, error)


@dataclass(frozen=True, slots=True)
class FailureSummary:
    """How many sources were not read, and why (most common reason first)."""

    failed: int = 0
    skipped: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.failed + self.skipped

    def short(self) -> str:
        """"3 could not be read, 2 skipped" for the headline figures."""
        parts = []
        if self.failed:
            parts.append(f"{self.failed:,} could not be read")
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped")
        return ", ".join(parts) or "every source read"

    def sentence(self, limit: int = 3) -> str:
        """"3 sources could not be read: 2 × refused: …; 1 × HTTP 404 Not Found." """
        if not self.total:
            return ""
        n = self.total
        head = f"{n:,} source{'s' if n != 1 else ''} {'was' if n == 1 else 'were'} not read"
        shown = [f"{count:,} × {reason}" if n > 1 else reason for reason, count in self.reasons[:limit]]
        more = len(self.reasons) - limit
        tail = f"; and {more:,} other reason{'s' if more != 1 else ''}" if more > 0 else ""
        return f"{head}: {'; '.join(shown)}{tail}."


def summarise_failures(errors: Iterable[Mapping[str, Any]], *,
                       allow_private: bool = True) -> FailureSummary:
    """Count the stored errors (``Store.errors``) by kind and group their reasons."""
    failed = skipped = 0
    reasons: Counter[str] = Counter()
    for err in errors:
        if err.get("kind") == "skipped":
            skipped += 1
        else:
            failed += 1
        reason = _ADDRESS.sub("", str(err.get("error") or "unknown problem"))
        reasons[in_app_words(reason, allow_private=allow_private)] += 1
    return FailureSummary(failed, skipped, reasons.most_common())
