"""spaCy pipelines for the two profiles.

* **fast**: a blank English pipeline, rule sentence splitting and a lookup lemmatizer. No trained model,
  so it runs anywhere; it carries the whole product.
* **trained**: an installed trained English pipeline (``en_core_web_sm`` and friends), which adds
  part-of-speech and dependency cues: passive voice, imperative calls to action, negation scope.

The lookup lemmatizer here reads the same table as spaCy's ``lemmatizer`` in lookup mode
(spacy-lookups-data) but keys it by the lower-case form, so "Requested" lemmatises like
"requested", and it works on whole arrays instead of token by token.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import spacy
from spacy.attrs import (
    DEP,
    HEAD,
    IDX,
    IS_PUNCT,
    LEMMA,
    LENGTH,
    LOWER,
    MORPH,
    NORM,
    ORTH,
    POS,
    SENT_START,
    SPACY,
    TAG,
)
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ..errors import ConfigError
from .attrruler import use_array_ruler
from .profiles import FAST_MODEL, resolve_model


def pipeline_name(nlp: Language) -> str:
    """The pipeline as cache keys name it: package, version and components."""
    return f"{nlp.meta.get('name')}-{nlp.meta.get('version')}-{','.join(nlp.pipe_names)}"


@lru_cache(maxsize=1)
def _lemma_table() -> dict[str, str]:
    """The English lookup table shipped by spacy-lookups-data, with lower-cased keys."""
    import gzip
    import json
    from pathlib import Path

    import spacy_lookups_data

    path = Path(spacy_lookups_data.en["lemma_lookup"])
    if not path.exists():  # the package names the file without the .gz it ships with
        path = path.with_name(path.name + ".gz")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        raw: dict[str, str] = json.load(fh)
    out: dict[str, str] = {}
    for form, lemma in raw.items():
        out.setdefault(form.lower(), lemma.lower())
    return out


def _lemma_hashes() -> tuple[dict[int, int], dict[int, str]]:
    """The table as StringStore ids (lower-case form -> lemma) and each lemma's text, cached on
    disk: starting then needs neither the JSON nor 90,000 StringStore additions."""
    from ..packs.packcache import cached

    def build() -> tuple[dict[int, int], dict[int, str]]:
        table = _lemma_table()
        # The StringStore's ids: a hash, or a fixed symbol number for strings such as "mark".
        forms = {get_string_id(form): get_string_id(lemma) for form, lemma in table.items()}
        return forms, {get_string_id(lemma): lemma for lemma in set(table.values())}

    import spacy_lookups_data

    return cached("lemma-ids", [str(spacy_lookups_data.en["lemma_lookup"]),
                             getattr(spacy_lookups_data, "__version__", "")], build)


class LookupLemmatizer:
    """Sets ``token.lemma_`` from the lower-case form via the lookup table, one array at a time.
    A lemma's text goes into the StringStore when a doc first uses it."""

    def __init__(self, nlp: Language) -> None:
        self._strings = nlp.vocab.strings
        self._map, self._texts = _lemma_hashes()
        self._added: set[int] = set()

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        lowers = doc.to_array(LOWER)
        get = self._map.get
        if len(lowers) < 200:  # a sort costs more than it saves on a short doc
            words = lowers.tolist()
            found = [get(x, x) for x in words]
            lemmas = np.array(found, dtype=np.uint64)
        else:  # one look-up per distinct word
            unique, inverse = np.unique(lowers, return_inverse=True)
            words = unique.tolist()
            found = [get(x, x) for x in words]
            lemmas = np.array(found, dtype=np.uint64)[inverse.reshape(-1)]
        added = self._added
        for word, lemma in zip(words, found, strict=True):
            if lemma != word and lemma not in added:
                self._strings.add(self._texts[lemma])
                added.add(lemma)
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def knows(self, word: str) -> bool:
        """Whether the table has the lower-case word as a form or a lemma: a word it lacks
        ("freelancer", "chatbot") gets no lemma, so its plural in a text finds no match."""
        key = get_string_id(word.lower())
        return key in self._map or key in self._texts


def _is_final_mark(text: str) -> bool:
    return text in _FINAL_MARKS


def _is_line_break(text: str) -> bool:
    return "\n" in text and text.isspace()


_FINAL_MARKS = frozenset(Sentencizer.default_punct_chars)


