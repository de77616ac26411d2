"""Compile persona packs into spaCy matchers and find cue hits in a Doc.

Terms go into a ``PhraseMatcher`` on LOWER (as written, plus hyphen/space variants) and, when
written in their base form, one on LEMMA too, so "request a demo" also finds "requested demos".
Acronyms match case-sensitively (ORTH) so "IT" the department is not "it". Token patterns run as
regexes over an encoded token stream (see tokenpatterns), or with spaCy's ``Matcher`` when they
cannot be compiled, only near the words that anchor them; character regexes (merge tags like
``{{first_name}}``) run near their own anchors (see charregex).

Which patterns and regexes a word anchors is worked out once per word type and kept, so a doc
costs one array pass over its tokens plus the work near the anchors it actually holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from ..packs.lexicon import Persona, term_variants
from ..packs.locations import is_shipped
from . import programs
from .charregex import CharRegex, CharRegexes, Leads
from .nlp import pipeline_name
from .tokenpatterns import DocArrays, TokenStream, compile_pattern, reach_before


class Hit(NamedTuple):
    """A raw cue match: which pack and group, and where (tokens and characters in the doc)."""

    persona: int
    group: int
    start: int
    end: int
    start_char: int
    end_char: int


class CueMatcher:
    def __init__(self, nlp: Language, personas: list[Persona]) -> None:
        # Compiled regexes come from the cache when these packs were built before.
        with programs.kept(_regex_sources(nlp, personas)):
            self._build(nlp, personas)

    def _build(self, nlp: Language, personas: list[Persona]) -> None:
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
        self._vocab = vocab
        self._stream_cache: dict[tuple[int, int], tuple[str, str]] = {}
        #: (ORTH, LEMMA) of a word type -> the pattern slots and char regexes it anchors.
        self._types: dict[tuple[int, int], _Type] = {}
        char_regexes: list[CharRegex] = []
        self._keys: dict[int, tuple[int, int]] = {}
        #: Keys of patterns with a context token at an edge -> the words it must not be.
        self._guards: dict[int, _Guard] = {}
        self._weights = [[g.weight for g in p.cues] for p in personas]
        tokens = _term_tokens(nlp, personas)
        add = vocab.strings.add
        knows = getattr(_lemmatizer(nlp), "knows", None)
        stop = nlp.Defaults.stop_words
        for pi, persona in enumerate(personas):
            trusted = bool(persona.path) and is_shipped(persona.path)
            for gi, group in enumerate(persona.cues):
                key = f"antipersona:{persona.id}:{group.group}"
                self._keys[vocab.strings.add(key)] = (pi, gi)
                # Patterns as the token values the matcher compares (string hashes): a Doc per
                # term cost half of building the matcher and made a lexeme for every word.
                lower_docs, lemma_docs = [], []
                for term in group.terms:
                    for variant in term_variants(term):
                        words, _, lemmas = tokens[variant]
                        lower_docs.append([add(w.lower()) for w in words])
                        # Lemma matching only for phrases and base-form words: "leading" must
                        # not start matching "leads".
                        if len(words) > 1 or lemmas[0] == words[0].lower():
                            lemma_docs.append([add(lemma) for lemma in lemmas])
                        plural = _unknown_plural(words, knows, stop)
                        if plural:
                            lower_docs.append([add(w.lower()) for w in plural])
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
                for n, pattern in enumerate(group.patterns):
                    core, guard = _split_context(list(pattern))
                    if guard is None:
                        self._add_pattern(vocab, key, core)
                        continue
                    own = f"{key}:context{n}"  # a key of its own: the guard is per pattern
                    self._keys[vocab.strings.add(own)] = (pi, gi)
                    self._guards[vocab.strings[own]] = guard
                    self._add_pattern(vocab, own, core)
                char_regexes.extend(CharRegex(programs.compile(rx), pi, gi, f"{persona.id}/{group.group}",
                                              trusted=trusted)
                                    for rx in group.regex)
        self.chars = CharRegexes(nlp, char_regexes)
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
            slot = _Pattern(0, programs.compile(anchor[2]) if anchor else None, whole=anchor is None)
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
        first = _first_token(pattern, vocab) if reach and reach[1] > 0 else None
        for slot in slots:
            if compiled is not None:
                slot.compiled.append(_Compiled(vocab.strings[key], compiled, reach, first))
            else:
                if slot.matcher is None:
                    slot.matcher = Matcher(vocab)
                slot.matcher.add(key, [pattern])

    def _type_info(self, orth: int, lemma: int) -> _Type:
        """What one word type anchors, and its lower-case form (computed once, then kept)."""
        key = (orth, lemma)
        info = self._types.get(key)
        if info is not None:
            return info
        lexeme = self._vocab[orth]
        values = (lexeme.lower, lemma, orth)
        slots = [slot for col, value in enumerate(values)
                 if (slot := self._by_col[col].get(value)) is not None]
        slots.extend(slot for slot in self._regex_anchored
                     if not slot.whole and slot.accepts(values[slot.col], self._strings))
        lower = lexeme.lower_
        chars = self.chars
        info = _Type(tuple(slots), chars.type_ids(lower) if chars else (), lexeme.lower, lower,
                     chars.type_leads(lower) if chars else None)
        if len(self._types) < 500_000:
            self._types[key] = info
        return info

    def _anchors(self, arrays: DocArrays) -> tuple[
            dict[int, tuple[_Pattern, list[int]]], dict[int, list[int]],
            tuple[np.ndarray, np.ndarray] | None]:
        """Where each pattern slot is anchored (token indices) and each char regex (char
        offsets), and where a char regex that opens with a word or a number may start (see
        _started), from one look-up per distinct word type of the doc."""
        infos = self._types_of(arrays)
        hot = np.fromiter((bool(t.slots or t.chars) for t in infos), dtype=bool, count=len(infos))
        led = np.fromiter((t.leads is not None for t in infos), dtype=bool, count=len(infos))
        where: dict[int, tuple[_Pattern, list[int]]] = {}
        chars_at: dict[int, list[int]] = {}
        started = self._started(arrays, infos, led) if led.any() else None
        positions = np.flatnonzero(hot[arrays.inverse])
        if len(positions):
            # Positions grouped by word type, so the work below is per type, not per token
            # (plain list slices: a numpy array per group costs more than the group's work).
            types = arrays.inverse[positions]
            order = np.argsort(types, kind="stable")
            types, positions = types[order], positions[order]
            cuts = (np.flatnonzero(np.diff(types)) + 1).tolist()
            bounds = zip([0, *cuts], [*cuts, len(positions)], strict=True)
            tokens_all = positions.tolist()
            offsets_all: list[int] | None = None
            for u, (a, b) in zip(types[[0, *cuts]].tolist(), bounds, strict=True):
                slots, chars = infos[u].slots, infos[u].chars
                if slots:
                    tokens = tokens_all[a:b]
                    for slot in slots:
                        where.setdefault(id(slot), (slot, []))[1].extend(tokens)
                if chars:
                    if offsets_all is None:
                        offsets_all = arrays.idx[positions].tolist()
                    offsets = offsets_all[a:b]
                    for rid in chars:
                        chars_at.setdefault(rid, []).extend(offsets)
        for slot in self._regex_anchored:
            if slot.whole:
                where[id(slot)] = (slot, [-1])
        return where, chars_at, started

    @staticmethod
    def _started(arrays: DocArrays, infos: list[_Type], led: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
        """(char regex ids, char offsets) of every place a token says such a regex could
        start (see CharRegexes.type_leads; ``led``: which word types have such places),
        worked out for all tokens at once."""
        kinds = np.flatnonzero(led)
        table: list[tuple[int, int, int]] = []  # per such type: first entry, entries, exact ones
        shifts: list[int] = []
        rids: list[int] = []
        for u in kinds.tolist():
            leads = infos[u].leads
            assert leads is not None
            table.append((len(shifts), len(leads.rids), leads.exact))
            shifts.extend(leads.shifts)
            rids.extend(leads.rids)
        first, every, exact = (np.zeros(len(infos), dtype=np.int64) for _ in range(3))
        first[kinds], every[kinds], exact[kinds] = np.array(table, dtype=np.int64).T
        positions = np.flatnonzero(led[arrays.inverse])
        types = arrays.inverse[positions]
        # A lead that runs past its token needs the next token to follow without a space.
        following = np.minimum(positions + 1, arrays.n - 1)
        glued = (positions + 1 < arrays.n) & (arrays.idx[following] == arrays.end[positions])
        per_token = np.where(glued, every[types], exact[types])
        total = int(per_token.sum())
        token = np.repeat(positions, per_token)
        entry = (np.repeat(first[types] - (np.cumsum(per_token) - per_token), per_token)
                 + np.arange(total))
        return (np.array(rids, dtype=np.int64)[entry],
                arrays.idx[token] + np.array(shifts, dtype=np.int64)[entry])

    def _pattern_hits(self, doc: Doc, arrays: DocArrays,
                      where: dict[int, tuple[_Pattern, list[int]]]) -> Iterator[tuple[int, int, int]]:
        """(key, start, end) of token-pattern matches, each pattern run near its anchors."""
        n = len(doc)
        stream: TokenStream | None = None
        seen: set[tuple[int, int, int]] = set()
        for slot, positions in where.values():
            spans = [(0, n)] if positions == [-1] else None
            found: list[tuple[int, int, int]] = []
            if slot.compiled:
                if stream is None:  # the whole doc, encoded once and shared by every slot
                    stream = TokenStream(arrays, self._stream_cache, self._vocab)
                for pat in slot.compiled:
                    if pat.reach is None or spans is not None:
                        for lo, hi in spans or _windows(positions, n):
                            found.extend(_scan(stream, pat.key, pat.rx, lo, hi))
                    else:
                        starts = _starts(pat.reach, positions)
                        if pat.first is not None:
                            col, values = pat.first
                            words = self._column(arrays, col)
                            starts = [i for i in starts if words[i] in values]
                        found.extend(_at_starts(stream, pat.key, pat.rx, starts, n))
            if slot.matcher is not None:
                for lo, hi in spans or _windows(positions, n):
                    found.extend((k, lo + s, lo + e) for k, s, e in slot.matcher(doc[lo:hi]))
            for match in found:
                if match not in seen:
                    seen.add(match)
                    yield match

    def _column(self, arrays: DocArrays, col: int) -> list[int]:
        """Per token, its LOWER, LEMMA or ORTH value (read once per doc when a pattern needs it)."""
        values = arrays.columns.get(col)
        if values is None:
            if col == 0:
                per_type = [t.lower for t in self._types_of(arrays)]
            else:
                per_type = [pair[2 - col] for pair in arrays.pairs]
            values = arrays.columns[col] = np.array(per_type, dtype=np.uint64)[
                arrays.inverse].tolist()
        return values

    def _types_of(self, arrays: DocArrays) -> list[_Type]:
        if arrays.types is None:
            known = self._types.get
            arrays.types = [known(pair) or self._type_info(*pair) for pair in arrays.pairs]
        return arrays.types

    def lower_words(self, arrays: DocArrays) -> list[str]:
        """Each token's lower-case text, from one look-up per word type."""
        per_type = [t.lower_text for t in self._types_of(arrays)]
        return np.array(per_type, dtype=object)[arrays.inverse].tolist()

    def find(self, doc: Doc, text: str | None = None, arrays: DocArrays | None = None
             ) -> list[Hit]:
        """All hits in a doc (``text`` is ``doc.text`` and ``arrays`` its arrays when the
        caller has them at hand); overlapping hits of one persona collapse to the longest."""
        if not len(doc):
            return []
        raw: list[tuple[int, int, int, int]] = []
        for matcher in (self.lower, self.lemma, self.orth):
            for key, start, end in matcher(doc):
                pi, gi = self._keys[key]
                raw.append((pi, gi, start, end))
        arrays = arrays or DocArrays(doc)
        where, chars_at, started = self._anchors(arrays)
        guards = self._guards
        for key, start, end in self._pattern_hits(doc, arrays, where):
            guard = guards.get(key) if guards else None
            if guard is not None and not guard.allows(doc, start, end):
                continue
            # A pattern may require the punctuation after a word ("Hurry," not "in a hurry");
            # the evidence is the word.
            while end - start > 1 and doc[end - 1].text in _TRAILING_PUNCT:
                end -= 1
            pi, gi = self._keys[key]
            raw.append((pi, gi, start, end))
        if self.chars:
            text = doc.text if text is None else text
            idx = arrays.idx
            for rid, start_char, end_char in self.chars.run(text, text.lower(), chars_at,
                                                                 started):
                # The tokens the match touches (alignment "expand"), leading and trailing
                # white space left out.
                matched = text[start_char:end_char]
                start_char += len(matched) - len(matched.lstrip())
                end_char -= len(matched) - len(matched.rstrip())
                start = int(np.searchsorted(arrays.end, start_char, side="right"))
                end = int(np.searchsorted(idx, end_char, side="left"))
                if start < end:
                    entry = self.chars.entries[rid]
                    raw.append((entry.persona, entry.group, start, end))
        if not raw:
            return []
        # Longest first, then stronger group: a shorter overlapping hit of the same pack is
        # dropped. Sorted on plain tuples (no key function); the position in ``raw`` breaks
        # ties, as a stable sort would.
        weights = self._weights
        order = sorted([(pi, start - end, -weights[pi][gi], start, seq, gi, end)
                        for seq, (pi, gi, start, end) in enumerate(raw)])
        kept: list[tuple[int, int, int, int]] = []
        taken: dict[int, bytearray] = {}
        n = len(doc)
        for pi, _, _, start, _, gi, end in order:
            used = taken.get(pi)
            if used is None:
                used = taken[pi] = bytearray(n)
            elif any(used[start:end]):
                continue
            used[start:end] = b"\x01" * (end - start)
            kept.append((pi, gi, start, end))
        # A hit ending inside a word ("have" of "haven't") takes in the rest of it.
        for i, (pi, gi, start, end) in enumerate(kept):
            grown = end
            while grown < n and not doc[grown - 1].whitespace_ and doc[grown].lower_ in _CLITICS:
                grown += 1
            if grown != end:
                kept[i] = (pi, gi, start, grown)
        kept.sort(key=lambda h: (h[2], h[0]))
        first = arrays.idx[[h[2] for h in kept]].tolist()
        last = arrays.end[[h[3] - 1 for h in kept]].tolist()
        return [Hit(pi, gi, start, end, a, b)
                for (pi, gi, start, end), a, b in zip(kept, first, last, strict=True)]


