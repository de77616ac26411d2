"""Tone counts that add up across sections and chunks, and the per-piece metrics made from them.

Kept apart from the analyser (:mod:`audit.analyze.tone`) because adding up and finishing need no spaCy:
the process that joins a long piece's chunks never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..packs.lexicon import TONE_METRICS

#: Columns of a sentence row, in order (see :meth:`ToneAnalyzer.sentences`).
COLUMNS = (
    "words", "syllables", "long_words", "nominal", "passive", "imperative", "question",
    "exclaim", "hype", "urgency", "acronyms", "prices", "numbers", "second", "first", "watch",
    "org",
)
#: Column name -> its index in a row.
COL = {name: i for i, name in enumerate(COLUMNS)}


@dataclass(slots=True)
class ToneCounts:
    """Summed counts (one row of COLUMNS) plus the sentence count; adds up across docs."""

    sentences: int = 0
    values: np.ndarray = field(default_factory=lambda: np.zeros(len(COLUMNS), dtype=np.float64))

    def add(self, rows: np.ndarray) -> None:
        if len(rows):
            self.sentences += int((rows[:, COL["words"]] > 0).sum())
            self.values += rows.sum(axis=0)

    def __getitem__(self, name: str) -> float:
        return float(self.values[COL[name]])


def reading_grade(words: float, sentences: float, syllables: float) -> float:
    """Flesch-Kincaid grade level (0 at least), for a piece or one sentence."""
    return max(0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59, 0.0)


def metrics(c: ToneCounts) -> dict[str, float]:
    """Per-piece tone metrics from summed counts (names match the packs' tone keys)."""
    words = c["words"]
    sents = max(c.sentences, 1)
    if words <= 0:
        return dict.fromkeys(TONE_METRICS, 0.0)
    per100 = 100.0 / words
    pronouns = c["second"] + c["first"]
    return {
        "reading_grade": round(reading_grade(words, sents, c["syllables"]), 2),
        "avg_sentence_words": round(words / sents, 2),
        "long_word_share": round(c["long_words"] / words, 4),
        "passive_ratio": round(c["passive"] / sents, 4),
        "nominalization_rate": round(c["nominal"] / words, 4),
        "second_person_ratio": round(c["second"] / pronouns, 4) if pronouns else 0.0,
        "first_person_ratio": round(c["first"] / pronouns, 4) if pronouns else 0.0,
        "imperative_ratio": round(c["imperative"] / sents, 4),
        "acronym_density": round(c["acronyms"] * per100, 3),
        "hype_rate": round(c["hype"] * per100, 3),
        "urgency_rate": round(c["urgency"] * per100, 3),
        "watch_rate": round(c["watch"] * per100, 3),
        "org_rate": round(c["org"] * per100, 3),
        "price_rate": round(c["prices"] * per100, 3),
        "number_rate": round(c["numbers"] * per100, 3),
        "question_rate": round(c["question"] / sents, 4),
        "exclamation_rate": round(c["exclaim"] / sents, 4),
    }
