"""Character-level cue regexes (merge tags, countdowns, live-viewer lines), run only near the
text they cannot match without.

Python's ``re`` tries a pattern at every position of a text; a pattern starting with ``\\b`` or a
character class gets no help from its literal prefix, so a few dozen of them over a long page
cost more than tokenising it. Each regex here is run only in windows around its anchors (see
:mod:`audit.analyze.regexfilter`): words it needs are found as tokens (one check per word type, cached
by the caller), other literals ("{{", "*|", "%off") by a plain substring search. A window is the
paragraph around the anchor, at most :data:`SPAN` characters each way.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import regex
from spacy.language import Language

from ..errors import AntipersonaError
from . import programs
from .nlp import pipeline_name
from .regexfilter import (
    DIGIT,
    ZERO_WIDTH,
    Literal,
    alternation,
    anchors,
    common_word,
    leads,
    sre_parse,
    word_leads,
)

#: Characters a window reaches on either side of its anchor when no blank line comes first.
SPAN = 400
#: Seconds one pack regex may spend on one text, in all its windows. The pack linter refuses
#: the shapes that backtrack exponentially (audit.packs.redos); this bounds whatever it misses.
REGEX_SECONDS = 1.0
_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII


class RegexTimeout(AntipersonaError):
    """A pack regex ran past :data:`REGEX_SECONDS` on one text: the pack needs fixing."""


class Leads(NamedTuple):
    """Places in a word type where char regexes could start: ``shifts[i]`` characters into the
    token, regex ``rids[i]``; the first ``exact`` hold in the token itself, the rest only when
    the next token follows without a space."""

    shifts: tuple[int, ...]
    rids: tuple[int, ...]
    exact: int


@dataclass(frozen=True, slots=True)
class CharRegex:
    rx: re.Pattern[str]
    persona: int
    group: int
    #: "pack-id/group" for messages.
    label: str = ""
    #: From a pack shipped with the tool: linted and tested here, run without a time bound.
    trusted: bool = False


class CharRegexes:
    """The packs' character-level regexes with the anchors that let them skip most text."""

    def __init__(self, nlp: Language, entries: Iterable[CharRegex]) -> None:
        self.entries = list(entries)
        #: Patterns from users' packs compiled by the ``regex`` module too, which can stop
        #: after a time; the shipped packs' run on ``re`` (``regex`` compiles several times
        #: slower, and every analysis worker compiles them at start).
        self._bounded = [None if e.trusted else regex.compile(e.rx.pattern, e.rx.flags & _FLAGS)
                         for e in self.entries]
        #: How the shipped packs' regexes are searched (see Scan); None for users' packs.
        self._scans = [Scan.of(e.rx) if e.trusted else None for e in self.entries]
        #: The shipped case-insensitive regexes compiled again for the lower-cased text:
        #: ``re`` runs a case-sensitive pattern about three times as fast.
        lowered = [for_lowered(e.rx) if e.trusted else None for e in self.entries]
        self._lowered_scans = [None if rx is None else Scan.of(rx) for rx in lowered]
        #: Regexes without a known anchor: they scan the whole text.
        self.always: list[int] = []
        #: Literal -> regexes, searched as substrings of the lower-cased text.
        self.texts: dict[str, list[int]] = {}
        #: (word start, word end) -> {word -> regexes}: checked once per token type.
        words: dict[tuple[bool, bool], dict[str, list[int]]] = {}
        self.digit: list[int] = []
        pipeline = pipeline_name(nlp)
        for rid, entry in enumerate(self.entries):
            found = programs.fact("anchors", (entry.rx.pattern, entry.rx.flags),
                                  lambda rx=entry.rx: anchors(rx))
            if found is None:
                self.always.append(rid)
                continue
            for lit in found:
                if lit == DIGIT:
                    self.digit.append(rid)
                elif lit.is_word and programs.fact("one-token-before-clitic", (pipeline, lit.text),
                                                   lambda lit=lit: _one_token(nlp, lit)):
                    words.setdefault((lit.word_start, lit.word_end), {}).setdefault(
                        lit.text, []).append(rid)
                else:
                    self.texts.setdefault(lit.text, []).append(rid)
        # Per group, one pass over a token type's text finds every anchoring word in it: a
        # lookahead at each position, longest word first; a shorter word at the same position
        # is implied by the longer one unless it must end at a word boundary.
        self._word_rx: list[tuple[re.Pattern[str], dict[str, tuple[int, ...]]]] = []
        for (start, end), table in sorted(words.items()):
            rx = programs.compile("(?=" + ("(?<!\\w)" if start else "") + f"({alternation(table)})"
                            + ("(?!\\w)" if end else "") + ")")
            # A word's prefixes are looked up rather than every word tested against every other.
            implied = {word: tuple(sorted({rid for k in (range(1, len(word) + 1) if not end
                                                         else (len(word),))
                                           for rid in table.get(word[:k], ())}))
                       for word in table}
            self._word_rx.append((rx, implied))
        # Regexes whose every match starts at a word start with a known opening word: the
        # tokens say where those openings are (type_leads, read once per word type), so the
        # regex is tried at those places only, not searched for through its windows.
        by_lead: dict[str, set[int]] = {}
        for rid, scan in enumerate(self._scans):
            starts = programs.fact("word-leads", (self.entries[rid].rx.pattern,
                                                  self.entries[rid].rx.flags),
                                   lambda rx=self.entries[rid].rx: word_leads(rx))
            if scan is not None and starts:
                for lead in starts:
                    by_lead.setdefault(lead, set()).add(rid)
        self.token_started = frozenset(rid for rids in by_lead.values() for rid in rids)
        #: Regexes that may open with any digit: tried where a run of digits starts.
        self._digit_led = tuple(sorted(by_lead.pop(DIGIT.text, ())))
        self._leads = {lead: tuple(sorted(rids)) for lead, rids in by_lead.items()}
        # Every shorter opening of a lead: a token that ends there ("do" of "don't") may be
        # followed by the lead's rest in the next token.
        prefixes: dict[str, set[int]] = {}
        for lead, rids in by_lead.items():
            for k in range(1, len(lead)):
                prefixes.setdefault(lead[:k], set()).update(rids)
        self._lead_prefixes = {p: tuple(sorted(rids)) for p, rids in prefixes.items()}
        self._lead_lengths = sorted({len(lead) for lead in by_lead})

    def __bool__(self) -> bool:
        return bool(self.entries)

    def type_ids(self, lower: str) -> tuple[int, ...]:
        """Regexes a token with this lower-case text anchors (cache the answer per type)."""
        found: set[int] = set()
        for rx, implied in self._word_rx:
            for m in rx.finditer(lower):
                found.update(implied[m.group(1)])
        if self.digit and any(c.isdigit() for c in lower):
            found.update(self.digit)
        return tuple(sorted(found))

    def type_leads(self, lower: str) -> Leads | None:
        """Where in a token with this lower-case text a :attr:`token_started` regex could
        start (cache the answer per type): at the token's start, or where a word or a run of
        digits starts inside it ("#" then "sale", "x" then "24"), if the text there opens
        with one of the regex's leads (a digit, for a regex that opens with one), or, only
        when the next token follows without a space ("do" of "don't"), ends while still
        spelling one. None: nowhere."""
        if not self.token_started:
            return None
        exact: set[tuple[int, int]] = set()
        running: set[tuple[int, int]] = set()
        lengths, leads, prefixes = self._lead_lengths, self._leads, self._lead_prefixes
        longest = lengths[-1] if lengths else 1
        for offset in _openings(lower):
            # No more than a lead's length: a long token (a URL, an encoded blob) has many
            # openings, and its whole rest at each would cost its length squared.
            rest = lower[offset:offset + longest]
            if rest[0].isdecimal():
                exact.update((offset, rid) for rid in self._digit_led)
            if len(lower) - offset < longest:  # the token ends within a lead's length
                for rid in prefixes.get(rest, ()):
                    running.add((offset, rid))
            for k in lengths:
                if k > len(rest):
                    break
                for rid in leads.get(rest[:k], ()):
                    exact.add((offset, rid))
        if not exact and not running:
            return None
        places = [*sorted(exact), *sorted(running)]
        return Leads(tuple(o for o, _ in places), tuple(r for _, r in places), len(exact))

    def run(self, text: str, lowered: str, anchored: dict[int, list[int]],
            started: tuple[np.ndarray, np.ndarray] | None = None
            ) -> Iterator[tuple[int, int, int]]:
        """(regex id, start, end) of every match. ``anchored``: regex id -> char offsets of the
        tokens that anchor it; literal anchors are searched here in ``lowered``. ``started``:
        (regex ids, char offsets) of the places where a :attr:`token_started` regex could
        start (see :meth:`type_leads`); without it those regexes search their windows."""
        at = {rid: list(offsets) for rid, offsets in anchored.items()}
        aligned = len(lowered) == len(text)
        # Tokens are lower-cased one by one: the final sigma is the one letter whose lower
        # case depends on the letters around it.
        if started is not None and (not aligned or "\u03a3" in text):
            started = None
        for lit, rids in self.texts.items():
            pos = lowered.find(lit)
            if pos < 0:
                continue
            if not aligned:  # lower-casing changed lengths: offsets would not line up
                for rid in rids:
                    at[rid] = [-1]
                continue
            offsets = []
            while pos >= 0:
                offsets.append(pos)
                pos = lowered.find(lit, pos + 1)
            for rid in rids:
                at.setdefault(rid, []).extend(offsets)
        for rid in self.always:
            at[rid] = [-1]
        windows = Windows(text).merged_all(at)
        tried = None if started is None else windows.places(*started)
        for rid in at:  # in the order the anchors were found, as before
            rx = self._bounded[rid]
            if rx is None:
                plain, subject = self._lowered_scans[rid], lowered
                if plain is None or not aligned:
                    plain, subject = self._scans[rid], text
                assert plain is not None  # a shipped regex (rx is None) always has its Scan
                if tried is not None and rid in self.token_started:
                    found = _tried_at(plain.whole.match, subject, *tried.get(rid, ((), ())))
                else:
                    found = plain.spans(subject, windows.spans(rid),
                                        lowered if aligned else None)
                for start, end in found:
                    yield rid, start, end
                continue
            spans = windows.spans(rid)
            deadline = time.monotonic() + REGEX_SECONDS
            try:
                for lo, hi in spans:
                    left = max(deadline - time.monotonic(), 0.001)
                    for m in rx.finditer(text, lo, hi, timeout=left):
                        if m.end() > m.start():
                            yield rid, m.start(), m.end()
            except TimeoutError:
                entry = self.entries[rid]
                raise RegexTimeout(
                    f"the regular expression {entry.rx.pattern!r} of {entry.label or 'a pack'} "
                    f"took over {REGEX_SECONDS:g} s on one text and was stopped; simplify it "
                    "(antipersona personas lint)") from None


