"""Bounded excerpts of a sentence around a phrase.

Every piece of evidence carries the sentence it was found in, for the reader and for the
context rules. A page without full stops can be one 200 KB "sentence"; stored whole with each
of its hundreds of cues, that made a 777 MB SQLite file and as much JSON. Evidence keeps at most
:data:`MAX_SENTENCE_CHARS` characters around its phrase instead (the phrase always whole), cut
at spaces and marked with an ellipsis where text was left out.
"""

from __future__ import annotations

MAX_SENTENCE_CHARS = 300
ELLIPSIS = "…"


def excerpt(sentence: str, start: int, end: int, limit: int = MAX_SENTENCE_CHARS) -> str:
    """``sentence`` itself when it fits in ``limit``, else the text around ``sentence[start:end]``
    (the phrase), as evenly as the sentence's ends allow, cut at whitespace."""
    if len(sentence) <= limit:
        return sentence
    start, end = max(0, min(start, len(sentence))), max(0, min(end, len(sentence)))
    end = max(start, end)
    room = max(limit - (end - start) - 2 * len(ELLIPSIS), 0)
    before = min(room // 2, start)
    after = min(room - before, len(sentence) - end)
    before = min(room - after, start)  # what the end could not use goes before the phrase
    lo, hi = start - before, end + after
    if lo > 0:  # do not begin inside a word
        space = sentence.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(sentence):
        space = sentence.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    text = sentence[lo:hi].strip()
    return (ELLIPSIS if lo > 0 else "") + text + (ELLIPSIS if hi < len(sentence) else "")
