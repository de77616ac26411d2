"""Wording lean: whom a piece's words as a whole read like they draw, for pieces no cue decides.

Cues are phrases the packs name. Real copy from sources no pack was written against often holds
none of them, and was called neutral although a marketer sees at once whom it speaks to: a
maker's "I built this on weekends", a fundraising email that knows what the reader gave last
year. A multinomial logistic regression over the words and word pairs of labelled real copy
(``audit/data/lean.json``, fitted by ``eval/fit_lean.py``, which records its grouped
cross-validation figures there) reads the whole piece instead.

It never names an audience over a cue: it names one only for a piece that would otherwise be
neutral, only when it leans clearly (the persona's probability at least ``thresholds.lean``
and :data:`MIN_GAP` above neutral's) and knows most of the piece's words (:data:`MIN_KNOWN`),
never for a persona whose cues the piece holds, never where the cue reader took a cue back
(negated, quoted, informational, documentation), nor on a policy, release-notes or explainer
page (see pagekinds), and only for pieces of :data:`MIN_WORDS` to :data:`MAX_WORDS` words (past
:data:`WINDOW_WORDS`, the longest it was fitted on, in windows of that size). The verdict then
says that it rests on wording and names the words that pulled. Below a verdict it only ranks:
in a piece no cue decides, each persona's score is at least :data:`RANK_SHARE` of its
probability, so that pieces no cue catches are not all tied at 0.
It changes a cue verdict only where that verdict rests on about one cue (:data:`WEAK_VERDICT`):
to neutral when the wording as a whole reads neutral, or to another persona when it reads
clearly like that persona's copy (:data:`SWITCH_LEAN`). After these steps its probabilities and
the cue scores are weighed together once more (audit.score.blend).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np

LEAN_FILE = Path(__file__).resolve().parent.parent / "data" / "lean.json"
#: A persona's probability must beat neutral's by this much as well. 0.3 until December: on
#: 441 excerpts from sources the model never saw, 0.1 named three more pieces, all rightly, and
#: changed nothing on the 878 news pages of trafilatura's evaluation set.
MIN_GAP = 0.1
#: Longer pieces are left to their cues: the model was fitted on excerpts of up to 150 words.
MAX_WORDS = 1500
#: A sentence or two is too little wording to judge as a whole ("Episode 4 runs an hour").
MIN_WORDS = 16
#: Characters of a piece read for its words (a piece past MAX_WORDS is not judged anyway).
MAX_CHARS = 12_000
#: A longer piece's wording is read in windows of at most this many words (see
#: LeanModel.read_text): every labelled excerpt the model was fitted on is shorter (99 in 100
#: under 110 words, the longest 147).
WINDOW_WORDS = 150
#: The share of a piece's distinct words the model must know to judge it: labelled English copy
#: scores 0.72 or more in 99 cases of 100, while news pages in German or Spanish score 0.05-0.2,
#: and on those a handful of English loan words ("online", "team", "start") had named a persona.
MIN_KNOWN = 0.5
#: The neutral class of the model.
NEUTRAL = "neutral"
#: A verdict whose strongest score is under this rests on about one ordinary cue: when the
#: wording as a whole reads neutral (probability at least ``thresholds.lean``) it is overruled,
#: as a single "free plan" or "freelancer" in a billing answer or a docs page pitches to no one.
#: Measured out of fold on 1,632 labelled excerpts (each judged by a lean fitted without its
#: site): 14 verdicts fixed, 4 broken; on 313 excerpts the lean never read: 7 fixed, 1 broken.
#: At 0.65, where two cues or one strong one sit, it broke as many as it fixed.
WEAK_VERDICT = 0.6
#: Such a verdict names another persona instead when the wording reads clearly like that
#: persona's copy (its probability at least this, and MIN_GAP above neutral's). Out of fold on
#: 1,945 labelled excerpts it fixed 9 verdicts and broke none (at 0.5: 14 and 7); on 205 the
#: lean never read, 1 and 0.
SWITCH_LEAN = 0.7
#: Below a verdict the wording still ranks: a persona's score is at least this share of its
#: probability (so at most 0.2, under every verdict threshold), and pieces no cue catches are
#: ordered by how their words read rather than tied at 0.
RANK_SHARE = 0.2
#: A rank under this is too faint to order pieces by (a probability under 0.05): such pieces
#: stay tied at their cues' score.
RANK_MIN = 0.01

_WORD = re.compile(r"[a-z][a-z']+")


def terms_of(text: str) -> set[str]:
    """The words and adjacent word pairs of a text, lower-case, apostrophes kept ("don't",
    typographic ones made plain): what the model reads (presence only)."""
    words = _WORD.findall(text.lower().replace("\u2019", "'"))
    return {*words, *(f"{a} {b}" for a, b in pairwise(words))}


@dataclass(frozen=True, slots=True)
class Lean:
    persona: str
    probability: float
    #: The piece's words that pulled hardest toward the persona (against neutral).
    words: tuple[str, ...]


class Reading:
    """How the model reads one piece: the rows of the terms it knows, whether those are enough
    to judge it (LeanModel.reads) and each label's probability. The known terms themselves are
    spelt out only when a step asks for them (a lean names the words that pulled)."""

    __slots__ = ("_known", "model", "probs", "readable", "rows")

    def __init__(self, model: LeanModel, rows: np.ndarray, readable: bool,
                 probs: dict[str, float]) -> None:
        self.model, self.rows, self.readable, self.probs = model, rows, readable, probs
        self._known: set[str] | None = None

    @property
    def known(self) -> set[str]:
        if self._known is None:
            self._known = self.model.terms_at(self.rows.tolist())
        return self._known


class _TermIndex:
    """Terms of one or two words as integer codes, so that a piece's known terms are found
    with a few array operations rather than a set of strings per piece: each word of any term
    has an id, a word unknown to every term the id ``size``, and a word pair the code
    ``first * (size + 1) + second``, which no term has where either word is unknown."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = terms
        ids: dict[str, int] = {}
        for term in terms:
            for word in term.split(" "):
                ids.setdefault(word, len(ids))
        self.ids_of = ids
        self.size = size = len(ids)
        #: Row of each word's one-word term, -1 where it has none (the unknown id included).
        self.unigram = np.full(size + 1, -1, dtype=np.intp)
        codes: list[int] = []
        pair_rows: list[int] = []
        for row, term in enumerate(terms):
            words = term.split(" ")
            if len(words) == 1:
                self.unigram[ids[words[0]]] = row
            elif len(words) == 2:
                codes.append(ids[words[0]] * (size + 1) + ids[words[1]])
                pair_rows.append(row)
            else:
                raise ValueError(f"a lean model's terms are one or two words, not {term!r}")
        order = np.argsort(np.asarray(codes, dtype=np.int64), kind="stable")
        # A last code above every pair's, so that a search never runs off the end.
        self.pair_codes = np.append(np.asarray(codes, dtype=np.int64)[order],
                                    np.iinfo(np.int64).max)
        self.pair_rows = np.append(np.asarray(pair_rows, dtype=np.intp)[order], -1)
        #: Each term's place in alphabetical order (ties between equal pulls).
        self.rank = np.empty(len(terms), dtype=np.intp)
        self.rank[sorted(range(len(terms)), key=terms.__getitem__)] = np.arange(len(terms))
        self.is_unigram = np.zeros(len(terms), dtype=bool)
        self.is_unigram[self.unigram[self.unigram >= 0]] = True

    def ids(self, words: list[str]) -> np.ndarray:
        """Each word's id (``size`` for a word no term holds)."""
        get, unknown = self.ids_of.get, self.size
        return np.array([get(w, unknown) for w in words], dtype=np.int64)

    def rows(self, ids: np.ndarray, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the known words and word pairs among the words with these ``ids``, each
        once per window (``windows``: each word's window, in ascending order), sorted by window
        and row, with each row's window; a pair across two windows belongs to neither."""
        codes = ids[:-1] * (self.size + 1) + ids[1:]
        at = self.pair_codes.searchsorted(codes)
        hit = (self.pair_codes[at] == codes) & (windows[:-1] == windows[1:])
        rows = np.concatenate((self.unigram[ids], self.pair_rows[at[hit]]))
        n_terms = len(self.terms)
        keys = np.unique((np.concatenate((windows, windows[:-1][hit])) * n_terms + rows)[rows >= 0])
        return keys % n_terms, keys // n_terms


class LeanModel:
    """Weights per term and label (persona ids and ``neutral``), read from JSON."""

    def __init__(self, labels: list[str], bias: list[float], weights: Mapping[str, list[float]],
                 about: Mapping[str, object] | None = None) -> None:
        if NEUTRAL not in labels or len(bias) != len(labels):
            raise ValueError("a lean model needs a bias per label and a 'neutral' label")
        if any(len(w) != len(labels) for w in weights.values()):
            raise ValueError("a lean model needs one weight per label for every term")
        self.labels = list(labels)
        self.bias = list(bias)
        self.weights = dict(weights)
        self.about = dict(about or {})
        #: Each label's column in a term's weights (looked up per term when explaining a lean).
        self._col = {label: i for i, label in enumerate(self.labels)}
        #: Row per term, column per label: one gather and sum per piece.
        self._row = {term: i for i, term in enumerate(self.weights)}
        self._matrix = np.array(list(self.weights.values()), dtype=np.float64).reshape(
            len(self.weights), len(self.labels))
        self._bias = np.asarray(self.bias, dtype=np.float64)
        self._index = _TermIndex(list(self.weights))

    @classmethod
    def read(cls, path: Path = LEAN_FILE) -> LeanModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["labels"], data["bias"], data["weights"], data.get("about"))

    def known(self, terms: Iterable[str]) -> set[str]:
        """The terms the model has weights for."""
        return self._row.keys() & (terms if isinstance(terms, (set, frozenset)) else set(terms))

    def reads(self, terms: Collection[str], known: Collection[str]) -> bool:
        """Whether the model knows enough of a piece's words (``terms``, of which ``known`` are
        in the model) to judge its wording: at least :data:`MIN_KNOWN` of its distinct words. A
        page in another language shares only loan words and names with the copy it was
        fitted on."""
        words = sum(1 for t in terms if " " not in t)
        return words > 0 and sum(1 for t in known if " " not in t) >= MIN_KNOWN * words

    def probabilities(self, known: set[str]) -> dict[str, float]:
        """Each label's probability for a piece with these (known) terms. Features are present
        or absent, scaled by the square root of how many are present, as when fitted."""
        return dict(zip(self.labels, self._probs(self._rows(known)).tolist(), strict=True))

    def read_text(self, text: str) -> Reading:
        """How the model reads one piece: see :meth:`read_texts`."""
        return self.read_texts([text])[0]

    def read_texts(self, texts: Sequence[str]) -> list[Reading]:
        """What the engine asks of every piece it may judge, in one pass over its words: the
        terms the model knows, whether those are enough to judge it (:meth:`reads`) and each
        label's probability. The terms are found as rows of the weight matrix, without a
        string per word pair, and the pieces of a batch are read together, with a few array
        operations for all of them: each of thousands of pieces in a check pays for this
        read, and the blend asks it of nearly all of them.

        A piece of up to :data:`WINDOW_WORDS` words is read whole, as :meth:`probabilities`
        reads :func:`terms_of`. A longer one is read in even windows of at most that many
        words and its probabilities are their mean: the model was fitted on excerpts of 10-150
        words, and on a whole page its summed weights run far past anything it was fitted on.
        A news story of 1,100 words that says "location", "noticed" and "night" once each had
        read as over-personalisation at 0.77."""
        if not texts:
            return []
        words = [_WORD.findall(t.lower().replace("\u2019", "'")) for t in texts]
        n = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        # Each piece's window size and count (one window, maybe empty, for a short piece).
        size = np.maximum(-(-n // np.maximum(-(-n // WINDOW_WORDS), 1)), 1)
        n_windows = np.maximum(-(-n // size), 1)
        first_window = np.concatenate(([0], np.cumsum(n_windows)[:-1]))
        first_word = np.concatenate(([0], np.cumsum(n)[:-1]))
        piece = np.repeat(np.arange(len(texts)), n)
        windows = first_window[piece] + (np.arange(int(n.sum())) - first_word[piece]) // size[piece]
        ids = self._index.ids(list(itertools.chain.from_iterable(words)))
        rows, window = self._index.rows(ids, windows)
        total = int(n_windows.sum())
        count = np.bincount(window, minlength=total)
        sums = np.zeros((total, len(self.labels)))
        filled = count > 0
        if filled.any():
            starts = np.concatenate(([0], np.cumsum(count)[:-1]))
            sums[filled] = np.add.reduceat(self._matrix.take(rows, axis=0), starts[filled], axis=0)
        means = np.add.reduceat(self._softmax(sums, count), first_window, axis=0) / n_windows[:, None]
        # Each piece's distinct rows (a term in two windows counts once).
        window_piece = np.repeat(np.arange(len(texts)), n_windows)
        keys = np.unique(window_piece[window] * len(self._index.terms) + rows)
        bounds = np.searchsorted(keys, np.arange(len(texts) + 1) * len(self._index.terms))
        keys %= len(self._index.terms)
        unigrams = np.add.reduceat(np.append(self._index.is_unigram[keys], False),
                                   bounds[:-1]).tolist()
        out = []
        for i, (ws, mean) in enumerate(zip(words, means.tolist(), strict=True)):
            piece_rows = keys[bounds[i]:bounds[i + 1]]
            known = unigrams[i] if bounds[i] < bounds[i + 1] else 0
            readable = bool(ws) and known >= MIN_KNOWN * len(set(ws))
            out.append(Reading(self, piece_rows, readable, dict(zip(self.labels, mean, strict=True))))
        return out

    def _rows(self, known: Collection[str]) -> np.ndarray:
        """The weight matrix's rows of these (known) terms."""
        return np.fromiter(map(self._row.__getitem__, known), dtype=np.intp, count=len(known))

    def _probs(self, rows: np.ndarray) -> np.ndarray:
        """Each label's probability for the terms at ``rows`` (see :meth:`probabilities`)."""
        return self._softmax(self._matrix.take(rows, axis=0).sum(axis=0), np.asarray(len(rows)))

    def _softmax(self, sums: np.ndarray, count: np.ndarray) -> np.ndarray:
        """Each label's probability (the last axis) from the summed weights of ``count``
        present terms, scaled by the square root of that count as when fitted; one row per
        window where ``sums`` has rows."""
        z = self._bias + sums / np.sqrt(count + 1.0)[..., None]
        exp = np.exp(z - z.max(axis=-1, keepdims=True))
        return exp / exp.sum(axis=-1, keepdims=True)

    def terms_at(self, rows: Iterable[int]) -> set[str]:
        """The terms at these rows of the weight matrix."""
        return {self._index.terms[i] for i in rows}

    def lean(self, known: set[str], allowed: Iterable[str], min_prob: float,
             plain: Collection[str] = (), probs: Mapping[str, float] | None = None,
             careful: Collection[str] = ()) -> Lean | None:
        """The persona the wording clearly leans to, when it is one of ``allowed`` (``probs``:
        the piece's probabilities, when already worked out). For a persona in ``careful`` (a
        risk pack: its verdict accuses the copy) the content words alone must lean to it too."""
        probs = probs or self.probabilities(known)
        persona = max((label for label in self.labels if label != NEUTRAL), key=probs.__getitem__)
        p = probs[persona]
        if p < min_prob or p - probs[NEUTRAL] < MIN_GAP or persona not in set(allowed):
            return None
        if persona in careful and not self.content_agrees(known, persona, plain, min_prob):
            return None
        return Lean(persona, p, self.pulling(known, persona, plain))

    def content_agrees(self, known: set[str], persona: str, plain: Collection[str],
                        min_prob: float) -> bool:
        """Whether the terms not made only of ``plain`` words ("this", "we'll", "get") pull
        toward ``persona`` against neutral, taken together, and read alone lean to it over
        every other label with at least ``min_prob``, as the whole piece must: "Happy Friday,
        what's on your reading list this weekend?" leans to over-personalisation on its function
        words, and its content words ("happy", "friday", "book") only split between that and a
        sale."""
        content = {t for t in known if not _only_plain(t, plain)}
        if sum(self._pull(t, persona) for t in content) <= 0:
            return False
        probs = self.probabilities(content)
        return max(probs, key=probs.__getitem__) == persona and probs[persona] >= min_prob

    def pulling(self, known: Collection[str], persona: str, plain: Collection[str] = ()
                ) -> tuple[str, ...]:
        """The terms that pull hardest toward ``persona`` against neutral. Those made only of
        ``plain`` words ("our", "and") usually explain nothing and are left out, unless one
        out-pulls every other term: "up to" and "off" in "pages enlarge up to double size and
        nothing runs off the edge" are why an accessibility note reads like a discount."""
        rows = self._rows(known)
        pulls = (self._matrix[rows, self._col[persona]] - self._matrix[rows, self._col[NEUTRAL]])
        # Strongest first; equal pulls in reverse order of their terms, as one sort of
        # (pull, term) pairs would give.
        order = np.lexsort((-self._index.rank[rows], -pulls)).tolist()
        plain_first: list[tuple[float, str]] = []  # plain terms above every other term
        best: float | None = None  # the strongest pull of a term not only plain
        said: list[str] = []
        for i in order:
            w, term = float(pulls[i]), self._index.terms[rows[i]]
            if _only_plain(term, plain):
                if best is None and w > 0:
                    plain_first.append((w, term))
                continue
            best = w if best is None else best
            if w <= 0 or len(said) == 4:
                break
            said.append(term)
        floor = 0.0 if best is None else best
        return tuple([t for w, t in plain_first if w > floor] + said)[:4]

    def _pull(self, term: str, persona: str) -> float:
        """How hard a term pulls toward ``persona`` against neutral."""
        weights = self.weights[term]
        return weights[self._col[persona]] - weights[self._col[NEUTRAL]]


def _only_plain(term: str, plain: Collection[str]) -> bool:
    """A term made only of plain words ("our", "and", "up to")."""
    return all(w in plain for w in term.split())


@lru_cache(maxsize=1)
def shipped_model() -> LeanModel:
    return LeanModel.read()
