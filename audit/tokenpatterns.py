"""spaCy Matcher token patterns compiled to regular expressions over an encoded token stream.

spaCy's ``Matcher`` calls a Python predicate per token for ``IN``/``NOT_IN``/``REGEX`` values,
which made it the slowest part of a check. Most pack patterns only test token text (LOWER,
LEMMA, ORTH, TEXT with a value, ``IN`` or ``NOT_IN``), a few boolean flags (LIKE_NUM, IS_ALPHA,
IS_TITLE, IS_SENT_START...) and quantifiers (``?``, ``*``, ``+``, ``!``, ``{m,n}``). Those
compile to one ``re`` pattern over a string that encodes every token as::

    <flags> RS <lower> RS <lemma> RS <orth> US

so the C regex engine does the matching. Patterns using anything else stay with spaCy's
Matcher (:func:`compile_pattern` returns None for them).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

import numpy as np
from spacy.attrs import (
    IS_ALPHA,
    IS_DIGIT,
    IS_PUNCT,
    IS_SPACE,
    IS_TITLE,
    IS_UPPER,
    LEMMA,
    LIKE_NUM,
    ORTH,
    SENT_START,
)
from spacy.tokens import Doc

RS = "\x1e"  # between the fields of one token
US = "\x1f"  # after each token
_FIELD = f"[^{RS}{US}]*"
#: Flag attributes in the order of the flag characters at the start of each token.
FLAGS = ("LIKE_NUM", "IS_ALPHA", "IS_TITLE", "IS_SENT_START", "IS_DIGIT", "IS_PUNCT",
         "IS_UPPER", "IS_SPACE")
_FLAG_ATTRS = (LIKE_NUM, IS_ALPHA, IS_TITLE, SENT_START, IS_DIGIT, IS_PUNCT, IS_UPPER, IS_SPACE)
_FIELDS = {"LOWER": 0, "LEMMA": 1, "ORTH": 2, "TEXT": 2}
_OPS = {None: "", "?": "?", "*": "*", "+": "+"}
_QUANT = re.compile(r"^\{(\d*),?(\d*)\}$")


def _alternation(values: list[Any], lower: bool) -> str:
    words = [str(v).lower() if lower else str(v) for v in values]
    if any(RS in w or US in w for w in words):
        raise ValueError("separator in value")
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


def _field_rx(value: Any, lower: bool) -> str | None:
    """Lookaheads that one field of a token must satisfy, then the field itself; None when
    the value uses something other than a literal, IN or NOT_IN."""
    end = f"[{RS}{US}]"
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return f"(?={_alternation([value], lower)}{end}){_FIELD}"
    if not isinstance(value, dict) or not value:
        return None
    conds = []
    for op, arg in value.items():
        if op == "IN" and isinstance(arg, list) and arg:
            conds.append(f"(?={_alternation(arg, lower)}{end})")
        elif op == "NOT_IN" and isinstance(arg, list):
            if arg:
                conds.append(f"(?!{_alternation(arg, lower)}{end})")
        elif op == "REGEX" and isinstance(arg, str) and (inner := _embed_regex(arg)) is not None:
            conds.append(f"(?={_FIELD_LAZY}(?:{inner}))")
        else:
            return None
    return "".join(conds) + _FIELD


_FIELD_LAZY = f"[^{RS}{US}]*?"
#: Regex pieces that could step over a field separator; such REGEX values stay with spaCy.
_UNSAFE = re.compile(r"\.|\\[sSWDB]|\[\^|\(\?[aiLmsux]|\\[AZz]")


def _embed_regex(rx: str) -> str | None:
    """A token REGEX (spaCy searches it in the field) rewritten to run inside one field of the
    stream: ^ becomes "at the field's start", $ "at its end". None when the regex could match
    a separator or uses constructs this cannot translate."""
    if _UNSAFE.search(rx):
        return None
    try:
        re.compile(rx)
    except re.error:
        return None
    out = rx.replace("^", f"(?<=[{RS}])").replace("$", f"(?=[{RS}{US}])")
    return out if "^" not in out.replace("[^", "") else None


def _token_rx(spec: dict[str, Any]) -> str | None:
    """One token: its flag characters, then the lower, lemma and orth fields."""
    flags = ["."] * len(FLAGS)
    fields = [_FIELD, _FIELD, _FIELD]
    for key, value in spec.items():
        if key == "OP":
            continue
        if key in FLAGS:
            if not isinstance(value, bool):
                return None
            flags[FLAGS.index(key)] = "1" if value else "0"
        elif key in _FIELDS:
            rx = _field_rx(value, lower=key in ("LOWER", "LEMMA"))
            if rx is None:
                return None
            fields[_FIELDS[key]] = rx
        else:
            return None
    return "".join(flags) + RS + fields[0] + RS + fields[1] + RS + fields[2] + US


def compile_pattern(pattern: list[dict[str, Any]]) -> re.Pattern[str] | None:
    """A regex equivalent to the token pattern over :func:`encode`'s stream, or None."""
    out = [f"(?<={US})"]
    for spec in pattern:
        if not isinstance(spec, dict):
            return None
        try:
            tok = _token_rx(spec)
        except ValueError:
            return None
        if tok is None:
            return None
        op = spec.get("OP")
        if op == "!":
            out.append(f"(?!{tok})[^{US}]*{US}")
        elif op in _OPS:
            out.append(f"(?:{tok}){_OPS[op]}")
        elif isinstance(op, str) and (m := _QUANT.match(op)):
            lo, hi = m.group(1) or "0", m.group(2)
            out.append(f"(?:{tok}){{{lo},{hi}}}" if "," in op else f"(?:{tok}){{{lo}}}")
        else:
            return None
    try:
        return re.compile("".join(out))
    except (re.error, ValueError):
        return None