#: Word endings spaCy splits off ("have" + "n't"): evidence does not stop before them.
_CLITICS = frozenset({"n't", "'s", "'ve", "'re", "'ll", "'d", "'m", "’s", "’ve", "’re", "’ll",
                      "’d", "’m", "n’t"})
#: Punctuation a pattern may end on that is left out of its evidence ("%" and quotes stay).
_TRAILING_PUNCT = frozenset({",", ":", ";", ".", "!", "-", "—", "–"})


class _Guard(NamedTuple):
    """Words the token before / after a match must not be (None: no condition that side)."""

    before: frozenset[str] | None
    after: frozenset[str] | None

    def allows(self, doc: Doc, start: int, end: int) -> bool:
        if self.before is not None and start > 0 and doc[start - 1].lower_ in self.before:
            return False
        return not (self.after is not None and end < len(doc) and doc[end].lower_ in self.after)


def _context_words(token: dict[str, Any]) -> frozenset[str] | None:
    """The words of a pattern token that only says what a neighbour must not be:
    ``{LOWER: {NOT_IN: [...]}}`` with no operator."""
    if set(token) != {"LOWER"} or not isinstance(token["LOWER"], dict):
        return None
    spec = token["LOWER"]
    if set(spec) != {"NOT_IN"} or not isinstance(spec["NOT_IN"], list):
        return None
    return frozenset(str(w).lower() for w in spec["NOT_IN"])


