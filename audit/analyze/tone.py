"""Tone metrics per sentence and per piece: reading grade, sentence length, long words, passive
voice, nominalisations, you-vs-we, imperatives, acronyms, hype, urgency, watching words,
organisation words, prices, numbers, questions and exclamations.

Counting runs on token attribute arrays (shared with the matcher) with per-word facts cached,
so tone adds little to spaCy's own tokenisation. Counts add up across sections and chunks,
and metrics are ratios computed once at the end (see :mod:`audit.analyze.tonecounts`).
"""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import DEP, HEAD, TAG
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .language import language_data
from .tokenpatterns import DocArrays
from .tonecounts import COL, COLUMNS

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")

#: Word lists a lower-case word is looked up in, after its four computed facts.
_CATS = ("second", "first", "hype", "urgency", "watch", "org", "prices", "imperative", "aux")
#: The word lists that may hold phrases (counted by a PhraseMatcher as well).
_PHRASE_CATS = ("hype", "urgency", "watch", "org")
#: Vocabularies that pull toward a persona by what they name, so a negated one does not count
#: ("we never track your location", "no procurement"): their places are handed to the caller,
#: which reads negation.
NEGATABLE = ("watch", "org")
_FACT = {"participle": 3, **{c: 4 + i for i, c in enumerate(_CATS)}}
_N_FACTS = 4 + len(_CATS)