class TokenStream:
    """Tokens [lo, hi) of a doc encoded for compiled patterns, with the char offset where each
    token starts (``starts[i - lo]``; one more entry marks the end)."""

    def __init__(self, arrays: StreamArrays, lo: int, hi: int, cache: dict[int, str],
                 strings: Any) -> None:
        parts: list[str] = [US]
        starts: list[int] = []
        pos = 1
        for orth, b in zip(arrays.orth[lo:hi], arrays.bits[lo:hi], strict=True):
            key = orth * 256 + b
            enc = cache.get(key)
            if enc is None:
                enc = _encode(orth, b, strings, arrays.lemma_of)
                if len(cache) < 300_000:
                    cache[key] = enc
            starts.append(pos)
            parts.append(enc)
            pos += len(enc)
        starts.append(pos)
        self.lo = lo
        self.text = "".join(parts)
        self.starts = starts

    def token_at(self, offset: int) -> int:
        """The doc index of the token starting at (or the first one after) a char offset."""
        return self.lo + bisect_left(self.starts, offset)


class StreamArrays:
    """The per-token values a stream is built from, read from the doc once."""

    def __init__(self, doc: Doc) -> None:
        arr = doc.to_array([ORTH, LEMMA, *_FLAG_ATTRS])
        flags = arr[:, 2:].astype(bool)
        flags[:, 3] = arr[:, 5] == 1  # SENT_START is 1 / 0 / -1
        self.bits: list[int] = np.packbits(flags, axis=1, bitorder="little")[:, 0].tolist()
        self.orth: list[int] = arr[:, 0].tolist()
        # LOWER and LEMMA follow from ORTH (lower-casing, then the lookup table), so one
        # encoding per (ORTH, flags) serves; the lemma is read from this doc when first seen.
        self.lemma_of = dict(zip(self.orth, arr[:, 1].tolist(), strict=True))


def _encode(orth: int, bits: int, strings: Any, lemma_of: dict[int, int]) -> str:
    text = strings[orth]
    flag_chars = "".join("1" if bits >> i & 1 else "0" for i in range(len(FLAGS)))
    return (flag_chars + RS + _clean(text.lower()) + RS + _clean(strings[lemma_of[orth]]) + RS
            + _clean(text) + US)


def reach_before(pattern: list[dict[str, Any]], index: int) -> tuple[int, int] | None:
    """(fewest, most) tokens the pattern consumes before its token ``index``; None if there
    is no upper bound (a * or + before it)."""
    lo = hi = 0
    for spec in pattern[:index]:
        op = spec.get("OP")
        if op in (None, "!"):
            lo, hi = lo + 1, hi + 1
        elif op == "?":
            hi += 1
        elif isinstance(op, str) and (m := _QUANT.match(op)) and m.group(2):
            lo, hi = lo + int(m.group(1) or 0), hi + int(m.group(2))
        elif isinstance(op, str) and (m := _QUANT.match(op)) and "," not in op:
            lo, hi = lo + int(m.group(1)), hi + int(m.group(1))
        else:
            return None
    return lo, hi


def _clean(text: str) -> str:
    return text.replace(RS, " ").replace(US, " ")
