"""The analyser's word lists (``audit/data/language.yaml``), loaded once and turned into hash sets.

Lists live in YAML so a linguist can tune negation or hype words without touching code; this
module only loads them and hashes them against a spaCy vocabulary for array lookups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "language.yaml"


@lru_cache(maxsize=1)
def language_data() -> dict[str, Any]:
    """The parsed word lists, from the packs' cache when this file was parsed before (the
    safe YAML reader took about a tenth of a second at every start)."""
    from ..packs.packcache import cached
    from ..safeyaml import load

    raw = DATA_FILE.read_bytes()
    return cached("language", [raw], lambda: load(raw.decode("utf-8")))


def split_phrases(items: list[str]) -> tuple[list[str], list[tuple[str, ...]]]:
    """Single words and multi-word phrases (as token tuples) from a list of entries."""
    singles: list[str] = []
    multi: list[tuple[str, ...]] = []
    for item in items:
        toks = tuple(str(item).lower().split())
        if len(toks) == 1:
            singles.append(toks[0])
        elif toks:
            multi.append(toks)
    return singles, multi


Phrases = dict[str, tuple[tuple[str, ...], ...]]


def index_phrases(phrases: list[tuple[str, ...]], *, by_last: bool) -> Phrases:
    """Phrases keyed by their last (or first) word, longest first, so a scan checks only the
    phrases that can end (or start) at the word in hand."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in sorted(phrases, key=len, reverse=True):
        out.setdefault(p[-1] if by_last else p[0], []).append(p)
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True, slots=True)
class NegationRules:
    window: int
    before_single: frozenset[str]
    before_multi: Phrases  # by last word
    contrast_window: int
    contrast_single: frozenset[str]
    contrast_multi: Phrases  # by last word
    after_window: int
    after_multi: Phrases  # by first word
    breakers: frozenset[str]
    comma_breakers: frozenset[str]
    #: A short sentence that refuses what the sentence before it named (see Negator.refuses).
    refusals: tuple[str, ...]
    not_negating_next: frozenset[str]
    never_been_praise: frozenset[str]
    closers: frozenset[str]
    list_intro: frozenset[str]


@lru_cache(maxsize=1)
def negation_rules() -> NegationRules:
    neg = language_data()["negation"]
    bs, bm = split_phrases(neg["before"])
    cs, cm = split_phrases(neg["contrast"]["before"])
    _, am = split_phrases(neg["after"]["phrases"])
    after_single = [p for p in neg["after"]["phrases"] if len(str(p).split()) == 1]
    return NegationRules(
        window=int(neg["window"]),
        before_single=frozenset(bs),
        before_multi=index_phrases(bm, by_last=True),
        contrast_window=int(neg["contrast"]["window"]),
        contrast_single=frozenset(cs),
        contrast_multi=index_phrases(cm, by_last=True),
        after_window=int(neg["after"]["window"]),
        after_multi=index_phrases([*am, *((p.lower(),) for p in after_single)], by_last=False),
        breakers=frozenset(str(b).lower() for b in neg["breakers"]),
        # After a comma, a command verb starts a new clause too ("no card, cancel anytime").
        comma_breakers=frozenset(str(b).lower() for b in
                                 [*neg["comma_breakers"], *language_data()["imperative_verbs"]]),
        refusals=tuple(str(r) for r in neg["refusals"]),
        not_negating_next=frozenset(str(w).lower() for w in neg["not_negating_next"]),
        never_been_praise=frozenset(str(w).lower() for w in neg["never_been_praise"]),
        closers=frozenset(str(w).lower() for w in neg["closers"]),
        list_intro=frozenset(str(w).lower() for w in neg.get("list_intro", ())),
    )