class Scan:
    """``finditer`` for a regex that starts with zero-width tests (``\\b``, a lookbehind), run
    as a search for the rest, each find then checked against those tests. ``re`` looks for a
    pattern's leading literal or first characters with a fast scan, but not behind a leading
    test, where it tries the whole pattern at every position: ``\\bwe\\s+...`` searched as
    ``we\\s+...`` runs about thirty times faster. The matches are the same: the leftmost place
    the rest matches is the leftmost place the whole does, unless the tests fail there, and
    then the search goes on from the next character."""

    __slots__ = ("lead", "rest", "tests", "whole")

    def __init__(self, whole: re.Pattern[str], rest: re.Pattern[str] | None = None,
                 tests: re.Pattern[str] | None = None, lead: re.Pattern[str] | None = None
                 ) -> None:
        self.whole, self.rest, self.tests, self.lead = whole, rest, tests, lead

    @classmethod
    def of(cls, rx: re.Pattern[str]) -> Scan:
        starts = programs.fact("leads", (rx.pattern, rx.flags), lambda: leads(rx))
        split = programs.fact("leading-tests", (rx.pattern, rx.flags), lambda: _leading_tests(rx))
        # A lead that is an everyday word ("for", "the") is tried too often to beat a search
        # for the rest after a leading test, which re runs in C.
        if starts is not None and (split is None or not common_word(starts)):
            # Looked for in the lower-cased text: a case-insensitive search is ten times slower.
            return cls(rx, lead=programs.compile(alternation(starts)))
        if split is None:
            return cls(rx)
        tests, rest = split
        return cls(rx, programs.compile(rest, rx.flags), programs.compile(tests, rx.flags))

    def spans(self, subject: str, windows: list[tuple[int, int]], lowered: str | None = None
              ) -> list[tuple[int, int]]:
        """(start, end) of the non-empty matches ``finditer`` finds in each window.
        ``lowered``: ``subject`` lower-cased, offsets unchanged (where lead texts are looked
        for; without it the regex searches on its own)."""
        if self.lead is not None and lowered is not None:
            # Every match starts with a lead text: try the whole regex only where one is.
            find, match = self.lead.search, self.whole.match

            def confirm_whole(lead: re.Match[str], hi: int) -> int | None:
                m = match(subject, lead.start(), hi)
                return None if m is None or m.end() == lead.start() else m.end()

            return _walk(windows, lambda pos, hi: find(lowered, pos, hi), confirm_whole)
        if self.rest is None or self.tests is None:
            finditer = self.whole.finditer
            return [m.span() for lo, hi in windows for m in finditer(subject, lo, hi)
                    if m.end() > m.start()]
        # The rest never matches empty (see _leading_tests): a confirmed find moves on past it.
        search, tests = self.rest.search, self.tests.match
        return _walk(windows, lambda pos, hi: search(subject, pos, hi),
                     lambda m, hi: m.end() if tests(subject, m.start(), hi) else None)