def _flags(nlp: Language) -> tuple[int, int]:
    """Lexeme flags (computed once per word type, read in bulk by ``to_array``): a
    sentence-final mark, and whitespace holding a line break."""
    getters = nlp.vocab.lex_attr_getters
    found = {fn: fid for fid, fn in getters.items() if fn in (_is_final_mark, _is_line_break)}
    final = found.get(_is_final_mark) or nlp.vocab.add_flag(_is_final_mark)
    newline = found.get(_is_line_break) or nlp.vocab.add_flag(_is_line_break)
    return final, newline


def _starts_after(flags: np.ndarray) -> np.ndarray:
    """Indices of tokens right after a line-break token."""
    return np.flatnonzero(flags[:-1]) + 1


class SectionBreaks:
    """Start a sentence after every line break, so sections (joined with a blank line) and
    the lines of a list never run together into one sentence. The parser keeps boundaries that
    are already set. (``Token.is_sent_start`` costs a scan of the whole doc per call; this
    writes the array once.)"""

    def __init__(self, nlp: Language) -> None:
        self._newline = _flags(nlp)[1]

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) < 2:
            return doc
        breaks = _starts_after(doc.to_array(self._newline))
        if len(breaks):
            starts = doc.to_array(SENT_START)
            starts[breaks] = 1
            doc.from_array([SENT_START], starts.reshape(-1, 1))
        return doc


class Sentences:
    """spaCy's rule sentencizer and :class:`SectionBreaks` in one pass over token arrays.

    Same rule as ``Sentencizer`` with its default punctuation: a sentence starts at the first
    token that is not punctuation after a run of punctuation holding a sentence-final mark
    ("." "!" "?" and their kin); plus a start after every line break. Array operations instead
    of a Python step per token keep it a small fraction of tokenisation time.
    """

    def __init__(self, nlp: Language) -> None:
        self._attrs = [IS_PUNCT, *_flags(nlp)]

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        arr = doc.to_array(self._attrs).astype(bool)
        final = arr[:, 1]
        punct = final | arr[:, 0]
        idx = np.arange(n)
        # For each token: the last sentence-final mark and the last non-punctuation token
        # up to it; a non-punctuation token starts a sentence when the mark came later.
        last_final = np.maximum.accumulate(np.where(final, idx, -1))
        last_word = np.maximum.accumulate(np.where(punct, -1, idx))
        starts = np.empty(n, dtype=bool)
        starts[0] = True
        starts[1:] = ~punct[1:] & (last_final[:-1] > last_word[:-1])
        starts[_starts_after(arr[:, 2])] = True
        values = np.where(starts, 1, -1).astype(np.int64).view(np.uint64)
        doc.from_array([SENT_START], values.reshape(-1, 1))
        return doc


@Language.factory("antipersona_breaks")
def make_breaks(nlp: Language, name: str) -> SectionBreaks:
    return SectionBreaks(nlp)


@Language.factory("antipersona_sentences")
def make_sentences(nlp: Language, name: str) -> Sentences:
    return Sentences(nlp)


@Language.factory("antipersona_lemmatizer")
def make_lemmatizer(nlp: Language, name: str) -> LookupLemmatizer:
    return LookupLemmatizer(nlp)


class TokenizerWarmer:
    """Fills spaCy's tokenizer cache before a long text is tokenized.

    The tokenizer remembers how it split each whitespace-separated span, but within one doc it
    stops saving to that cache once it has met a special case ("don't", "e.g.", ":)"; the
    ``has_special`` flag in spacy/tokenizer.pyx, see spaCy#1250). In a long doc nearly every
    span after the first contraction then goes through the prefix, suffix and infix searches
    again: 50,000-character chunks tokenized 4-6x slower than the same text paragraph by
    paragraph. Tokenizing each span not seen before on its own caches it first, so the long
    doc reads from the cache: the same tokens, since spans are split without context."""

    #: Shorter texts gain too little to pay for the split.
    MIN_CHARS = 2_000
    #: Distinct spans remembered as warm (some 15 MB); past this, new spans are still warmed,
    #: just not remembered, so memory stays bounded on a crawl of many different pages.
    MAX_SEEN = 200_000

    def __init__(self, nlp: Language) -> None:
        self._tokenizer = nlp.tokenizer
        self._seen: set[str] = set()

    def __call__(self, text: str) -> None:
        if len(text) < self.MIN_CHARS:
            return
        new = set(text.split())
        new.difference_update(self._seen)
        tokenize = self._tokenizer
        for span in new:
            tokenize(span)
        if len(self._seen) < self.MAX_SEEN:
            self._seen.update(new)


