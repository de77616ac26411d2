"""Compile persona packs into spaCy matchers and find cue hits in a Doc.

Terms go into a ``PhraseMatcher`` on LOWER (as written, plus hyphen/space variants) and, when
written in their base form, one on LEMMA too, so "request a demo" also finds "requested demos".
Acronyms match case-sensitively (ORTH) so "IT" the department is not "it". Token patterns go into
a ``Matcher``; regexes (merge tags like ``{{first_name}}``) run on the raw text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from spacy.attrs import IDX, LEMMA, LENGTH, LOWER, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from .lexicon import Persona, term_variants
from .regexfilter import required_literals
from .tokenpatterns import StreamArrays, TokenStream, compile_pattern, reach_before


@dataclass(frozen=True, slots=True)
class Hit:
    """A raw cue match: which pack and group, and where (tokens and characters in the doc)."""

    persona: int
    group: int
    start: int
    end: int
    start_char: int
    end_char: int


class CueMatcher:
    def __init__(self, nlp: Language, personas: list[Persona]) -> None:
        vocab = nlp.vocab
        self.personas = personas
        self.lower = PhraseMatcher(vocab, attr="LOWER")
        self.lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.orth = PhraseMatcher(vocab, attr="ORTH")
        # Token patterns with set or regex predicates cost a Python call per token, so each
        # pattern gets its own Matcher that runs only on a window around the tokens that can
        # anchor it (a word it must contain, or a token its regex accepts); see _anchor.
        self._literal: dict[tuple[int, int], _Pattern] = {}
        self._regex_anchored: list[_Pattern] = []
        self._strings = vocab.strings
        self._stream_cache: dict[tuple[int, ...], str] = {}
        #: (regex, persona, group, literals one of which a match needs, or None).
        self.regexes: list[tuple[re.Pattern[str], int, int, tuple[str, ...] | None]] = []
        self._keys: dict[int, tuple[int, int]] = {}
        self._weights = [[g.weight for g in p.cues] for p in personas]
        lemmatizer = _lemmatizer(nlp)
        for pi, persona in enumerate(personas):
            for gi, group in enumerate(persona.cues):
                key = f"antipersona:{persona.id}:{group.group}"
                self._keys[vocab.strings.add(key)] = (pi, gi)
                lower_docs, lemma_docs = [], []
                for term in group.terms:
                    for variant in term_variants(term):
                        doc = lemmatizer(nlp.make_doc(variant))
                        lower_docs.append(doc)
                        # Lemma matching only for phrases and base-form words: "leading" must
                        # not start matching "leads".
                        if len(doc) > 1 or doc[0].lemma_ == doc[0].lower_:
                            lemma_docs.append(doc)
                if lower_docs:
                    self.lower.add(key, lower_docs)
                if lemma_docs:
                    self.lemma.add(key, lemma_docs)
                orth_docs = []
                for acr in group.acronyms:
                    orth_docs.append(nlp.make_doc(acr))
                    if acr[-1].isupper() and " " not in acr:
                        orth_docs.append(nlp.make_doc(acr + "s"))
                if orth_docs:
                    self.orth.add(key, orth_docs)
                for pattern in group.patterns:
                    self._add_pattern(vocab, key, list(pattern))
                for rx in group.regex:
                    compiled_rx = re.compile(rx)
                    self.regexes.append((compiled_rx, pi, gi, required_literals(compiled_rx)))
        #: Per token column (LOWER, LEMMA, ORTH): anchor word hash -> the patterns it anchors.
        self._by_col: list[dict[int, _Pattern]] = [
            {v: slot for (c, v), slot in self._literal.items() if c == col} for col in range(3)
        ]

    def _add_pattern(self, vocab: Any, key: str, pattern: list[dict[str, Any]]) -> None:
        """File the pattern under each word that can anchor it. A doc then runs only the
        patterns whose anchor word it holds, on a window around it: as a compiled regex over
        the token stream (see tokenpatterns) when the pattern allows, else with spaCy's Matcher."""
        compiled = compile_pattern(pattern)
        anchor = _anchor(pattern)
        if anchor is None or anchor[2] is not None:
            slot = _Pattern(0, re.compile(anchor[2]) if anchor else None, whole=anchor is None)
            self._regex_anchored.append(slot)
            slots = [slot]
        else:
            attr, values, _, _ = anchor
            col = _ANCHOR_COLS.index(attr)
            slots = []
            for value in values:
                skey = (col, vocab.strings.add(value))
                if skey not in self._literal:
                    self._literal[skey] = _Pattern(col, None)
                slots.append(self._literal[skey])
        reach = reach_before(pattern, anchor[3]) if anchor else None
        for slot in slots:
            if compiled is not None:
                slot.compiled.append((vocab.strings[key], compiled, reach))
            else:
                if slot.matcher is None:
                    slot.matcher = Matcher(vocab)
                slot.matcher.add(key, [pattern])

    def _pattern_hits(self, doc: Doc) -> Iterator[tuple[int, int, int]]:
        """(key, start, end) of token-pattern matches, each pattern run near its anchors."""
        cols = doc.to_array([LOWER, LEMMA, ORTH]).T.tolist()
        where: dict[int, tuple[_Pattern, list[int]]] = {}
        for values, anchors in zip(cols, self._by_col, strict=True):
            for i, value in enumerate(values):
                slot = anchors.get(value)
                if slot is not None:
                    where.setdefault(id(slot), (slot, []))[1].append(i)
        if self._regex_anchored:
            for slot in self._regex_anchored:
                if slot.whole:
                    where[id(slot)] = (slot, [-1])
                    continue
                values = cols[slot.col]
                ok = {v for v in set(values) if slot.accepts(v, self._strings)}
                if ok:
                    where[id(slot)] = (slot, [i for i, v in enumerate(values) if v in ok])
        if not where:
            return
        n = len(doc)
        stream: TokenStream | None = None
        seen: set[tuple[int, int, int]] = set()
        for slot, positions in where.values():
            spans = [(0, n)] if positions == [-1] else list(_windows(positions, n))
            found: list[tuple[int, int, int]] = []
            if slot.compiled:
                if stream is None:  # the whole doc, encoded once and shared by every slot
                    stream = TokenStream(StreamArrays(doc), 0, n, self._stream_cache,
                                         self._strings)
                for lo, hi in spans:
                    found.extend(self._run_compiled(slot, stream, positions, lo, hi))
            if slot.matcher is not None:
                for lo, hi in spans:
                    found.extend((k, lo + s, lo + e) for k, s, e in slot.matcher(doc[lo:hi]))
            for match in found:
                if match not in seen:
                    seen.add(match)
                    yield match

    @staticmethod
    def _run_compiled(slot: _Pattern, stream: TokenStream, positions: list[int], lo: int,
                      hi: int) -> Iterator[tuple[int, int, int]]:
        """Try each regex where it can start: a few token offsets before each anchor when the
        pattern's reach before its anchor is bounded, else scan the window."""
        text, starts = stream.text, stream.starts
        inside = [p for p in positions if lo <= p < hi] if positions != [-1] else []
        for key, rx, reach in slot.compiled:
            if reach is None or not inside:
                for m in rx.finditer(text, starts[lo], starts[hi]):
                    if m.end() > m.start():
                        yield key, stream.token_at(m.start()), stream.token_at(m.end())
                continue
            fewest, most = reach
            tried: set[int] = set()
            for p in inside:
                for start in range(max(p - most, lo), p - fewest + 1):
                    if start in tried:
                        continue
                    tried.add(start)
                    m = rx.match(text, starts[start], starts[hi])
                    if m is not None and m.end() > m.start():
                        yield key, start, stream.token_at(m.end())

    def find(self, doc: Doc, text: str | None = None) -> list[Hit]:
        """All hits in a doc (``text`` is ``doc.text`` when the caller has it at hand);
        overlapping hits of one persona collapse to the longest."""
        raw: list[tuple[int, int, int, int]] = []
        for matcher in (self.lower, self.lemma, self.orth):
            for key, start, end in matcher(doc):
                pi, gi = self._keys[key]
                raw.append((pi, gi, start, end))
        for key, start, end in self._pattern_hits(doc):
            pi, gi = self._keys[key]
            raw.append((pi, gi, start, end))
        if self.regexes:
            text = doc.text if text is None else text
            lowered = text.lower()
            for rx, pi, gi, needs in self.regexes:
                if needs is not None and not any(lit in lowered for lit in needs):
                    continue
                for m in rx.finditer(text):
                    if m.end() <= m.start():
                        continue
                    span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                    if span is not None:
                        raw.append((pi, gi, span.start, span.end))
        if not raw:
            return []
        # Longest first, then stronger group: a shorter overlapping hit of the same pack is dropped.
        weights = self._weights
        raw.sort(key=lambda h: (h[0], h[2] - h[3], -weights[h[0]][h[1]], h[2]))
        kept: list[tuple[int, int, int, int]] = []
        taken: dict[int, bytearray] = {}
        n = len(doc)
        for pi, gi, start, end in raw:
            used = taken.get(pi)
            if used is None:
                used = taken[pi] = bytearray(n)
            elif any(used[start:end]):
                continue
            used[start:end] = b"\x01" * (end - start)
            kept.append((pi, gi, start, end))
        kept.sort(key=lambda h: (h[2], h[0]))
        idx = doc.to_array([IDX, LENGTH]) if kept else None
        return [Hit(pi, gi, start, end, int(idx[start, 0]), int(idx[end - 1, 0] + idx[end - 1, 1]))
                for pi, gi, start, end in kept]