@dataclass(slots=True, eq=False)
class ContextRules:
    """Sentences that describe rather than pitch, and quotations that mention a practice."""

    quoted_max_words: int
    informational: tuple[re.Pattern[str], ...]
    #: The end of a copy field's label ("Subject line:") or of the writer's own offer ("we
    #: offer a"): a quotation after it is the copy itself.
    own_copy: re.Pattern[str] | None = None
    #: Per pattern, words one of which it cannot match without (None: not known): worked out
    #: on first use, where sentences are read (the analysis workers), not where scores are
    #: summed, since reading a regex's words needs spaCy's stop-word list.
    _needs: tuple[tuple[str, ...] | None, ...] | None = field(default=None, init=False, repr=False)
    #: Sentence -> whether it describes: a sentence holding several cues is tested once.
    _seen: dict[str, bool] = field(default_factory=dict, init=False, repr=False)

    def reason(self, sentence: str, phrase: str) -> str:
        """Why context lowers a cue in this sentence: "quoted", "informational" or "" (a cue's
        piece may also read as a "template": see templates.py)."""
        if phrase and _quoted(sentence, phrase, self.quoted_max_words, self.own_copy):
            return "quoted"
        return "informational" if self.describes(sentence) else ""

    def describes(self, sentence: str) -> bool:
        """The sentence defines, documents, reports or contracts rather than pitches."""
        found = self._seen.get(sentence)
        if found is None:
            if len(self._seen) >= 4096:
                self._seen.clear()
            found = self._seen[sentence] = self._test(sentence)
        return found

    def _test(self, sentence: str) -> bool:
        if self._needs is None:
            from .regexfilter import required_literals

            self._needs = tuple(None if words is None else tuple(w.casefold() for w in words)
                                for words in map(required_literals, self.informational))
        # Case-folded, a sentence holds a needed word wherever the case-insensitive pattern
        # could find it.
        folded = sentence.casefold()
        return any(rx.search(sentence) for rx, words in zip(self.informational, self._needs,
                                                            strict=True)
                   if words is None or any(w in folded for w in words))


#: A quotation: its marks are not inside a word, so in a quote that nests another ("To the
#: fans who loved the "Late Night" playlist") the inner opening mark does not close the outer.
#: Single marks quote too ("'only 2 left!' counters"); an apostrophe inside a word ("don't")
#: neither opens nor closes one.
_QUOTE = re.compile(r"""(?<!\w)"([^"\n]{1,200})"(?!\w)|(?<!\w)'([^'\n]{1,200})'(?!\w)""")


def _quoted(sentence: str, phrase: str, max_words: int,
            own_copy: re.Pattern[str] | None = None) -> bool:
    """The phrase sits in a short quotation inside a longer sentence (a mention, not a use),
    one that neither a copy field's label nor the writer's own offer introduces (``own_copy``:
    'Headline: "..."' sets out the copy itself, 'we offer a "no questions asked" refund' is the
    offer)."""
    # Most sentences hold no mark that could open a quotation (an apostrophe inside "don't"
    # cannot): no call into the regex engine.
    if '"' not in sentence and " '" not in sentence and not sentence.startswith("'"):
        return False
    quotes = list(_QUOTE.finditer(sentence))
    # A mention is framed by words of its own ("sites love "only 2 left" banners"); a line of
    # bare quotations ("booked 8 times today", "last room") is the copy itself, set out.
    if not quotes or len(_QUOTE.sub(" ", sentence).split()) < 3:
        return False
    for m in quotes:
        inner = m.group(1) or m.group(2)
        if own_copy is not None and own_copy.search(sentence, 0, m.start()):
            continue
        if phrase.lower() in inner.lower() and len(inner.split()) <= max_words \
                and len(sentence.strip().strip("\"'").split()) > len(inner.split()) + 2:
            return True
    return False


@lru_cache(maxsize=1)
def context_factors() -> dict[str, float]:
    """What each context reason multiplies a cue's weight by. Numbers only: the process that
    sums a long piece's scores compiles none of the patterns that found the reasons."""
    data = language_data()
    ctx = data["context"]
    # A policy, release-notes or explainer page (see pagekinds) informs as an informational
    # sentence does.
    informs = float(ctx["factor"])
    return {"": 1.0, "informational": informs, "policy": informs, "release-notes": informs,
            "explainer": informs,
            "quoted": float(ctx["quoted_factor"]),
            "documentation": float(data["docs"]["factor"]),
            "template": float(data["template"]["factor"])}


def _own_copy(ctx: dict) -> re.Pattern[str] | None:
    """One pattern for what introduces a quotation of the copy itself (see ContextRules)."""
    parts = [f"(?:{ctx[key]})" for key in ("copy_fields", "own_offer") if ctx.get(key)]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


@lru_cache(maxsize=1)
def context_rules() -> ContextRules:
    ctx = language_data()["context"]
    return ContextRules(
        quoted_max_words=int(ctx["quoted_max_words"]),
        own_copy=_own_copy(ctx),
        informational=tuple(re.compile(rx, re.IGNORECASE | re.MULTILINE)
                            for rx in ctx["informational"]),
    )