def _tried_at(match: Callable[[str, int, int], re.Match[str] | None], subject: str,
              places: Iterable[int], ends: Iterable[int]) -> list[tuple[int, int]]:
    """Non-overlapping matches, as ``finditer`` finds them in each window, of a regex that can
    start only at ``places`` (in order, each with the end of its window): tried there and
    nowhere else."""
    found = []
    pos = 0
    for place, hi in zip(places, ends, strict=True):
        if place < pos:
            continue
        m = match(subject, place, hi)
        if m is not None and m.end() > place:
            found.append((place, m.end()))
            pos = m.end()
    return found


def _openings(lower: str) -> list[int]:
    """Offset 0 and each offset inside a token that follows a character outside ASCII's word
    characters (where ``\\b`` can open a word under either of ``re``'s meanings of a word
    character, ASCII or Unicode), or where a run of digits starts."""
    return [0, *(i for i in range(1, len(lower)) if not _ascii_word(lower[i - 1])
                 or (lower[i].isdecimal() and not lower[i - 1].isdecimal()))]


def _ascii_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def _walk(windows: list[tuple[int, int]], candidate: Callable[[int, int], re.Match[str] | None],
          confirm: Callable[[re.Match[str], int], int | None]) -> list[tuple[int, int]]:
    """Non-overlapping matches, as ``finditer`` finds them, from a quick search for where a
    match could start (``candidate(pos, hi)``) and a check there that gives its end or None
    (``confirm(found, hi)``); a failed check moves on by one character."""
    found = []
    for lo, hi in windows:
        pos = lo
        while pos < hi:
            c = candidate(pos, hi)
            if c is None:
                break
            end = confirm(c, hi)
            if end is None:
                pos = c.start() + 1
                continue
            found.append((c.start(), end))
            pos = end
    return found