def _split_context(pattern: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], _Guard | None]:
    """A first or last token that only says what the neighbour must not be is context, not
    part of the cue: in spaCy it would take a token into the evidence ("the demo:") and find
    nothing at the start or end of the text ("Book the demo"). It becomes a guard checked
    around the match of the rest; a missing neighbour passes."""
    if len(pattern) < 2:
        return pattern, None
    before = _context_words(pattern[0])
    after = _context_words(pattern[-1]) if len(pattern) > 2 or before is None else None
    if before is None and after is None:
        return pattern, None
    core = pattern[1 if before is not None else 0: -1 if after is not None else None]
    return core, _Guard(before, after)


#: A compiled pattern is matched over at most this many tokens from where it starts.
MAX_TOKENS = 40


def _scan(stream: TokenStream, key: int, rx: re.Pattern[str], lo: int, hi: int
          ) -> Iterator[tuple[int, int, int]]:
    """Every match of a pattern whose reach before its anchor is unbounded, in a window."""
    starts = stream.starts
    for m in rx.finditer(stream.text, starts[lo], starts[hi]):
        if m.end() > m.start():
            yield key, stream.token_at(m.start()), stream.token_at(m.end())


def _starts(reach: tuple[int, int], positions: list[int]) -> list[int]:
    """The tokens a pattern could start from: ``reach`` = (fewest, most) tokens before an anchor."""
    fewest, most = reach
    if most == fewest:
        return sorted({p - most for p in positions if p >= most})
    return sorted({p - k for p in positions for k in range(fewest, most + 1) if p >= k})


