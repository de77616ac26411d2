"""A cheap necessary condition for a regular expression: words it cannot match without.

Python's ``re`` scans every position of a text, which made the packs' character-level regexes
(merge tags, countdowns...) a visible cost on long inputs. Most of them cannot match unless some
literal text occurs ("{{", "left", "%off"...). :func:`required_literals` reads the parsed
regex and returns such literals (lower-cased; any one of them must occur), or None when it
finds none, in which case the regex simply always runs.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+ keeps the parser here
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

_MIN_LITERAL = 2


def _case_char(av: Any) -> str | None:
    """A character class like [Pp] that only differs by case, as one lower-case letter."""
    chars = set()
    for op, val in av:
        if op is not sre_parse.LITERAL:
            return None
        chars.add(chr(val).lower())
    return chars.pop() if len(chars) == 1 else None


def _sequence(items: Any) -> list[str] | None:
    """Alternatives for what a sequence must contain: the longest literal run in it, or the
    literals of a mandatory group inside it."""
    best: list[str] | None = None
    run = ""

    def consider(cands: list[str] | None) -> None:
        nonlocal best
        if cands and all(len(c) >= _MIN_LITERAL for c in cands) and (
                best is None or min(map(len, cands)) > min(map(len, best))):
            best = cands

    for op, av in items:
        char = None
        if op is sre_parse.LITERAL:
            char = chr(av).lower()
        elif op is sre_parse.IN:
            char = _case_char(av)
        if char is not None:
            run += char
            continue
        consider([run] if run else None)
        run = ""
        if op is sre_parse.SUBPATTERN:
            consider(_sequence(av[-1]))
        elif op is sre_parse.BRANCH:
            branches = [_sequence(b) for b in av[1]]
            if all(branches):
                consider([c for b in branches for c in b])  # type: ignore[union-attr]
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and av[0] >= 1:
            consider(_sequence(av[2]))
    consider([run] if run else None)
    return best


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-cased literals one of which every match contains, or None if none are known."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # any parser trouble means: no filter
        return None
    found = _sequence(list(parsed))
    return tuple(sorted(set(found))) if found else None