#: Where a pattern's source starts: its global flags, then one zero-width test.
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_SIMPLE_TEST = re.compile(r"\\[bB]")


def _leading_tests(rx: re.Pattern[str]) -> tuple[str, str] | None:
    """``rx``'s source cut into its leading zero-width tests (word boundaries, lookarounds)
    and the rest (each with the global flags), when the rest consumes at least one character;
    None otherwise. A leading ``^`` stays: ``re`` already tries a line-start pattern quickly,
    and its rest found anywhere in a line would be tried in vain."""
    src = rx.pattern
    flags = _GLOBAL_FLAGS.match(src)
    head = flags.group(0) if flags else ""
    pos = len(head)
    while pos < len(src):
        simple = _SIMPLE_TEST.match(src, pos)
        if simple:
            pos = simple.end()
        elif src.startswith(("(?=", "(?!", "(?<=", "(?<!"), pos):
            end = _group_end(src, pos)
            if end is None:
                return None
            pos = end
        else:
            break
    tests, rest = src[len(head):pos], src[pos:]
    if not tests or not rest:
        return None
    try:
        whole = list(sre_parse.parse(src, rx.flags))
        lead = list(sre_parse.parse(head + tests, rx.flags))
        tail = sre_parse.parse(head + rest, rx.flags)
    except re.error:
        return None
    # The cut must not change what the pattern means ("\\bA|B" is not "\\b" then "A|B").
    if (len(whole) != len(lead) + len(tail) or any(op not in ZERO_WIDTH for op, _ in lead)
            or repr(whole[len(lead):]) != repr(list(tail)) or tail.getwidth()[0] < 1):
        return None
    return head + tests, head + rest


def _group_end(src: str, start: int) -> int | None:
    """The index after the parenthesis that closes the group opening at ``start``."""
    depth, i, in_class = 0, start, False
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if src.startswith("]", i + 1) or src.startswith("^]", i + 1):
                i += 2 if src[i + 1] == "]" else 3
                continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


_INLINE_FLAGS = re.compile(r"\(\?(?=[aiLmsux-])[aiLmsux-]+[:)]")