def _at_starts(stream: TokenStream, key: int, rx: re.Pattern[str], starts: list[int], n: int
               ) -> Iterator[tuple[int, int, int]]:
    text, offsets = stream.text, stream.starts
    for start in starts:
        m = rx.match(text, offsets[start], offsets[min(n, start + MAX_TOKENS)])
        if m is not None and m.end() > m.start():
            yield key, start, stream.token_at(m.end())


#: Token attributes an anchor can test, in the column order of ``_pattern_hits``' array.
_ANCHOR_COLS = ("LOWER", "LEMMA", "ORTH")
#: Tokens a pattern may reach on either side of its anchor token.
WINDOW = 12


class _Type(NamedTuple):
    """A word type: the pattern slots and char regexes it anchors, and its lower-case form."""

    slots: tuple[_Pattern, ...]
    chars: tuple[int, ...]
    lower: int
    lower_text: str
    #: Where char regexes that open with a word could start in it (CharRegexes.type_leads).
    leads: Leads | None = None


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A token pattern compiled to a stream regex (see tokenpatterns)."""

    key: int
    rx: re.Pattern[str]
    #: (fewest, most) tokens the pattern takes before its anchor; None if unbounded.
    reach: tuple[int, int] | None
    #: (column, values) its first token must have, when that is a plain word test.
    first: tuple[int, frozenset[int]] | None


@dataclass(slots=True)
class _Pattern:
    """The patterns filed under one anchor: a word (col, value), a token regex, or none."""

    col: int
    regex: re.Pattern[str] | None
    whole: bool = False
    compiled: list[_Compiled] = field(default_factory=list)
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


def _first_token(pattern: list[dict[str, Any]], vocab: Any) -> tuple[int, frozenset[int]] | None:
    """(column, values) the pattern's first token must have, if it is a required plain word test."""
    token = pattern[0]
    if token.get("OP") is not None:
        return None
    for attr in (*_ANCHOR_COLS, "TEXT"):
        value = token.get(attr)
        lower = attr in ("LOWER", "LEMMA")
        if isinstance(value, str):
            words = [value]
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
            words = [str(v) for v in value["IN"]]
        else:
            continue
        col = _ANCHOR_COLS.index("ORTH" if attr == "TEXT" else attr)
        return col, frozenset(vocab.strings.add(w.lower() if lower else w) for w in words)
    return None