@dataclass(frozen=True, slots=True)
class Pipeline:
    nlp: Language
    profile: str  # "fast" or "trained"
    model: str  # "blank:en" or the package name
    warm: TokenizerWarmer = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "warm", TokenizerWarmer(self.nlp))

    def pipe(self, items: list[tuple[str, Any]], batch_size: int = 256) -> Iterator[tuple[Doc, Any]]:
        """``nlp.pipe`` over (text, context) pairs, with the tokenizer cache warmed first."""
        for text, _ in items:
            self.warm(text)
        return self.nlp.pipe(items, as_tuples=True, batch_size=batch_size)

    @property
    def has_parser(self) -> bool:
        return "parser" in self.nlp.pipe_names

    @property
    def has_tagger(self) -> bool:
        return any(p in self.nlp.pipe_names for p in ("tagger", "morphologizer"))


#: What a joined doc keeps of its parts: all that the trained pipeline sets (NER is excluded)
#: and that a cue pattern, the tone counter or negation may read.
_JOINED_ATTRS = [ORTH, NORM, LEMMA, TAG, POS, MORPH, DEP, HEAD, SENT_START, SPACY]


def join_docs(docs: list[Doc], texts: list[str]) -> tuple[Doc, str, list[int]]:
    """Analysed docs (``texts`` are their texts) as one doc, its text and where each part
    starts in it. A part that ends in a word gets a space after it, so no word runs into the
    next; each part's first token starts a sentence, and its parse stays its own.

    Matching and tone counting cost a little per doc: the trained pipeline parses short chunks,
    and analysing them joined costs less than analysing each (see Engine._joined)."""
    width = len(_JOINED_ATTRS)
    spacy_col, start_col = _JOINED_ATTRS.index(SPACY), _JOINED_ATTRS.index(SENT_START)
    arrays: list[np.ndarray] = []
    words: list[str] = []
    parts: list[str] = []
    offsets: list[int] = []
    offset = 0
    for doc, text in zip(docs, texts, strict=True):
        offsets.append(offset)
        if not len(doc):
            parts.append(text)
            offset += len(text)
            continue
        arr = doc.to_array([*_JOINED_ATTRS, IDX, LENGTH])
        arr[0, start_col] = 1
        if not text[-1].isspace():
            arr[-1, spacy_col] = 1
            text += " "
        words.extend([text[i:i + n] for i, n in arr[:, width:].tolist()])
        arrays.append(arr[:, :width])
        parts.append(text)
        offset += len(text)
    joined = "".join(parts)
    if not arrays:
        return Doc(docs[0].vocab), joined, offsets
    values = np.concatenate(arrays)
    doc = Doc(docs[0].vocab, words=words, spaces=values[:, spacy_col].astype(bool).tolist())
    doc.from_array(_JOINED_ATTRS, values)
    return doc, joined, offsets


def build_fast() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("antipersona_sentences")
    nlp.add_pipe("antipersona_lemmatizer")
    # Sections are chunked well below this; the limit is there for the parser's memory.
    nlp.max_length = 2_000_000
    return nlp


def build_pipeline(model: str = "auto") -> Pipeline:
    """``auto`` (trained when installed, else fast), ``fast``, ``trained`` or a package name."""
    profile, name = resolve_model(model)
    if profile == "fast":
        return Pipeline(build_fast(), "fast", FAST_MODEL)
    try:
        # NER is not used; the lookup lemmatizer replaces the rule one so that terms and text
        # are lemmatised the same way in both profiles; the attribute ruler's rules are
        # applied with arrays (same annotations, a fifth of the pipeline's time less).
        nlp = spacy.load(name, exclude=["ner", "lemmatizer"])
        nlp.add_pipe("antipersona_breaks", first=True)
        use_array_ruler(nlp)
        nlp.add_pipe("antipersona_lemmatizer")
    except OSError as exc:
        raise ConfigError(f"cannot load spaCy pipeline '{name}': not installed ({exc})") from exc
    if nlp.lang != "en":
        raise ConfigError(f"spaCy pipeline '{name}' is for '{nlp.lang}', antipersona needs English")
    return Pipeline(nlp, "trained", name)