#: Token attributes an anchor can test, in the column order of ``_pattern_hits``' array.
_ANCHOR_COLS = ("LOWER", "LEMMA", "ORTH")
#: Tokens a pattern may reach on either side of its anchor token.
WINDOW = 12


@dataclass(slots=True)
class _Pattern:
    """The patterns filed under one anchor: a word (col, value), a token regex, or none."""

    col: int
    regex: re.Pattern[str] | None
    whole: bool = False
    #: (match key, regex, (fewest, most) tokens before the anchor or None if unbounded).
    compiled: list[tuple[int, re.Pattern[str], tuple[int, int] | None]] = field(
        default_factory=list)
    matcher: Matcher | None = None
    cache: dict[int, bool] = field(default_factory=dict)

    def accepts(self, value: int, strings: Any) -> bool:
        ok = self.cache.get(value)
        if ok is None:
            assert self.regex is not None
            ok = self.regex.search(strings[value]) is not None
            if len(self.cache) < 200_000:
                self.cache[value] = ok
        return ok


def _windows(positions: list[int], n: int) -> Iterator[tuple[int, int]]:
    """Merged token windows of WINDOW tokens around each anchor position."""
    lo = hi = -1
    for p in sorted(positions):
        a, b = max(0, p - WINDOW), min(n, p + WINDOW + 1)
        if a <= hi:
            hi = max(hi, b)
            continue
        if hi > lo:
            yield lo, hi
        lo, hi = a, b
    if hi > lo:
        yield lo, hi


