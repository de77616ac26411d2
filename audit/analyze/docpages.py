"""Whether a piece reads as product documentation rather than as a pitch.

A help page that explains how to configure SSO, with its "Prerequisites" and "Available on:"
header, sells SSO to no one; the same words on a plan page court the enterprise buyer. Cue
groups marked ``in_docs: false`` count little (context "documentation") near documentation signals (``docs``
in ``audit/data/language.yaml``); the plan and contract cues around them still count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .language import language_data
from .templates import near


@dataclass(frozen=True, slots=True)
class DocRules:
    signals: tuple[re.Pattern[str], ...]

    def around(self, text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> bool:
        """A documentation signal within reach of ``text[start:end]`` (see templates.near)."""
        window = near(text, start, end, lo, hi)
        return any(rx.search(window) for rx in self.signals)


@lru_cache(maxsize=1)
def doc_rules() -> DocRules:
    return DocRules(signals=tuple(re.compile(rx) for rx in language_data()["docs"]["signals"]))