def syllables(word: str) -> int:
    """A vowel-group estimate of syllables, good enough for a reading grade."""
    w = word.lower()
    if len(w) <= 3:
        return 1
    count = len(_VOWEL_GROUPS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if w.endswith(("ed", "es")) and not w.endswith(("ted", "ded", "ses", "zes", "ces", "ges")) \
            and count > 1:
        count -= 1
    return max(1, count)


class ToneAnalyzer:
    """Turns a Doc into one row of counts per sentence (numpy), using cached per-word facts."""

    def __init__(self, nlp: Language) -> None:
        data = language_data()
        strings = nlp.vocab.strings
        self._strings = strings

        def hashes(words: list[str]) -> np.ndarray:
            return np.array(sorted({strings.add(str(w).lower()) for w in words}), dtype=np.uint64)

        pron = data["pronouns"]
        self.second = hashes(pron["second"])
        self.first = hashes(pron["first_plural"])
        # An entry the tokenizer keeps as one token is looked up per word; one it splits
        # ("game-changing", "real-time", "don't miss") is matched as a phrase.
        singles: dict[str, list[str]] = {}
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._phrase_cols: dict[int, int] = {}
        self._phrase_cats: dict[int, str] = {}
        words_of = _entry_tokens(nlp, {cat: [str(e).lower() for e in data[cat]]
                                       for cat in _PHRASE_CATS})
        for cat in _PHRASE_CATS:
            singles[cat] = [words[0] for words in words_of[cat] if len(words) == 1]
            key = strings.add(f"antipersona:tone:{cat}")
            self._phrase_cols[key] = COL[cat]
            self._phrase_cats[key] = cat
            # As the LOWER values the matcher compares (a Doc per entry made a lexeme per word).
            self.phrases.add(f"antipersona:tone:{cat}", [[strings.add(w.lower()) for w in words]
                                                        for words in words_of[cat]
                                                        if len(words) > 1])
        self.hype = hashes(singles["hype"])
        self.urgency = hashes(singles["urgency"])
        self.watch = hashes(singles["watch"])
        self.org = hashes(singles["org"])
        self.currency = hashes([*data["currency_symbols"], "%"])
        self.imperative = hashes(data["imperative_verbs"])
        self.aux = hashes(data["passive_auxiliaries"])
        self.skippable = {strings.add(w) for w in data["passive_skippable"]}
        self.irregular = {strings.add(w) for w in data["irregular_participles"]}
        self.not_participle = {strings.add(w) for w in data["not_participles"]}
        nom = data["nominalization"]
        self._nom_suffixes = tuple(nom["count"])
        self._nom_min = int(nom["min_length"])
        self._nom_exceptions = frozenset(nom["exceptions"])
        # Per-word facts by LOWER hash, one row of _FACTS each, computed once per word.
        self._cats = {name: {int(h) for h in arr.tolist()} for name, arr in (
            ("second", self.second), ("first", self.first), ("hype", self.hype),
            ("urgency", self.urgency), ("watch", self.watch), ("org", self.org), ("prices", self.currency),
            ("imperative", self.imperative),
            ("aux", self.aux))}
        self._word_cache: dict[int, tuple[int, ...]] = {}
        self._type_cache: dict[int, tuple[int, tuple[int, ...]]] = {}
        self._vocab = nlp.vocab
        self._question = strings.add("?")
        self._exclaim = strings.add("!")
        self._passive_deps = hashes(["auxpass", "nsubjpass", "csubjpass"])
        self._subject_deps = hashes(["nsubj", "nsubjpass", "expl"])
        self._modal = strings.add("MD")
        self._verb_base = strings.add("VB")
        self._root = strings.add("ROOT")

    def _word_facts(self, key: int) -> tuple[int, ...]:
        """(syllables, long, nominal, participle, second, first, hype, urgency, watch, org,
        prices, imperative, aux) for one lower-case word."""
        facts = self._word_cache.get(key)
        if facts is None:
            word = self._strings[key]
            alpha = word.isalpha()
            syl = syllables(word) if alpha else 0
            nominal = (alpha and len(word) >= self._nom_min and word.endswith(self._nom_suffixes)
                       and word not in self._nom_exceptions)
            participle = (
                key not in self.not_participle
                and (key in self.irregular or (len(word) > 3 and word.endswith(("ed", "en"))))
            )
            cats = self._cats
            facts = (syl, int(syl >= 3), int(nominal), int(participle),
                     *(int(key in cats[c]) for c in _CATS))
            if len(self._word_cache) < 500_000:
                self._word_cache[key] = facts
        return facts

    def _type_rows(self, arrays: DocArrays) -> tuple[np.ndarray, np.ndarray]:
        """Per word type of the doc (``arrays.pairs`` order): its LOWER hash, and one int row of
        _FACTS then is_alpha, like_num, is_upper, length, is_currency (kept per ORTH)."""
        cache = self._type_cache
        vocab = self._vocab
        lowers: list[int] = []
        rows: list[tuple[int, ...]] = []
        for orth, _ in arrays.pairs:
            found = cache.get(orth)
            if found is None:
                lex = vocab[orth]
                found = (lex.lower, (*self._word_facts(lex.lower), lex.is_alpha, lex.like_num,
                                     lex.is_upper, len(lex.orth_), lex.is_currency))
                if len(cache) < 500_000:
                    cache[orth] = found
            lowers.append(found[0])
            rows.append(found[1])
        return np.array(lowers, dtype=np.uint64), np.array(rows, dtype=np.int64)

    def sentences(self, doc: Doc, *, use_tags: bool = False, arrays: DocArrays | None = None
                  ) -> tuple[np.ndarray, np.ndarray, dict[str, list[tuple[int, int]]]]:
        """(rows, bounds, places): one row of COLUMNS counts per sentence, (start, end) token
        bounds, and the token spans counted for each :data:`NEGATABLE` vocabulary (the caller
        takes back the negated ones). ``arrays``: the doc's token arrays when the caller has
        them (the matcher reads them too)."""
        n = len(doc)
        places: dict[str, list[tuple[int, int]]] = {c: [] for c in NEGATABLE}
        if n == 0:
            return np.zeros((0, len(COLUMNS))), np.zeros((0, 2), dtype=np.int64), places
        arrays = arrays or DocArrays(doc)
        type_lower, type_rows = self._type_rows(arrays)
        inverse = arrays.inverse
        lower = type_lower[inverse]
        facts = type_rows[inverse]
        is_alpha = facts[:, _N_FACTS].astype(bool)
        like_num = facts[:, _N_FACTS + 1].astype(bool)
        is_upper = facts[:, _N_FACTS + 2].astype(bool)
        length = facts[:, _N_FACTS + 3]
        is_currency = facts[:, _N_FACTS + 4].astype(bool)
        sent_flag = arrays.sent_start.copy()
        sent_flag[0] = True
        starts = np.flatnonzero(sent_flag)
        ends = np.append(starts[1:], n)
        sent_id = np.cumsum(sent_flag) - 1
        alpha = is_alpha.astype(np.int64)
        acr = is_upper & is_alpha & (length >= 2) & (length <= 6)
        cols = np.zeros((n, len(COLUMNS)), dtype=np.float64)
        cols[:, COL["words"]] = is_alpha | like_num
        cols[:, COL["syllables"]] = facts[:, 0] * alpha
        cols[:, COL["long_words"]] = facts[:, 1] * alpha
        cols[:, COL["nominal"]] = facts[:, 2]
        cols[:, COL["numbers"]] = like_num
        for c in ("second", "first", "hype", "urgency", "watch", "org"):
            cols[:, COL[c]] = facts[:, _FACT[c]]
        cols[:, COL["prices"]] = facts[:, _FACT["prices"]] | is_currency
        cols[:, COL["acronyms"]] = acr
        rows = np.add.reduceat(cols, starts, axis=0)
        if acr.any():
            # A shouted headline is not a row of acronyms: ignore mostly upper-case sentences.
            upper = np.add.reduceat((is_upper & is_alpha).astype(np.int64), starts)
            shouted = upper >= 0.6 * np.maximum(np.add.reduceat(alpha, starts), 1)
            rows[shouted, COL["acronyms"]] = 0
        for c in NEGATABLE:
            places[c] = [(i, i + 1) for i in np.flatnonzero(facts[:, _FACT[c]]).tolist()]
        for key, start, end in self.phrases(doc):
            rows[sent_id[start], self._phrase_cols[key]] += 1
            if self._phrase_cats[key] in places:
                places[self._phrase_cats[key]].append((start, end))
        last = ends - 1
        rows[:, COL["question"]] = self._ends_with(lower, starts, last, self._question)
        rows[:, COL["exclaim"]] = self._ends_with(lower, starts, last, self._exclaim)
        first_word = self._first_words(is_alpha | like_num, starts, ends)
        ok = first_word >= 0
        listed = np.zeros(len(starts), dtype=bool)  # starts with a command verb from our list
        listed[ok] = facts[first_word[ok], _FACT["imperative"]].astype(bool)
        if use_tags and doc.has_annotation("DEP"):
            self._tagged(doc, rows, starts, ends, first_word, listed)
        else:
            participle = facts[:, _FACT["participle"]].astype(bool) & is_alpha
            aux_pos = np.flatnonzero(facts[:, _FACT["aux"]])
            self._passive_fast(lower, participle, aux_pos, sent_id, rows)
            rows[:, COL["imperative"]] = listed
        rows[rows[:, COL["words"]] == 0] = 0
        return rows, np.stack([starts, ends], axis=1), places

    @staticmethod
    def _ends_with(lower: np.ndarray, starts: np.ndarray, last: np.ndarray, key: int) -> np.ndarray:
        # The last non-space token of the sentence, or the one before a closing quote.
        out = lower[last] == key
        prev = np.maximum(last - 1, starts)
        return out | (lower[prev] == key)

    @staticmethod
    def _first_words(words: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        idx = np.full(len(starts), -1, dtype=np.int64)
        word_pos = np.flatnonzero(words)
        if len(word_pos):
            k = np.searchsorted(word_pos, starts)
            valid = k < len(word_pos)
            cand = np.where(valid, word_pos[np.minimum(k, len(word_pos) - 1)], -1)
            idx = np.where(valid & (cand < ends), cand, -1)
        return idx

    def _passive_fast(self, lower: np.ndarray, participle: np.ndarray, aux_pos: np.ndarray,
                      sent_id: np.ndarray, rows: np.ndarray) -> None:
        """be/get + (adverbs) + participle: "was approved", "is being reviewed", "gets signed"."""
        flagged: set[int] = set()
        n = len(lower)
        for pos in aux_pos.tolist():
            j = pos + 1
            while j < n and j <= pos + 3 and int(lower[j]) in self.skippable:
                j += 1
            if j < n and participle[j] and sent_id[j] == sent_id[pos]:
                flagged.add(int(sent_id[pos]))
        for s in flagged:
            rows[s, COL["passive"]] = 1

    def _tagged(self, doc: Doc, rows: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                first_word: np.ndarray, listed: np.ndarray) -> None:
        """Trained profile: passive from auxpass/nsubjpass, imperatives from a bare-verb root
        with no subject and no modal before it, or a sentence with no subject that opens on a
        base-form verb or a command verb of our list (the tagger reads a two-word "Track
        payments." as a noun phrase); read from arrays, not token by token."""
        arr = doc.to_array([DEP, TAG, HEAD])
        dep, tag = arr[:, 0], arr[:, 1]
        n = len(doc)
        idx = np.arange(n)
        head = idx + arr[:, 2].astype(np.int64)  # HEAD is stored as an offset
        passive = np.isin(dep, self._passive_deps).astype(np.int64)
        rows[:, COL["passive"]] = np.add.reduceat(passive, starts) > 0
        has_subject = np.zeros(n, dtype=bool)
        has_subject[head[np.isin(dep, self._subject_deps)]] = True
        # modals[i]: modal verbs among tokens [0, i); a root's sentence holds one before it
        # when the count at the root exceeds the count at the sentence start.
        modals = np.concatenate(([0], np.cumsum(tag == self._modal)))
        imperative = np.zeros(len(starts), dtype=bool)
        roots = np.flatnonzero(dep == self._root)
        sentence = np.searchsorted(starts, roots, side="right") - 1
        bare = ((tag[roots] == self._verb_base) & ~has_subject[roots]
                & (modals[roots] == modals[starts[sentence]]))
        imperative[sentence[bare]] = True
        subjects = np.add.reduceat(np.isin(dep, self._subject_deps).astype(np.int64), starts) > 0
        ok = first_word >= 0
        opens_on_verb = np.zeros(len(starts), dtype=bool)
        opens_on_verb[ok] = tag[first_word[ok]] == self._verb_base
        imperative |= ~subjects & (opens_on_verb | listed)
        rows[:, COL["imperative"]] = imperative


def _entry_tokens(nlp: Language, entries: dict[str, list[str]]) -> dict[str, list[list[str]]]:
    """Each entry's tokens as the pipeline's tokenizer splits it, per category; cached on
    disk with the packs' other built work, since tokenising them made a lexeme per word."""
    from ..packs.packcache import cached
    from .nlp import pipeline_name

    def build() -> dict[str, list[list[str]]]:
        return {cat: [[t.text for t in nlp.make_doc(e)] for e in items]
                for cat, items in entries.items()}

    return cached("tone-words", [pipeline_name(nlp), *(f"{c}\t{e}" for c, items in
                                                        sorted(entries.items()) for e in items)],
                  build)
