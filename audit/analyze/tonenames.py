"""Tone metrics, and the evidence groups that are not cue groups, in plain words.

The JSON report and the packs keep the metric's field name (``acronym_density``); a person
reads "acronyms per 100 words 9.4". The terminal, the HTML report and the app all word the
metrics from this one table, and name a driver with :func:`group_phrase`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..models import LEAN_GROUP, RANK_GROUP

#: field name -> (title for a table, what it measures, the phrase used in a sentence)
METRICS: dict[str, tuple[str, str, str]] = {
    "reading_grade": ("Reading grade", "school grade needed to read it", "reading grade"),
    "avg_sentence_words": ("Words per sentence", "average sentence length", "words per sentence"),
    "long_word_share": ("Long words", "share of words with 3+ syllables",
                        "long words (3+ syllables)"),
    "passive_ratio": ("Passive sentences", "share of sentences in the passive voice",
                      "passive sentences"),
    "nominalization_rate": ("Nominalisations", "share of -tion/-ment style nouns",
                            "-tion/-ment nouns"),
    "second_person_ratio": ("'You' vs 'we'", "share of 'you' among you/we pronouns",
                            "'you' among you/we"),
    "first_person_ratio": ("'We' vs 'you'", "share of 'we' among you/we pronouns",
                           "'we' among you/we"),
    "imperative_ratio": ("Direct calls to action", "share of sentences that tell the reader to act",
                         "sentences that tell the reader to act"),
    "acronym_density": ("Acronyms", "per 100 words", "acronyms per 100 words"),
    "hype_rate": ("Hype words", "per 100 words", "hype words per 100 words"),
    "urgency_rate": ("Urgency words", "per 100 words", "urgency words per 100 words"),
    "watch_rate": ("Watching words", "per 100 words",
                   "words about watching or crowding the reader per 100 words"),
    "org_rate": ("Organisation words", "per 100 words",
                 "words about organisations, their rules and their admins per 100 words"),
    "price_rate": ("Price mentions", "per 100 words", "price mentions per 100 words"),
    "number_rate": ("Numbers", "per 100 words", "numbers per 100 words"),
    "question_rate": ("Questions", "share of sentences", "questions"),
    "exclamation_rate": ("Exclamations", "share of sentences", "exclamations"),
}
SHARE_METRICS = frozenset({"long_word_share", "passive_ratio", "nominalization_rate",
                           "second_person_ratio", "first_person_ratio", "imperative_ratio",
                           "question_rate", "exclamation_rate"})
_NAMES = re.compile(r"\b(" + "|".join(sorted(METRICS, key=len, reverse=True)) + r")\b")
_VALUE = re.compile(r"=\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s*$")


def metric_title(metric: str) -> str:
    """"Acronyms" for a table's Metric column (unknown metrics: their name, spaced)."""
    return METRICS.get(metric, (metric.replace("_", " ").capitalize(), "", ""))[0]


def metric_phrase(metric: str) -> str:
    """"acronyms per 100 words" for a sentence."""
    return METRICS.get(metric, ("", "", metric.replace("_", " ")))[2]


def group_phrase(group: str) -> str:
    """A driver as a person reads it: a cue group by its name, a tone pull by its metric
    ("tone (acronyms per 100 words)"), the wording lean as such rather than "lean:rank"."""
    if group.startswith("tone:"):
        return f"tone ({metric_phrase(group.removeprefix('tone:'))})"
    if group == LEAN_GROUP:
        return "wording as a whole"
    if group == RANK_GROUP:
        return "wording as a whole (ranks only)"
    return group


def format_metric(metric: str, value: float) -> str:
    """Shares as percentages, everything else to one decimal without a trailing ".0"."""
    if metric in SHARE_METRICS:
        return f"{value:.0%}"
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def plain_metric(metric: str, value: float) -> str:
    """"acronyms per 100 words 9.4" (not "acronym_density = 9.449")."""
    return f"{metric_phrase(metric)} {format_metric(metric, value)}"


def plain_threshold(metric: str, side: str, bound: float) -> str:
    """"acronyms per 100 words above 3" for a pack's tone target."""
    return f"{metric_phrase(metric)} {side} {format_metric(metric, bound)}"


def plain_words(text: str) -> str:
    """Metric field names in a sentence replaced by their phrases (notes stored before the
    notes were worded this way)."""
    return _NAMES.sub(lambda m: metric_phrase(m.group(1)), text)


def tone_evidence_line(ev: Mapping[str, Any], tone: Mapping[str, Any]) -> str:
    """One tone evidence item in plain words: "Tone pulls toward Beth the Bureaucrat:
    acronyms per 100 words above 3 (this copy: 9.4)"."""
    if ev.get("kind") == "lean":  # the wording lean's note, with the words that pulled
        return f"{ev.get('note') or ''} Words that pulled: {ev.get('text') or '-'}."
    metric = str(ev.get("group") or "").removeprefix("tone:")
    value = tone.get(metric)
    if not isinstance(value, (int, float)):
        found = _VALUE.search(str(ev.get("text") or ""))
        value = float(found.group(1)) if found else None
    note = plain_words(str(ev.get("note") or "")).rstrip(". ") or f"Tone: {metric_phrase(metric)}"
    return note if value is None else f"{note} (this copy: {format_metric(metric, float(value))})"
