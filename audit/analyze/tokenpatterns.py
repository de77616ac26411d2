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
from spacy.attrs import IDX, LEMMA, LENGTH, ORTH, SENT_START
from spacy.tokens import Doc

from . import programs
from .regexfilter import alternation

RS = "\x1e"  # between the fields of one token
US = "\x1f"  # after each token
_FIELD = f"[^{RS}{US}]*"
#: Flag attributes in the order of the flag characters at the start of each token.
FLAGS = ("LIKE_NUM", "IS_ALPHA", "IS_TITLE", "IS_SENT_START", "IS_DIGIT", "IS_PUNCT",
         "IS_UPPER", "IS_SPACE")
_FIELDS = {"LOWER": 0, "LEMMA": 1, "ORTH": 2, "TEXT": 2}
_OPS = {None: "", "?": "?", "*": "*", "+": "+"}
_QUANT = re.compile(r"^\{(\d*),?(\d*)\}$")


def _alternation(values: list[Any], lower: bool) -> str:
    words = [str(v).lower() if lower else str(v) for v in values]
    if any(RS in w or US in w for w in words):
        raise ValueError("separator in value")
    return f"(?:{alternation(words)})"


def _field_rx(value: Any, lower: bool) -> str | None:
    """What one field of a token must hold, up to (not including) the separator after it;
    None when the value uses something other than a literal, IN, NOT_IN or a safe REGEX.
    A plain value or IN list is matched directly (the separator that follows in the token
    regex makes it whole); other tests are lookaheads followed by the field."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return _alternation([value], lower)
    if not isinstance(value, dict) or not value:
        return None
    if set(value) == {"IN"} and isinstance(value["IN"], list) and value["IN"]:
        return _alternation(value["IN"], lower)
    end = f"[{RS}{US}]"
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
#: A character class without ``^`` or escapes ("[.,]", "[0-9]", "[$£€]"): its characters
#: are all it can match, so a "." in it is a dot and no separator.
_PLAIN_CLASS = re.compile(r"\[(?!\^)[^\]\\\[]*\]")


def _embed_regex(rx: str) -> str | None:
    """A token REGEX (spaCy searches it in the field) rewritten to run inside one field of the
    stream: ^ becomes "at the field's start", $ "at its end". None when the regex could match
    a separator or uses constructs this cannot translate."""
    if _UNSAFE.search(_PLAIN_CLASS.sub("[]", rx)):
        return None
    try:
        programs.compile(rx)
    except re.error:
        return None
    # ^ and $ outside the plain classes ("[$£€]" keeps its dollar sign).
    out, pos = [], 0
    for m in [*_PLAIN_CLASS.finditer(rx), None]:
        part = rx[pos:m.start() if m else len(rx)]
        out.append(part.replace("^", f"(?<=[{RS}])").replace("$", f"(?=[{RS}{US}])"))
        if m:
            out.append(m.group(0))
            pos = m.end()
    embedded = "".join(out)
    return embedded if "^" not in _PLAIN_CLASS.sub("[]", embedded).replace("[^", "") else None


def _token_rx(spec: dict[str, Any]) -> str | None:
    """One token: its flag characters, then the lower, lemma and orth fields. Whatever follows
    the last field tested is skipped in one step to the end of the token."""
    flags = ["."] * len(FLAGS)
    fields: list[str | None] = [None, None, None]
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
    tested = [i for i, f in enumerate(fields) if f is not None]
    if not tested:
        return "".join(flags) + f"[^{US}]*{US}"
    out = "".join(flags)
    for i in range(tested[-1] + 1):
        out += RS + (fields[i] or _FIELD)
    return out + (US if tested[-1] == 2 else f"{RS}[^{US}]*{US}")


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
        return programs.compile("".join(out))
    except (re.error, ValueError):
        return None


class DocArrays:
    """A doc's per-token arrays, read once and shared by the matching steps: the distinct
    (ORTH, LEMMA) word types with each token's type, char offsets and sentence starts."""

    def __init__(self, doc: Doc) -> None:
        arr = doc.to_array([ORTH, LEMMA, IDX, LENGTH, SENT_START])
        self.n = len(doc)
        self.pairs, self.inverse = word_types(arr[:, 0], arr[:, 1])
        self.idx = arr[:, 2].astype(np.int64)
        self.end = self.idx + arr[:, 3].astype(np.int64)
        self.sent_start = arr[:, 4] == 1  # SENT_START is 1 / 0 / -1
        #: Per-token LOWER / LEMMA / ORTH values, filled in when first needed.
        self.columns: dict[int, list[int]] = {}
        #: What the matcher knows about each word type (``pairs`` order), once it has looked.
        self.types: list[Any] | None = None


class TokenStream:
    """A doc's tokens encoded for compiled patterns, with the char offset where each token
    starts (``starts[i]``; one more entry marks the end). Each word type is encoded once
    (``cache`` keeps them across docs) and the stream is one join."""

    def __init__(self, arrays: DocArrays, cache: dict[tuple[int, int], tuple[str, str]],
                 vocab: Any) -> None:
        encodings = []
        for pair in arrays.pairs:
            enc = cache.get(pair)
            if enc is None:
                enc = _encode(pair[0], pair[1], vocab)
                if len(cache) < 300_000:
                    cache[pair] = enc
            encodings.append(enc)
        inverse = arrays.inverse
        tokens = np.array([e[0] for e in encodings], dtype=object)[inverse]
        starting = arrays.sent_start
        if starting.any():
            tokens[starting] = np.array([e[1] for e in encodings], dtype=object)[inverse[starting]]
        lengths = np.array([len(e[0]) for e in encodings], dtype=np.int64)[inverse]
        self.text = US + "".join(tokens.tolist())
        starts = np.empty(len(inverse) + 1, dtype=np.int64)
        starts[0] = 1
        np.cumsum(lengths, out=starts[1:])
        starts[1:] += 1
        self.starts: list[int] = starts.tolist()

    def token_at(self, offset: int) -> int:
        """The index of the token starting at (or the first one after) a char offset."""
        return bisect_left(self.starts, offset)


def word_types(orth: np.ndarray, lemma: np.ndarray) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The distinct (ORTH, LEMMA) pairs of a doc and, per token, the index of its pair.

    In both profiles the lemma follows from the word (a lookup table), so sorting ORTH alone
    finds the pairs; a pipeline where it does not gets the slower two-column sort."""
    words, first, inverse = np.unique(orth, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    lemmas = lemma[first]
    if np.array_equal(lemmas[inverse], lemma):
        return list(zip(words.tolist(), lemmas.tolist(), strict=True)), inverse
    both, inverse = np.unique(np.stack([orth, lemma], axis=1), axis=0, return_inverse=True)
    return [(o, m) for o, m in both.tolist()], inverse.reshape(-1)


def _encode(orth: int, lemma: int, vocab: Any) -> tuple[str, str]:
    """A word type's encoding, as a token that does not and one that does start a sentence."""
    lex = vocab[orth]
    text = lex.orth_
    flags = [lex.like_num, lex.is_alpha, lex.is_title, False, lex.is_digit, lex.is_punct,
             lex.is_upper, lex.is_space]
    fields = (RS + _clean(text.lower()) + RS + _clean(vocab.strings[lemma]) + RS + _clean(text)
              + US)
    chars = ["1" if f else "0" for f in flags]
    inside = "".join(chars)
    chars[FLAGS.index("IS_SENT_START")] = "1"
    return inside + fields, "".join(chars) + fields


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