def for_lowered(rx: re.Pattern[str]) -> re.Pattern[str] | None:
    r"""``rx`` without IGNORECASE, to run on the lower-cased text (same length, so the same
    offsets), when that finds the same matches: the pattern is case-insensitive through a
    leading ``(?i)`` alone, and its own letters are lower-cased ("SSO" is "sso", "[A-Z]" is
    "[a-z]"), escapes aside (``\S`` and ``\s`` differ). None when an escape could spell a letter
    (``\x41``), refers back to a group, or the pattern names its groups. (The one known
    difference: case folding pairs the archaic long s, "ſ", with "s", and lower-casing does
    not.)"""
    # Kept with the programs: reading the shipped patterns a character at a time was two
    # thirds of setting up the char regexes in every analysing process.
    lowered = programs.fact("lowered", rx.pattern, lambda: _lowered_source(rx.pattern))
    if lowered is None:
        return None
    try:
        return programs.compile(lowered, rx.flags & ~re.IGNORECASE)
    except re.error:
        return None


def _lowered_source(src: str) -> str | None:
    """The text of :func:`for_lowered`'s pattern, or None where there is none."""
    if not src.startswith("(?i)") or _INLINE_FLAGS.search(src, 4) or "(?P" in src:
        return None
    out = []
    i = 4
    while i < len(src):
        if src[i] == "\\":
            escape = src[i + 1:i + 2]
            if escape in _SPELLING_ESCAPES:
                return None
            out.append(src[i:i + 2])
            i += 2
            continue
        char = src[i]
        if char.isupper() and not char.isascii():  # "İ" lower-cases to two characters
            return None
        out.append(char.lower())
        i += 1
    return "".join(out)


#: Escapes that spell a character by its code (which may be an upper-case letter) or refer
#: back to a group (simpler to leave alone than to tell from an octal code).
_SPELLING_ESCAPES = frozenset("xuUN0123456789")


def _one_token(nlp: Language, lit: Literal) -> bool:
    """A word the tokenizer keeps whole, so it always lies inside one token: also before a
    contraction, since "don" of "don't" is read as the tokens "do" and "n't" (a regex needing
    "don" is then looked for as text, not as a token)."""
    forms = (lit.text, lit.text.title(), lit.text.upper())
    return (all(len(nlp.make_doc(form)) == 1 for form in forms)
            and not any(len(nlp.make_doc(form + tail)[0]) < len(form)
                        for form in forms for tail in ("'t", "\u2019t")))


#: Code points that ``\s`` matches, up to the last one (U+3000, the ideographic space).
_IS_SPACE = np.array([chr(c).isspace() for c in range(0x3001)], dtype=bool)


