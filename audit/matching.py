"""Compile persona packs into spaCy matchers and find cue hits in a Doc.

Terms go into a ``PhraseMatcher`` on LOWER (as written, plus hyphen/space variants) and, when
written in their base form, one on LEMMA too, so "request a demo" also finds "requested demos".
Acronyms match case-sensitively (ORTH) so "IT" the department is not "it". Token patterns go into
a ``Matcher``; regexes (merge tags like ``{{first_name}}``) run on the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from .lexicon import Persona, term_variants


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
        self.tokens = Matcher(vocab)
        self.regexes: list[tuple[re.Pattern[str], int, int]] = []
        self._keys: dict[int, tuple[int, int]] = {}
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
                if group.patterns:
                    self.tokens.add(key, [list(p) for p in group.patterns])
                for rx in group.regex:
                    self.regexes.append((re.compile(rx), pi, gi))

    def find(self, doc: Doc) -> list[Hit]:
        """All hits in a doc; overlapping hits of one persona collapse to the longest."""
        raw: list[tuple[int, int, int, int]] = []
        for matcher in (self.lower, self.lemma, self.orth, self.tokens):
            for key, start, end in matcher(doc):
                pi, gi = self._keys[key]
                raw.append((pi, gi, start, end))
        if self.regexes:
            text = doc.text
            for rx, pi, gi in self.regexes:
                for m in rx.finditer(text):
                    if m.end() <= m.start():
                        continue
                    span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                    if span is not None:
                        raw.append((pi, gi, span.start, span.end))
        if not raw:
            return []
        # Longest first, then stronger group: a shorter overlapping hit of the same pack is dropped.
        raw.sort(key=lambda h: (h[0], -(h[3] - h[2]), -self.personas[h[0]].cues[h[1]].weight, h[2]))
        kept: list[Hit] = []
        taken: dict[int, list[tuple[int, int]]] = {}
        for pi, gi, start, end in raw:
            spans = taken.setdefault(pi, [])
            if any(start < e and s < end for s, e in spans):
                continue
            spans.append((start, end))
            kept.append(Hit(pi, gi, start, end, doc[start].idx, doc[end - 1].idx + len(doc[end - 1])))
        kept.sort(key=lambda h: (h.start, h.persona))
        return kept


def _lemmatizer(nlp: Language):  # type: ignore[no-untyped-def]
    """The pipeline's lemmatizer as a callable on a bare Doc (identity when there is none)."""
    for name in ("antipersona_lemmatizer", "lemmatizer"):
        if name in nlp.pipe_names:
            return nlp.get_pipe(name)
    return lambda doc: doc
