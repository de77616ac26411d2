"""Regular expressions that can take exponential time (ReDoS), found before they run.

Python's ``re`` backtracks: a repeated part that can match the same text in more than one way,
as in ``(a+)+$`` or ``(\\d+,?)+$``, tries every way when the rest of the pattern fails, and a
41-character draft then takes longer than anyone waits. Packs are written by users and their
regexes run on every page, so :func:`catastrophic` reads the parsed pattern and names such a
part; the pack is refused with that line. The check is a heuristic on the pattern's shape (it
errs towards refusing); :mod:`audit.analyze.charregex` also runs every pack regex with a time
bound, for what this check lets through.

Inside a repeat whose count can reach 3 or more, it reports:

* a part that varies in length followed by one that shares a character with it (also from the
  end of one round to the start of the next, and past parts that may be empty), so the text
  between them can be split in several ways: ``(a+)+``, ``(\\d+,?)+``, ``(a+b*)*``, ``(aa?)+``;
* alternatives that can match the same text: two that may both be empty, two single-character
  ones sharing a character that the parser keeps apart (``((a)|(\\w))+``; a bare ``(\\w|\\d)+``
  is read as one character set and runs in linear time), or one whose characters another
  single-character alternative covers (``(\\w|ab)+``).

``(\\w+\\.)*`` or ``(\\w+\\s+)*`` pass: a character of the other kind separates the rounds.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+ keeps the parser here
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

_REPEATS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)
_SINGLE = (sre_parse.LITERAL, sre_parse.NOT_LITERAL, sre_parse.ANY, sre_parse.IN)
_ZERO_WIDTH = (sre_parse.AT, sre_parse.ASSERT, sre_parse.ASSERT_NOT)
#: A repeat whose count can reach this is checked (a part repeated at most twice stays cheap).
_MANY = 3
#: Characters a class is tried on: ASCII and a few others copy contains.
_BASE = [chr(i) for i in range(128)] + list("éßÉ’‘“”–—…\u00a0\u2028яЯ中٣ﬁ€£")
_CATEGORY = {
    sre_parse.CATEGORY_DIGIT: r"\d", sre_parse.CATEGORY_NOT_DIGIT: r"\D",
    sre_parse.CATEGORY_SPACE: r"\s", sre_parse.CATEGORY_NOT_SPACE: r"\S",
    sre_parse.CATEGORY_WORD: r"\w", sre_parse.CATEGORY_NOT_WORD: r"\W",
    sre_parse.CATEGORY_LINEBREAK: r"\n", sre_parse.CATEGORY_NOT_LINEBREAK: r"[^\n]",
}

NESTED = ("a repeated part can split the same text in many ways (nested or overlapping "
          "quantifiers, as in (a+)+ or (\\d+,?)+)")
OVERLAP = ("alternatives under a repeat can match the same text (as in (a|ab?)+ or (.|\\s)*)")


class _Chars:
    """Which of a sample of characters each part of one pattern can match, as bit masks."""

    def __init__(self, pattern: str, ignore_case: bool) -> None:
        extra = {c for c in pattern if ord(c) >= 128}
        self.alphabet = _BASE + sorted(extra - set(_BASE))
        self.icase = ignore_case
        self.full = (1 << len(self.alphabet)) - 1
        self._category = {k: re.compile(v) for k, v in _CATEGORY.items()}
        self._masks: dict[tuple[Any, str], int] = {}

    def _variants(self, ch: str) -> set[str]:
        if not self.icase:
            return {ch}
        return {v for v in (ch, ch.lower(), ch.upper()) if len(v) == 1}

    def _in(self, items: Any, ch: str) -> bool:
        negate = False
        hit = False
        for op, av in items:
            if op is sre_parse.NEGATE:
                negate = True
            elif op is sre_parse.LITERAL:
                hit = hit or any(ord(v) == av for v in self._variants(ch))
            elif op is sre_parse.RANGE:
                hit = hit or any(av[0] <= ord(v) <= av[1] for v in self._variants(ch))
            elif op is sre_parse.CATEGORY:
                rx = self._category.get(av)
                hit = hit or rx is None or rx.fullmatch(ch) is not None
            else:  # anything unknown may match
                hit = True
        return hit != negate

    def single(self, op: Any, av: Any) -> int:
        """The mask of a one-character item."""
        key = (op, repr(av))
        if key not in self._masks:
            self._masks[key] = self._single(op, av)
        return self._masks[key]

    def _single(self, op: Any, av: Any) -> int:
        mask = 0
        for i, ch in enumerate(self.alphabet):
            if op is sre_parse.ANY:
                ok = True
            elif op is sre_parse.LITERAL:
                ok = any(ord(v) == av for v in self._variants(ch))
            elif op is sre_parse.NOT_LITERAL:
                ok = not any(ord(v) == av for v in self._variants(ch))
            else:
                ok = self._in(av, ch)
            if ok:
                mask |= 1 << i
        return mask

    def of(self, items: Any) -> int:
        """Every character some match of these items can contain."""
        mask = 0
        for op, av in items:
            if op in _SINGLE:
                mask |= self.single(op, av)
            elif op in _REPEATS or op is sre_parse.POSSESSIVE_REPEAT:
                mask |= self.of(av[2])
            elif op is sre_parse.SUBPATTERN:
                mask |= self.of(av[-1])
            elif op is sre_parse.ATOMIC_GROUP:
                mask |= self.of(av)
            elif op is sre_parse.BRANCH:
                for alt in av[1]:
                    mask |= self.of(alt)
            elif op is sre_parse.GROUPREF_EXISTS:
                mask |= self.of(av[1]) | (self.of(av[2]) if av[2] is not None else 0)
            elif op is sre_parse.GROUPREF:
                mask |= self.full
        return mask


def _width(state: Any, items: list[Any]) -> tuple[int, int]:
    return sre_parse.SubPattern(state, items).getwidth()


def _flatten(items: Any) -> list[Any]:
    """A sequence with plain groups opened up (``(ab)c`` reads as ``a b c``)."""
    out: list[Any] = []
    for op, av in items:
        if op is sre_parse.SUBPATTERN:
            out += _flatten(av[-1])
        else:
            out.append((op, av))
    return out


def _is_single(items: Any) -> bool:
    flat = _flatten(items)
    return len(flat) == 1 and flat[0][0] in _SINGLE


def _round_problem(body: Any, state: Any, chars: _Chars) -> str | None:
    """What makes one round of a repeat ambiguous, or None."""
    parts = [p for p in _flatten(body) if p[0] not in _ZERO_WIDTH]
    if not parts:
        return None
    info = []
    for part in parts:
        lo, hi = _width(state, [part])
        # An atomic group or possessive repeat never gives characters back: no choice there.
        frozen = part[0] in (sre_parse.ATOMIC_GROUP, sre_parse.POSSESSIVE_REPEAT)
        info.append((chars.of([part]), lo == 0, lo != hi and not frozen))
    n = len(parts)
    for i in range(n):  # each part against what can follow it, into the next round too
        mask_i, _, var_i = info[i]
        for step in range(1, n + 1):
            mask_j, nullable_j, _ = info[(i + step) % n]
            if var_i and mask_i & mask_j:
                return NESTED
            if not nullable_j:
                break
    for op, av in parts:
        if op is sre_parse.BRANCH and _overlapping(av[1], state, chars):
            return OVERLAP
    return None


def _overlapping(alternatives: Any, state: Any, chars: _Chars) -> bool:
    alts = [(list(a), _width(state, list(a))[0] == 0) for a in alternatives]
    for i, (a, a_empty) in enumerate(alts):
        for b, b_empty in alts[i + 1:]:
            if a_empty and b_empty:
                return True
            for x, y, y_empty in ((a, b, b_empty), (b, a, a_empty)):
                if not _is_single(x):
                    continue
                (op, av), = _flatten(x)
                mask_x = chars.single(op, av)
                mask_y = chars.of(y)
                if _is_single(y) and mask_x & mask_y:
                    return True
                if not y_empty and mask_y and not mask_y & ~mask_x:
                    return True
    return False


def _walk(items: Any, state: Any, chars: _Chars) -> str | None:
    for op, av in items:
        found = None
        if op in _REPEATS:
            if av[1] >= _MANY:
                found = _round_problem(av[2], state, chars)
            found = found or _walk(av[2], state, chars)
        elif op is sre_parse.POSSESSIVE_REPEAT:  # never backtracks into itself
            found = _walk(av[2], state, chars)
        elif op is sre_parse.SUBPATTERN:
            found = _walk(av[-1], state, chars)
        elif op is sre_parse.ATOMIC_GROUP:
            found = _walk(av, state, chars)
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            found = _walk(av[1], state, chars)
        elif op is sre_parse.BRANCH:
            for alt in av[1]:
                found = found or _walk(alt, state, chars)
        elif op is sre_parse.GROUPREF_EXISTS:
            found = _walk(av[1], state, chars) or (
                _walk(av[2], state, chars) if av[2] is not None else None)
        if found:
            return found
    return None


def catastrophic(pattern: str) -> str | None:
    """Why ``pattern`` can take exponential time, or None when its shape looks safe.
    The pattern must compile with ``re`` (check that first)."""
    parsed = sre_parse.parse(pattern)
    chars = _Chars(pattern, bool(parsed.state.flags & re.IGNORECASE))
    return _walk(parsed, parsed.state, chars)