def _regex_sources(nlp: Language, personas: list[Persona]) -> list[str]:
    """What the matcher's regexes are built from: each group's regexes and token patterns,
    and the pipeline (which decides what an anchor word is)."""
    return [pipeline_name(nlp), *(f"{g.regex!r}\0{g.patterns!r}" for p in personas for g in p.cues)]


def _term_tokens(nlp: Language, personas: list[Persona]
                 ) -> dict[str, tuple[list[str], list[bool], list[str]]]:
    """Each term variant as the pipeline tokenises and lemmatises it (words, spaces, lemmas);
    cached on disk, since tokenising a few thousand terms is most of building the matcher."""
    from ..packs.packcache import cached

    variants = sorted({v for p in personas for g in p.cues for t in g.terms
                       for v in term_variants(t)})

    def build() -> dict[str, tuple[list[str], list[bool], list[str]]]:
        lemmatizer = _lemmatizer(nlp)
        out = {}
        for variant in variants:
            doc = lemmatizer(nlp.make_doc(variant))
            out[variant] = ([t.text for t in doc], [bool(t.whitespace_) for t in doc],
                            [t.lemma_ for t in doc])
        return out

    return cached("terms", [pipeline_name(nlp), *variants], build)


#: Words a plural "-s" never follows, or that end a term as a particle or an adverb.
_NO_PLURAL = re.compile(r".*(?:s|ever|ly|ing|ed|\W.*)|.{0,3}")


def _unknown_plural(words: list[str], knows: Any, stop: Any) -> list[str] | None:
    """A term's words with the last one made plural, when the lemma table does not know that
    word: "freelancers", "setups" and "chatbots" would otherwise never match the base form a
    pack writes. Only a rare word is unknown, so its plural is regular ("-ies" after a
    consonant and "y")."""
    if knows is None:
        return None
    last = words[-1]
    low = last.lower()
    if _NO_PLURAL.fullmatch(low) or low in stop or knows(low):
        return None
    plural = last[:-1] + "ies" if low[-1] == "y" and low[-2] not in "aeiou" else last + (
        "es" if low.endswith(("x", "z", "ch", "sh")) else "s")
    return [*words[:-1], plural]


def _lemmatizer(nlp: Language):  # type: ignore[no-untyped-def]
    """The pipeline's lemmatizer as a callable on a bare Doc (identity when there is none)."""
    for name in ("antipersona_lemmatizer", "lemmatizer"):
        if name in nlp.pipe_names:
            return nlp.get_pipe(name)
    return lambda doc: doc