def _stopword_share(values: list[str]) -> float:
    """Share of values that are everywhere in copy: stop words, punctuation, tiny words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    common = sum(v.lower() in STOP_WORDS or len(v) <= 2 or not any(c.isalnum() for c in v)
                 for v in values)
    return common / len(values)


def _anchor(pattern: list[dict[str, Any]]) -> tuple[str, list[str], str | None, int] | None:
    """What one required token of the pattern must be: (attribute, literal values, regex).
    Of the required tokens, the most selective is chosen (fewest stop words, then fewest
    values; a regex only when no literal token is required). None: nothing to anchor on."""
    literal: list[tuple[float, int, str, list[str], int]] = []
    regexes: list[tuple[str, str, int]] = []
    for index, token in enumerate(pattern):
        if token.get("OP") in ("?", "*", "!"):
            continue
        for attr in ("LOWER", "LEMMA", "ORTH", "TEXT"):
            value = token.get(attr)
            col = "ORTH" if attr == "TEXT" else attr
            lower = attr in ("LOWER", "LEMMA")
            if isinstance(value, str):
                values = [value.lower() if lower else value]
            elif isinstance(value, dict) and isinstance(value.get("IN"), list) and value["IN"]:
                values = [str(v).lower() if lower else str(v) for v in value["IN"]]
            elif isinstance(value, dict) and isinstance(value.get("REGEX"), str):
                regexes.append((col, value["REGEX"], index))
                continue
            else:
                continue
            literal.append((_stopword_share(values), len(values), col, values, index))
    if literal:
        _, _, col, values, index = min(literal, key=lambda t: (t[0], t[1]))
        return col, values, None, index
    if regexes:
        col, rx, index = regexes[0]
        return col, [], rx, index
    return None


def _lemmatizer(nlp: Language):  # type: ignore[no-untyped-def]
    """The pipeline's lemmatizer as a callable on a bare Doc (identity when there is none)."""
    for name in ("antipersona_lemmatizer", "lemmatizer"):
        if name in nlp.pipe_names:
            return nlp.get_pipe(name)
    return lambda doc: doc
