"""Typography-proof matching: real copy writes ``don’t``, ``sign‑off``, ``pro­cure­ment`` and
no-break spaces where packs write ``don't``, ``sign-off`` and plain spaces.

Matching, negation and tone run on a normalised copy of each text, so a curly apostrophe or a
soft hyphen never changes a verdict. Character-for-character replacements (quotes, apostrophes,
hyphen variants, exotic spaces, full-width forms) keep every offset as it is; invisible
characters (soft hyphens, zero-width spaces and joiners, byte-order marks) are dropped, and
:class:`Normalised` maps offsets in the normalised text back to the original, so evidence always
points at the text the user gave.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from typing import NamedTuple

from ..models import Piece, Section

_ONE_FOR_ONE: dict[int, str] = {
    # apostrophes and single quotes
    0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'", 0x2032: "'", 0x02BC: "'", 0xFF07: "'",
    # double quotes
    0x201C: '"', 0x201D: '"', 0x201E: '"', 0x201F: '"', 0x2033: '"', 0x00AB: '"', 0x00BB: '"',
    # hyphens that are hyphens (en and em dashes stay: spaCy already splits words at them)
    0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2212: "-", 0xFE63: "-", 0xFF0D: "-",
    # spaces that are spaces
    0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2004: " ", 0x2005: " ", 0x2006: " ", 0x2007: " ",
    0x2008: " ", 0x2009: " ", 0x200A: " ", 0x202F: " ", 0x205F: " ", 0x3000: " ",
    # ellipsis keeps its length as one mark
    0x2026: ".",
}
# Full-width ASCII forms (ＳＳＯ, ｆｒｅｅ) as the ASCII they stand for.
_ONE_FOR_ONE.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F) if cp not in _ONE_FOR_ONE})

#: Characters no reader sees: dropped before analysis.
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


#: Offsets in a normalised text at which characters were dropped, and how many were dropped up
#: to and including each.
Cuts = tuple[tuple[int, ...], tuple[int, ...]]


def to_original(cuts: Cuts | None, pos: int, *, end: bool = False) -> int:
    """The original offset of normalised offset ``pos``; an ``end`` offset stays before the
    invisible characters that follow it."""
    if cuts is None:
        return pos
    at, dropped = cuts
    k = bisect_right(at, pos - 1 if end else pos) - 1
    return pos + (dropped[k] if k >= 0 else 0)


class Normalised(NamedTuple):
    """A text as analysed, and where its characters came from (``cuts`` is None when nothing
    was dropped, the usual case: then offsets are equal)."""

    text: str
    cuts: Cuts | None = None


# Control characters (a stray NUL or bell, what is left of an escape sequence) are nothing a
# reader sees: blanked, so no excerpt carries them to a terminal.
_CONTROL = (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)
#: The typographic variants as a ``str.translate`` table (report/locate reads it back).
TABLE = str.maketrans(_ONE_FOR_ONE)
_FOLDED = {chr(cp): out for cp, out in (*_ONE_FOR_ONE.items(), *((cp, " ") for cp in _CONTROL))}
#: The characters folded. One regex pass finds them: ``str.translate`` with a table looks up
#: every character and took 115 ms on a 2.4 MB text that had none of them; this takes 5 ms.
FOLD = re.compile("[" + "".join(re.escape(c) for c in sorted(_FOLDED)) + "]")

#: A run of marks, symbols or emoji with no letter, digit or space in it ("[[[[...", "!!!!...",
#: "____"): spaCy's tokenizer strips such a run one character at a time, in time that grows
#: with the square of its length (20,000 "[" took 30 s, as many "$" a minute). No copy needs
#: more than 32 in a row; the rest of the run is blanked.
SYMBOL_RUN = re.compile(r"(?:_|[^\w\s]){33,}")
SYMBOL_RUN_KEPT = 32
#: Bytes of UTF-8 that can be part of such a run: all but ASCII letters, digits and spaces
#: (every byte of a multi-byte character counts, so an accented word may be asked about too).
#: A run of 33 of them is a cheap test, a few ms on megabytes, before the exact regex is asked.
_RUN_BYTES = bytes.maketrans(
    bytes(range(256)),
    bytes(ord("a") if b < 128 and (chr(b).isalnum() or chr(b).isspace()) else ord("#")
          for b in range(256)))


#: Terminal escape sequences (colour codes in text piped or saved from a terminal, a window
#: title): blanked whole, so "\x1b[31mRequest a demo" reads "Request a demo", not
#: "[31mRequest a demo". A string sequence (OSC, DCS ...) left open ends at the line's end.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|\x9d)[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]")


def _blank(m: re.Match[str]) -> str:
    return " " * (m.end() - m.start())


def _fold(m: re.Match[str]) -> str:
    return _FOLDED[m.group()]


def _cut_run(m: re.Match[str]) -> str:
    return m.group()[:SYMBOL_RUN_KEPT] + " " * (m.end() - m.start() - SYMBOL_RUN_KEPT)


def normalise(text: str) -> Normalised:
    """The text with typographic variants folded to what packs are written in, control
    characters (and terminal escape sequences, whole) blanked and runs of symbols cut short
    (all keep every offset)."""
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ESCAPE.sub(_blank, text)
    text = FOLD.sub(_fold, text)
    if b"#" * (SYMBOL_RUN_KEPT + 1) in text.encode("utf-8", "surrogatepass").translate(_RUN_BYTES):
        text = SYMBOL_RUN.sub(_cut_run, text)
    if not INVISIBLE.search(text):
        return Normalised(text)
    at: list[int] = []
    dropped: list[int] = []
    parts: list[str] = []
    last = 0
    for m in INVISIBLE.finditer(text):
        parts.append(text[last:m.start()])
        before = dropped[-1] if dropped else 0
        pos = m.start() - before  # where the next kept character lands in the output
        total = before + 1
        if at and at[-1] == pos:
            dropped[-1] = total
        else:
            at.append(pos)
            dropped.append(total)
        last = m.end()
    parts.append(text[last:])
    return Normalised("".join(parts), (tuple(at), tuple(dropped)))


def normalised_piece(piece: Piece) -> tuple[Piece, Cuts | None]:
    """The piece as analysed (same sections, normalised text), and where characters were dropped
    from its ``Piece.text`` (None: nowhere, offsets are equal)."""
    texts = [normalise(s.text) for s in piece.sections]
    if all(n.text == s.text for n, s in zip(texts, piece.sections, strict=True)):
        return piece, None
    analysed = replace(piece, sections=[Section(s.role, n.text)
                                        for n, s in zip(texts, piece.sections, strict=True)])
    if all(n.cuts is None for n in texts):
        return analysed, None
    return analysed, normalise(piece.text).cuts
