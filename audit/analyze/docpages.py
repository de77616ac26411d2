"""Whether a piece reads as product documentation, or as strict terms, rather than as a pitch.

A help page that explains how to configure SSO, with its "Prerequisites" and "Available on:"
header, sells SSO to no one; the same words on a plan page court the enterprise buyer. Cue
groups marked ``in_docs: false`` count little (context "documentation") near documentation signals (``docs``
in ``audit/data/language.yaml``); the plan and contract cues around them still count.

Likewise a returns policy that offers a "full refund" but only for unused items, with a
restocking fee and final-sale exclusions, repels the serial returner that a generous one draws:
groups marked ``in_terms: false`` count little (context "policy") near at least two kinds of
strict term (``strict_terms``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .language import language_data
from .templates import near

if TYPE_CHECKING:  # charregex imports spaCy, which a caller that only reads input never needs
    from .charregex import Scan


@dataclass(frozen=True, slots=True)
class DocRules:
    signals: tuple[re.Pattern[str], ...]
    #: Each signal as a Scan, and whether it runs on the lower-cased text (see charregex):
    #: a case-insensitive regex that opens with ``\b`` is tried at every character, and
    #: every piece with a cue that cares is read for these.
    scans: tuple[tuple[Scan, bool], ...] = ()
    #: How many different signals must be within reach: one stray "must be unused" is a
    #: detail, two kinds of restriction are terms.
    min_signals: int = 1
    #: Per signal, words one of which it cannot match without (None: not known), tested on the
    #: lower-cased window before the signal's scan: most windows hold none of a signal's words.
    needs: tuple[tuple[str, ...] | None, ...] = ()
    #: Lower-case phrases of which the window must hold one before any signal is tried (every
    #: signal's match contains one): most windows with a refund cue hold none.
    gate: tuple[str, ...] = ()

    def around(self, text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> bool:
        """At least ``min_signals`` signals within reach of ``text[start:end]`` (see
        templates.near)."""
        window = near(text, start, end, lo, hi)
        lowered = window.lower()
        if self.gate and not any(phrase in lowered for phrase in self.gate):
            return False
        scanned = bool(self.scans) and len(lowered) == len(window)
        whole = [(0, len(window))]
        wanted, left = self.min_signals, len(self.signals)
        for k, rx in enumerate(self.signals):
            if wanted > left:
                return False
            left -= 1
            words = self.needs[k] if self.needs else None
            if words is not None and not any(w in lowered for w in words):
                continue
            if scanned:
                scan, on_lowered = self.scans[k]
                hit = scan.spans(lowered if on_lowered else window, whole, lowered)
            else:
                hit = rx.search(window)
            if hit:
                wanted -= 1
                if not wanted:
                    return True
        return False


def _rules(section: str) -> DocRules:
    from .charregex import Scan, for_lowered
    from .regexfilter import required_literals

    data = language_data()[section]
    signals = tuple(re.compile(rx) for rx in data["signals"])
    scans = []
    for rx in signals:
        lowered = for_lowered(rx)
        scans.append((Scan.of(lowered or rx), lowered is not None))
    needs = tuple(map(required_literals, signals))  # already lower-cased
    gate = tuple(str(phrase).lower() for phrase in data.get("gate", ()))
    return DocRules(signals, tuple(scans), int(data.get("min_signals", 1)), needs, gate)


@lru_cache(maxsize=1)
def doc_rules() -> DocRules:
    return _rules("docs")


@lru_cache(maxsize=1)
def terms_rules() -> DocRules:
    return _rules("strict_terms")