class Windows:
    """The windows around anchor places in one text, overlapping ones joined: the paragraph
    around each place, at most SPAN characters each way, a cut end moved to the next
    whitespace so that ``\\b`` and lookaheads there see what they would in the full text.
    Worked out with numpy for all places of all regexes at once: a loop per place, or a numpy
    pass per regex, cost as much as the regexes the windows bound."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._breaks: np.ndarray | None = None
        self._spaces: np.ndarray | None = None

    def _read(self) -> tuple[np.ndarray, np.ndarray]:
        if self._breaks is None or self._spaces is None:
            points = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"),
                                   dtype=np.uint32).astype(np.int64)
            newline = points == 10
            self._breaks = np.flatnonzero(newline[:-1] & newline[1:])  # each "\n\n" start
            self._spaces = np.flatnonzero((points <= 0x3000)
                                          & _IS_SPACE[np.minimum(points, 0x3000)])
        return self._breaks, self._spaces

    def merged_all(self, at: dict[int, list[int]]) -> WindowSet:
        """Each regex's merged windows (``at``: regex id -> its anchor places, -1 for the whole
        text), from one numpy pass over all places: a pass per regex had a fixed cost that came
        to a tenth of the regexes' time on long texts."""
        n = len(self.text)
        whole: list[int] = []
        ids: list[int] = []
        places: list[int] = []
        for key, offsets in at.items():
            if -1 in offsets:
                whole.append(key)
            else:
                ids.extend([key] * len(offsets))
                places.extend(offsets)
        rid, pos = np.array(ids, dtype=np.int64), np.array(places, dtype=np.int64)
        lo = hi = np.zeros(0, dtype=np.int64)
        if places:
            order = np.lexsort((pos, rid))
            rid, pos = rid[order], pos[order]
            fresh = np.concatenate(([True], (np.diff(rid) != 0) | (np.diff(pos) != 0)))
            rid, pos = rid[fresh], pos[fresh]
            lo, hi = self._bounds(pos)
            # Windows join within a regex only: its id, times more than the text's length,
            # keeps each regex's places apart from the next one's.
            shift = rid * (n + 1)
            reach = np.maximum.accumulate(hi + shift)
            starts = np.flatnonzero(np.concatenate(([True], (lo + shift)[1:] > reach[:-1])))
            rid, lo, hi = rid[starts], lo[starts], np.maximum.reduceat(hi, starts)
        if whole:  # a regex read in full has no places of its own
            rid = np.concatenate((rid, np.array(whole, dtype=np.int64)))
            lo = np.concatenate((lo, np.zeros(len(whole), dtype=np.int64)))
            hi = np.concatenate((hi, np.full(len(whole), n, dtype=np.int64)))
            order = np.argsort(rid, kind="stable")
            rid, lo, hi = rid[order], lo[order], hi[order]
        return WindowSet(rid, lo, hi, n)

    def _bounds(self, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each place's window (lo, hi), for sorted places."""
        breaks, spaces = self._read()
        n = len(self.text)
        floor = np.maximum(pos - SPAN, 0)
        lo = floor
        hi = np.minimum(pos + SPAN, n)
        if len(breaks):
            # the last break that ends by the place and starts within SPAN before it
            k = np.searchsorted(breaks, pos - 2, side="right") - 1
            before = breaks[np.maximum(k, 0)]
            lo = np.where((k >= 0) & (before >= floor), before + 2, floor)
            # the first break at or after the place that ends within SPAN
            j = np.searchsorted(breaks, pos, side="left")
            after = breaks[np.minimum(j, len(breaks) - 1)]
            cut_by_break = (j < len(breaks)) & (after <= pos + SPAN - 2)
        else:
            cut_by_break = np.zeros(len(pos), dtype=bool)
        # a cut that is not a paragraph's end moves to the next whitespace within SPAN
        i = np.searchsorted(spaces, hi, side="left")
        space = spaces[np.minimum(i, len(spaces) - 1)] if len(spaces) else hi
        moved = np.where((i < len(spaces)) & (space < hi + SPAN), space,
                         np.minimum(hi + SPAN, n))
        hi = np.where(cut_by_break, after if len(breaks) else hi, np.where(hi < n, moved, hi))
        return lo, hi


class WindowSet:
    """Every regex's merged windows, as arrays sorted by regex id, then start."""

    __slots__ = ("_ranges", "hi", "lo", "n", "rid")

    def __init__(self, rid: np.ndarray, lo: np.ndarray, hi: np.ndarray, n: int) -> None:
        self.rid, self.lo, self.hi, self.n = rid, lo, hi, n
        self._ranges: dict[int, tuple[int, int]] | None = None

    def spans(self, rid: int) -> list[tuple[int, int]]:
        """One regex's windows, (start, end) in order."""
        if self._ranges is None:
            self._ranges = _runs(self.rid)
        a, b = self._ranges.get(rid, (0, 0))
        return list(zip(self.lo[a:b].tolist(), self.hi[a:b].tolist(), strict=True))

    def places(self, rids: np.ndarray, offsets: np.ndarray
               ) -> dict[int, tuple[list[int], list[int]]]:
        """The (regex id, char offset) places that lie in that regex's windows: per regex, the
        offsets in order and the end of the window each lies in."""
        if not len(rids) or not len(self.rid):
            return {}
        width = self.n + 1
        keys = rids * width + offsets
        j = np.searchsorted(self.rid * width + self.lo, keys, side="right") - 1
        k = np.maximum(j, 0)
        inside = (j >= 0) & (self.rid[k] == rids) & (offsets < self.hi[k])
        rids, offsets, ends = rids[inside], offsets[inside], self.hi[k[inside]]
        if not len(rids):
            return {}
        order = np.lexsort((offsets, rids))
        rids, offsets, ends = rids[order], offsets[order], ends[order]
        offs, hi = offsets.tolist(), ends.tolist()
        return {rid: (offs[a:b], hi[a:b]) for rid, (a, b) in _runs(rids).items()}


def _runs(ids: np.ndarray) -> dict[int, tuple[int, int]]:
    """Where each run of equal values starts and ends in a sorted array: value -> (a, b)."""
    if not len(ids):
        return {}
    cuts = [0, *(np.flatnonzero(np.diff(ids)) + 1).tolist(), len(ids)]
    return dict(zip(ids[cuts[:-1]].tolist(), itertools.pairwise(cuts), strict=True))
